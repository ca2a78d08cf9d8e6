"""The command line as a user types it."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli


def test_info():
    r = run_cli("info")
    assert r.code == 0, r.err
    assert "version 0.1.0" in r.out
    assert "crd:Province" in r.out
    doc = json.loads(run_cli("info", "--format", "json").out)
    assert doc["about"]["version"] == "0.1.0"
    counts = {c["class"]: c["all_instances"] for c in doc["classes"]}
    assert counts["https://w3id.org/crdkg/ontology#ProvincialDivision"] == 34


def test_queries_lists_the_catalogue():
    r = run_cli("queries")
    assert r.code == 0
    assert "divisions-in-region" in r.out and "region" in r.out
    doc = json.loads(run_cli("queries", "--format", "json").out)
    entry = next(q for q in doc if q["name"] == "divisions-in-region")
    assert entry["params"][0]["name"] == "region" and entry["params"][0]["required"] is True


def test_query_by_name_with_lang_and_formats():
    r = run_cli("query", "macro-regions", "--lang", "zh", "--format", "csv")
    assert r.code == 0, r.err
    assert "西部地区" in r.out and "西部大开发" in r.out
    r = run_cli("query", "macro-regions", "--format", "json")
    assert json.loads(r.out)["head"]["vars"][0] == "region"
    r = run_cli("query", "national-strategies", "--lang", "zh")
    assert r.code == 2 and "no labels to choose a language" in r.err


def test_ad_hoc_query_and_file(tmp_path):
    r = run_cli("query", "--query", "ASK { ?s a <https://w3id.org/crdkg/ontology#Province> }")
    assert r.code == 0 and r.out.strip() == "true"
    f = tmp_path / "q.rq"
    f.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/crdkg/ontology#CityCluster> }")
    r = run_cli("query", "--file", str(f), "--format", "tsv")
    assert r.out.splitlines()[1] == '"19"^^<http://www.w3.org/2001/XMLSchema#integer>'
    r = run_cli("query", "--file", str(tmp_path / "missing.rq"))
    assert r.code == 2 and "missing.rq" in r.err


def test_rdflib_engine_from_the_cli():
    r = run_cli("query", "divisions-in-region", "-p", "region=northeast", "--engine", "rdflib", "--format", "csv")
    assert r.code == 0, r.err
    assert [line.split(",")[1] for line in r.out.splitlines()[1:]] == ["210000", "220000", "230000"]


def test_construct_output():
    r = run_cli("query", "describe-resource", "-p", "resource=division:510000", "--format", "ntriples")
    assert r.code == 0 and "<https://w3id.org/crdkg/id/division/510000>" in r.out


def test_format_check(tmp_path):
    messy = tmp_path / "messy.ttl"
    messy.write_text("@prefix ex: <https://example.org/> . ex:b ex:p ex:c . ex:a ex:p ex:c .\n")
    r = run_cli("format", "--check", str(messy))
    assert r.code == 1 and "not in canonical form" in r.out
    assert run_cli("format", str(messy)).code == 0
    assert run_cli("format", "--check", str(messy)).code == 0
    text = messy.read_text()
    assert text.index("ex:a") < text.index("ex:b")


@pytest.mark.parametrize("part", ["ontology", "shapes", "data", "statistics", "places", "census"])
def test_shipped_turtle_is_canonical(part):
    """`crdkg format --check` over each part's files (what `crdkg format --check` with no file
    checks, part by part so that a parallel run shares the work)."""
    from crdkg import resources

    files = resources.part_paths(part)
    assert files
    r = run_cli("format", "--check", *files)
    assert r.code == 0, r.out


def test_the_parts_checked_are_every_shipped_file():
    from crdkg import resources

    parts = ["ontology", "shapes", "data", "statistics", "places", "census"]
    assert sorted(str(p) for p in resources.shipped_files()) == sorted(f for part in parts
                                                                        for f in resources.part_paths(part))


def test_help_documents_exit_codes():
    r = run_cli("--help")
    assert "Exit codes: 0" in r.out and "2 bad input" in r.out


def test_progress_bar_only_on_terminals_and_not_in_ci(capsys, monkeypatch):
    from crdkg.load import Progress

    bar = Progress(100, "always")
    bar.advance(50, "data")
    bar.close()
    err = capsys.readouterr().err
    assert "50/100 triples" in err and err.endswith("\n")
    monkeypatch.setenv("CI", "true")
    quiet = Progress(100, "auto")
    quiet.advance(50, "data")
    assert capsys.readouterr().err == ""
    assert not Progress(100, "never").enabled


def test_crdkg_queries_misaligned_columns_after_chinese_text():
    """A Chinese example (四川省, 长江) takes two terminal columns a character: the SUMMARY
    column starts at the same terminal column on every line, wrapped or not."""
    from crdkg.results import display_width

    r = run_cli("queries", env={"COLUMNS": "100"})
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    start = lines[0].index("SUMMARY")
    find = next(line for line in lines if line.startswith("find-exact"))
    assert "四川省" in find
    at = next(i for i in range(len(find)) if display_width(find[:i]) == start)
    assert find[at - 2:at] == "  " and find[at] == "F"  # "Find resources whose label..."
    assert all(display_width(line) <= 100 for line in lines)
