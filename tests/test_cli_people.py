"""The command line for people: help for one stored query, tables that fit the terminal,
spreadsheet-friendly CSV, the README's prefixes in ad hoc queries, one-line parse errors
with line and column, "did you mean", and options that only make sense together."""

from __future__ import annotations

import pytest

from conftest import run_cli


def test_query_help_describes_the_stored_query():
    r = run_cli("query", "divisions-in-region", "--help")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == ("divisions-in-region: The provincial-level divisions of a macro-region, with code and "
                        "English and Chinese names")
    assert "  region (required)" in lines
    assert "example: west" in r.out and "MacroRegion" in r.out
    assert lines[-1] == "  crdkg query divisions-in-region --param region=west"
    assert run_cli("queries", "divisions-in-region").out == r.out  # the same, by the listing command


def test_query_help_shows_defaults_as_people_type_them():
    r = run_cli("queries", "strategy-overview")
    assert "  strategy (optional, default strategy:coordinated-regional-development)" in r.out
    assert "  lang (optional, default en)" in r.out
    assert r.out.splitlines()[-1] == "  crdkg query strategy-overview"


def test_the_listing_fits_the_terminal_and_shows_examples():
    r = run_cli("queries", env={"COLUMNS": "100"})
    assert r.code == 0
    assert max(len(line) for line in r.out.splitlines()) <= 100
    assert "region (e.g. west)" in r.out  # divisions-in-region's example
    assert "lang?=en" in r.out


def test_an_unknown_query_name_suggests_the_nearest():
    r = run_cli("query", "macro-region")
    assert r.code == 2 and "did you mean macro-regions" in r.err and len(r.err.splitlines()) == 1


@pytest.mark.parametrize(("argv", "near"), [
    (["query", "macro-regions", "--formt", "csv"], "--format"),
    (["validate", "--fail-onn", "warning"], "--fail-on"),
    (["validat"], "validate"),
])
def test_an_unknown_option_or_command_suggests_the_nearest(argv, near):
    r = run_cli(*argv)
    assert r.code == 2 and f"did you mean {near}?" in r.err


@pytest.mark.parametrize(("argv", "message"), [
    (["query", "macro-regions", "--timeout", "5"], "--timeout goes with --endpoint URL"),
    (["query", "macro-regions", "--default-graph", "https://example.org/g"], "--default-graph goes with --endpoint"),
    (["query", "macro-regions", "--store-default-graph"], "--store-default-graph goes with --endpoint"),
    (["query", "macro-regions", "--endpoint", "http://127.0.0.1:9/query", "--data", "x.ttl"],
     "--data is for the embedded graph, not for --endpoint"),
    (["query", "macro-regions", "--lang", "zh", "--param", "lang=en"], "--lang zh and --param lang=en disagree"),
    (["query", "macro-regions", "--bom"], "--bom goes with --format csv or tsv"),
])
def test_options_that_do_not_go_together_are_an_error(argv, message):
    r = run_cli(*argv)
    assert r.code == 2 and message in r.err and "Traceback" not in r.err


def test_lang_and_the_same_param_agree():
    r = run_cli("query", "macro-regions", "--lang", "zh", "--param", "lang=zh", "--format", "csv", "--no-iris")
    assert r.code == 0 and r.out.splitlines()[1].startswith("中部地区,")


def test_an_ad_hoc_query_may_use_the_readme_prefixes_undeclared():
    r = run_cli("query", "--format", "csv", "--query",
                "SELECT ?r WHERE { ?r a crd:MacroRegion ; geo:sfWithin country:china } ORDER BY ?r")
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["r"] + [f"https://w3id.org/crdkg/id/region/{n}"
                                          for n in ("central", "east", "northeast", "west")]


def test_a_declared_prefix_is_kept():
    r = run_cli("query", "--format", "csv", "--query",
                "PREFIX crd: <https://example.org/not-crdkg#> SELECT ?r WHERE { ?r a crd:MacroRegion }")
    assert r.code == 0 and r.out.splitlines() == ["r"]  # the user's crd:, not crdkg's


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_parse_error_is_one_line_with_line_and_column(engine):
    text = "SELECT ?r WHERE {\n  ?r a crd:MacroRegion .\n  FILTER(\n}"
    r = run_cli("query", "--engine", engine, "--query", text)
    assert r.code == 2 and len(r.err.splitlines()) == 1
    assert "the query does not parse at line 4, column" in r.err or "at line 3, column" in r.err


def test_a_parse_error_on_the_first_line_counts_columns_as_written():
    """The PREFIX lines put before an ad hoc query do not move its columns."""
    r = run_cli("query", "--query", "SELECT ?r WHERE { ?r a crd:MacroRegion . FILTER( }")
    assert "at line 1, column 51:" in r.err  # the closing brace, counted by hand


def test_an_unknown_prefix_says_so():
    r = run_cli("query", "--query", "SELECT ?r WHERE { ?r a nope:MacroRegion }")
    assert r.code == 2 and "at line 1, column" in r.err and "neither declared (PREFIX) nor one of crdkg's" in r.err


def test_a_table_fits_the_terminal_and_csv_keeps_every_character():
    table = run_cli("query", "divisions", env={"COLUMNS": "120"})
    assert table.code == 0 and max(len(line) for line in table.out.splitlines()) <= 120
    assert "…" in table.out
    csv = run_cli("query", "divisions", "--format", "csv", env={"COLUMNS": "40"})
    assert "…" not in csv.out
    assert "https://w3id.org/crdkg/id/division/110000,110000,Beijing,北京市,北京," in csv.out


def test_csv_for_spreadsheets():
    r = run_cli("query", "divisions-in-region", "--param", "region=northeast", "--format", "csv", "--bom", "--no-iris")
    assert r.code == 0
    assert r.out.startswith("\ufeffcode,name_en,name_zh\n")
    assert r.out.splitlines()[1:] == ["210000,Liaoning,辽宁省", "220000,Jilin,吉林省", "230000,Heilongjiang,黑龙江省"]


def test_a_graph_result_as_a_table():
    r = run_cli("query", "describe-resource", "--param", "resource=region:northeast", "--format", "table")
    assert r.code == 0 and r.out.splitlines()[0].split() == ["subject", "predicate", "object"]
    assert "@prefix" not in r.out
