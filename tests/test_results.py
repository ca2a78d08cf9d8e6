"""Result formats: the W3C JSON and XML formats, CSV and TSV, a table aligned by display
width (Chinese characters take two columns), Markdown, and RDF for CONSTRUCT."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from crdkg.engines.base import QueryResult
from crdkg.errors import CrdkgError
from crdkg.results import display_width, write_result

XSD = "http://www.w3.org/2001/XMLSchema#"
RESULT = QueryResult(
    form="select",
    variables=("division", "name", "code", "note"),
    rows=(
        (ox.NamedNode("https://w3id.org/crdkg/id/division/510000"), ox.Literal("四川省", language="zh"),
         ox.Literal("510000"), None),
        (ox.NamedNode("https://w3id.org/crdkg/id/division/110000"), ox.Literal("Beijing", language="en"),
         ox.Literal("110000"), ox.Literal('a "quoted", comma\nnewline')),
    ),
)
COUNT = QueryResult(form="select", variables=("n",), rows=((ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")),),))


def test_display_width():
    assert display_width("四川省") == 6
    assert display_width("Sichuan") == 7
    assert display_width("Xiong’an") == 8


def test_table_aligns_chinese_by_display_width():
    lines = write_result(RESULT, "table").splitlines()
    header, _rule, first, second = lines[:4]
    col = header.index("name")
    assert display_width(first[:first.index("四川省")]) == col
    assert second.index("Beijing") == col
    assert lines[-1] == "(2 rows)"


def test_json_is_w3c_sparql_results():
    doc = json.loads(write_result(RESULT, "json"))
    assert doc["head"]["vars"] == ["division", "name", "code", "note"]
    first, _second = doc["results"]["bindings"]
    assert first["division"] == {"type": "uri", "value": "https://w3id.org/crdkg/id/division/510000"}
    assert first["name"] == {"type": "literal", "value": "四川省", "xml:lang": "zh"}
    assert first["code"] == {"type": "literal", "value": "510000"}
    assert "note" not in first
    doc = json.loads(write_result(COUNT, "json"))
    assert doc["results"]["bindings"][0]["n"] == {"type": "literal", "value": "3", "datatype": XSD + "integer"}


def test_json_round_trips_through_the_endpoint_parser():
    from crdkg.engines.endpoint import parse_json_results

    back = parse_json_results(json.loads(write_result(RESULT, "json")), form="select", where="test")
    assert back == RESULT


def test_xml_is_w3c_sparql_results():
    root = ET.fromstring(write_result(RESULT, "xml"))
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    assert [v.get("name") for v in root.findall("s:head/s:variable", ns)] == ["division", "name", "code", "note"]
    results = root.findall("s:results/s:result", ns)
    assert len(results) == 2
    lit = results[0].find("s:binding[@name='name']/s:literal", ns)
    assert lit.text == "四川省" and lit.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"
    assert results[1].find("s:binding[@name='note']/s:literal", ns).text == 'a "quoted", comma\nnewline'


def test_csv_and_tsv():
    rows = list(csv.reader(io.StringIO(write_result(RESULT, "csv"))))
    assert rows[0] == ["division", "name", "code", "note"]
    assert rows[1] == ["https://w3id.org/crdkg/id/division/510000", "四川省", "510000", ""]
    assert rows[2][3] == 'a "quoted", comma\nnewline'
    tsv = write_result(RESULT, "tsv").splitlines()
    assert tsv[0] == "?division\t?name\t?code\t?note"
    assert tsv[1].split("\t")[:2] == ["<https://w3id.org/crdkg/id/division/510000>", '"四川省"@zh']
    assert '\\n' in tsv[2]  # the newline is escaped in N-Triples syntax, one row per line


CSV_VALUES = ["", "plain", "a,b", 'say "hi"', "line\nbreak", "cr\rhere", " spaced ", "四川省", "\t", '"', ",", "'"]


@pytest.mark.parametrize("fields", [[v] for v in CSV_VALUES] + [CSV_VALUES, ["", ""], ["", "x"]],
                         ids=lambda f: repr(f)[:30])
def test_csv_rows_are_written_as_the_csv_module_writes_them(fields):
    """Our CSV writer (the csv module costs a cold query 1%) against the standard one."""
    from crdkg.results import csv_row

    expected = io.StringIO()
    csv.writer(expected, lineterminator="\r\n").writerow(fields)
    assert csv_row(fields) == expected.getvalue()
    assert next(csv.reader(io.StringIO(csv_row(fields), newline=""))) == fields


def test_csv_lines_end_in_crlf():
    assert write_result(COUNT, "csv") == "n\r\n3\r\n"


def test_markdown():
    md = write_result(RESULT, "markdown").splitlines()
    assert md[0] == "| division | name | code | note |"
    assert md[2].startswith("| division:510000 | 四川省 |")


def test_ask():
    yes = QueryResult(form="ask", boolean=True)
    assert write_result(yes, "table") == "true\n"
    assert json.loads(write_result(yes, "json")) == {"head": {}, "boolean": True}
    assert "<boolean>true</boolean>" in write_result(yes, "xml")


def test_graph_formats(engine):
    result = engine.query("CONSTRUCT { ?s ?p ?o } WHERE { BIND(<https://w3id.org/crdkg/id/region/west> AS ?s) ?s ?p ?o }")
    nt = write_result(result, "ntriples")
    assert len(list(ox.parse(nt.encode(), format=ox.RdfFormat.N_TRIPLES))) == len(result.triples)
    ttl = write_result(result, "turtle")
    assert "@prefix region: <https://w3id.org/crdkg/id/region/>" in ttl
    assert "@prefix sh:" not in ttl  # only the prefixes used
    assert len(list(ox.parse(ttl.encode(), format=ox.RdfFormat.TURTLE))) == len(result.triples)
    doc = json.loads(write_result(result, "jsonld"))
    assert "@context" in doc


def test_format_that_does_not_fit_the_query_form():
    with pytest.raises(CrdkgError, match="does not fit a SELECT"):
        write_result(RESULT, "turtle")
    with pytest.raises(CrdkgError, match="does not fit a CONSTRUCT"):
        write_result(QueryResult(form="construct"), "json")


def test_a_graph_as_a_table_has_a_row_per_triple():
    """describe-resource --format table is a table, never Turtle printed instead."""
    s, p = ox.NamedNode("https://w3id.org/crdkg/id/region/west"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    graph = QueryResult(form="construct", triples=(ox.Triple(s, p, ox.Literal("西部地区", language="zh")),))
    lines = write_result(graph, "table").splitlines()
    assert lines[0].split() == ["subject", "predicate", "object"]
    assert lines[2].split() == ["region:west", "rdfs:label", "西部地区"] and lines[-1] == "(1 row)"
    assert write_result(graph, "csv").splitlines() == [
        "subject,predicate,object", "https://w3id.org/crdkg/id/region/west,http://www.w3.org/2000/01/rdf-schema#label,西部地区"]


def test_no_iris_keeps_the_columns_people_read():
    from crdkg.results import without_iri_columns

    kept = without_iri_columns(RESULT)
    assert kept.variables == ("name", "code", "note")
    assert [tuple(t.value if t is not None else None for t in row) for row in kept.rows] == [
        ("四川省", "510000", None), ("Beijing", "110000", 'a "quoted", comma\nnewline')]
