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


def test_verify_queries_failed_on_virtuoso_s_six_digit_doubles():
    """A store that writes doubles with six significant digits agrees (Virtuoso: 0.302691 for
    0.30269102371378276, rounded either way at the sixth); a real difference does not."""
    import pyoxigraph as ox

    from crdkg.compare import agree
    from crdkg.engines.base import QueryResult

    def result(*values):
        double = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")
        return QueryResult(form="select", variables=("year", "cv"),
                           rows=tuple((ox.Literal(str(2000 + i)), ox.Literal(v, datatype=double))
                                      for i, v in enumerate(values)))

    ours = result("0.30269102371378276", "0.1234565")
    assert agree(ours, result("0.302691", "0.123456"), ordered=True)
    assert agree(ours, result("0.302691", "0.123457"), ordered=True)
    assert not agree(ours, result("0.3027", "0.123456"), ordered=True)
    assert not agree(ours, result("0.302691"), ordered=True)
