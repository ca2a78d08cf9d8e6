"""Stored queries: every file parses and has a valid header; each query gives the results
expected on the shipped graph. The expected results are written by hand from the source
text and the reference facts (data/reference/), not copied from the program's output."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from crdkg import resources, sparqltext
from crdkg.catalogue import load_catalogue, parse_query_file
from crdkg.querying import run_stored

ID = "https://w3id.org/crdkg/id/"
CRD = "https://w3id.org/crdkg/ontology#"
CATALOGUE = load_catalogue()
NAMES = CATALOGUE.names()
CHECKS = sorted(resources.check_dir().glob("*.rq"))


def local(term) -> object:
    """A term as a short, readable value: ids without their namespace, literals as Python values."""
    from crdkg.engines.base import python_value

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        for ns in (ID, CRD):
            if term.value.startswith(ns):
                return term.value[len(ns):]
        return term.value
    return python_value(term)


def rows(result, *columns):
    return [tuple(local(r[c]) for c in columns) for r in result.records()]


def run(name, engine, **params):
    return run_stored(CATALOGUE[name], engine, {k: str(v) for k, v in params.items()})


# --- the files ------------------------------------------------------------------------

def test_catalogue_has_the_questions_people_ask():
    for name in ["macro-regions", "divisions-in-region", "division-profile", "strategy-overview", "tasks",
                 "targeting-region", "initiatives", "multi-macro-region-areas", "goals-by-year", "evidence",
                 "search", "mechanisms", "national-strategies", "division-coverage", "describe-resource"]:
        assert name in CATALOGUE


@pytest.mark.parametrize("path", sorted(resources.query_dir().glob("*.rq")) + CHECKS, ids=lambda p: p.name)
def test_query_parses_in_both_engines(path):
    import rdflib.plugins.sparql as rsparql

    text = path.read_text(encoding="utf-8")
    ox.Store().query(text)
    rsparql.prepareQuery(text)


@pytest.mark.parametrize("name", NAMES)
def test_header_is_valid(name):
    q = CATALOGUE[name]
    assert q.summary and len(q.summary) < 140
    used = sparqltext.variables(q.text)
    suffix = {"iri": "_iri", "enum": "", "string": "", "year": "_xsd_gYear"}
    for p in q.params:
        grlc = ("_" if p.required else "__") + p.name + suffix[p.type]  # grlc's convention, by hand
        assert q.variable(p.name) == grlc, f"{name}: parameter {p.name} is not ?{grlc} in the body"
        assert grlc in used, f"{name}: parameter {p.name} is declared but not used"
        assert p.description, f"{name}: parameter {p.name} has no description"
        if p.type == "iri" and p.cls:  # a crd class, or the Data Cube's data set (which has none of crd)
            assert p.cls.startswith(CRD) or p.cls == "http://purl.org/linked-data/cube#DataSet"
    tagged = {v for variants in (q.tagged or {}).values() for v, _ in variants}
    undeclared = {v for v in used if v.startswith("_")} - {q.variable(p.name) for p in q.params} - tagged
    assert not undeclared, f"{name}: variables grlc takes for parameters, not declared: {undeclared}"


@pytest.mark.parametrize("name", NAMES)
def test_query_names_crdkg_graphs_as_its_dataset(name):
    """Each stored query's FROM clauses are crdkg's ontology and data graphs, so a store's
    console finds them without a union default graph (no FROM NAMED: no query uses GRAPH);
    the queries of the statistics and those that take any resource (a figure is one), and
    only those, read the statistics graph too; the queries that look up, take or list places
    below the provinces read the places graph; the census graph is read by those that take any
    resource and by the division profile (the embedded engine parses each for them alone)."""
    query = CATALOGUE[name]
    toks = list(sparqltext.tokens(query.text))
    froms = [toks[i + 1].text for i, t in enumerate(toks) if t.kind == "word" and t.text.upper() == "FROM"]
    expected = ["<https://w3id.org/crdkg/graph/ontology>", "<https://w3id.org/crdkg/graph/data>"]
    if "statistics" in query.tags or name in ANY_RESOURCE:
        expected.append("<https://w3id.org/crdkg/graph/statistics>")
    if name in PLACES or name in ANY_RESOURCE or "places" in query.tags:
        expected.append("<https://w3id.org/crdkg/graph/places>")
    if name in ANY_RESOURCE or name in CENSUS:
        expected.append("<https://w3id.org/crdkg/graph/census>")
    assert froms == expected


#: the queries about any resource, an observation of the statistics or the census included, and
#: those that count the whole graph
ANY_RESOURCE = {"is-instance", "labels", "evidence", "describe-resource", "resource-profile", "statement-sources",
                "class-counts", "list-resources", "about"}
#: the queries that look up names, or take or list regions down to the counties
PLACES = {"find-exact", "find-resource", "search", "unverified-statements", "targeting-region",
          "division-profile", "area-members", "observations", "observation-sources"}
#: the queries that read census figures (the division profile; those of any data set)
CENSUS = {"division-profile", "datasets", "observations", "observation-sources"}


DEFAULTED = [q.name for q in CATALOGUE if any(p.default is not None for p in q.params)]


@pytest.mark.parametrize("name", DEFAULTED)
def test_defaults_in_the_body_are_the_header_defaults(name, engine):
    """Run with no value bound (as a console runs it), a query gives what it gives with each
    default of its header bound: the body's COALESCE(?__name, default) says the same."""
    from crdkg.querying import bind_parameters

    query = CATALOGUE[name]
    examples = query.example_params()  # the required parameters' examples
    required = {k: v for k, v in bind_parameters(query, examples, engine).items() if k in examples}
    unbound = engine.query(query.text, bindings=query.bindings(required))
    if query.computed:  # as run_stored adds them
        from crdkg.computed import apply

        unbound = apply(unbound, query.computed, query=name)
    bound = run_stored(query, engine, examples)
    assert unbound.variables == bound.variables
    assert sorted(map(repr, unbound.rows)) == sorted(map(repr, bound.rows))
    assert len(bound.rows) > 0


def test_a_given_value_replaces_the_body_default(engine):
    """The default is a fallback: with lang=zh the labels are the Chinese ones."""
    result = run_stored(CATALOGUE["macro-regions"], engine, {"lang": "zh"})
    assert sorted(local(r["region_label"]) for r in result.records()) == ["东北地区", "东部地区", "中部地区", "西部地区"]
    result = run_stored(CATALOGUE["macro-regions"], engine, {})
    assert sorted(local(r["region_label"]) for r in result.records()) == [
        "Central region", "Eastern region", "Northeastern region", "Western region"]


def test_a_grlc_variable_of_the_wrong_kind_is_an_error(tmp_path):
    from crdkg.errors import QueryError

    bad = tmp_path / "bad.rq"
    bad.write_text("#+ summary: x\n#+ params:\n#+   - name: region\n#+     type: iri\n"
                   "SELECT * WHERE { ?__region_iri ?p ?o }\n")
    with pytest.raises(QueryError, match=r"bad.rq: parameter 'region' \(required, iri\) is \?_region_iri"):
        parse_query_file(bad)
    bad.write_text("#+ summary: x\n#+ params:\n#+   - name: region\n#+     type: iri\n"
                   "SELECT * WHERE { ?_region ?p ?o }\n")
    with pytest.raises(QueryError, match=r"is \?_region_iri in grlc's convention, not \?_region"):
        parse_query_file(bad)


def test_a_query_of_ones_own_may_use_plain_names(tmp_path, engine):
    own = tmp_path / "own.rq"
    own.write_text("#+ summary: x\n#+ params:\n#+   - name: region\n#+     type: iri\n"
                   "PREFIX geo: <http://www.opengis.net/ont/geosparql#>\n"
                   "SELECT ?d WHERE { ?d geo:sfWithin ?region }\n")
    query = parse_query_file(own)
    assert query.variable("region") == "region"
    result = run_stored(query, engine, {"region": "https://w3id.org/crdkg/id/region/northeast"})
    assert sorted(local(r["d"]) for r in result.records()) == ["division/210000", "division/220000", "division/230000"]


@pytest.mark.parametrize("name", NAMES)
def test_parameters_are_never_assigned_in_the_query(name):
    """A parameter is bound from outside; a BIND(... AS ?param) would clash with it."""
    q = CATALOGUE[name]
    for p in q.params:
        var = q.variable(p.name)
        assert not re.search(rf"AS\s+\?{var}\b", q.text, re.IGNORECASE), f"{name}: ?{var} is assigned"


@pytest.mark.parametrize("path", sorted(resources.query_dir().glob("*.rq")) + CHECKS, ids=lambda p: p.name)
def test_lint_crd_terms_are_declared(path, kg):
    """A query that uses a crd: term the ontology does not declare is a typo waiting to return nothing."""
    text = path.read_text(encoding="utf-8")
    terms = set(re.findall(r"\bcrd:([A-Za-z][A-Za-z0-9_]*)", text))
    terms |= set(re.findall(r"<https://w3id\.org/crdkg/ontology#([A-Za-z0-9_]+)>", text))
    declared = {q.subject.value[len(CRD):] for q in kg.store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), None,
        ox.NamedNode("https://w3id.org/crdkg/graph/ontology")) if q.subject.value.startswith(CRD)}
    assert terms <= declared, f"undeclared: {sorted(terms - declared)}"


def test_lint_catches_an_undeclared_term(tmp_path, kg):
    bad = tmp_path / "bad.rq"
    bad.write_text("#+ summary: x\nPREFIX crd: <https://w3id.org/crdkg/ontology#>\nSELECT * WHERE { ?s crd:spansss ?o }\n")
    with pytest.raises(AssertionError):
        test_lint_crd_terms_are_declared(bad, kg)


def test_bad_header_is_a_query_error(tmp_path):
    from crdkg.errors import QueryError

    bad = tmp_path / "bad.rq"
    bad.write_text("#+ summary: [unclosed\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match=r"bad\.rq:1"):
        parse_query_file(bad)
    missing = tmp_path / "nosummary.rq"
    missing.write_text("#+ tags: [x]\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match="no summary"):
        parse_query_file(missing)


# --- expected results on the shipped graph ---------------------------------------------

def test_macro_regions(engine):
    got = set(rows(run("macro-regions", engine), "region", "strategy", "divisions"))
    assert got == {("region/central", "strategy/rise-of-central-region", 6),
                   ("region/east", "strategy/eastern-leading-development", 10),
                   ("region/northeast", "strategy/northeast-revitalization", 3),
                   ("region/west", "strategy/western-development", 12)}


WEST = ["150000", "450000", "500000", "510000", "520000", "530000", "540000", "610000", "620000", "630000",
        "640000", "650000"]


@pytest.mark.parametrize("value", ["west", "西部地区", "Western region", "region:west", "WEST",
                                   "https://w3id.org/crdkg/id/region/west", "<https://w3id.org/crdkg/id/region/west>"])
def test_divisions_in_region_accepts_names_codes_and_iris(engine, value):
    got = [c for (c,) in rows(run("divisions-in-region", engine, region=value), "code")]
    assert got == WEST


def test_divisions_in_region_names(engine):
    got = {r[0]: r[1:] for r in rows(run("divisions-in-region", engine, region="northeast"),
                                    "code", "name_en", "name_zh", "type")}
    assert got == {"210000": ("Liaoning", "辽宁省", "Province"), "220000": ("Jilin", "吉林省", "Province"),
                   "230000": ("Heilongjiang", "黑龙江省", "Province")}
    assert len(run("divisions-in-region", engine, region="东部地区").rows) == 10
    assert len(run("divisions-in-region", engine, region="Central").rows) == 6


@pytest.mark.parametrize("value", ["510000", "Sichuan", "四川省", "division:510000"])
def test_division_profile(engine, value):
    got = set(rows(run("division-profile", engine, division=value), "relation", "item", "status"))
    assert got == {("type", "Province", None), ("within", "country/china", None), ("within", "region/west", None),
                   ("spanned by", "city-cluster/chengdu-chongqing", "status/verified"),
                   ("spanned by", "area/yangtze-economic-belt", "status/verified"),
                   ("spanned by", "area/yellow-river-basin", "status/single-source"),
                   ("spanned by", "area/chengdu-chongqing-economic-circle", "status/single-source")}


def test_division_profile_shows_unverified_spans(engine):
    got = set(rows(run("division-profile", engine, division="Liaoning"), "relation", "item", "status"))
    assert ("spanned by", "city-cluster/central-southern-liaoning", "status/by-name") in got


def test_division_profile_in_chinese(engine):
    got = {r[0]: r[1:] for r in rows(run("division-profile", engine, division="510000", lang="zh"), "item", "item_label",
                                     "relation")}
    assert got["region/west"] == ("西部地区", "位于") and got["area/yangtze-economic-belt"] == ("长江经济带", "被涵盖于")


def test_strategy_overview(engine):
    got = rows(run("strategy-overview", engine), "aspect", "item")
    by = {}
    for aspect, item in got:
        by.setdefault(aspect, set()).add(item)
    assert set(by) == {"builds on", "component of", "put forward in", "highlighted in", "task", "goal"}
    assert by["builds on"] == {"strategy/overall-regional-development"}
    assert by["component of"] == {"strategy/economic-and-social-development"}
    assert by["put forward in"] == by["highlighted in"] == {"document/report-19th-cpc-national-congress"}
    assert len(by["task"]) == 6
    assert by["goal"] == {"goal/moderately-prosperous-society", "goal/subnational-development-coordination",
                          "goal/regional-development-opportunities", "goal/modern-economic-system",
                          "goal/two-centennial-goals"}
    details = {r[0]: r[1] for r in rows(run("strategy-overview", engine), "item", "detail") if r[1]}
    assert details["document/report-19th-cpc-national-congress"] == "event/19th-cpc-national-congress"


def test_strategy_overview_of_the_overall_strategy(engine):
    got = rows(run("strategy-overview", engine, strategy="区域发展总体战略"), "aspect", "item", "detail")
    assert set(got) == {("component", "strategy/western-development", "region/west"),
                        ("component", "strategy/northeast-revitalization", "region/northeast"),
                        ("component", "strategy/rise-of-central-region", "region/central"),
                        ("component", "strategy/eastern-leading-development", "region/east"),
                        ("built on by", "strategy/coordinated-regional-development", None),
                        ("took shape since", "period/beginning-of-21st-century", None)}


def test_tasks(engine):
    got = rows(run("tasks", engine), "task", "relation", "item")
    assert len(got) == 23
    assert {i for t, r, i in got if t == "task/support-special-areas"} == {
        "area-category/old-revolutionary-base-areas", "area-category/ethnic-minority-areas",
        "area-category/border-regions", "area-category/economically-disadvantaged-areas"}
    assert ("task/revitalize-old-industrial-bases", "targets", "area-category/old-industrial-bases") in got
    assert ("task/coordination-mechanisms", "serves goal", "goal/inter-regional-coordination") in got
    assert len([1 for t, r, i in got if r == "carried out by"]) == 8


CONTAINS = "through a region that wholly contains it"
SPANS = "through an area that spans it in whole or in part"
WHOLE = "through an area that spans the whole of a region containing it"
WITHIN = "through a place that lies within it"
VICINITY = "through an area in its vicinity"
EAST = [("strategy/eastern-leading-development", "RegionalStrategy", "Leading role of the eastern region", CONTAINS,
         "region/east", "Eastern region", None),
        ("task/eastern-innovation-leadership", "Task",
         "Supporting the pioneering role of the eastern region in innovation-driven development", CONTAINS,
         "region/east", "Eastern region", None)]
XIONGAN = "Developing the Xiong'an New Area to high standards in forward-looking plans"
RELOCATE = "Relocating from Beijing all functions nonessential to its role as the capital"
NETWORK = "A network of city clusters"
BTH = "Coordinated development of the Beijing-Tianjin-Hebei region"
COLUMNS = ("thing", "thing_type", "thing_label", "how", "via", "via_label", "status")
# what reaches Beijing and Hebei alike, through the Beijing-Tianjin-Hebei area and city cluster that span both
THROUGH_BTH = {
    ("initiative/relocate-non-capital-functions", "Initiative", RELOCATE, SPANS, "area/beijing-tianjin-hebei",
     "Beijing-Tianjin-Hebei region", "status/verified"),
    ("strategy/beijing-tianjin-hebei-coordinated-development", "MajorRegionalStrategy", BTH, SPANS,
     "area/beijing-tianjin-hebei", "Beijing-Tianjin-Hebei region", "status/verified"),
    ("initiative/city-cluster-network", "Initiative", NETWORK, SPANS, "city-cluster/beijing-tianjin-hebei",
     "Beijing-Tianjin-Hebei city cluster", "status/verified")}


def _targeting(engine, region, **extra):
    return set(rows(run("targeting-region", engine, region=region, **extra), *COLUMNS))


# Beijing-Tianjin-Hebei spans the whole of Hebei: it reaches every part of it
WHOLE_BTH = {
    ("initiative/relocate-non-capital-functions", "Initiative", RELOCATE, WHOLE, "area/beijing-tianjin-hebei",
     "Beijing-Tianjin-Hebei region", "status/verified"),
    ("strategy/beijing-tianjin-hebei-coordinated-development", "MajorRegionalStrategy", BTH, WHOLE,
     "area/beijing-tianjin-hebei", "Beijing-Tianjin-Hebei region", "status/verified")}


def test_targeting_xiong_county(engine):
    """The demo's question. Xiong County lies within Baoding, Hebei and the east; the Xiong'an New Area spans it,
    and Beijing-Tianjin-Hebei spans the whole of Hebei. Areas that span Hebei in part (the Central Plains and
    Beijing-Tianjin-Hebei city clusters) do not reach it."""
    assert _targeting(engine, "Xiong County") == set(EAST) | WHOLE_BTH | {
        ("initiative/xiongan-new-area", "Initiative", XIONGAN, SPANS, "area/xiongan-new-area", "Xiong'an New Area",
         "status/verified")}


def test_targeting_baoding(engine):
    assert _targeting(engine, "Baoding") == set(EAST) | WHOLE_BTH | {
        ("initiative/xiongan-new-area", "Initiative", XIONGAN, WITHIN, "area/xiongan-new-area", "Xiong'an New Area", None)}


def test_targeting_hebei(engine):
    assert _targeting(engine, "河北") == set(EAST) | THROUGH_BTH | {
        ("initiative/xiongan-new-area", "Initiative", XIONGAN, WITHIN, "area/xiongan-new-area", "Xiong'an New Area", None),
        ("initiative/city-cluster-network", "Initiative", NETWORK, SPANS, "city-cluster/central-plains",
         "Central Plains city cluster", "status/verified")}


def test_targeting_beijing(engine):
    """What concerns Beijing: the relocation of its non-capital functions directly, the Xiong'an New Area
    in its vicinity, the areas that span it and the eastern region that contains it."""
    assert _targeting(engine, "Beijing") == set(EAST) | THROUGH_BTH | {
        ("initiative/relocate-non-capital-functions", "Initiative", RELOCATE, "directly", "division/110000", "Beijing", None),
        ("initiative/xiongan-new-area", "Initiative", XIONGAN, VICINITY, "area/xiongan-new-area", "Xiong'an New Area", None)}


def test_targeting_sichuan(engine):
    assert _targeting(engine, "510000") == {
        ("strategy/western-development", "RegionalStrategy", "Development of the western region", CONTAINS,
         "region/west", "Western region", None),
        ("task/western-development", "Task", "Stepping up large-scale development efforts in the western region",
         CONTAINS, "region/west", "Western region", None),
        ("initiative/yangtze-economic-belt-conservation", "Initiative", "Eco-friendly initiatives for the Yangtze Economic Belt",
         SPANS, "area/yangtze-economic-belt", "Yangtze Economic Belt", "status/verified"),
        ("strategy/yangtze-economic-belt-development", "MajorRegionalStrategy", "Development of the Yangtze Economic Belt",
         SPANS, "area/yangtze-economic-belt", "Yangtze Economic Belt", "status/verified"),
        ("initiative/city-cluster-network", "Initiative", NETWORK, SPANS, "city-cluster/chengdu-chongqing",
         "Chengdu-Chongqing city cluster", "status/verified"),
        ("strategy/yellow-river-basin-ecological-protection", "MajorRegionalStrategy",
         "Ecological protection and high-quality development of the Yellow River basin", SPANS, "area/yellow-river-basin",
         "Yellow River basin", "status/single-source"),
        ("strategy/chengdu-chongqing-economic-circle", "MajorRegionalStrategy", "Construction of the Chengdu-Chongqing economic circle",
         SPANS, "area/chengdu-chongqing-economic-circle", "Chengdu-Chongqing economic circle", "status/single-source")}


def test_targeting_in_chinese(engine):
    got = _targeting(engine, "雄县", lang="zh")
    assert ("initiative/xiongan-new-area", "Initiative", "高起点规划、高标准建设雄安新区", "经由全部或部分涵盖它的区域",
            "area/xiongan-new-area", "雄安新区", "status/verified") in got


def test_initiatives(engine):
    got = rows(run("initiatives", engine), "initiative", "relation", "item")
    assert len({i for i, _, _ in got}) == 8
    assert len(got) == 32
    assert ("initiative/relocate-non-capital-functions", "relocatesFrom", "division/110000") in got
    assert ("initiative/land-marine-coordination", "servesGoal", "goal/strong-maritime-country") in got
    assert len([1 for i, r, _ in got if i == "initiative/city-cluster-network" and r == "targets"]) == 19


def test_multi_macro_region_areas(engine):
    got = rows(run("multi-macro-region-areas", engine), "area", "macro_regions")
    assert got[0] == ("area/yangtze-economic-belt", 3)
    assert set(got[1:]) == {("city-cluster/beibu-gulf", 2), ("city-cluster/central-plains", 2),
                            ("city-cluster/guanzhong-plain", 2), ("city-cluster/yangtze-river-delta", 2)}


def test_goals_by_year(engine):
    got = rows(run("goals-by-year", engine), "goal", "goal_label", "target_year", "centenary_year", "declared_achieved",
               "part_of", "stage_of")
    assert got == [("goal/moderately-prosperous-society", "Building a moderately prosperous society in all respects",
                    "2020", "2021", "2021-07-01", "goal/two-centennial-goals", None),
                   ("goal/basic-socialist-modernization", "Basically realizing socialist modernization", "2035", None,
                    None, None, "goal/great-modern-socialist-country"),
                   ("goal/great-modern-socialist-country", "Building a great modern socialist country", "2049", "2049",
                    None, "goal/two-centennial-goals", None)]


def test_evidence(engine):
    got = rows(run("evidence", engine, resource="task:western-development"), "source", "kind", "quote_en", "quote_zh",
               "document", "paragraph", "sentence", "zh_paragraph", "source_label")
    doc = "document/keywords-coordinated-regional-development"
    assert got == [("passage/keywords-crd-p01-s2", "Passage", "Since the beginning of the 21st century, an overall strategy "
                    "has gradually taken shape, focusing on the development of the western region, the revitalization "
                    "of the northeast, the takeoff of the central region, and the leading role of the eastern region.",
                    "新世纪以来,中国逐步形成西部开发、东北振兴、中部崛起、东部率先发展的区域发展总体战略。", doc, 1, 2, 1,
                    "Paragraph 1, sentence 2"),
                   ("passage/keywords-crd-p02-s1", "Passage", "The main tasks to implement this strategy include:",
                    "实施区域协调发展战略的主要任务包括:", doc, 2, 1, 2, "Paragraph 2, sentence 1"),
                   ("passage/keywords-crd-p04-s1", "Passage", "stepping up large-scale development efforts in the western region",
                    "强化举措推进西部大开发形成新格局", doc, 4, 1, 2, "Paragraph 4, sentence 1")]
    chinese = rows(run("evidence", engine, resource="task:western-development", lang="zh"), "source_label")
    assert chinese == [("第1段第2句",), ("第2段第1句",), ("第4段第1句",)]
    xiongan = {r[0] for r in rows(run("evidence", engine, resource="雄安新区"), "source")}
    assert xiongan == {"passage/keywords-crd-p09-s4", "source/crdkg-reference"}


def test_search(engine):
    got = {r[0] for r in rows(run("search", engine, text="长江"), "resource")}
    assert {"area/yangtze-economic-belt", "city-cluster/yangtze-river-delta",
            "city-cluster/middle-reaches-of-the-yangtze"} <= got
    assert run("search", engine, text="yangtze", lang="zh").rows == ()
    english = {r[0] for r in rows(run("search", engine, text="YANGTZE", lang="en"), "resource")}
    assert "area/yangtze-economic-belt" in english
    for text in ("大湾区", "Greater Bay Area"):
        found = {r[0] for r in rows(run("search", engine, text=text), "resource")}
        assert "area/guangdong-hong-kong-macao-greater-bay-area" in found
        assert "city-cluster/pearl-river-delta" not in found


def test_mechanisms(engine):
    got = dict(rows(run("mechanisms", engine), "mechanism", "status"))
    assert len(got) == 8
    assert {m for m, s in got.items() if s == "status/verified"} == {
        "mechanism/regional-cooperation", "mechanism/regional-mutual-assistance",
        "mechanism/inter-regional-benefit-compensation"}
    assert all(t == "task/coordination-mechanisms" for (t,) in rows(run("mechanisms", engine), "task"))


def test_national_strategies(engine):
    got = {r[0] for r in rows(run("national-strategies", engine), "name_zh")}
    assert got == {"科教兴国战略", "人才强国战略", "创新驱动发展战略", "乡村振兴战略", "区域协调发展战略",
                   "可持续发展战略", "军民融合发展战略"}


def test_division_coverage(engine):
    got = {r[0]: r[1:] for r in rows(run("division-coverage", engine), "code", "tasks", "initiatives", "areas",
                                     "unverified_areas")}
    assert len(got) == 34
    assert got["540000"] == (1, 0, 0, 0)   # Tibet: the western task only
    assert got["210000"] == (1, 0, 0, 1)   # Liaoning: a cluster known by name only
    assert got["130000"] == (1, 2, 3, 0)   # Hebei: BTH area, BTH and Central Plains clusters
    assert got["510000"] == (1, 2, 2, 2)   # Sichuan: single-sourced Yellow River basin and Chengdu-Chongqing circle
    assert got["810000"] == (0, 0, 1, 0)   # Hong Kong: in the Greater Bay Area


def test_describe_resource(engine):
    result = run("describe-resource", engine, resource="Xiong'an New Area")
    assert result.form == "construct"
    triples = {(local(t.subject), local(t.predicate), local(t.object)) for t in result.triples}
    assert ("area/xiongan-new-area", "http://www.opengis.net/ont/geosparql#sfWithin", "division/130600") in triples
    assert ("initiative/xiongan-new-area", "targets", "area/xiongan-new-area") in triples
    assert ("division/130638", "http://www.w3.org/2000/01/rdf-schema#label", "Xiong County") in triples


def test_find_resource(engine):
    assert rows(run("find-resource", engine, text="四川省"), "resource") == [("division/510000",)]
    assert rows(run("find-resource", engine, text="west", **{"class": "crd:MacroRegion"}), "resource") == [("region/west",)]


def test_find_exact(engine):
    """Exactly as written: a Chinese label, a short Chinese name (skos:altLabel), an English
    label, a code and a local name; a case that differs is not exact (find-resource's job)."""
    for text in ("四川省", "四川", "Sichuan", "510000"):
        assert rows(run("find-exact", engine, text=text), "resource", "key") == [("division/510000", "510000")]
    assert rows(run("find-exact", engine, text="west"), "resource", "key") == [("region/west", "west")]
    assert rows(run("find-exact", engine, text="sichuan"), "resource") == []
    assert rows(run("find-exact", engine, text="Sichuan Province"), "resource") == []
    # one local name in two namespaces: the area and the city cluster
    assert rows(run("find-exact", engine, text="beijing-tianjin-hebei"), "resource") == [
        ("area/beijing-tianjin-hebei",), ("city-cluster/beijing-tianjin-hebei",)]
    assert rows(run("find-exact", engine, text="west", **{"class": "crd:MacroRegion"}), "resource") == [("region/west",)]
    assert rows(run("find-exact", engine, text="west", **{"class": "crd:ProvincialDivision"}), "resource") == []


def test_labels(engine):
    assert rows(run("labels", engine, resource="division:510000"), "label_en", "label_zh") == [("Sichuan", "四川省")]
    assert rows(run("labels", engine, resource="region:west"), "label_en", "label_zh") == [("Western region", "西部地区")]


def test_is_instance(engine):
    assert run("is-instance", engine, resource="region:west").boolean is True
    assert run("is-instance", engine, resource="region:west", **{"class": "crd:MacroRegion"}).boolean is True
    assert run("is-instance", engine, resource="region:west", **{"class": "crd:Region"}).boolean is True  # a superclass
    assert run("is-instance", engine, resource="region:west", **{"class": "crd:ProvincialDivision"}).boolean is False
    assert run("is-instance", engine, resource="region:nowhere").boolean is False
    assert run("is-instance", engine, resource="crd:MacroRegion").boolean is True  # a class is an owl:Class


def test_list_resources(engine):
    got = rows(run("list-resources", engine, **{"class": "crd:MacroRegion"}), "resource", "key", "label_zh")
    assert got == [("region/central", "central", "中部地区"), ("region/east", "east", "东部地区"),
                   ("region/northeast", "northeast", "东北地区"), ("region/west", "west", "西部地区")]
    assert len(run("list-resources", engine, **{"class": "crd:ProvincialDivision"}).rows) == 34


def test_strategy_overview_of_another_strategy(engine):
    got = rows(run("strategy-overview", engine, strategy="西部大开发"), "aspect", "item")
    assert got == [("component of", "strategy/overall-regional-development")]


def test_class_counts(engine):
    got = {r[0]: r[1:] for r in rows(run("class-counts", engine), "class", "direct_instances", "all_instances")}
    assert got["Province"] == (23, 23)
    assert got["ProvincialDivision"] == (0, 34)
    # the country, 4 macro-regions, 34 provincial-level, 333 prefecture-level and 2,846 county-level divisions,
    # 26 strategic areas and 12 old revolutionary base areas
    assert got["Region"] == (0, 1 + 4 + 34 + 333 + 2846 + 26 + 12)
    assert got["AdministrativeDivision"] == (0, 34 + 333 + 2846)
    assert got["PrefecturalDivision"] == (0, 333) and got["CountyLevelDivision"] == (0, 2846)
    assert got["AutonomousCounty"] == (117, 117) and got["District"] == (977, 977)
    assert got["FormerDivision"] == (1023, 1023)
    assert got["AreaMembership"] == (155 + 8 + 9, 155 + 8 + 9)  # ethnic autonomous areas, ethnic eight, border
    assert got["AreaList"] == (2, 3) and got["OldRevolutionaryBaseArea"] == (12, 12)
    assert got["AreaSpan"] == (75, 75)  # 40 of the city clusters and 35 of the other areas
    assert got["PlanListing"] == (37, 37)  # 18 entries of the 13th Five-Year Plan, 19 of the 14th
    assert got["Passage"] == (20, 20)


def test_about(engine, kg):
    (row,) = run("about", engine).values()
    assert row["version"] == "0.1.0"
    # every graph a query reads (the statistics, places and census too: they were left out), as
    # one merged graph, a triple that two graphs hold counted once
    parts = ["ontology", "data", "statistics", "places", "census"]
    assert row["triples"] == len({(q.subject, q.predicate, q.object) for q in kg.quads(parts)})
    assert row["triples"] > 140_000


def test_city_clusters(engine):
    got = rows(run("city-clusters", engine), "cluster", "plan", "name_in_plan", "group", "tier", "division", "status")
    assert len({r[0] for r in got}) == 19
    spans = [r for r in got if r[5]]
    listings = [r for r in got if r[1]]
    assert len(spans) == 40 and len(listings) == 38  # 19 clusters in each plan (the 13th names two in one entry)
    assert {(c, d) for c, _, _, _, _, d, s in spans if s == "status/by-name"} == {
        ("city-cluster/central-guizhou", "division/520000"), ("city-cluster/central-southern-liaoning", "division/210000"),
        ("city-cluster/ningxia-along-the-yellow-river", "division/640000"),
        ("city-cluster/west-coast-of-the-taiwan-strait", "division/440000"),
        ("city-cluster/west-coast-of-the-taiwan-strait", "division/350000"),
        ("city-cluster/west-coast-of-the-taiwan-strait", "division/330000")}
    coast = {r[1:5] for r in listings if r[0] == "city-cluster/west-coast-of-the-taiwan-strait"}
    assert coast == {("document/13th-five-year-plan", "海峡西岸", "plan-category/fyp13-group-eastern", "plan-category/fyp13-tier-openness"),
                     ("document/14th-five-year-plan", "粤闽浙沿海", None, "plan-category/fyp14-tier-develop-and-strengthen")}


def test_regional_strategies(engine):
    got = rows(run("regional-strategies", engine), "strategy", "launch_year", "region")
    assert got == [("strategy/eastern-leading-development", None, "region/east"),
                   ("strategy/western-development", "2000", "region/west"),
                   ("strategy/northeast-revitalization", "2003", "region/northeast"),
                   ("strategy/rise-of-central-region", "2004", "region/central")]


def test_unverified_statements(engine):
    got = rows(run("unverified-statements", engine), "resource", "status")
    by = {}
    for _, s in set(got):  # a resource with two editorial notes has two rows
        by[s] = by.get(s, 0) + 1
    # 19 clusters, 2 plans, 37 plan listings and 9 plan categories seen only in reprints; 5 mechanisms
    # of the unchecked section list; 6 spans known by name; 44 single-sourced: 3 strategies, their 3 areas,
    # 3 documents and 15 spans; the 4 divisions of divisions.csv marked SINGLE-SOURCE (和康县, 和安县, 西沙区,
    # 南沙区); the list of 9 land-border provincial divisions, its 9 memberships and its plan; 5 of the 12 old
    # revolutionary base areas (old_revolutionary_base_areas.csv)
    assert by == {"status/secondary-sources": 67, "status/unverified": 5, "status/by-name": 6,
                  "status/single-source": 24 + 4 + 1 + 9 + 1 + 5}


def test_area_categories(engine):
    got = rows(run("area-categories", engine), "category", "thing")
    assert len({c for c, _ in got}) == 6
    assert ("area-category/resource-dependent-areas", "initiative/resource-dependent-areas") in got


def test_divisions(engine):
    got = {r[1]: r for r in rows(run("divisions", engine), "division", "code", "name_en", "name_zh", "name_zh_short",
                                 "type", "type_label", "macro_region", "macro_region_label", "wikidata", "mainland")}
    assert len(got) == 34
    assert got["510000"] == ("division/510000", "510000", "Sichuan", "四川省", "四川", "Province", "Province",
                             "region/west", "Western region", "http://www.wikidata.org/entity/Q19770", True)
    assert got["810000"] == ("division/810000", "810000", "Hong Kong", "香港特别行政区", "香港", "SpecialAdministrativeRegion",
                             "Special administrative region", None, None, "http://www.wikidata.org/entity/Q8646", False)
    assert got["710000"][7:] == (None, None, "http://www.wikidata.org/entity/Q57251", False)
    assert sum(1 for r in got.values() if r[7] is None) == 3
    zh = {r[1]: r[6] for r in rows(run("divisions", engine, lang="zh"), "division", "code", "name_en", "name_zh",
                                       "name_zh_short", "type", "macro_region_label")}
    assert zh["510000"] == "西部地区"


def test_area_members(engine):
    got = set(rows(run("area-members", engine, area="粤港澳大湾区"), "member", "code", "member_label", "status",
                   "macro_region", "macro_region_label"))
    assert got == {("division/440000", "440000", "Guangdong", "status/verified", "region/east", "Eastern region"),
                   ("division/810000", "810000", "Hong Kong", "status/verified", None, None),
                   ("division/820000", "820000", "Macao", "status/verified", None, None)}
    xiongan = rows(run("area-members", engine, area="Xiongan"), "member", "macro_region")
    assert xiongan == [("division/130629", "region/east"), ("division/130632", "region/east"), ("division/130638", "region/east")]


def test_area_macro_regions(engine):
    got = set(rows(run("area-macro-regions", engine, area="Yellow River basin"), "macro_region", "macro_region_label",
                   "divisions", "checked"))
    assert got == {("region/west", "Western region", 6, 0), ("region/central", "Central region", 2, 0),
                   ("region/east", "Eastern region", 1, 0)}
    gba = set(rows(run("area-macro-regions", engine, area="Greater Bay Area"), "macro_region", "divisions", "checked"))
    assert gba == {("region/east", 1, 1), (None, 2, 2)}


def test_resource_profile(engine):
    got = set(rows(run("resource-profile", engine, resource="Xiong'an New Area"), "direction", "property", "property_label",
                   "other", "other_label"))
    assert ("out", "http://www.opengis.net/ont/geosparql#sfWithin", "is within", "division/130600", "Baoding") in got
    assert ("out", "inVicinityOf", "in the vicinity of", "division/110000", "Beijing") in got
    assert ("in", "targets", "targets", "initiative/xiongan-new-area", XIONGAN) in got
    assert ("in", "spanOf", "span of", "span/area-xiongan-new-area-130638", "Xiong'an New Area spans Xiong County") in got
    assert ("out", "http://www.w3.org/2000/01/rdf-schema#label", None, "Xiong'an New Area", None) in got
    assert not [r for r in got if r[3] == "雄安新区"], "labels in the other language are left out"


def test_statement_sources(engine):
    got = set(rows(run("statement-sources", engine, resource="area:xiongan-new-area"), "property", "value", "source", "rule"))
    ref, passage = "source/crdkg-reference", "passage/keywords-crd-p09-s4"
    q, p, span = "qualified derivation", "the resource's passages", "the area span's sources"
    assert got == {
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "NewArea", passage, p),
        ("http://www.w3.org/2000/01/rdf-schema#label", "Xiong'an New Area", passage, p),
        ("http://www.w3.org/2004/02/skos/core#altLabel", "Xiong’an New Area", passage, p),
        ("inVicinityOf", "division/110000", passage, p),
        ("http://www.opengis.net/ont/geosparql#sfWithin", "division/130600", ref, q),
        ("http://www.w3.org/2004/02/skos/core#note", "In Baoding, Hebei; covers Xiong, Rongcheng and Anxin counties.", ref, q),
        ("announcedBy", "organization/cpc-central-committee", ref, q),
        ("announcedBy", "organization/state-council", ref, q),
        ("announcedOn", "2017-04-01", ref, q),
    } | {("spans", f"division/{c}", ref, rule) for c in ("130629", "130632", "130638") for rule in (q, span)}
    years = set(rows(run("statement-sources", engine, resource="goal:moderately-prosperous-society"), "property", "value", "source"))
    assert ("targetYear", "2020", "source/cri-report-19th-cpc-national-congress") in years
    assert ("centenaryYear", "2021", "source/keywords-two-centennial-goals") in years
    assert ("http://www.w3.org/2000/01/rdf-schema#label", "Building a moderately prosperous society in all respects",
            "passage/keywords-crd-p01-s3") in years


def test_every_stored_query_has_an_expected_result_test():
    """Here, or for the statistics in test_statistics.py (computed by hand from the reference CSV)."""
    from pathlib import Path

    text = open(__file__, encoding="utf-8").read()
    for other in ("test_statistics.py", "test_places.py", "test_truth.py", "test_release.py"):
        text += (Path(__file__).parent / other).read_text(encoding="utf-8")
    for name in NAMES:
        assert f'"{name}"' in text, f"no expected results for {name}"


def test_the_readme_lists_every_stored_query_as_the_files_say():
    """The table of docs/queries.md is the one `crdkg queries --format markdown` prints, and the
    README counts them."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    printed = subprocess.run([sys.executable, "-m", "crdkg", "queries", "--format", "markdown"], capture_output=True,
                             text=True, check=True, cwd=root, timeout=60).stdout.strip().splitlines()
    page = (root / "docs" / "queries.md").read_text(encoding="utf-8").splitlines()
    start = page.index(printed[0])
    assert page[start:start + len(printed)] == printed
    assert len(printed) == len(NAMES) + 2
    assert f"`crdkg queries` lists the {len(NAMES)} of them" in (root / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", NAMES)
def test_a_value_pasted_by_hand_for_an_optional_parameter_was_not_sparql(name):
    """The README tells people who use a store's console to paste each value in place of its
    variable: with an IRI pasted for an optional parameter, `!BOUND(<iri>)` was no SPARQL.
    Each query, every optional parameter given an IRI or literal pasted into the text, parses."""
    query = CATALOGUE[name]
    text = query.text
    for p in query.params:
        if not p.required:
            value = "<https://w3id.org/crdkg/ontology#Region>" if p.type == "iri" else '"x"'
            text = text.replace("?" + query.variable(p.name), value)
    try:
        ox.Store().query(text)
    except SyntaxError as err:
        pytest.fail(f"{name} with values pasted does not parse: {err}")
