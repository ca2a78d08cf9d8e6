"""Parameters are bound as RDF terms: no value can change a query's structure. Hostile
values, wrong types, unknown and ambiguous names give clear errors (exit code 2)."""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest
import rdflib.plugins.sparql as rsparql

from conftest import ROOT, run_cli
from crdkg import sparqltext
from crdkg.catalogue import load_catalogue
from crdkg.errors import ParameterError
from crdkg.params import Parameter, coerce
from crdkg.querying import bind_parameters, run_stored

CATALOGUE = load_catalogue()

HOSTILE = [
    '"} ; DROP ALL ; #',
    "'} UNION { ?s ?p ?o } #",
    '""" ) } SELECT * WHERE { ?s ?p ?o } #',
    "\\",
    "\\\" } #",
    "line one\nline two\r\n} #",
    "{}{}{}",
    "<https://example.org/x> } #",
    "?text ?lang $resource",
    "長江'\"\t\u2028",
    "x" * 100_000,
]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_is_one_literal_in_the_embedded_engine(value, engine):
    result = run_stored(CATALOGUE["search"], engine, {"text": value})
    assert result.variables == ("resource", "type", "label")
    assert result.rows == ()


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_is_one_literal_in_the_serialized_query(value):
    """What the engines run: the query's tokens are the stored query's, with each ?_text
    replaced by exactly one string token that reads back as the value."""
    query = CATALOGUE["search"]
    text = sparqltext.substitute(query.text, query.bindings({"text": ox.Literal(value)}))
    before = list(sparqltext.tokens(query.text))
    after = list(sparqltext.tokens(text))
    assert len(after) == len(before)
    replaced = 0
    for b, a in zip(before, after, strict=True):
        if b.kind == "var" and b.text == "?_text":
            assert a.kind == "string"
            assert next(iter(ox.parse(f"<x:s> <x:p> {a.text} .".encode(), format=ox.RdfFormat.N_TRIPLES))).object == ox.Literal(value)
            replaced += 1
        else:
            assert (a.kind, a.text) == (b.kind, b.text)
    assert replaced == sum(1 for t in before if t.text == "?_text") >= 1
    rsparql.prepareQuery(text)  # and it still parses


def test_substitution_keeps_projected_variables_and_bound():
    text = "SELECT ?x ?lang WHERE { ?x ?p ?l FILTER(!BOUND(?lang) || LANG(?l) = ?lang) } ORDER BY ?lang"
    out = sparqltext.substitute(text, {"lang": ox.Literal("zh")})
    assert out == 'SELECT ?x ("zh" AS ?lang) WHERE { ?x ?p ?l FILTER(!(true) || LANG(?l) = "zh") } ORDER BY ("zh")'


@pytest.mark.parametrize("text", ["SELECT ?x WHERE { BIND(1 AS ?lang) }", "SELECT ?x WHERE { VALUES ?lang { 1 } }"])
def test_a_variable_the_query_assigns_cannot_be_bound(text):
    from crdkg.errors import QueryError

    with pytest.raises(QueryError, match="cannot be bound"):
        sparqltext.substitute(text, {"lang": ox.Literal("zh")})


def test_rdflib_engine_binds_hostile_values(rdflib_engine):
    result = run_stored(CATALOGUE["search"], rdflib_engine, {"text": '"} ; DROP ALL ; #'})
    assert result.rows == ()


@pytest.mark.parametrize("value", ["https://example.org/a b", "https://example.org/a>b", "<https://x.org/>} #>",
                                   "https://example.org/{x}"])
def test_iri_with_spaces_or_brackets_is_refused(value, engine):
    with pytest.raises(ParameterError, match="'region'"):
        run_stored(CATALOGUE["divisions-in-region"], engine, {"region": value})


def test_unknown_region_lists_the_accepted_values(engine):
    with pytest.raises(ParameterError) as err:
        run_stored(CATALOGUE["divisions-in-region"], engine, {"region": "Atlantis"})
    message = str(err.value)
    assert "Atlantis" in message
    for accepted in ("east", "central", "west", "northeast", "西部地区"):
        assert accepted in message


def test_iri_of_the_wrong_class_is_refused(engine):
    with pytest.raises(ParameterError, match="no MacroRegion matches"):
        run_stored(CATALOGUE["divisions-in-region"], engine, {"region": "division:510000"})


def test_an_iri_names_its_resource_even_where_a_label_reads_the_same(tmp_path):
    """An IRI (or prefixed name) of an instance of the class is taken as it is: is-instance
    answers, and no label is compared. Here another macro-region is labelled with west's IRI;
    a search of labels would find both."""
    from crdkg.api import embedded_engine

    mine = tmp_path / "mine.ttl"
    mine.write_text('<https://example.org/other> a <https://w3id.org/crdkg/ontology#MacroRegion> ;\n'
                    '  <http://www.w3.org/2000/01/rdf-schema#label> "https://w3id.org/crdkg/id/region/west"@en .\n',
                    encoding="utf-8")
    engine = embedded_engine(data=[mine])
    query = CATALOGUE["divisions-in-region"]
    for value in ("region:west", "https://w3id.org/crdkg/id/region/west", "<https://w3id.org/crdkg/id/region/west>"):
        assert bind_parameters(query, {"region": value}, engine)["region"] == ox.NamedNode(
            "https://w3id.org/crdkg/id/region/west")
    # text that names no instance still goes through the labels, compared case-insensitively
    assert bind_parameters(query, {"region": "HTTPS://w3id.org/crdkg/id/region/WEST"}, engine)["region"] == \
        ox.NamedNode("https://example.org/other")


def test_ambiguous_value_lists_the_candidates():
    from crdkg.params import Candidate

    param = Parameter(name="region", type="iri", cls="https://w3id.org/crdkg/ontology#Region")

    def resolver(text, cls):
        return [Candidate("https://w3id.org/crdkg/id/a", "a", "A", ""), Candidate("https://w3id.org/crdkg/id/b", "b", "B", "")]

    with pytest.raises(ParameterError, match="ambiguous: it matches crdid:a \\(A\\); crdid:b \\(B\\)"):
        coerce(param, "x", resolver=resolver)


def test_ambiguous_value_in_the_shipped_graph(engine):
    # the local name beijing-tianjin-hebei is both the BTH area and the BTH city cluster
    with pytest.raises(ParameterError, match=r"ambiguous"):
        run_stored(CATALOGUE["targeting-region"], engine, {"region": "Beijing-Tianjin-Hebei"})


@pytest.mark.parametrize("ptype,value,term", [
    ("integer", "3", '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    ("year", "2021", '"2021"^^<http://www.w3.org/2001/XMLSchema#gYear>'),
    ("date", "2017-10-18", '"2017-10-18"^^<http://www.w3.org/2001/XMLSchema#date>'),
    ("langstring", "长江@zh", '"长江"@zh'),
    ("string", 'a "b"', '"a \\"b\\""'),
])
def test_typed_values(ptype, value, term):
    assert str(coerce(Parameter(name="p", type=ptype), value)) == term


@pytest.mark.parametrize("ptype,value", [("integer", "3.5"), ("integer", "three"), ("year", "21"),
                                          ("date", "2017-13-01"), ("langstring", "no tag"), ("year", "2021-01")])
def test_wrong_type_names_the_parameter_and_what_it_accepts(ptype, value):
    with pytest.raises(ParameterError) as err:
        coerce(Parameter(name="p", type=ptype), value)
    assert "'p'" in str(err.value) and "accepts" in str(err.value)


def test_enum_value_outside_the_list():
    with pytest.raises(ParameterError, match="one of en, zh"):
        coerce(Parameter(name="lang", type="enum", values=("en", "zh")), "fr")


def test_missing_and_unknown_parameters(engine):
    with pytest.raises(ParameterError, match="needs parameter 'region'"):
        bind_parameters(CATALOGUE["divisions-in-region"], {}, engine)
    with pytest.raises(ParameterError, match="has no parameter 'colour'"):
        bind_parameters(CATALOGUE["divisions-in-region"], {"region": "west", "colour": "red"}, engine)


def test_cli_parameter_errors_exit_2_without_traceback():
    for args, needle in [
        (["query", "divisions-in-region"], "needs parameter 'region'"),
        (["query", "divisions-in-region", "-p", "region=Atlantis"], "the MacroRegion values are region:central"),
        (["query", "divisions-in-region", "-p", "region=Wset"], "did you mean region:west (Western region, 西部地区)?"),
        (["query", "divisions-in-region", "-p", "region=west", "-p", "x=1"], "has no parameter 'x'"),
        (["query", "no-such-query"], "no stored query named 'no-such-query'"),
        (["query", "macro-regions", "--lang", "fr"], "invalid choice"),
        (["query", "--query", "SELECT * WHERE { ?s ?p }"], "does not parse"),
        (["query", "--query", "DROP ALL"], "SPARQL update"),
    ]:
        r = run_cli(*args)
        assert r.code == 2, (args, r.err)
        assert needle in r.err, (args, r.err)
        assert "Traceback" not in r.err


def test_cli_non_utf8_value_exits_2():
    proc = subprocess.run([sys.executable, "-m", "crdkg", "query", "search", "-p", b"text=\xff\xfe".decode("utf-8", "surrogateescape")],
                          capture_output=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2
    assert b"not valid UTF-8" in proc.stderr and b"Traceback" not in proc.stderr


@pytest.mark.parametrize(("value", "expected"), [
    ("四川", "division/510000"), ("内蒙古", "division/150000"), ("西藏", "division/540000"), ("香港", "division/810000"),
    ("Sichuan Province", "division/510000"), ("sichuan province", "division/510000"),
    ("Guangxi Autonomous Region", "division/450000"), ("Beijing Municipality", "division/110000"),
    ("Hong Kong SAR", "division/810000"), ("Macao Special Administrative Region", "division/820000"),
])
def test_divisions_by_the_names_people_type(engine, value, expected):
    bound = bind_parameters(CATALOGUE["division-profile"], {"division": value}, engine)["division"]
    assert bound == ox.NamedNode("https://w3id.org/crdkg/id/" + expected)


@pytest.mark.parametrize("value", ["Xiongan", "xiong'an new area", "XIONG’AN NEW AREA", "雄安新区"])
def test_areas_by_names_with_case_and_punctuation_folded(engine, value):
    bound = bind_parameters(CATALOGUE["area-members"], {"area": value}, engine)["area"]
    assert bound == ox.NamedNode("https://w3id.org/crdkg/id/area/xiongan-new-area")


def test_class_names_without_a_prefix(engine):
    rows = run_stored(CATALOGUE["list-resources"], engine, {"class": "MacroRegion"}).values()
    assert [r["key"] for r in rows] == ["central", "east", "northeast", "west"]


def test_unknown_value_answers_with_the_nearest_matches(engine):
    with pytest.raises(ParameterError) as err:
        run_stored(CATALOGUE["division-profile"], engine, {"division": "Sichaun"})
    message = str(err.value)
    assert "did you mean division:510000 (Sichuan, 四川省)" in message
    assert message.count(";") < 6, "a few nearest matches, not a list of all 34"
    with pytest.raises(ParameterError, match="did you mean area:guangdong-hong-kong-macao-greater-bay-area"):
        run_stored(CATALOGUE["area-members"], engine, {"area": "Greater Bay"})


def test_unknown_value_of_a_small_class_lists_every_value(engine):
    with pytest.raises(ParameterError) as err:
        run_stored(CATALOGUE["divisions-in-region"], engine, {"region": "Atlantis"})
    for prefixed in ("region:central", "region:east", "region:west", "region:northeast"):
        assert prefixed in str(err.value)


def test_ambiguous_value_lists_candidates_that_differ(engine):
    with pytest.raises(ParameterError) as err:
        run_stored(CATALOGUE["area-members"], engine, {"area": "yangtze-river-delta"})
    message = str(err.value)
    assert "area:yangtze-river-delta (Yangtze River Delta, 长三角)" in message
    assert "cluster:yangtze-river-delta (Yangtze River Delta city cluster, 长三角城市群)" in message


class Recording:
    """An engine that notes the stored queries it is asked to run, by name."""

    def __init__(self, engine):
        self.engine, self.asked = engine, []

    def query(self, text, *, bindings=None):
        from crdkg.sparqltext import without_dataset

        def body(t):  # a look-up reads the graphs of the query it binds: compare without FROM clauses
            return " ".join(without_dataset(t).split())

        self.asked.append(next(q.name for q in CATALOGUE if body(q.text) == body(text)))
        return self.engine.query(text, bindings=bindings)


@pytest.mark.parametrize(("value", "asked"), [
    ("四川省", ["find-exact"]), ("510000", ["find-exact"]), ("Sichuan", ["find-exact"]),
    ("sichuan province", ["find-exact", "find-resource"]),  # folded only when nothing is exact
])
def test_an_exact_name_is_looked_up_without_reading_every_label(engine, value, asked):
    recording = Recording(engine)
    terms = bind_parameters(CATALOGUE["division-profile"], {"division": value}, recording)
    assert terms["division"] == ox.NamedNode("https://w3id.org/crdkg/id/division/510000")
    assert recording.asked == asked
