"""Exports: deterministic bytes, named graphs per part, JSON-LD that round-trips, and a
VoID/DCAT description made from the graph."""

from __future__ import annotations

import hashlib
import json

import pyoxigraph as ox
import pytest

from conftest import run_cli
from crdkg.export import canonical_quads, export_graph
from crdkg.namespaces import GRAPHS

VOID = "http://rdfs.org/ns/void#"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    export_graph(out)
    return out


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_input_same_bytes(exported, tmp_path):
    """The command line's N-Quads (every quad, blank nodes labelled canonically) are the API's;
    every format is built twice and compared in tests/test_release.py."""
    r = run_cli("export", "--format", "nq", "--out", str(tmp_path))
    assert r.code == 0, r.err
    assert _digest(tmp_path) == {"crdkg.nq": _digest(exported)["crdkg.nq"]}


def test_files_and_named_graphs(exported, kg):
    names = {p.name for p in exported.iterdir()}
    assert {"crdkg.nq", "crdkg.trig", "crdkg.jsonld", "context.jsonld", "data.nt", "ontology.ttl",
            "shapes.nt", "statistics.nt", "statistics.ttl", "places.nt", "census.nt", "description.ttl"} <= names
    quads = list(ox.parse(path=str(exported / "crdkg.nq")))
    graphs = {q.graph_name.value for q in quads}
    assert graphs == {GRAPHS[p] for p in ("ontology", "shapes", "data", "statistics", "places", "census", "description")}
    statistics = list(ox.parse(path=str(exported / "statistics.nt")))
    assert len(statistics) == kg.count(["statistics"])
    # 744 + 589 + 775 observations (the rows of the two reference CSV files)
    assert sum(1 for t in statistics if t.object.value == "http://purl.org/linked-data/cube#Observation") == 2108
    assert sum(1 for q in quads if q.graph_name.value == GRAPHS["data"]) == kg.count(["data"])
    data_nt = list(ox.parse(path=str(exported / "data.nt")))
    assert len(data_nt) == kg.count(["data"])


def test_trig_and_turtle_hold_the_same_quads(exported):
    nq = set(ox.parse(path=str(exported / "crdkg.nq")))
    trig = set(ox.parse(path=str(exported / "crdkg.trig")))
    assert {str(q) for q in nq} == {str(q) for q in trig}
    ttl = {str(ox.Triple(q.subject, q.predicate, q.object)) for q in ox.parse(path=str(exported / "data.ttl"))}
    assert ttl == {str(ox.Triple(q.subject, q.predicate, q.object)) for q in nq if q.graph_name.value == GRAPHS["data"]}


def test_jsonld_round_trips_and_reads_well(exported):
    doc = json.loads((exported / "crdkg.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"]["label"] == {"@id": "rdfs:label", "@container": "@language"}
    data = next(g for g in doc["@graph"] if g["id"] == GRAPHS["data"])["@graph"]
    sichuan = next(n for n in data if n["id"] == "division:510000")
    assert sichuan["label"] == {"en": "Sichuan", "zh": "四川省"}
    assert sichuan["type"] == ["crd:Province"]
    assert sichuan["crd:divisionCode"] == ["510000"]
    jsonld = {str(q) for q in ox.parse(path=str(exported / "crdkg.jsonld"))}
    nq = {str(q) for q in ox.parse(path=str(exported / "crdkg.nq"))}
    assert jsonld == nq


def test_void_and_dcat_description(exported, kg):
    quads = [q for q in ox.parse(path=str(exported / "crdkg.nq")) if q.graph_name.value == GRAPHS["description"]]
    ds = ox.NamedNode("https://w3id.org/crdkg/dataset")
    props = {}
    for q in quads:
        if q.subject == ds:
            props.setdefault(q.predicate.value, []).append(q.object)
    types = {t.value for t in props["http://www.w3.org/1999/02/22-rdf-syntax-ns#type"]}
    assert types == {VOID + "Dataset", "http://www.w3.org/ns/dcat#Dataset"}
    assert props["http://purl.org/dc/terms/license"][0].value == "https://creativecommons.org/licenses/by/4.0/"
    assert props["http://www.w3.org/2002/07/owl#versionInfo"][0].value == "0.1.0"
    total = int(props[VOID + "triples"][0].value)
    assert total == kg.count(["ontology", "data", "statistics", "places", "census"]) + \
        sum(1 for q in ox.parse(path=str(exported / "shapes.nt")))
    assert len(props[VOID + "subset"]) == 6
    assert len(props[VOID + "classPartition"]) > 20 and len(props[VOID + "propertyPartition"]) > 20
    # the property partitions count over the graphs the dataset holds, as its void:triples does
    partitions = {q.object for q in quads if q.subject == ds and q.predicate.value == VOID + "propertyPartition"}
    assert sum(int(q.object.value) for q in quads
               if q.subject in partitions and q.predicate.value == VOID + "triples") == total
    assert props[VOID + "exampleResource"]
    # the class partition of provinces counts the 23 provinces
    province = next(q.subject for q in quads if q.predicate.value == VOID + "class"
                    and q.object.value == "https://w3id.org/crdkg/ontology#Province")
    entities = next(q.object for q in quads if q.subject == province and q.predicate.value == VOID + "entities")
    assert entities.value == "23"
    observation = next(q.subject for q in quads if q.predicate.value == VOID + "class"
                       and q.object.value == "http://purl.org/linked-data/cube#Observation")
    entities = next(q.object for q in quads if q.subject == observation and q.predicate.value == VOID + "entities")
    assert entities.value == str(2108 + 3159 + 3026)  # year-end and census figures


def test_blank_node_labels_do_not_depend_on_parse_order():
    ex = "https://example.org/"

    def dataset(order):
        b1, b2 = ox.BlankNode(), ox.BlankNode()
        quads = [ox.Quad(ox.NamedNode(ex + "s"), ox.NamedNode(ex + "p"), b1),
                 ox.Quad(b1, ox.NamedNode(ex + "q"), ox.Literal("one")),
                 ox.Quad(ox.NamedNode(ex + "s"), ox.NamedNode(ex + "p"), b2),
                 ox.Quad(b2, ox.NamedNode(ex + "q"), ox.Literal("two"))]
        return [quads[i] for i in order]

    a = canonical_quads(dataset([0, 1, 2, 3]))
    b = canonical_quads(dataset([3, 2, 1, 0]))
    assert [str(q) for q in a] == [str(q) for q in b]


def test_unknown_format():
    r = run_cli("export", "--format", "xml")
    assert r.code == 2 and "invalid choice" in r.err


def test_split_iri_is_the_longest_namespace_whose_local_name_passes(kg):
    """split_iri looks namespaces up by the IRI's cuts after / and #: the same answer as
    trying every prefix, for every IRI of the graph and some made-up ones."""
    from crdkg.namespaces import PREFIXES, split_iri

    assert all(ns.endswith(("/", "#")) for ns in PREFIXES.values())  # what the look-up relies on

    def by_every_prefix(iri, ok=bool):
        found = [(len(ns), p) for p, ns in PREFIXES.items() if iri.startswith(ns) and len(ns) < len(iri)
                 and ok(iri[len(ns):])]
        return None if not found else (max(found)[1], iri[max(found)[0]:])

    iris = {t.value for q in kg.quads() for t in (q.subject, q.predicate, q.object) if isinstance(t, ox.NamedNode)}
    iris |= {"https://w3id.org/crdkg/ontology#", "https://w3id.org/crdkg/id/a/b#c", "urn:x", "", "/", "#",
             "https://w3id.org/crdkg/id/division/", "http://www.w3.org/2001/XMLSchema#string/x"}
    no_slash = lambda local: "/" not in local  # noqa: E731
    assert len(iris) > 10_000
    for iri in iris:
        assert split_iri(iri) == by_every_prefix(iri), iri
        assert split_iri(iri, no_slash) == by_every_prefix(iri, no_slash), iri
