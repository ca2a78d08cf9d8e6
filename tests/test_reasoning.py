"""The ontology and data are consistent under OWL 2 RL reasoning: after the closure no
resource is in two disjoint classes, and nothing is an owl:Nothing."""

from __future__ import annotations

import itertools

import pytest
import rdflib
from rdflib import URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF

from crdkg import resources

#: runs a reference engine (pySHACL, a reasoner or the OWL API) beside crdkg: not in `make test-fast`
pytestmark = pytest.mark.reference

CRD = rdflib.Namespace("https://w3id.org/crdkg/ontology#")


def _disjoint_pairs(g: rdflib.Graph) -> set[tuple[URIRef, URIRef]]:
    pairs = set()
    for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(g, g.value(node, OWL.members)))
        pairs |= {tuple(sorted(p)) for p in itertools.combinations(members, 2)}
    pairs |= {tuple(sorted(p)) for p in g.subject_objects(OWL.disjointWith)}
    return pairs


def _clashes(g: rdflib.Graph) -> list[tuple]:
    import owlrl

    closure = rdflib.Graph()
    for t in g:
        closure.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    clashes = [(s, "owl:Nothing") for s in closure.subjects(RDF.type, OWL.Nothing)]
    for a, b in _disjoint_pairs(g):
        both = set(closure.subjects(RDF.type, a)) & set(closure.subjects(RDF.type, b))
        clashes += [(s, a, b) for s in both]
    return clashes


@pytest.fixture(scope="module")
def shipped() -> rdflib.Graph:
    g = rdflib.Graph()
    for f in [*resources.ontology_files(), *resources.data_files()]:
        g.parse(f)
    return g


def test_top_classes_are_declared_disjoint(shipped):
    pairs = _disjoint_pairs(shipped)
    for a, b in [(CRD.Region, CRD.Task), (CRD.Goal, CRD.Strategy), (CRD.Initiative, CRD.Task),
                 (CRD.Mechanism, CRD.Goal), (CRD.Passage, CRD.Document), (CRD.Province, CRD.Municipality)]:
        assert tuple(sorted((a, b))) in pairs, (a, b)


def test_consistent_under_owl_rl(shipped):
    assert _clashes(shipped) == []


def test_a_clash_is_found():
    """The check can fail: a resource that is both a region and a task is caught, also when
    the clash is only inferred (through a property's domain)."""
    g = rdflib.Graph()
    for f in resources.ontology_files():
        g.parse(f)
    x = URIRef("https://example.org/x")
    g.add((x, RDF.type, CRD.Province))
    g.add((x, CRD.hasTask, URIRef("https://example.org/t")))  # domain: crd:Strategy
    clashes = _clashes(g)
    assert any(c[0] == x for c in clashes)


@pytest.mark.parametrize("inference", ["none", "rdfs", "owlrl"])
def test_the_shipped_graph_conforms_under_every_inference(inference):
    """Under OWL RL, owl:sameAs to Wikidata made each region one resource with its Wikidata
    IRI, doubling what the shapes count once (76 violations). The links are skos:exactMatch."""
    from crdkg.validation import validate

    report = validate(inference=inference)
    assert [(r.severity, r.focus, r.source) for r in report.results] == []
