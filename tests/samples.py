"""Parameter values with which every stored query is run in the engine-conformance tests."""

SAMPLE_PARAMS = {
    "divisions-in-region": {"region": "west"},
    "division-profile": {"division": "510000"},
    "targeting-region": {"region": "Xiong County"},
    "evidence": {"resource": "task:western-development"},
    "search": {"text": "长江"},
    "describe-resource": {"resource": "area:xiongan-new-area"},
    "find-resource": {"text": "Sichuan"},
}
