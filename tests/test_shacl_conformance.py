"""The W3C SHACL test suite (tests/conformance/w3c-shacl-tests, see its README) through
both validation engines, with ``--shapes-only``: every test of its manifests, compared with
the expected result as the suite defines it.

A report equals the expected one when the two graphs are isomorphic after dropping
``sh:resultMessage``, ``sh:detail`` and ``sh:sourceConstraint`` (the suite: "an
implementation may not need to return sh:sourceConstraint"), blank nodes being existential:
the conforms flag, and for each result its focus node, path (as a path structure), value (an
RDF term with its datatype), source shape, constraint component and severity. An
``sht:Failure`` test must be refused: exit code 2 and a one-line error.

The default engine must run each shape compiled, except the tests in ``FALLBACK``, whose
shapes go to pySHACL for the reason given; a pass through the fallback counts for pySHACL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import RDF, SH

from conftest import run_cli

#: runs a reference engine (pySHACL, a reasoner or the OWL API) beside crdkg: not in `make test-fast`
pytestmark = pytest.mark.reference

SUITE = Path(__file__).parent / "conformance" / "w3c-shacl-tests"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
DROPPED = {SH.resultMessage, SH.detail, SH.sourceConstraint}

#: Tests whose shapes the default engine hands to pySHACL (the route is asserted): the reason.
FALLBACK = {
    "sparql/component/optional-001": "custom constraint components (SHACL 6)",
    "sparql/component/propertyValidator-select-001": "custom constraint components (SHACL 6)",
    "sparql/component/validator-001": "custom constraint components (SHACL 6)",
}
#: Tests an engine cannot pass, with the reason (kept short; the README gives the counts).
KNOWN_FAILURES: dict[tuple[str, str], str] = {
    ("sparql/pre-binding/shapesGraph-001", "pyshacl"):
        "pySHACL 0.40 does not pre-bind $shapesGraph (NotImplementedError; crdkg refuses with exit 2)",
}


def _manifest_tests(manifest: Path) -> list[tuple[str, Path, Path, object, rdflib.Graph]]:
    graph = rdflib.Graph()
    graph.parse(manifest, format="turtle", publicID=manifest.absolute().as_uri())
    out = []
    for include in sorted(graph.objects(None, MF.include)):
        out += _manifest_tests(_path(include))
    for entries in graph.objects(None, MF.entries):
        for test in Collection(graph, entries):
            action = graph.value(test, MF.action)
            data = _path(graph.value(action, SHT.dataGraph))
            shapes = _path(graph.value(action, SHT.shapesGraph))
            out.append((_name(manifest, test), data, shapes, graph.value(test, MF.result), graph))
    return out


def _path(iri: object) -> Path:
    from urllib.parse import unquote, urlparse

    return Path(unquote(urlparse(str(iri)).path))


def _name(manifest: Path, test: object) -> str:
    folder = manifest.parent.absolute().relative_to(SUITE.absolute())
    return f"{folder.as_posix()}/{str(test).rsplit('/', 1)[-1]}"


TESTS = {t[0]: t for t in _manifest_tests(SUITE / "manifest.ttl")}


def _report_graph(graph: rdflib.Graph, root: object) -> rdflib.Graph:
    """The report at ``root`` alone: its conforms flag, its results and their path
    structures; focus nodes, values and source shapes as bare terms."""
    out = rdflib.Graph()
    out.add((rdflib.BNode("report"), RDF.type, SH.ValidationReport))
    out.add((rdflib.BNode("report"), SH.conforms, rdflib.Literal(graph.value(root, SH.conforms).toPython())))

    def copy_path(node: object) -> None:
        if isinstance(node, rdflib.BNode):
            for p, o in graph.predicate_objects(node):
                out.add((node, p, o))
                copy_path(o)

    for result in graph.objects(root, SH.result):
        for p, o in graph.predicate_objects(result):
            if p in DROPPED:
                continue
            out.add((result, p, o))
            if p == SH.resultPath:
                copy_path(o)
        out.add((rdflib.BNode("report"), SH.result, result))
    return out


def _ours(text: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=text, format="turtle")
    return _report_graph(graph, graph.value(predicate=RDF.type, object=SH.ValidationReport))


def _params() -> list:
    out = []
    for name in TESTS:
        for engine in ("sparql", "pyshacl"):
            marks = []
            if (name, engine) in KNOWN_FAILURES:
                marks.append(pytest.mark.xfail(reason=KNOWN_FAILURES[(name, engine)], strict=True))
            out.append(pytest.param(name, engine, id=f"{name}[{engine}]", marks=marks))
    return out


def test_the_suite_has_all_its_tests():
    assert len(TESTS) == 120
    assert sum(1 for t in TESTS.values() if t[3] == SHT.Failure) == 7


@pytest.mark.parametrize(("name", "engine"), _params())
def test_w3c_shacl(name, engine):
    from crdkg.errors import InputError
    from crdkg.validation import validate
    from crdkg.validation.report import render_turtle

    _, data, shapes, expected, manifest = TESTS[name]
    if expected == SHT.Failure:
        with pytest.raises(InputError):
            validate(files=[data], extra_shapes=[shapes], shapes_only=True, engine=engine)
        return
    report = validate(files=[data], extra_shapes=[shapes], shapes_only=True, engine=engine)
    if engine == "sparql":
        reason = FALLBACK.get(name)
        assert bool(report.fallback) == (reason is not None), report.fallback
        if reason is None:
            assert "pyshacl" not in report.routes
    else:
        assert "sparql" not in report.routes
    want = _report_graph(manifest, expected)
    got = _ours(render_turtle(report))
    assert isomorphic(got, want), _diff(got, want)


def _diff(got: rdflib.Graph, want: rdflib.Graph) -> str:
    from rdflib.compare import graph_diff

    _, only_got, only_want = graph_diff(to_isomorphic(got), to_isomorphic(want))
    return ("only in ours:\n" + only_got.serialize(format="nt") + "\nonly expected:\n" + only_want.serialize(format="nt"))


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
@pytest.mark.parametrize("name", [n for n, t in TESTS.items() if t[3] == SHT.Failure])
def test_an_ill_formed_shapes_graph_is_refused_with_exit_2_and_one_line(name, engine):
    _, data, shapes, _, _ = TESTS[name]
    run = run_cli("validate", str(data), "--shapes", str(shapes), "--shapes-only", "--engine", engine)
    assert run.code == 2, run
    assert run.out == ""
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.err, run.err
    assert str(shapes.name) in lines[0]


def test_the_readme_counted_a_fallback_test_the_suite_does_not_have():
    """docs/validation.md's split of the suite is the JSON report's: compiled (no fallback), through
    the fallback, refused (the ill-formed shapes graphs, which run nowhere); each FALLBACK test exists."""
    readme = (Path(__file__).parent.parent / "docs" / "validation.md").read_text(encoding="utf-8")
    n = len(TESTS)
    assert set(FALLBACK) <= set(TESTS)
    refused = sum(1 for t in TESTS.values() if t[3] == SHT.Failure)
    fails = {engine: sum(1 for (_, e) in KNOWN_FAILURES if e == engine) for engine in ("sparql", "pyshacl")}
    assert f"| `sparql` (default) | {n - fails['sparql']} of {n} | {n - len(FALLBACK) - refused} compiled; the " \
           f"{len(FALLBACK)} tests of custom constraint components through the fallback to pySHACL (the JSON " \
           f"report's `fallback`); the {refused} ill-formed shapes graphs refused |" in readme
    assert f"| `pyshacl` | {n - fails['pyshacl']} of {n} |" in readme
    assert all("custom constraint components" in why for why in FALLBACK.values())
