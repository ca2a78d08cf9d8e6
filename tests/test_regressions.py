"""One regression test per bug that was fixed, named after what broke."""

from __future__ import annotations

import pyoxigraph as ox

from crdkg.catalogue import load_catalogue
from crdkg.querying import run_stored

XSD = "http://www.w3.org/2001/XMLSchema#"


def test_oxigraph_stores_positive_integers_as_integers():
    """Why passage numbers are xsd:integer: an Oxigraph store (embedded or server) keeps
    "1"^^xsd:positiveInteger as "1"^^xsd:integer, so a shape asking for positiveInteger
    failed on data read back from the store. If this ever stops holding, the ontology may
    go back to xsd:positiveInteger."""
    store = ox.Store()
    one = ox.Literal("1", datatype=ox.NamedNode(XSD + "positiveInteger"))
    store.add(ox.Quad(ox.NamedNode("https://e/s"), ox.NamedNode("https://e/p"), one))
    (quad,) = list(store)
    assert quad.object.datatype.value == XSD + "integer"


def test_area_span_iris_do_not_collide_between_area_and_cluster(kg):
    """The Beijing-Tianjin-Hebei area and city cluster both span Beijing; their span records
    once had the same IRI, which merged two records into one with two spanOf values."""
    res = kg.store.query("""PREFIX crd: <https://w3id.org/crdkg/ontology#>
        SELECT ?span (COUNT(DISTINCT ?area) AS ?n) WHERE { ?span crd:spanOf ?area } GROUP BY ?span HAVING (COUNT(DISTINCT ?area) > 1)""",
                         default_graph=kg.query_graphs())
    assert list(res) == []


def test_language_parameter_reaches_labels_in_nested_optionals(engine):
    """Parameters bound as a VALUES block at the top of the WHERE group did not reach a
    FILTER inside an OPTIONAL nested in another OPTIONAL: the tasks query lost its labels."""
    result = run_stored(load_catalogue()["tasks"], engine, {"lang": "zh"})
    labels = [r["item_label"] for r in result.records()]
    assert labels and all(label is not None for label in labels)
    assert "西部地区" in {label.value for label in labels}


def test_parameter_in_union_branches_is_a_constant():
    """With a VALUES block only at the top, a parameter used inside UNION branches was unbound
    there, so `?region geo:sfWithin* ?via` enumerated every node of the graph."""
    from crdkg.sparqltext import substitute

    query = load_catalogue()["targeting-region"]
    out = substitute(query.text, query.bindings({"region": ox.NamedNode("https://w3id.org/crdkg/id/division/510000")}))
    assert "?_region_iri" not in out and query.text.count("?_region_iri") >= 3
    assert out.count("<https://w3id.org/crdkg/id/division/510000>") == query.text.count("?_region_iri")


def test_a_change_to_the_lexer_did_not_take_effect_for_unchanged_queries(tmp_path, monkeypatch):
    """The header cache was keyed by __version__ (0.1.0 for 93 commits) and the text: it is now
    keyed by a digest of the code that works headers out, so a code change reads them anew."""
    from crdkg import catalogue

    monkeypatch.setenv("CRDKG_CACHE_DIR", str(tmp_path))
    text = "#+ summary: s\nSELECT ?x WHERE { ?x ?p ?o }\n"
    catalogue._header(text, "q.rq")
    assert len(list((tmp_path / "headers").iterdir())) == 1
    monkeypatch.setattr(catalogue, "_FINGERPRINT", [b"the code changed"])
    catalogue._header(text, "q.rq")
    assert len(list((tmp_path / "headers").iterdir())) == 2


def test_the_tests_read_and_wrote_the_user_s_own_cache():
    import os
    import tempfile

    folder = os.environ["CRDKG_CACHE_DIR"]
    assert os.path.basename(folder).startswith("crdkg-test-cache-")
    assert os.path.dirname(folder) == tempfile.gettempdir()
