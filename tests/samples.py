"""Parameter values with which every stored query is run in the engine-conformance tests:
the examples that the query headers give."""

from crdkg.catalogue import load_catalogue

SAMPLE_PARAMS = {q.name: q.example_params() for q in load_catalogue() if q.example_params()}
