"""Parameter values with which every stored query is run in the engine-conformance tests:
the examples that the query headers give, and a value for every parameter."""

from crdkg.catalogue import StoredQuery, load_catalogue

SAMPLE_PARAMS = {q.name: q.example_params() for q in load_catalogue() if q.example_params()}

#: a value other than the default for each optional parameter, by hand
OTHER_VALUES = {"lang": "zh", "class": "ProvincialDivision", "strategy": "strategy:western-development"}


def every_parameter(query: StoredQuery) -> dict[str, str]:
    """A value for each parameter of ``query``: its example, or one of :data:`OTHER_VALUES`
    (Sichuan, the example of find-resource, is a ProvincialDivision)."""
    values = query.example_params()
    for p in query.params:
        if p.name not in values:
            values[p.name] = OTHER_VALUES[p.name]
    return values
