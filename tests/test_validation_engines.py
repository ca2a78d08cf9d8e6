"""The two validation engines agree: shapes compiled to SPARQL on Oxigraph (the default)
and pySHACL (the reference). Every shape example runs through both and must give the same
results, field for field; SHACL features beyond the shipped shapes have their own cases,
each with the results expected by hand; features the compiler does not cover go to pySHACL."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from crdkg.errors import InputError
from crdkg.validation import validate
from crdkg.validation.compiled import ShapesGraph, compile_shapes

#: runs a reference engine (pySHACL, a reasoner or the OWL API) beside crdkg: not in `make test-fast`
pytestmark = pytest.mark.reference

EXAMPLES = Path(__file__).parent / "shapes"
SH = "http://www.w3.org/ns/shacl#"
EX = "https://example.org/case/"
PREFIXES = f"""@prefix ex: <{EX}> .
@prefix sh: <{SH}> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _both(*, messages: bool = True, **kwargs) -> tuple[list, list]:
    """The results of both engines, sorted; without messages if ``messages`` is false (the
    engines word the messages of shapes that have no sh:message differently)."""
    def comparable(r):  # each run parses anew, so blank nodes have new labels
        def unlabel(text):
            return "_:" if text and text.startswith("_:") else text

        return replace(r, focus=unlabel(r.focus), value=unlabel(r.value), source=unlabel(r.source),
                       message=r.message if messages else "")

    out = []
    for engine in ("sparql", "pyshacl"):
        results = validate(engine=engine, checks=False, **kwargs).results
        out.append(sorted((comparable(r) for r in results), key=repr))
    return out[0], out[1]


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*-*valid.ttl")))
def test_every_shape_example_gives_the_same_results_in_both_engines(example):
    path = EXAMPLES / example
    if example.startswith(("Ontology", "Term")):
        compiled, reference = _both(files=[path], with_ontology=False)
    else:
        compiled, reference = _both(files=[EXAMPLES / "_base.ttl", path])
    assert compiled == reference
    assert bool(compiled) == example.endswith("-invalid.ttl")


def test_the_shipped_graph_gives_the_same_results_in_both_engines():
    compiled, reference = _both()
    assert compiled == reference == []


# -- SHACL features beyond the shipped shapes ---------------------------------------------
# Each case: shapes, data, and the results expected (focus, component), written from the
# SHACL specification, not from either engine's output.

CASES = {
    "datatype-ill-typed": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path ex:n ; sh:datatype xsd:integer ] ;"
        " sh:property [ sh:path ex:d ; sh:datatype xsd:date ] ; sh:property [ sh:path ex:s ; sh:datatype xsd:string ] .",
        'ex:a a ex:T ; ex:n "5"^^xsd:integer ; ex:d "2021-02-03"^^xsd:date ; ex:s "plain" .\n'
        'ex:b a ex:T ; ex:n "abc"^^xsd:integer ; ex:d "2021-13-45"^^xsd:date ; ex:s "tagged"@en .',
        [("b", "Datatype")] * 3,  # "abc" integer, month 13, a tagged string
    ),
    "value-components": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:T ;"
        " sh:property [ sh:path ex:k ; sh:nodeKind sh:BlankNodeOrIRI ] ;"
        ' sh:property [ sh:path ex:c ; sh:in ( ex:red "green" 3 ) ] ;'
        " sh:property [ sh:path ex:v ; sh:minExclusive 0 ; sh:maxExclusive 10 ] ;"
        " sh:property [ sh:path ex:w ; sh:maxLength 3 ] ;"
        ' sh:property [ sh:path ex:code ; sh:pattern "^ab" ; sh:flags "i" ] .',
        'ex:a a ex:T ; ex:k ex:x , [] ; ex:c ex:red , "green" , 3 ; ex:v 5 ; ex:w "abc" ; ex:code "ABx" .\n'
        'ex:b a ex:T ; ex:k "lit" ; ex:c "red" ; ex:v 10 , "x" ; ex:w "abcd" ; ex:code "xab" .',
        # 10 is not below 10; "x" compares with no number, so it fails both bounds
        [("b", "NodeKind"), ("b", "In"), ("b", "MaxExclusive"), ("b", "MaxExclusive"), ("b", "MinExclusive"),
         ("b", "MaxLength"), ("b", "Pattern")],
    ),
    "logical": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:T ;"
        " sh:not [ sh:class ex:Banned ] ;"
        " sh:and ( [ sh:property [ sh:path ex:p ; sh:minCount 1 ] ] [ sh:property [ sh:path ex:q ; sh:minCount 1 ] ] ) ;"
        " sh:or ( [ sh:property [ sh:path ex:r ; sh:minCount 2 ] ] [ sh:property [ sh:path ex:s ; sh:maxCount 0 ] ] ) .",
        "ex:a a ex:T ; ex:p 1 ; ex:q 1 ; ex:r 1 , 2 ; ex:s 1 .\n"
        "ex:b a ex:T , ex:Banned ; ex:p 1 ; ex:r 1 ; ex:s 1 .\n"
        "ex:c a ex:T ; ex:p 1 ; ex:q 1 .",
        [("b", "Not"), ("b", "And"), ("b", "Or")],  # c has no ex:s: maxCount 0 holds
    ),
    "paths": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:T ;"
        " sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] ;"
        " sh:property [ sh:path [ sh:alternativePath ( ex:x ex:y ) ] ; sh:maxCount 1 ] ;"
        " sh:property [ sh:path [ sh:zeroOrMorePath ex:up ] ; sh:class ex:Node ] ;"
        " sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:maxCount 0 ] .",
        "ex:a a ex:T , ex:Node ; ex:p ex:m ; ex:x 1 ; ex:up ex:n .  ex:m ex:q ex:o .  ex:n a ex:Node .\n"
        "ex:b a ex:T , ex:Node ; ex:p ex:m2 ; ex:x 1 ; ex:y 2 ; ex:up ex:z .  ex:z ex:up ex:a .\n"
        "ex:b2 ex:p ex:b .",
        # no p/q value; x and y; ex:z on the up* chain; b2 points at b with ex:p
        [("b", "MinCount"), ("b", "MaxCount"), ("b", "Class"), ("b", "MaxCount")],
    ),
    "targets": (
        "ex:S1 a sh:NodeShape ; sh:targetObjectsOf ex:knows ; sh:class ex:Person .\n"
        "ex:Person a rdfs:Class , sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .\n"
        "ex:S2 a sh:NodeShape ; sh:targetNode ex:ghost ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .",
        'ex:a a ex:Person ; ex:name "A" ; ex:knows ex:b , ex:c .\n'
        "ex:Sub rdfs:subClassOf ex:Person .\n"
        "ex:b a ex:Sub .\n"
        'ex:c ex:name "C" .',
        # b is a Person through the subclass, so the implicit class target reaches it
        [("b", "MinCount"), ("c", "Class"), ("ghost", "MinCount")],
    ),
    "blank-focus-and-severity": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property ex:P .\n"
        "ex:P sh:path ex:label ; sh:minCount 1 ; sh:severity sh:Info ; sh:message \"needs a label\"@en .",
        'ex:a ex:has [ a ex:T ] , [ a ex:T ; ex:label "x" ] .',
        [("_", "MinCount")],
    ),
    "languages": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:T ;"
        ' sh:property [ sh:path ex:label ; sh:uniqueLang true ; sh:languageIn ( "en" "zh" ) ] ;'
        ' sh:property [ sh:path ex:label ; sh:qualifiedValueShape [ sh:languageIn ( "zh" ) ] ;'
        " sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 1 ] .",
        'ex:a a ex:T ; ex:label "A"@en , "甲"@zh-Hans .\n'
        'ex:b a ex:T ; ex:label "B"@en , "Bee"@EN , "乙"@zh , "乙二"@zh-TW , "B"@fr .',
        # "en" twice (case does not count); "fr" not allowed; zh and zh-TW both match "zh"
        [("b", "UniqueLang"), ("b", "LanguageIn"), ("b", "QualifiedMaxCount")],
    ),
    "sparql-constraints": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:T ;\n"
        " sh:sparql [ sh:prefixes ex:decl ; sh:message \"{$this} knows {?value}, who knows nobody\"@en ;"
        ' sh:select """SELECT $this ?value WHERE { $this ex:knows ?value .'
        ' OPTIONAL { ?value ex:knows ?other } FILTER(!BOUND(?other)) }""" ] ;\n'
        ' sh:sparql [ sh:select """PREFIX ex: <https://example.org/case/>\n'
        ' SELECT $this WHERE { OPTIONAL { $this ex:name ?n } FILTER(!BOUND(?n)) }""" ] ;\n'
        " sh:property [ sh:path ex:age ; sh:sparql [ sh:prefixes ex:decl ;"
        ' sh:select """SELECT $this ?value WHERE { $this $PATH ?value FILTER(?value < 0) }""" ] ] .\n'
        'ex:decl sh:declare [ sh:prefix "ex" ; sh:namespace "https://example.org/case/"^^xsd:anyURI ] .',
        'ex:a a ex:T ; ex:name "A" ; ex:knows ex:b ; ex:age 3 .\n'
        "ex:b a ex:T ; ex:knows ex:a , ex:c ; ex:age -1 .",
        # b knows ex:c, who knows nobody; b has no name; b's age is below 0
        [("b", "SPARQL"), ("b", "SPARQL"), ("b", "SPARQL")],
    ),
    "deactivated": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:deactivated true ] .\n"
        "ex:S2 a sh:NodeShape ; sh:targetClass ex:T ; sh:deactivated true ; sh:class ex:Nothing .",
        "ex:a a ex:T .",
        [],
    ),
    "pairs-and-closed": (
        "ex:Closed a sh:NodeShape ; sh:targetClass ex:T ; sh:closed true ; sh:ignoredProperties ( rdf:type ) ;"
        " sh:property [ sh:path ex:p ] , [ sh:path ex:start ; sh:lessThan ex:end ] , [ sh:path ex:end ] ,"
        " [ sh:path ex:q ; sh:equals ex:r ] , [ sh:path ex:r ; sh:disjoint ex:p ] ,"
        " [ sh:path ex:low ; sh:lessThanOrEquals ex:high ] , [ sh:path ex:high ] .\n"
        "ex:Nested a sh:NodeShape ; sh:targetClass ex:U ; sh:or ("
        " [ sh:property [ sh:path ex:start ; sh:lessThan ex:end ] ] [ sh:closed true ; sh:property [ sh:path ex:ok ] ] ) .",
        "ex:a a ex:T ; ex:p 1 ; ex:start 1 ; ex:end 2 ; ex:q 5 ; ex:r 5 ; ex:low 3 ; ex:high 3 .\n"
        'ex:b a ex:T ; ex:p 1 , 2 ; ex:start 5 ; ex:end 3 , 9 ; ex:q 5 , 6 ; ex:r 5 , 7 , 1 ; ex:low 4 ; ex:high 3 ;'
        ' ex:extra "x" .\n'
        "ex:c a ex:U ; ex:start 1 ; ex:end 2 .\n"
        "ex:d a ex:U ; ex:start 5 ; ex:end 2 ; ex:ok 1 .\n"
        "ex:e a ex:U .",
        # b: 5 is not below 3; q has 6 that r lacks, r has 7 and 1 that q lacks; 1 is both r and p;
        # 4 is above 3; ex:extra is not allowed. d: 5 is not below 2, and rdf:type is not allowed
        [("b", "LessThan"), ("b", "Equals"), ("b", "Equals"), ("b", "Equals"), ("b", "Disjoint"),
         ("b", "LessThanOrEquals"), ("b", "Closed"), ("d", "Or")],
    ),
    "runtime-fallback": (
        # the SPARQL constraint must run per focus node ($this inside OPTIONAL), which cannot
        # name a blank node: the whole shape goes to pySHACL, its property shape included
        "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path ex:name ; sh:minCount 1 ] ;"
        ' sh:sparql [ sh:select """PREFIX ex: <https://example.org/case/>\n'
        ' SELECT $this WHERE { OPTIONAL { $this ex:name ?n } FILTER(!BOUND(?n)) }""" ] .',
        '[ a ex:T ] .  ex:a a ex:T ; ex:name "A" .',
        [("_", "MinCount"), ("_", "SPARQL")],  # once each
    ),
    "qualified-disjoint": (
        "ex:Disjoint a sh:NodeShape ; sh:targetClass ex:T ; sh:property ex:Ints , ex:Strings .\n"
        "ex:Ints sh:path ex:p ; sh:qualifiedValueShape [ sh:datatype xsd:integer ] ;"
        " sh:qualifiedValueShapesDisjoint true ; sh:qualifiedMinCount 2 .\n"
        "ex:Strings sh:path ex:p ; sh:qualifiedValueShape [ sh:nodeKind sh:Literal ] ;"
        " sh:qualifiedValueShapesDisjoint true ; sh:qualifiedMaxCount 5 .",
        # every integer is a literal too, so with disjoint shapes no integer counts for ex:Ints
        "ex:a a ex:T ; ex:p 1 , 2 . ex:b a ex:T ; ex:p 1 , \"x\" .",
        [("a", "QualifiedMinCount"), ("b", "QualifiedMinCount")],
    ),
    "left-to-pyshacl": (
        "ex:Deep a sh:NodeShape ; sh:targetClass ex:T ; sh:node [ sh:property [ sh:path ex:p ; sh:minCount 4 ] ] .\n"
        "ex:Plain a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:maxCount 1 ] .",
        "ex:a a ex:T ; ex:p 1 , 2 .",
        [("a", "Node"), ("a", "MaxCount")],
    ),
}


def _write(tmp_path: Path, name: str) -> tuple[Path, Path]:
    shapes, data, _ = CASES[name]
    shapes_file, data_file = tmp_path / f"{name}-shapes.ttl", tmp_path / f"{name}-data.ttl"
    shapes_file.write_text(PREFIXES + shapes + "\n", encoding="utf-8")
    data_file.write_text(PREFIXES + data + "\n", encoding="utf-8")
    return shapes_file, data_file


def _short(result) -> tuple[str, str]:
    focus = "_" if result.focus.startswith("_:") else result.focus.removeprefix(EX)
    return focus, result.component.removeprefix(SH).removesuffix("ConstraintComponent")


@pytest.mark.parametrize("name", sorted(CASES))
def test_shacl_case(tmp_path, name):
    shapes_file, data_file = _write(tmp_path, name)
    compiled, reference = _both(files=[data_file], extra_shapes=[shapes_file], with_ontology=False, messages=False)
    assert compiled == reference
    # the shipped metadata shapes also run, and miss the ontology this case leaves out
    ours = [r for r in compiled if not r.source.startswith("https://w3id.org/crdkg/")]
    assert sorted(_short(r) for r in ours) == sorted(CASES[name][2])


def test_the_inverse_of_a_sequence_path_walks_the_sequence_backwards(tmp_path):
    """^(p/q) from x finds the nodes with a p/q path to x (SHACL 2.3.1.4: the inverse of any
    path). pySHACL 0.40 inverts each step but keeps their order, so this case is ours alone."""
    shapes_file, data_file = tmp_path / "shapes.ttl", tmp_path / "data.ttl"
    shapes_file.write_text(PREFIXES + "ex:S a sh:NodeShape ; sh:targetClass ex:T ;"
                           " sh:property [ sh:path [ sh:inversePath ( ex:p ex:q ) ] ; sh:maxCount 0 ] .\n",
                           encoding="utf-8")
    data_file.write_text(PREFIXES + "ex:a a ex:T .  ex:b a ex:T .  ex:c ex:p ex:m .  ex:m ex:q ex:b .\n",
                         encoding="utf-8")
    report = validate(files=[data_file], extra_shapes=[shapes_file], with_ontology=False, checks=False)
    ours = [r for r in report.results if r.source.startswith("_:")]
    assert [(r.focus, r.path) for r in ours] == [(EX + "b", f"^(<{EX}p>/<{EX}q>)")]


def test_sparql_messages_are_filled_in(tmp_path):
    shapes_file, data_file = _write(tmp_path, "sparql-constraints")
    report = validate(files=[data_file], extra_shapes=[shapes_file], with_ontology=False, checks=False)
    assert f"{EX}b knows {EX}c, who knows nobody" in [r.message for r in report.results]


def _plan(tmp_path: Path, name: str):
    shapes_file, _ = _write(tmp_path, name)
    store = ox.Store()
    store.load(path=str(shapes_file), format=ox.RdfFormat.TURTLE)
    return compile_shapes(ShapesGraph(store.quads_for_pattern(None, None, None)), store.query)


def test_shapes_with_features_not_compiled_go_to_pyshacl_whole(tmp_path):
    plan = _plan(tmp_path, "left-to-pyshacl")
    assert [s.value for s in plan.fallback] == [EX + "Deep"]
    assert all(plan.fallback.values())  # each with its reason
    assert [c.component for c in plan.checks] == [SH + "MaxCountConstraintComponent"]  # ex:Plain's


@pytest.mark.parametrize("name", sorted(set(CASES) - {"left-to-pyshacl", "runtime-fallback"}))
def test_the_cases_are_compiled(tmp_path, name):
    """The cases above test the compiler, not pySHACL twice."""
    plan = _plan(tmp_path, name)
    assert plan.fallback == {} and not plan.everything_to_pyshacl


def test_shipped_shapes_are_all_compiled():
    from crdkg.graph import load_graph

    graph = load_graph(parts=["shapes"])
    plan = compile_shapes(ShapesGraph(graph.quads()), graph.store.query)
    assert not plan.everything_to_pyshacl and plan.fallback == {}
    assert len(plan.checks) > 100 and plan.sparql


def test_rules_send_every_shape_to_pyshacl(tmp_path):
    shapes_file = tmp_path / "rules.ttl"
    shapes_file.write_text(PREFIXES + "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:rule [ a sh:TripleRule ;"
                           " sh:subject sh:this ; sh:predicate ex:p ; sh:object 1 ] .\n", encoding="utf-8")
    store = ox.Store()
    store.load(path=str(shapes_file), format=ox.RdfFormat.TURTLE)
    assert compile_shapes(ShapesGraph(store.quads_for_pattern(None, None, None)), store.query).everything_to_pyshacl


def test_a_shape_sparql_error_names_the_shapes_file(tmp_path):
    shapes_file, data_file = tmp_path / "bad-shapes.ttl", tmp_path / "data.ttl"
    shapes_file.write_text(PREFIXES + 'ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:sparql [ sh:select'
                           ' "SELECT $this WHERE { $this ex:p }" ] .\n', encoding="utf-8")
    data_file.write_text(PREFIXES + "ex:a a ex:T .\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"invalid shapes \(.*bad-shapes\.ttl\)"):
        validate(files=[data_file], extra_shapes=[shapes_file], with_ontology=False, checks=False)


def test_engine_and_inference_are_checked():
    from crdkg.errors import CrdkgError

    with pytest.raises(CrdkgError, match="unknown validation engine 'jena'"):
        validate(engine="jena")


def test_cli_engine_option(tmp_path):
    from conftest import run_cli

    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix crd: <https://w3id.org/crdkg/ontology#> .\n"
                   "<https://example.org/p> a crd:Province ; crd:divisionCode 12345 .\n", encoding="utf-8")
    outputs = {}
    for engine in ("sparql", "pyshacl"):
        r = run_cli("validate", str(bad), "--engine", engine, "--no-checks", "--format", "json")
        assert r.code == 1, r.err
        doc = json.loads(r.out)
        assert set(doc.pop("routes")) == {engine} and doc.pop("fallback") == {}
        outputs[engine] = doc
    assert outputs["sparql"] == outputs["pyshacl"]
    assert "DivisionCodeShape" in json.dumps(outputs["sparql"])
    r = run_cli("validate", "--engine", "jena")
    assert r.code == 2 and "invalid choice: 'jena'" in r.err


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_the_turtle_report_keeps_each_value_as_the_term_it_is(tmp_path, engine):
    """sh:value is the offending term itself: an integer stays an xsd:integer, a string that
    reads like an IRI stays a string (the report used to guess the term from its text)."""
    import rdflib
    from rdflib.namespace import SH, XSD

    from conftest import run_cli

    data = tmp_path / "typed.ttl"
    data.write_text("@prefix crd: <https://w3id.org/crdkg/ontology#> .\n"
                    '<https://example.org/a> a crd:CountyLevelDivision ; crd:divisionCode 110101 , "urn:x" .\n',
                    encoding="utf-8")
    r = run_cli("validate", str(data), "--engine", engine, "--no-checks", "--format", "turtle")
    assert r.code == 1, r.err
    g = rdflib.Graph().parse(data=r.out, format="turtle")
    values = {g.value(res, SH.value) for res in g.subjects(SH.sourceShape, rdflib.URIRef(
        "https://w3id.org/crdkg/shapes#CountyCodeShape")) if g.value(res, SH.value) is not None}
    assert rdflib.Literal("110101", datatype=XSD.integer) in values
    assert rdflib.Literal("urn:x") in values and rdflib.URIRef("urn:x") not in values
