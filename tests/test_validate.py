"""crdkg validate: quality checks with their examples, the shipped graph, the report
formats CI systems read, file and line of each result, severities and exit codes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import run_cli
from crdkg import resources
from crdkg.validation import validate
from crdkg.validation.locate import statements
from samples import assert_located_as_by_a_full_index

TESTS = Path(__file__).parent
BASE = TESTS / "shapes" / "_base.ttl"
CHECKS = sorted(p.stem.removesuffix("-violation") for p in resources.check_dir().glob("*-violation.rq"))
CHECK = "https://w3id.org/crdkg/check/"


def test_every_check_opens_with_why_and_has_examples():
    for path in resources.check_dir().glob("*.rq"):
        assert path.name.endswith("-violation.rq"), path.name
        assert path.read_text(encoding="utf-8").startswith("# Why:"), path.name
    assert len(CHECKS) >= 7


@pytest.mark.parametrize("check", CHECKS)
def test_check_valid_example_passes(check):
    report = validate(files=[BASE, TESTS / "checks" / f"{check}-valid.ttl"], shapes=False)
    assert [(r.source, r.focus) for r in report.results] == []


@pytest.mark.parametrize("check", CHECKS)
def test_check_invalid_example_fails_with_that_check(check):
    path = TESTS / "checks" / f"{check}-invalid.ttl"
    report = validate(files=[BASE, path], shapes=False)
    assert {r.source for r in report.results} == {CHECK + check}
    assert all(r.file and Path(r.file).name == path.name and r.line for r in report.results)
    assert_located_as_by_a_full_index(report, [BASE, path])


def test_shipped_graph_conforms_without_warnings():
    report = validate()
    assert report.results == []
    assert report.conforms(fail_on="info")


BAD = """@prefix crd: <https://w3id.org/crdkg/ontology#> .
@prefix ex: <https://example.org/mine/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:div a crd:Province ;
    rdfs:label "Div"@en , "省"@zh ;
    crd:divisionCode "12345" ;
    crd:isMainland false ;
    prov:wasDerivedFrom ex:register .

ex:register a crd:ReferenceSource ;
    rdfs:label "My register"@en , "我的名册"@zh .
"""


@pytest.fixture
def bad(tmp_path) -> Path:
    path = tmp_path / "mine.ttl"
    path.write_text(BAD, encoding="utf-8")
    return path


def test_results_name_file_and_line(bad):
    report = validate(files=[bad])
    code = [r for r in report.results if r.source.endswith("DivisionCodeShape")]
    assert len(code) == 1
    assert code[0].file == str(bad) and code[0].line == 8
    assert code[0].value == "12345"
    wikidata = [r for r in report.results if r.source.endswith("DivisionWikidataShape")]
    assert wikidata and wikidata[0].severity == "warning" and wikidata[0].line == 6


def test_text_format_groups_by_focus_node(bad):
    r = run_cli("validate", str(bad))
    assert r.code == 1
    assert "<https://example.org/mine/div>" in r.out
    assert "mine.ttl:8" in r.out
    assert "VIOLATION: A provincial-level division has exactly one GB/T 2260 code" in r.out
    assert r.out.rstrip().splitlines()[-1].startswith("Does not conform: 1 violation, 1 warning")


def test_json_format(bad):
    r = run_cli("validate", str(bad), "--format", "json")
    doc = json.loads(r.out)
    assert doc["conforms"] is False and doc["violations"] == 1 and doc["warnings"] == 1
    (res,) = [x for x in doc["results"] if x["sourceShape"].endswith("DivisionCodeShape")]
    assert res["line"] == 8 and res["file"].endswith("mine.ttl") and res["resultPath"].endswith("divisionCode")


def test_turtle_format_is_a_shacl_validation_report(bad):
    import rdflib
    from rdflib.namespace import RDF, SH

    r = run_cli("validate", str(bad), "--format", "turtle")
    g = rdflib.Graph().parse(data=r.out, format="turtle")
    (report,) = g.subjects(RDF.type, SH.ValidationReport)
    assert g.value(report, SH.conforms).toPython() is False
    shapes = {str(g.value(res, SH.sourceShape)) for res in g.objects(report, SH.result)}
    assert "https://w3id.org/crdkg/shapes#DivisionCodeShape" in shapes


def test_junit_format(bad):
    r = run_cli("validate", str(bad), "--format", "junit")
    root = ET.fromstring(r.out)
    suite = root.find("testsuite")
    assert suite.get("failures") == "1"
    failure = suite.find("testcase[@name='crdsh:DivisionCodeShape']/failure")
    assert failure is not None and "mine.ttl:8" in failure.text


def test_github_format(bad):
    r = run_cli("validate", str(bad), "--format", "github")
    lines = r.out.splitlines()
    assert any(line.startswith("::error file=") and ",line=8," in line and "DivisionCodeShape" in line for line in lines)
    assert any(line.startswith("::warning file=") and ",line=6," in line for line in lines)


def test_a_syntax_error_under_format_github_gave_no_annotation(tmp_path):
    """A file that does not parse: the annotation on its line and column on stdout, for GitHub
    to show in the pull request; the one-line error on stderr; exit 2."""
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    r = run_cli("validate", "broken.ttl", "--format", "github", cwd=tmp_path)
    assert r.code == 2
    assert r.out == "::error file=broken.ttl,line=2,col=11,title=crdkg validate::. is not a valid RDF object\n"
    assert r.err == "crdkg: error: broken.ttl:2:11: . is not a valid RDF object\n"


def test_fail_on(bad, tmp_path):
    # only a warning is left when the code is fixed
    fixed = tmp_path / "fixed.ttl"
    fixed.write_text(BAD.replace('"12345"', '"990000"'), encoding="utf-8")
    assert run_cli("validate", str(fixed)).code == 0
    assert run_cli("validate", str(fixed), "--fail-on", "warning").code == 1
    assert run_cli("validate", str(bad), "--fail-on", "violation").code == 1


def test_with_data_merges_the_shipped_data(tmp_path):
    mine = tmp_path / "mine.ttl"
    mine.write_text("""@prefix crd: <https://w3id.org/crdkg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/t> a crd:Task ; rdfs:label "T"@en , "任务"@zh ;
    crd:targets <https://w3id.org/crdkg/id/region/west> ;
    prov:wasDerivedFrom <https://w3id.org/crdkg/id/passage/keywords-crd-p02-s1> .
<https://w3id.org/crdkg/id/strategy/coordinated-regional-development> crd:hasTask <https://example.org/t> .
""", encoding="utf-8")
    # the region, passage and strategy are not in this file: the shipped data is its context
    assert validate(files=[mine]).results == []
    merged = validate(files=[mine], with_data=True)
    assert merged.results == []
    files = validate(files=[mine]).files  # the user's file is reported on, the shipped data is not
    assert str(mine) in files and not any(str(p) in files for p in resources.data_files())


EXTENSION = """@prefix crd: <https://w3id.org/crdkg/ontology#> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/mine/> .

ex:chengdu a crd:PrefecturalDivision ;
    rdfs:label "Chengdu"@en , "成都市"@zh ;
    geo:sfWithin <https://w3id.org/crdkg/id/division/510000> ;
    prov:wasDerivedFrom <https://w3id.org/crdkg/id/source/crdkg-reference> .

ex:western-roads a crd:Initiative ;
    rdfs:label "Roads in the west"@en , "西部道路"@zh ;
    prov:wasDerivedFrom <https://w3id.org/crdkg/id/passage/keywords-crd-p09-s7> ;
    crd:advances <https://w3id.org/crdkg/id/strategy/coordinated-regional-development> ;
    crd:targets <https://w3id.org/crdkg/id/division/510000> .
"""


def test_a_file_that_extends_the_shipped_graph_conforms_by_default(tmp_path):
    """An initiative citing a shipped passage and targeting a shipped division, and a city
    within Sichuan, gave four false violations unless --with-data was given."""
    mine = tmp_path / "mine.ttl"
    mine.write_text(EXTENSION, encoding="utf-8")
    r = run_cli("validate", str(mine))
    assert r.code == 0 and "Conforms: 0 violations, 0 warnings" in r.out, r.out
    # as the shipped pre-commit hook runs it
    import yaml

    hook = next(h for h in yaml.safe_load((TESTS.parent / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
                if h["id"] == "crdkg-validate")
    r = run_cli(*hook["entry"].split()[1:], str(mine))
    assert r.code == 0, r.out
    # and a mistake in it is still found, in the user's file and only there
    mine.write_text(EXTENSION.replace("division/510000> ;\n    prov:wasDerivedFrom <https://w3id.org/crdkg/id/source",
                                      "division/999999> ;\n    prov:wasDerivedFrom <https://w3id.org/crdkg/id/source"),
                    encoding="utf-8")
    report = validate(files=[mine])
    assert report.results and all(r.file == str(mine) for r in report.results)
    assert {r.focus for r in report.results if r.severity == "violation"} == {"https://example.org/mine/chengdu"}


def test_inference_options(bad):
    for inference in ("rdfs", "owlrl"):
        report = validate(files=[bad], inference=inference)
        assert any(r.source.endswith("DivisionCodeShape") for r in report.results)
    assert run_cli("validate", "--inference", "magic").code == 2


def test_other_rdf_formats_by_extension(tmp_path):
    nt = tmp_path / "mine.nt"
    nt.write_text('<https://example.org/g> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
                  '<https://w3id.org/crdkg/ontology#Goal> .\n', encoding="utf-8")
    report = validate(files=[nt])
    assert any(r.source.endswith("EnglishLabelShape") and r.line == 1 for r in report.results)


def test_user_shapes_are_added(tmp_path, bad):
    shapes = tmp_path / "mine-shapes.ttl"
    shapes.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix crd: <https://w3id.org/crdkg/ontology#> .
<https://example.org/shapes#NoIslands> a sh:NodeShape ; sh:targetClass crd:Province ;
    sh:property [ sh:path crd:isMainland ; sh:hasValue true ; sh:message "Mainland only here." ] .
""", encoding="utf-8")
    report = validate(files=[bad], extra_shapes=[shapes])
    assert any(r.message == "Mainland only here." for r in report.results)


def test_invalid_shapes_file_is_named(tmp_path, bad):
    not_shapes = tmp_path / "notshapes.ttl"
    not_shapes.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    r = run_cli("validate", str(bad), "--shapes", str(not_shapes))
    assert r.code == 2 and "notshapes.ttl" in r.err and "not a shapes file" in r.err and "Traceback" not in r.err
    broken = tmp_path / "broken-shapes.ttl"
    broken.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<https://example.org/s> a sh:NodeShape ;\n")
    r = run_cli("validate", str(bad), "--shapes", str(broken))
    assert r.code == 2 and "broken-shapes.ttl:" in r.err and "Traceback" not in r.err


def test_statement_splitter_keeps_line_numbers():
    text = '@prefix ex: <https://e/> .\n\n# a comment . with a dot\nex:a ex:b "x. y" ;\n   ex:c 1.5 .\nex:d ex:e """multi\nline . """ .\nPREFIX ab: <https://ab/>\nab:x ab:y ab:z .\n'
    got = [(line, chunk.split()[0]) for line, chunk in statements(text)]
    assert got == [(1, "@prefix"), (4, "ex:a"), (6, "ex:d"), (8, "PREFIX"), (9, "ab:x")]


def test_a_statement_subject_is_read_without_parsing():
    from crdkg.validation.locate import _subject

    prefixes = {"id": "https://w3id.org/crdkg/id/", "": "https://example.org/"}
    assert _subject("id:division\\/110000 a crd:Province .", prefixes) == "https://w3id.org/crdkg/id/division/110000"
    assert _subject("<https://example.org/x> a crd:Task .", prefixes) == "https://example.org/x"
    assert _subject(":local;a :T .", prefixes) == "https://example.org/local"
    assert _subject("[ a crd:Task ] .", prefixes) is None  # a blank node: the statement is parsed
    assert _subject("<relative> a crd:Task .", prefixes) is None
    assert _subject("unknown:x a crd:Task .", prefixes) is None
