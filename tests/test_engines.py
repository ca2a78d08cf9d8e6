"""The embedded engines agree: every stored query gives the same rows on pyoxigraph and on
rdflib (in order where the query has ORDER BY)."""

from __future__ import annotations

import pytest

from crdkg.catalogue import load_catalogue
from crdkg.compare import comparable
from crdkg.querying import run_stored
from samples import SAMPLE_PARAMS

CATALOGUE = load_catalogue()


@pytest.mark.parametrize("name", CATALOGUE.names())
def test_oxigraph_and_rdflib_agree(name, engine, rdflib_engine):
    query = CATALOGUE[name]
    params = SAMPLE_PARAMS.get(name, {})
    a = run_stored(query, engine, params)
    b = run_stored(query, rdflib_engine, params)
    assert a.variables == b.variables
    assert comparable(a, ordered=query.ordered) == comparable(b, ordered=query.ordered)
    assert a.form == "ask" or len(a) > 0, f"{name} returns nothing with its sample parameters"


def test_every_query_with_required_parameters_has_samples():
    for q in CATALOGUE:
        if any(p.required and p.default is None for p in q.params):
            assert q.name in SAMPLE_PARAMS, q.name
