"""Validation bugs that the W3C SHACL test suite and hostile shapes found: one test per bug,
named after what broke, each through both engines where both should give the answer."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from conftest import run_cli
from crdkg.errors import QueryError
from crdkg.validation import validate
from crdkg.validation.report import render_turtle

SH = "http://www.w3.org/ns/shacl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "https://example.org/case/"
PREFIXES = f"""@prefix ex: <{EX}> .
@prefix sh: <{SH}> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <{XSD}> .
"""
ENGINES = ("sparql", "pyshacl")


def _files(tmp_path: Path, shapes: str, data: str) -> tuple[Path, Path]:
    s, d = tmp_path / "shapes.ttl", tmp_path / "data.ttl"
    s.write_text(PREFIXES + shapes + "\n", encoding="utf-8")
    d.write_text(PREFIXES + data + "\n", encoding="utf-8")
    return s, d


def _run(tmp_path: Path, shapes: str, data: str, engine: str):
    s, d = _files(tmp_path, shapes, data)
    return validate(files=[d], extra_shapes=[s], shapes_only=True, engine=engine)


def _found(report) -> list[tuple]:
    """(focus, component, value) of each result, without namespaces, sorted."""
    def short(text):
        return None if text is None else text.removeprefix(EX).removeprefix(SH)

    return sorted((short(r.focus), short(r.component).removesuffix("ConstraintComponent"), short(r.value))
                  for r in report.results)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_pyshacl_fallback_keeps_the_nested_shapes_a_shape_names_by_iri(tmp_path, engine):
    """A shape sent to pySHACL alone (use_shapes) lost the shapes it named by IRI, so ex:a
    conformed; now pySHACL gets every shape, and only the fallback's shapes keep targets."""
    shapes = ("ex:Top a sh:NodeShape ; sh:targetClass ex:T ; sh:node ex:Named ;"
              " sh:node [ sh:property [ sh:path ex:q ; sh:maxCount 4 ] ] .\n"  # a count the compiler leaves to pySHACL
              "ex:Named a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .\n"
              "ex:Other a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path ex:r ; sh:maxCount 0 ] .")
    report = _run(tmp_path, shapes, "ex:a a ex:T ; ex:r 1 .", engine)
    assert _found(report) == [("a", "MaxCount", None), ("a", "Node", "a")]
    if engine == "sparql":
        assert list(report.fallback) == [EX + "Top"] and report.routes == {"sparql": [EX + "Other"],
                                                                            "pyshacl": [EX + "Top"]}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_constraint_component_declared_through_a_subclass_is_not_ignored(tmp_path, engine):
    shapes = ("ex:MyComponents rdfs:subClassOf sh:ConstraintComponent .\n"
              "ex:Forbidden a ex:MyComponents ; sh:parameter [ sh:path ex:forbidden ] ;"
              " sh:validator [ a sh:SPARQLAskValidator ; sh:ask \"ASK { FILTER(?value != $forbidden) }\" ] .\n"
              "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; ex:forbidden \"bad\" ] .")
    report = _run(tmp_path, shapes, 'ex:a ex:p "bad" , "good" .', engine)
    # one result, for "bad" (pySHACL 0.40 gives an ASK validator's result no sh:value)
    assert [(r.focus, r.component) for r in report.results] == [(EX + "a", EX + "Forbidden")]
    assert report.routes == {"pyshacl": [EX + "S"]}


@pytest.mark.parametrize("engine", ENGINES)
def test_datatype_xsd_int_long_short_byte_are_checked_not_refused(tmp_path, engine):
    """sh:datatype xsd:int made the default engine exit 2 ("invalid shapes"): Oxigraph has no
    xsd:int cast. The lexical form and the range of each derived type are checked."""
    shapes = "\n".join(f"ex:{t} a sh:NodeShape ; sh:targetSubjectsOf ex:{t} ; sh:property [ sh:path ex:{t} ;"
                       f" sh:datatype xsd:{t} ] ." for t in ("int", "long", "short", "byte"))
    data = ('ex:ok ex:int "5"^^xsd:int , "-2147483648"^^xsd:int ; ex:long "9223372036854775807"^^xsd:long ;'
            ' ex:short "+12"^^xsd:short ; ex:byte "127"^^xsd:byte .\n'
            'ex:bad ex:int "5"^^xsd:integer , "2147483648"^^xsd:int , "abc"^^xsd:int , "1.0"^^xsd:int ;'
            ' ex:short "40000"^^xsd:short ; ex:byte "-129"^^xsd:byte .')
    report = _run(tmp_path, shapes, data, engine)
    assert _found(report) == sorted(("bad", "Datatype", v) for v in ("5", "2147483648", "abc", "1.0", "40000", "-129"))
    assert {r.value_term for r in report.results} >= {ox.Literal("5", datatype=ox.NamedNode(XSD + "integer")),
                                                     ox.Literal("1.0", datatype=ox.NamedNode(XSD + "int"))}


@pytest.mark.parametrize("engine", ENGINES)
def test_values_are_checked_and_reported_as_written_not_as_the_store_rewrites_them(tmp_path, engine):
    """The Oxigraph store rewrites "5"^^xsd:int as xsd:integer, "4.0" as "4", "1"^^xsd:boolean
    as "true": both engines reported false sh:datatype violations on valid data."""
    shapes = ("ex:S a sh:NodeShape ; sh:targetNode ex:a ;"
              " sh:property [ sh:path ex:int ; sh:datatype xsd:int ; sh:minInclusive 5 ] ;"
              " sh:property [ sh:path ex:dec ; sh:datatype xsd:decimal ; sh:maxExclusive 4.5 ; sh:in ( 4.0 ) ] ;"
              " sh:property [ sh:path ex:flag ; sh:datatype xsd:boolean ; sh:hasValue \"1\"^^xsd:boolean ] ;"
              " sh:property [ sh:path ex:n ; sh:maxCount 1 ] .")
    valid = ('ex:a ex:int "5"^^xsd:int ; ex:dec 4.0 ; ex:flag "1"^^xsd:boolean ;'
             ' ex:n "01"^^xsd:integer .')
    assert _run(tmp_path, shapes, valid, engine).results == []
    # "4.00" is not the term 4.0 of sh:in; "true" is not "1"; "01" and "1" are two values
    invalid = ('ex:a ex:int "5"^^xsd:int ; ex:dec 4.00 ; ex:flag "true"^^xsd:boolean ;'
               ' ex:n "01"^^xsd:integer , "1"^^xsd:integer .')
    report = _run(tmp_path, shapes, invalid, engine)
    assert _found(report) == [("a", "HasValue", None), ("a", "In", "4.00"), ("a", "MaxCount", None)]
    (in_result,) = [r for r in report.results if r.component == SH + "InConstraintComponent"]
    assert in_result.value_term == ox.Literal("4.00", datatype=ox.NamedNode(XSD + "decimal"))
    graph = rdflib.Graph().parse(data=render_turtle(report), format="turtle")
    assert rdflib.Literal("4.00", datatype=rdflib.XSD.decimal, normalize=False) in set(
        graph.objects(None, rdflib.URIRef(SH + "value")))
    assert "4.00" in render_turtle(report)


@pytest.mark.parametrize("engine", ENGINES)
def test_bound_this_in_a_sparql_constraint_runs(tmp_path, engine):
    """Substituting $this made "FILTER bound($this)" into "FILTER true", which does not parse."""
    shapes = ("ex:S a sh:NodeShape ; sh:targetNode ex:a , ex:b ; sh:sparql [ sh:select \"\"\"\n"
              f"SELECT $this WHERE {{ {{ SELECT $this WHERE {{ $this <{EX}p> ?v }} }} FILTER bound($this) }}\"\"\" ] .")
    report = _run(tmp_path, shapes, "ex:a ex:p 1 .", engine)
    assert _found(report) == [("a", "SPARQL", "a")]


def test_bound_of_a_bound_parameter_stays_valid_sparql():
    from crdkg.sparqltext import substitute

    text = substitute("SELECT ?x WHERE { ?x ?p ?v FILTER BOUND(?v) }", {"v": ox.Literal("a")})
    assert "FILTER (true)" in text
    ox.Store().query(text)  # parses


@pytest.mark.parametrize("engine", ENGINES)
def test_sh_prefixes_follow_owl_imports(tmp_path, engine):
    shapes = ("<https://example.org/case/ontology> sh:declare [ sh:prefix \"ex\" ;"
              f" sh:namespace \"{EX}\"^^xsd:anyURI ] .\n"
              "ex:Prefixes owl:imports <https://example.org/case/ontology> .\n"
              "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:prefixes ex:Prefixes ;"
              " sh:select \"SELECT $this ?value WHERE { $this ex:p ?value }\" ] .")
    report = _run(tmp_path, shapes, "ex:a ex:p ex:v .", engine)
    assert _found(report) == [("a", "SPARQL", "v")]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("query", "word"), [
    ("SELECT $this WHERE { $this ?p ?o MINUS { $this ?p 1 } }", "MINUS"),
    ("SELECT $this WHERE { VALUES ?o { 1 } $this ?p ?o }", "VALUES"),
    ("SELECT $this WHERE { $this ?p ?o SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT $this WHERE { $this ?p ?o { SELECT ?o WHERE { ?s ?q ?o } } }", "subquery"),
    ("SELECT $this WHERE { BIND(ex:a AS $this) }", "assigns"),
])
def test_sparql_that_shacl_pre_binding_forbids_is_refused_not_run(tmp_path, engine, query, word):
    s, d = _files(tmp_path, f'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select "{query}" ] .',
                  "ex:a ex:p 1 .")
    run = run_cli("validate", str(d), "--shapes", str(s), "--shapes-only", "--engine", engine)
    assert run.code == 2 and run.out == ""
    assert len(run.err.strip().splitlines()) == 1 and word in run.err and "shapes.ttl" in run.err, run.err


@pytest.mark.parametrize("engine", ENGINES)
def test_custom_severities_are_kept_not_made_violations(tmp_path, engine):
    shapes = ("ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount 1 ;"
              " sh:severity ex:Critical ] ; sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:severity sh:Info ] .")
    report = _run(tmp_path, shapes, "ex:a ex:r 1 .", engine)
    assert sorted(r.severity for r in report.results) == [EX + "Critical", "info"]
    graph = rdflib.Graph().parse(data=render_turtle(report), format="turtle")
    assert set(graph.objects(None, rdflib.URIRef(SH + "resultSeverity"))) == {rdflib.URIRef(EX + "Critical"),
                                                                             rdflib.URIRef(SH + "Info")}
    assert report.exit_code() == 1  # a custom severity fails CI like a violation


def test_the_pyshacl_engine_does_not_count_nested_detail_results(tmp_path):
    shapes = ("ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:node ex:Inner .\n"
              "ex:Inner a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ] ;"
              " sh:property [ sh:path ex:q ; sh:minCount 1 ] .")
    for engine in ENGINES:
        report = _run(tmp_path, shapes, "ex:a ex:r 1 .", engine)
        assert _found(report) == [("a", "Node", "a")], engine


def test_pyshacl_failures_are_one_line_errors_with_exit_2(tmp_path):
    """pySHACL's NotImplementedError reached the user as a traceback with exit code 1."""
    s, d = _files(tmp_path, "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select "
                            "\"SELECT $this WHERE { GRAPH $shapesGraph { $currentShape ?p ?o } }\" ] .",
                  "ex:a ex:p 1 .")
    run = run_cli("validate", str(d), "--shapes", str(s), "--shapes-only", "--engine", "pyshacl")
    assert run.code == 2 and "Traceback" not in run.err and len(run.err.strip().splitlines()) == 1, run.err
    assert "NotImplementedError" in run.err and "shapes.ttl" in run.err
    # the compiled engine binds $shapesGraph and $currentShape itself
    run = run_cli("validate", str(d), "--shapes", str(s), "--shapes-only")
    assert run.code == 1, run.err


class Listener:
    """A socket on 127.0.0.1 that records every connection it gets."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.received.append(conn.recv(200))
                except OSError:
                    self.received.append(b"")

    def close(self) -> list[bytes]:
        self._stop = True
        self._thread.join(timeout=5)
        self.sock.close()
        return self.received


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_validation_reaches_no_network(tmp_path, listener, engine):
    url = f"http://127.0.0.1:{listener.port}/sparql"
    for where in (f'sh:sparql [ sh:select "SELECT $this WHERE {{ SERVICE <{url}> {{ $this ?p ?o }} }}" ]',
                  f'sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE {{ SERVICE <{url}> {{ ?this ?p ?o }} }}" ]'):
        s, d = _files(tmp_path, f"ex:S a sh:NodeShape ; sh:targetNode ex:a ; {where} .", "ex:a ex:p 1 .")
        run = run_cli("validate", str(d), "--shapes", str(s), "--shapes-only", "--engine", engine)
        assert run.code == 2 and "SERVICE" in run.err, run.err
    assert listener.close() == []


def test_an_ad_hoc_query_on_the_embedded_graph_reaches_no_network_unless_asked(listener):
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    for engine in ("oxigraph", "rdflib"):
        run = run_cli("query", "--query", query, "--engine", engine)
        assert run.code == 2 and "SERVICE" in run.err and "--allow-service" in run.err, run.err
    from crdkg.api import run_sparql

    with pytest.raises(QueryError, match="SERVICE"):
        run_sparql(query)
    assert listener.received == []
    run = run_cli("query", "--query", query, "--allow-service", timeout=60)
    assert run.code == 2  # the listener is no SPARQL endpoint, but the request was sent: the option works
    got = listener.close()
    assert got and got[0].startswith((b"POST /sparql", b"GET /sparql")), got


def test_shapes_only_turtle_is_the_standard_report(tmp_path):
    s, d = _files(tmp_path, "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
                  "ex:a ex:q 1 .")
    run = run_cli("validate", str(d), "--shapes", str(s), "--shapes-only", "--format", "turtle")
    assert run.code == 1, run.err
    graph = rdflib.Graph().parse(data=run.out, format="turtle")
    sh = rdflib.Namespace(SH)
    (report,) = graph.subjects(rdflib.RDF.type, sh.ValidationReport)
    assert graph.value(report, sh.conforms) == rdflib.Literal(False)
    (result,) = graph.objects(report, sh.result)
    assert graph.value(result, sh.focusNode) == rdflib.URIRef(EX + "a")
    assert graph.value(result, sh.resultPath) == rdflib.URIRef(EX + "p")
    assert graph.value(result, sh.sourceConstraintComponent) == sh.MinCountConstraintComponent
    assert isinstance(graph.value(result, sh.sourceShape), rdflib.BNode)  # a blank node shape stays one
    # nothing of crdkg's own: no shipped shapes or checks ran on the data
    assert not any("w3id.org/crdkg" in str(term) for triple in graph for term in triple)


def test_warnings_alone_make_sh_conforms_false_as_shacl_defines_it(tmp_path):
    s, d = _files(tmp_path, "ex:S sh:targetNode ex:a ; sh:severity sh:Warning ; sh:property [ sh:path ex:p ;"
                            " sh:minCount 1 ; sh:severity sh:Warning ] .", "ex:a ex:q 1 .")
    run = run_cli("validate", str(d), "--shapes", str(s), "--shapes-only", "--format", "turtle")
    assert run.code == 0  # --fail-on violation (the default): a warning does not fail the job
    graph = rdflib.Graph().parse(data=run.out, format="turtle")
    assert set(graph.objects(None, rdflib.URIRef(SH + "conforms"))) == {rdflib.Literal(False)}


def test_a_complex_result_path_is_written_as_a_path_structure(tmp_path):
    s, d = _files(tmp_path, "ex:S sh:targetNode ex:a ; sh:property [ sh:path ( ex:p [ sh:inversePath ex:q ] ) ;"
                            " sh:minCount 1 ] .", "ex:a ex:p ex:b .")
    for engine in ENGINES:
        report = validate(files=[d], extra_shapes=[s], shapes_only=True, engine=engine)
        graph = rdflib.Graph().parse(data=render_turtle(report), format="turtle")
        (path,) = graph.objects(None, rdflib.URIRef(SH + "resultPath"))
        items = list(rdflib.collection.Collection(graph, path))
        assert items[0] == rdflib.URIRef(EX + "p"), engine
        assert graph.value(items[1], rdflib.URIRef(SH + "inversePath")) == rdflib.URIRef(EX + "q"), engine
        assert report.results[0].path == f"<{EX}p>/^<{EX}q>"


def test_shapes_only_needs_data_and_shapes_and_a_shapes_file_needs_shacl(tmp_path):
    s, d = _files(tmp_path, "ex:S sh:targetNode ex:a .", "ex:a ex:p 1 .")
    run = run_cli("validate", str(d), "--shapes-only")
    assert run.code == 2 and "--shapes" in run.err
    run = run_cli("validate", str(d), "--shapes", str(d), "--shapes-only")
    assert run.code == 2 and "no term of the SHACL vocabulary" in run.err and "data.ttl" in run.err
    # a shapes file that declares no sh:NodeShape, only targets, is a shapes file
    assert run_cli("validate", str(d), "--shapes", str(s), "--shapes-only").code == 0


def test_a_file_that_is_both_data_and_shapes_is_read_once(tmp_path):
    both = tmp_path / "both.ttl"
    both.write_text(PREFIXES + "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:maxCount 0 ] .\n"
                    "ex:a ex:p 1 .\n", encoding="utf-8")
    report = validate(files=[both], extra_shapes=[both], shapes_only=True)
    assert _found(report) == [("a", "MaxCount", None)]
    assert report.files == [str(both)]


def test_many_graph_wide_results_are_all_located(tmp_path):
    """Locating 20,000 results took 451 s: each statement was searched for each result's term.
    With more terms than Locator.MAX_NEEDLES every statement is indexed once instead; the lines
    must be the same."""
    from crdkg.validation.locate import Locator

    n = Locator.MAX_NEEDLES * 3
    shapes = (f'ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:sparql [ sh:select '
              f'"SELECT $this ?value WHERE {{ $this <{EX}p> ?value }}" ] .')
    data = "\n".join(f"ex:s{i} ex:p ex:o{i} ." for i in range(n))
    s, d = _files(tmp_path, shapes, data)
    report = validate(files=[d], extra_shapes=[s], shapes_only=True)
    assert len(report.results) == n
    head = len(PREFIXES.splitlines())
    assert sorted((r.focus, r.line) for r in report.results) == sorted(
        (f"{EX}s{i}", head + 1 + i) for i in range(n))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("written", ["4.0", "04", "+4", "4.0e0"])
def test_a_bare_number_is_checked_as_written(tmp_path, engine, written):
    """Files with no datatype written (no ^^) load through the store's own parser, unless a
    bare number or boolean may be rewritten by it: those go through crdkg's encoding."""
    s, d = _files(tmp_path, "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:n ; sh:in ( 4 ) ] .",
                  f"ex:a ex:n {written} .")
    report = _run_files(s, d, engine)
    assert [r.value for r in report.results] == [written]


def _run_files(s, d, engine):
    return validate(files=[d], extra_shapes=[s], shapes_only=True, engine=engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_two_patterns_on_one_shape_are_both_checked(tmp_path, engine):
    """SHACL allows several sh:pattern values (unlike sh:flags); each must hold."""
    shapes = 'ex:S a sh:NodeShape ; sh:targetNode ex:a , ex:b ; sh:property [ sh:path ex:p ; sh:pattern "^a" , "b$" ] .'
    report = _run(tmp_path, shapes, 'ex:a ex:p "ab" . ex:b ex:p "ax" .', engine)
    assert [(f, v) for f, _, v in _found(report)] == [("b", "ax")]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("path", "values"), [
    ("[ sh:inversePath [ sh:inversePath ex:p ] ]", ["b"]),
    ("[ sh:zeroOrOnePath [ sh:inversePath [ sh:inversePath ex:p ] ] ]", ["a", "b"]),
    ("( [ sh:inversePath [ sh:inversePath ex:p ] ] ex:q )", ["c"]),
    ("[ sh:alternativePath ( [ sh:inversePath [ sh:inversePath ex:p ] ] ex:q ) ]", ["b"]),
])
def test_a_double_inverse_path_made_invalid_sparql(tmp_path, engine, path, values):
    """^^p is not SPARQL (^ takes a path element): the compiler wrote it, and valid shapes were
    refused with exit 2. A double inverse is the path itself; ex:a ex:p ex:b, ex:b ex:q ex:c,
    and each value reached is an IRI where the shape wants a literal."""
    shapes = f"ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path {path} ; sh:nodeKind sh:Literal ] ."
    report = _run(tmp_path, shapes, "ex:a ex:p ex:b . ex:b ex:q ex:c .", engine)
    assert _found(report) == [("a", "NodeKind", v) for v in values]


@pytest.mark.parametrize("engine", ENGINES)
def test_an_invalid_pattern_reported_every_value_as_a_violation(tmp_path, engine):
    """SHACL requires sh:pattern to be a valid regular expression: "([a-z" is a shapes error
    (exit 2, one line) on both engines, not a violation for each value (exit 1)."""
    s, d = _files(tmp_path, 'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; '
                            'sh:pattern "([a-z" ] .', 'ex:a ex:p "abc" .')
    r = run_cli("validate", str(d), "--shapes", str(s), "--shapes-only", "--engine", engine)
    assert r.code == 2, r.out + r.err
    assert len(r.err.strip().splitlines()) == 1 and str(s) in r.err, r.err
    # crdkg's engine names the pattern; pySHACL's message says what Python's re found
    assert ('the sh:pattern "([a-z"' if engine == "sparql" else "unterminated character set") in r.err, r.err
    assert r.out == ""


@pytest.mark.parametrize("engine", ENGINES)
def test_an_undeclared_prefix_printed_the_parser_s_grammar(tmp_path, engine):
    """A SPARQL constraint using a prefix that neither it nor sh:prefixes declares: one line
    naming the prefix and how to declare it, the same on both engines (the shapes file's own
    @prefix lines do not count, as SHACL 5.2.1 says; pySHACL alone would use them)."""
    s, d = _files(tmp_path, 'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select '
                            '"SELECT $this WHERE { $this ex:p ?o }" ] .', "ex:a ex:p 1 .")
    r = run_cli("validate", str(d), "--shapes", str(s), "--shapes-only", "--engine", engine)
    assert (r.code, r.out) == (2, "")
    assert r.err == (f"crdkg: error: invalid shapes ({s}): the SPARQL of {EX}S's sh:sparql uses the prefix ex: "
                     "without declaring it: write PREFIX ex: <namespace> in the query, or give the node sh:prefixes "
                     'naming a resource with sh:declare [ sh:prefix "ex" ; sh:namespace "namespace"^^xsd:anyURI ] '
                     "(SHACL 5.2.1; the @prefix lines of the shapes file do not count)\n")
    declared = ('ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:prefixes ex:decl ; sh:select '
                '"SELECT $this WHERE { $this ex:p ?o }" ] .\n'
                f'ex:decl sh:declare [ sh:prefix "ex" ; sh:namespace "{EX}"^^xsd:anyURI ] .')
    assert _found(_run(tmp_path, declared, "ex:a ex:p 1 .", engine)) == [("a", "SPARQL", "a")]


@pytest.mark.parametrize("engine", ENGINES)
def test_sh_in_that_is_not_a_list_was_refused_by_one_engine_and_run_by_the_other(tmp_path, engine):
    """SHACL makes sh:in's value a list: both engines refuse the shape in one line, exit 2."""
    s, d = _files(tmp_path, "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; "
                            "sh:in ex:notalist ] .", "ex:a ex:p 1, 2, 3 .")
    r = run_cli("validate", str(d), "--shapes", str(s), "--shapes-only", "--engine", engine)
    assert (r.code, r.out) == (2, "")
    assert r.err == (f"crdkg: error: invalid shapes ({s}): the sh:in of {EX}S's sh:property is not an RDF list "
                     f"({EX}notalist); SHACL makes its value a list, such as ( ex:a ex:b )\n")


@pytest.mark.parametrize("engine", ENGINES)
def test_ignored_properties_without_closed_was_refused_by_one_engine_and_accepted_by_the_other(tmp_path, engine):
    """sh:ignoredProperties is a parameter of sh:closed: alone it does nothing, on both engines
    (pySHACL refused the shape); the shape's other constraints run."""
    shapes = ("ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:ignoredProperties ( ex:p ) ; "
              "sh:property [ sh:path ex:p ; sh:maxCount 2 ] .")
    assert _found(_run(tmp_path, shapes, "ex:a ex:p 1, 2, 3 .", engine)) == [("a", "MaxCount", None)]
