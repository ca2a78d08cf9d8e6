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
    for p in q.params:
        assert p.name in used, f"{name}: parameter {p.name} is declared but not used"
        assert p.description, f"{name}: parameter {p.name} has no description"
        if p.type == "iri" and p.cls:
            assert p.cls.startswith(CRD)
    undeclared = {v for v in used if v.startswith("_")} - {p.name for p in q.params}
    assert not undeclared, f"{name}: grlc-style parameters not declared: {undeclared}"


@pytest.mark.parametrize("name", NAMES)
def test_parameters_are_never_assigned_in_the_query(name):
    """A parameter is bound from outside; a BIND(... AS ?param) would clash with it."""
    q = CATALOGUE[name]
    for p in q.params:
        assert not re.search(rf"AS\s+\?{p.name}\b", q.text, re.IGNORECASE), f"{name}: ?{p.name} is assigned"


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
    with pytest.raises(QueryError, match="bad.rq:1"):
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
    got = set(rows(run("division-profile", engine, division=value), "relation", "place", "status"))
    assert got == {("within", "country/china", None), ("within", "region/west", None),
                   ("spanned by", "city-cluster/chengdu-chongqing", "status/verified"),
                   ("spanned by", "area/yangtze-economic-belt", "status/verified")}


def test_division_profile_shows_unverified_spans(engine):
    got = set(rows(run("division-profile", engine, division="Liaoning"), "relation", "place", "status"))
    assert ("spanned by", "city-cluster/central-southern-liaoning", "status/by-name") in got


def test_division_profile_in_chinese(engine):
    got = {r[0]: r[1] for r in rows(run("division-profile", engine, division="510000", lang="zh"), "place", "place_label")}
    assert got["region/west"] == "西部地区" and got["area/yangtze-economic-belt"] == "长江经济带"


def test_strategy_overview(engine):
    got = rows(run("strategy-overview", engine), "aspect", "item")
    by = {}
    for aspect, item in got:
        by.setdefault(aspect, set()).add(item)
    assert by["component"] == {"strategy/western-development", "strategy/northeast-revitalization",
                               "strategy/rise-of-central-region", "strategy/eastern-leading-development"}
    assert by["component of"] == {"strategy/economic-and-social-development"}
    assert by["highlighted in"] == {"document/report-19th-cpc-national-congress"}
    assert len(by["task"]) == 6
    assert by["goal"] == {"goal/moderately-prosperous-society", "goal/subnational-development-coordination",
                          "goal/regional-development-opportunities", "goal/modern-economic-system",
                          "goal/two-centennial-goals"}
    assert by["took shape since"] == {"period/beginning-of-21st-century"}
    details = {r[0]: r[1] for r in rows(run("strategy-overview", engine), "item", "detail") if r[1]}
    assert details["strategy/western-development"] == "region/west"
    assert details["document/report-19th-cpc-national-congress"] == "event/19th-cpc-national-congress"


def test_tasks(engine):
    got = rows(run("tasks", engine), "task", "relation", "item")
    assert len(got) == 23
    assert {i for t, r, i in got if t == "task/support-special-areas"} == {
        "area-category/old-revolutionary-base-areas", "area-category/ethnic-minority-areas",
        "area-category/border-regions", "area-category/economically-disadvantaged-areas"}
    assert ("task/revitalize-old-industrial-bases", "targets", "area-category/old-industrial-bases") in got
    assert ("task/coordination-mechanisms", "serves goal", "goal/inter-regional-coordination") in got
    assert len([1 for t, r, i in got if r == "carried out by"]) == 8


def test_targeting_a_county_through_its_containers(engine):
    got = {r[0] for r in rows(run("targeting-region", engine, region="Xiong County"), "thing")}
    assert got == {"initiative/xiongan-new-area", "initiative/relocate-non-capital-functions",
                   "strategy/beijing-tianjin-hebei-coordinated-development", "initiative/city-cluster-network",
                   "strategy/eastern-leading-development", "task/eastern-innovation-leadership"}


def test_targeting_sichuan(engine):
    got = {r[0] for r in rows(run("targeting-region", engine, region="510000"), "thing")}
    assert got == {"strategy/western-development", "task/western-development",
                   "initiative/yangtze-economic-belt-conservation", "initiative/city-cluster-network"}


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
                            ("city-cluster/guanzhong-plain", 2), ("city-cluster/west-coast-of-the-taiwan-strait", 2),
                            ("city-cluster/yangtze-river-delta", 2)}


def test_goals_by_year(engine):
    got = rows(run("goals-by-year", engine), "goal", "target_year", "declared_achieved", "part_of")
    assert got == [("goal/moderately-prosperous-society", "2021", "2021-07-01", "goal/two-centennial-goals"),
                   ("goal/great-modern-socialist-country", "2049", None, "goal/two-centennial-goals")]


def test_evidence(engine):
    got = rows(run("evidence", engine, resource="task:western-development"), "source", "quote", "paragraph")
    assert got == [("passage/keywords-crd-p02-s1", "The main tasks to implement this strategy include:", 2),
                   ("passage/keywords-crd-p04-s1", "stepping up large-scale development efforts in the western region", 4)]
    xiongan = {r[0] for r in rows(run("evidence", engine, resource="雄安新区"), "source")}
    assert xiongan == {"passage/keywords-crd-p09-s4", "source/crdkg-reference"}


def test_search(engine):
    got = {r[0] for r in rows(run("search", engine, text="长江"), "resource")}
    assert {"area/yangtze-economic-belt", "city-cluster/yangtze-river-delta",
            "city-cluster/middle-reaches-of-the-yangtze"} <= got
    assert run("search", engine, text="yangtze", lang="zh").rows == ()
    english = {r[0] for r in rows(run("search", engine, text="YANGTZE", lang="en"), "resource")}
    assert "area/yangtze-economic-belt" in english


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
    assert got["510000"] == (1, 2, 2, 0)   # Sichuan
    assert got["810000"] == (0, 0, 0, 0)   # Hong Kong


def test_describe_resource(engine):
    result = run("describe-resource", engine, resource="Xiong'an New Area")
    assert result.form == "construct"
    triples = {(local(t.subject), local(t.predicate), local(t.object)) for t in result.triples}
    assert ("area/xiongan-new-area", "http://www.opengis.net/ont/geosparql#sfWithin", "division/130000") in triples
    assert ("initiative/xiongan-new-area", "targets", "area/xiongan-new-area") in triples
    assert ("division/130638", "http://www.w3.org/2000/01/rdf-schema#label", "Xiong County") in triples


def test_find_resource(engine):
    assert rows(run("find-resource", engine, text="四川省"), "resource") == [("division/510000",)]
    assert rows(run("find-resource", engine, text="west", **{"class": "crd:MacroRegion"}), "resource") == [("region/west",)]


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
    assert got == [("component of", "strategy/coordinated-regional-development")]


def test_class_counts(engine):
    got = {r[0]: r[1:] for r in rows(run("class-counts", engine), "class", "direct_instances", "all_instances")}
    assert got["Province"] == (23, 23)
    assert got["ProvincialDivision"] == (0, 34)
    assert got["Region"] == (0, 65)
    assert got["AreaSpan"] == (58, 58)
    assert got["Passage"] == (20, 20)


def test_about(engine, kg):
    (row,) = run("about", engine).values()
    assert row["version"] == "0.1.0"
    assert row["triples"] == kg.count(["ontology", "data"])


def test_city_clusters(engine):
    got = rows(run("city-clusters", engine), "cluster", "division", "status")
    assert len({c for c, _, _ in got}) == 19
    assert len(got) == 41
    assert {(c, d) for c, d, s in got if s == "status/by-name"} == {
        ("city-cluster/central-guizhou", "division/520000"), ("city-cluster/central-southern-liaoning", "division/210000"),
        ("city-cluster/ningxia-along-the-yellow-river", "division/640000")}


def test_regional_strategies(engine):
    got = rows(run("regional-strategies", engine), "strategy", "launch_year", "region")
    assert got == [("strategy/eastern-leading-development", None, "region/east"),
                   ("strategy/western-development", "2000", "region/west"),
                   ("strategy/northeast-revitalization", "2003", "region/northeast"),
                   ("strategy/rise-of-central-region", "2004", "region/central")]


def test_unverified_statements(engine):
    got = rows(run("unverified-statements", engine), "resource", "status")
    assert len(got) == 28
    assert sum(1 for _, s in got if s == "status/unverified") == 5
    assert sum(1 for _, s in got if s == "status/by-name") == 3


def test_area_categories(engine):
    got = rows(run("area-categories", engine), "category", "thing")
    assert len({c for c, _ in got}) == 6
    assert ("area-category/resource-dependent-areas", "initiative/resource-dependent-areas") in got


def test_every_stored_query_has_an_expected_result_test():
    text = open(__file__, encoding="utf-8").read()
    for name in NAMES:
        assert f'"{name}"' in text, f"no expected results for {name}"
