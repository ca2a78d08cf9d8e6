"""The prefecture- and county-level layer (issue 28) and the truth fixes that change where the
strategy acts (issue 29): every expected value here is written by hand from the reference files
(data/reference/divisions/, data/reference/target-areas/, data/reference/README.md), not from
the program's output."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from crdkg.catalogue import load_catalogue
from crdkg.errors import ParameterError
from crdkg.querying import run_stored
from test_stored_queries import local, rows, run

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = load_catalogue()
QB = "http://purl.org/linked-data/cube#"
OWL_CLASS = "http://www.w3.org/2002/07/owl#Class"


def count(engine, text: str) -> int:
    prefixes = ("PREFIX crd: <https://w3id.org/crdkg/ontology#> PREFIX qb: <http://purl.org/linked-data/cube#> "
                "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX geo: <http://www.opengis.net/ont/geosparql#> "
                "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ")
    result = engine.query(prefixes + text)
    return int(result.rows[0][0].value)


# --- the shipped files are what the build writes -------------------------------------------

def test_the_places_and_census_files_are_what_the_build_writes():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_places
    finally:
        sys.path.pop(0)
    from crdkg.format import as_written, canonical_turtle

    with as_written():
        expected = {f"places/{name}": canonical_turtle(g) for name, g in build_places.division_graphs().items()}
        expected["places/former-divisions.ttl"] = canonical_turtle(build_places.former_graph())
        expected["places/area-lists.ttl"] = canonical_turtle(build_places.area_list_graph())
        expected["census/census-population.ttl"] = canonical_turtle(build_places.census_graph())
    for name, text in expected.items():
        assert (ROOT / "data" / name).read_text(encoding="utf-8") == text, name


# --- the places ------------------------------------------------------------------------------

# data/reference/divisions/README.md, "Counts per province and type (2024-12-31)", total row
TYPE_COUNTS = {"PrefectureLevelCity": 293, "Prefecture": 7, "AutonomousPrefecture": 30, "League": 3,
               "District": 977, "County": 1301, "CountyLevelCity": 397, "AutonomousCounty": 117, "Banner": 49,
               "AutonomousBanner": 3, "SpecialDistrict": 1, "ForestryDistrict": 1}


@pytest.mark.parametrize("cls", sorted(TYPE_COUNTS))
def test_every_division_of_the_reference_by_type(engine, cls):
    assert count(engine, f"SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/crdkg/graph/places> "
                         f"WHERE {{ ?d a crd:{cls} }}") == TYPE_COUNTS[cls]


def test_levels_total_333_prefectures_and_2846_counties(engine):
    for level, n in (("PrefecturalDivision", 333), ("CountyLevelDivision", 2846)):
        assert count(engine, "SELECT (COUNT(DISTINCT ?d) AS ?n) FROM <https://w3id.org/crdkg/graph/ontology> "
                             "FROM <https://w3id.org/crdkg/graph/places> "
                             f"WHERE {{ ?d a/rdfs:subClassOf crd:{level} }}") == n


@pytest.mark.parametrize("province, prefectures, counties", [
    ("510000", 21, 183), ("河北", 11, 167), ("Beijing", 0, 16), ("新疆", 14, 110), ("海南省", 4, 25)])
def test_divisions_within_a_province_by_level(engine, province, prefectures, counties):
    """The README's table, per province: prefecture-level and county-level columns."""
    assert len(run("divisions-within", engine, region=province, level="prefecture").rows) == prefectures
    assert len(run("divisions-within", engine, region=province, level="county").rows) == counties
    assert len(run("divisions-within", engine, region=province).rows) == prefectures + counties


LESHAN = [  # divisions.csv, the rows under 511100 乐山市
    ("division/511102", "511102", "市中区", None, "county", "District", "District", "division/511100", "乐山市"),
    ("division/511111", "511111", "沙湾区", None, "county", "District", "District", "division/511100", "乐山市"),
    ("division/511112", "511112", "五通桥区", None, "county", "District", "District", "division/511100", "乐山市"),
    ("division/511113", "511113", "金口河区", None, "county", "District", "District", "division/511100", "乐山市"),
    ("division/511123", "511123", "犍为县", None, "county", "County", "County", "division/511100", "乐山市"),
    ("division/511124", "511124", "井研县", None, "county", "County", "County", "division/511100", "乐山市"),
    ("division/511126", "511126", "夹江县", None, "county", "County", "County", "division/511100", "乐山市"),
    ("division/511129", "511129", "沐川县", None, "county", "County", "County", "division/511100", "乐山市"),
    ("division/511132", "511132", "峨边彝族自治县", None, "county", "AutonomousCounty", "Autonomous county",
     "division/511100", "乐山市"),
    ("division/511133", "511133", "马边彝族自治县", None, "county", "AutonomousCounty", "Autonomous county",
     "division/511100", "乐山市"),
    ("division/511181", "511181", "峨眉山市", None, "county", "CountyLevelCity", "County-level city",
     "division/511100", "乐山市"),
]
WITHIN_COLUMNS = ("division", "code", "name_zh", "name_en", "level", "type", "type_label", "parent", "parent_name")


@pytest.mark.parametrize("value", ["511100", "乐山市", "乐山", "division:511100"])
def test_divisions_within_leshan(engine, value):
    assert rows(run("divisions-within", engine, region=value), *WITHIN_COLUMNS) == LESHAN


def test_divisions_within_by_type_and_in_chinese(engine):
    got = rows(run("divisions-within", engine, region="四川", type="AutonomousCounty", lang="zh"), *WITHIN_COLUMNS)
    assert got == [
        ("division/510726", "510726", "北川羌族自治县", None, "county", "AutonomousCounty", "自治县", "division/510700",
         "绵阳市"),
        ("division/511132", "511132", "峨边彝族自治县", None, "county", "AutonomousCounty", "自治县", "division/511100",
         "乐山市"),
        ("division/511133", "511133", "马边彝族自治县", None, "county", "AutonomousCounty", "自治县", "division/511100",
         "乐山市"),
        ("division/513422", "513422", "木里藏族自治县", None, "county", "AutonomousCounty", "自治县", "division/513400",
         "凉山彝族自治州")]
    # Baoding's three Xiong'an counties keep their IRIs and their English names (data/reference/README.md)
    baoding = {r[0]: r[3] for r in rows(run("divisions-within", engine, region="130600"), *WITHIN_COLUMNS)}
    assert baoding["division/130638"] == "Xiong County" and baoding["division/130629"] == "Rongcheng County"
    assert baoding["division/130632"] == "Anxin County" and len(baoding) == 24


def test_province_administered_counties_lie_within_the_province(engine):
    """No prefecture above them: the README's list (Henan 济源, Hubei's four, Hainan's 15, the XPCC's 12)."""
    direct = {c for (c,) in rows(run("divisions-within", engine, region="湖北", level="county"), "code")
              if not c.startswith(("4201", "4202", "4203", "4205", "4206", "4207", "4208", "4209", "4210", "4211",
                                   "4212", "4213", "4228"))}
    assert direct == {"429004", "429005", "429006", "429021"}
    got = rows(run("divisions-within", engine, region="429021"), "code")
    assert got == []  # a county has nothing within it
    profile = rows(run("division-profile", engine, division="神农架林区"), "relation", "item", "item_type")
    assert ("type", "ForestryDistrict", OWL_CLASS) in profile
    assert ("within", "division/420000", "Province") in profile


def test_no_romanization_is_presented_as_a_name(engine):
    """No official English list exists: only the four English names the graph had (from the reference
    README) are there, on prefectures and counties."""
    got = set(rows(engine.query(
        "PREFIX crd: <https://w3id.org/crdkg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?d ?l FROM <https://w3id.org/crdkg/graph/ontology> FROM <https://w3id.org/crdkg/graph/places> "
        "WHERE { ?d a/rdfs:subClassOf ?level ; rdfs:label ?l FILTER(LANG(?l) = 'en') "
        "VALUES ?level { crd:PrefecturalDivision crd:CountyLevelDivision } }"), "d", "l"))
    assert got == {("division/130600", "Baoding"), ("division/130629", "Rongcheng County"),
                   ("division/130632", "Anxin County"), ("division/130638", "Xiong County")}


def test_the_old_baoding_iri_still_says_where_baoding_went(engine):
    result = run("describe-resource", engine, resource="prefecture:baoding")
    got = {(local(t.subject), local(t.predicate), local(t.object)) for t in result.triples}
    assert ("prefecture/baoding", "http://purl.org/dc/terms/isReplacedBy", "division/130600") in got
    assert ("area/xiongan-new-area", "http://www.opengis.net/ont/geosparql#sfWithin", "prefecture/baoding") not in got


# --- names people type ------------------------------------------------------------------------

@pytest.mark.parametrize("value, iri", [
    ("雄县", "division/130638"), ("Xiong County", "division/130638"), ("峨边", "division/511132"),
    ("峨边彝族自治县", "division/511132"), ("511132", "division/511132"), ("长白", "division/220623"),
    ("融水", "division/450225"), ("伊犁", "division/654000"), ("神农架", "division/429021")])
def test_county_names_people_type(engine, value, iri):
    got = rows(run("division-profile", engine, division=value), "relation", "item")
    assert ("within", "country/china") in got
    from crdkg.querying import bind_parameters

    bound = bind_parameters(CATALOGUE["division-profile"], {"division": value}, engine)
    assert bound["division"].value == "https://w3id.org/crdkg/id/" + iri


def test_a_search_form_never_hides_a_province():
    """吉林市's and 海南藏族自治州's short forms would be 吉林 and 海南, the provinces' names: not given."""
    text = (ROOT / "data" / "places" / "prefectures.ttl").read_text(encoding="utf-8")
    assert 'skos:hiddenLabel "吉林"@zh' not in text and 'skos:hiddenLabel "海南"@zh' not in text
    block = text[text.index("division:220200\n"):]
    assert "skos:hiddenLabel" not in block[:block.index("\n.\n")]


@pytest.mark.parametrize("name, expected", [
    ("朝阳区", ["division:110105 (朝阳区; in 北京市 Beijing)", "division:220104 (朝阳区; in 吉林省 Jilin)"]),
    ("鼓楼区", ["division:320106 (鼓楼区; in 江苏省 Jiangsu)", "division:320302 (鼓楼区; in 江苏省 Jiangsu)",
             "division:350102 (鼓楼区; in 福建省 Fujian)", "division:410204 (鼓楼区; in 河南省 Henan)"])])
def test_an_ambiguous_name_lists_its_candidates_with_their_provinces(engine, name, expected):
    with pytest.raises(ParameterError) as err:
        run("targeting-region", engine, region=name)
    assert "ambiguous" in str(err.value)
    for candidate in expected:
        assert candidate in str(err.value)
    assert set(err.value.candidates) == {c.split(" ")[0] for c in expected}


def test_an_unknown_name_offers_the_nearest_with_their_provinces(engine):
    with pytest.raises(ParameterError) as err:
        run("targeting-region", engine, region="峨边县")
    assert "did you mean" in str(err.value) and "division:511132 (峨边彝族自治县; in 四川省 Sichuan)" in str(err.value)


@pytest.mark.parametrize("value, said", [
    ("110103", "110103 崇文区 (北京市) was listed 1981-2009 and changed in 2010; its area is today in 东城区 "
               "(division:110101)"),
    ("崇文区", "110103 崇文区 (北京市) was listed 1981-2009 and changed in 2010; its area is today in 东城区 "
              "(division:110101)")])
def test_a_retired_code_is_answered_with_what_it_was(engine, value, said):
    with pytest.raises(ParameterError) as err:
        run("targeting-region", engine, region=value)
    assert str(err.value) == (f"parameter 'region': {value!r} is not in force: {said}. "
                              "Give a division in force (its code or name).")


def test_a_name_parameter_is_bounded(engine):
    with pytest.raises(ParameterError, match="at most 300"):
        run("targeting-region", engine, region="x" * 120_000)


# --- history --------------------------------------------------------------------------------------

HISTORY = ("record", "code", "name", "listed_from", "changed_in", "province", "province_name", "successor",
           "successor_code", "successor_name", "continued_as")


def test_code_history_of_a_retired_code(engine):
    # division_changes.csv: 110103,崇文区,county,北京市,直辖,1981,2010,110101,110101,no,code retired
    assert rows(run("code-history", engine, code="110103"), *HISTORY) == [
        ("former-division/110103-1981", "110103", "崇文区", "1981", "2010", "division/110000", "北京市",
         "division/110101", "110101", "东城区", None)]


def test_code_history_of_a_code_that_continues_under_another_name(engine):
    # 130602,新市区,county,河北省,保定市,1983,2015,130602,130602,yes,code continues as 竞秀区
    assert rows(run("code-history", engine, code="130602"), *HISTORY) == [
        ("former-division/130602-1983", "130602", "新市区", "1983", "2015", "division/130000", "河北省",
         "division/130602", "130602", "竞秀区", "division/130602")]


def test_code_history_of_a_code_with_two_records(engine):
    """320802 清河区 was listed twice (1983-1999, 2000-2015); both passed to 320812 清江浦区."""
    got = rows(run("code-history", engine, code="320802"), "record", "listed_from", "changed_in", "successor_code")
    assert got == [("former-division/320802-1983", "1983", "2000", "320812"),
                   ("former-division/320802-2000", "2000", "2016", "320812")]


def test_every_record_of_the_changes_file_is_there(engine):
    # division_changes.csv: 1,023 rows, 58 of them with the code still in force
    assert count(engine, "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/crdkg/graph/places> "
                         "WHERE { ?r a crd:FormerDivision }") == 1023
    assert count(engine, "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/crdkg/graph/places> "
                         "WHERE { ?r crd:continuedAs ?d }") == 58


# --- the areas the text targets ---------------------------------------------------------------

def test_ethnic_autonomous_areas_are_155_from_the_official_names(engine):
    got = list(dict.fromkeys(rows(run("area-list-members", engine, list="民族自治地方"), "code", "type_label", "status",
                                  "complete")))
    by_type: dict[str, int] = {}
    for _, t, _, complete in got:
        by_type[t] = by_type.get(t, 0) + 1
        assert complete is True
    assert by_type == {"Autonomous region": 5, "Autonomous prefecture": 30, "Autonomous county": 117,
                       "Autonomous banner": 3}
    assert ("511132", "Autonomous county", "status/verified", True) in got


LIST_COLUMNS = ("member", "code", "name_zh", "type_label", "province", "province_label", "status", "complete")


def test_land_border_provincial_divisions(engine):
    """border_divisions.csv: nine, all single-sourced, by the 2011-2015 plan and one copy."""
    result = run("area-list-members", engine, list="land-border-provincial-divisions")
    got = list(dict.fromkeys(rows(result, *LIST_COLUMNS)))  # a row per source
    names = {"150000": ("内蒙古自治区", "Autonomous region", "Inner Mongolia"),
             "210000": ("辽宁省", "Province", "Liaoning"), "220000": ("吉林省", "Province", "Jilin"),
             "230000": ("黑龙江省", "Province", "Heilongjiang"),
             "450000": ("广西壮族自治区", "Autonomous region", "Guangxi"), "530000": ("云南省", "Province", "Yunnan"),
             "540000": ("西藏自治区", "Autonomous region", "Tibet"), "620000": ("甘肃省", "Province", "Gansu"),
             "650000": ("新疆维吾尔自治区", "Autonomous region", "Xinjiang")}
    assert got == [(f"division/{c}", c, zh, t, f"division/{c}", en, "status/single-source", True)
                   for c, (zh, t, en) in names.items()]
    sources = {}
    for code, source in rows(result, "code", "source"):
        sources.setdefault(code, set()).add(source)
    assert sources == {c: {"document/xingbian-fumin-plan-2011-2015", "source/ccprjournal-8913"} for c in names}


def test_the_ethnic_eight_are_a_statistical_grouping_of_no_category(engine):
    got = list(dict.fromkeys(c for (c,) in rows(run("area-list-members", engine, list="民族八省区"), "code")))
    assert got == ["150000", "450000", "520000", "530000", "540000", "630000", "640000", "650000"]
    assert count(engine, "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/crdkg/graph/places> WHERE { "
                         "<https://w3id.org/crdkg/id/area-list/ethnic-eight-provinces> a crd:StatisticalGrouping "
                         "FILTER NOT EXISTS { <https://w3id.org/crdkg/id/area-list/ethnic-eight-provinces> "
                         "crd:ofCategory ?c } }") == 1


def test_twelve_old_revolutionary_base_areas_with_no_members(engine):
    got = {(r[0], r[1]) for r in rows(engine.query(
        "PREFIX crd: <https://w3id.org/crdkg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?a ?status FROM <https://w3id.org/crdkg/graph/places> "
        "WHERE { ?a a crd:OldRevolutionaryBaseArea ; crd:verificationStatus ?status ; "
        "crd:ofCategory <https://w3id.org/crdkg/id/area-category/old-revolutionary-base-areas> }"), "a", "status")}
    verified = {"gannan-former-central-soviet-areas", "shaanxi-gansu-ningxia-revolutionary-base-area",
                "zuoyoujiang-revolutionary-base-area", "dabie-mountains-revolutionary-base-area",
                "sichuan-shaanxi-revolutionary-base-area", "taihang-revolutionary-base-area",
                "yimeng-revolutionary-base-area"}
    assert len(got) == 12 and {a for a, s in got if s == "status/verified"} == {f"area/{v}" for v in verified}
    assert count(engine, "SELECT (COUNT(*) AS ?n) WHERE { ?m crd:member ?a . ?a a crd:OldRevolutionaryBaseArea }") == 0


def test_incomplete_lists_stay_out():
    """The 160 key counties and 262 resource-based cities were only partly checked: no list of them."""
    text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "data" / "places").glob("*.ttl"))
    assert "重点帮扶县" not in text and "资源型城市" not in text


# --- what targets a place (issues 28 and 29) ---------------------------------------------------

TARGETING = ("thing", "thing_type", "thing_label", "how", "via", "via_label", "status")
CONTAINS = "through a region that wholly contains it"
SPANS = "through an area that spans it in whole or in part"
WHOLE = "through an area that spans the whole of a region containing it"
LISTED = "through the kind of area whose list it is on"
EAST = {("strategy/eastern-leading-development", "RegionalStrategy", "Leading role of the eastern region", CONTAINS,
         "region/east", "Eastern region", None),
        ("task/eastern-innovation-leadership", "Task",
         "Supporting the pioneering role of the eastern region in innovation-driven development", CONTAINS,
         "region/east", "Eastern region", None)}
WEST = {("strategy/western-development", "RegionalStrategy", "Development of the western region", CONTAINS,
         "region/west", "Western region", None),
        ("task/western-development", "Task", "Stepping up large-scale development efforts in the western region",
         CONTAINS, "region/west", "Western region", None)}
YEB = {("initiative/yangtze-economic-belt-conservation", "Initiative",
        "Eco-friendly initiatives for the Yangtze Economic Belt", WHOLE, "area/yangtze-economic-belt",
        "Yangtze Economic Belt", "status/verified"),
       ("strategy/yangtze-economic-belt-development", "MajorRegionalStrategy", "Development of the Yangtze Economic Belt",
        WHOLE, "area/yangtze-economic-belt", "Yangtze Economic Belt", "status/verified")}
SPECIAL = ("task/support-special-areas", "Task", "Expanding support for old revolutionary base areas, areas with large "
           "ethnic minority populations, border regions and economically disadvantaged areas")


def targeting(engine, region):
    return set(rows(run("targeting-region", engine, region=region), *TARGETING))


def test_targeting_xiong_county_follows_the_whole_span_of_hebei(engine):
    """Beijing-Tianjin-Hebei spans the whole of Hebei: its strategy and the relocation of Beijing's non-capital
    functions reach Xiong County; the city clusters that span Hebei in part do not."""
    assert targeting(engine, "Xiong County") == EAST | {
        ("initiative/xiongan-new-area", "Initiative", "Developing the Xiong'an New Area to high standards in "
         "forward-looking plans", SPANS, "area/xiongan-new-area", "Xiong'an New Area", "status/verified"),
        ("initiative/relocate-non-capital-functions", "Initiative", "Relocating from Beijing all functions "
         "nonessential to its role as the capital", WHOLE, "area/beijing-tianjin-hebei", "Beijing-Tianjin-Hebei region",
         "status/verified"),
        ("strategy/beijing-tianjin-hebei-coordinated-development", "MajorRegionalStrategy",
         "Coordinated development of the Beijing-Tianjin-Hebei region", WHOLE, "area/beijing-tianjin-hebei",
         "Beijing-Tianjin-Hebei region", "status/verified")}


def test_targeting_a_district_of_chongqing(engine):
    """万州区 (500101): the Yangtze Economic Belt spans the whole of Chongqing, the Chengdu-Chongqing circle and city
    cluster only part of it."""
    assert targeting(engine, "万州区") == WEST | YEB


def test_targeting_a_county_of_guangdong(engine):
    """兴宁市 (441481, Meizhou): Guangdong is spanned in part by the Greater Bay Area and three city clusters."""
    assert targeting(engine, "441481") == EAST


def test_targeting_ebian_through_its_category(engine):
    assert targeting(engine, "峨边") == WEST | YEB | {
        (*SPECIAL, LISTED, "area-category/ethnic-minority-areas", "Areas with large ethnic minority populations",
         "status/verified")}


def test_targeting_heilongjiang_through_border_regions(engine):
    assert targeting(engine, "Heilongjiang") == {
        ("strategy/northeast-revitalization", "RegionalStrategy", "Revitalization of the northeast", CONTAINS,
         "region/northeast", "Northeastern region", None),
        ("task/revitalize-old-industrial-bases", "Task", "Pursuing reform at a deeper level to accelerate the "
         "revitalization of old industrial bases in the northeast and other parts of the country", CONTAINS,
         "region/northeast", "Northeastern region", None),
        ("initiative/city-cluster-network", "Initiative", "A network of city clusters", SPANS,
         "city-cluster/harbin-changchun", "Harbin-Changchun city cluster", "status/verified"),
        ("initiative/border-development", "Initiative", "Accelerating development in border regions", LISTED,
         "area-category/border-regions", "Border regions", "status/single-source"),
        (*SPECIAL, LISTED, "area-category/border-regions", "Border regions", "status/single-source")}


def test_whole_and_partial_spans(kg):
    """Whole: Beijing-Tianjin-Hebei (3), the Yangtze Economic Belt (11), the Yangtze River Delta (4), Xiong'an's three
    counties, Hong Kong and Macao in the Greater Bay Area; every other span is partial."""
    import pyoxigraph as ox

    whole = {}
    for q in kg.store.quads_for_pattern(None, ox.NamedNode("https://w3id.org/crdkg/ontology#spansWhole"), None, None):
        area = next(kg.store.quads_for_pattern(q.subject, ox.NamedNode("https://w3id.org/crdkg/ontology#spanOf"),
                                               None, None)).object.value.rsplit("/", 1)[-1]
        whole.setdefault(q.object.value, []).append(area)
    counted = {a: whole["true"].count(a) for a in set(whole["true"])}
    assert counted == {"beijing-tianjin-hebei": 3, "yangtze-economic-belt": 11, "yangtze-river-delta": 4,
                       "xiongan-new-area": 3, "guangdong-hong-kong-macao-greater-bay-area": 2}
    assert "guangdong-hong-kong-macao-greater-bay-area" in whole["false"]
    assert "chengdu-chongqing-economic-circle" in whole["false"]


# --- a division's profile, census figures ---------------------------------------------------------

PROFILE = ("relation", "item", "item_label", "item_type", "year", "value", "status")


def test_division_profile_of_ebian(engine):
    # divisions.csv 511132 (自治县, parent 511100); county_census_population.csv: 121554 (2020), 139210 (2010)
    assert rows(run("division-profile", engine, division="511132"), *PROFILE) == [
        ("type", "AutonomousCounty", "Autonomous county", OWL_CLASS, None, None, None),
        ("within", "country/china", "People's Republic of China", "Country", None, None, None),
        ("within", "region/west", "Western region", "MacroRegion", None, None, None),
        ("within", "division/511100", "乐山市", "PrefectureLevelCity", None, None, None),
        ("within", "division/510000", "Sichuan", "Province", None, None, None),
        ("in a region wholly spanned by", "area/yangtze-economic-belt", "Yangtze Economic Belt", "EconomicBelt", None,
         None, "status/verified"),
        ("on the list", "area-list/ethnic-autonomous-areas", "Ethnic autonomous areas", "AreaList", None, None,
         "status/verified"),
        ("census population (persons)", "observation/census-511132-2010", None, QB + "Observation", "2010", 139210,
         "status/figure-single-source"),
        ("census population (persons)", "observation/census-511132-2020", None, QB + "Observation", "2020", 121554,
         "status/figure-single-source")]


def test_division_profile_of_a_county_within_an_autonomous_prefecture_in_chinese(engine):
    """西昌市 (513401) lies in 凉山彝族自治州, which is on the list; 2020 census 955,523."""
    got = rows(run("division-profile", engine, division="西昌市", lang="zh"), "relation", "item", "item_label", "status")
    assert ("位于", "division/513400", "凉山彝族自治州", None) in got
    assert ("所在区域列入名单", "area-list/ethnic-autonomous-areas", "民族自治地方", "status/verified") in got
    assert ("列入名单", "area-list/ethnic-autonomous-areas", "民族自治地方", "status/verified") not in got


def test_division_profile_of_sichuan(engine):
    got = set(rows(run("division-profile", engine, division="四川省"), "relation", "item", "status"))
    assert got == {("type", "Province", None), ("within", "country/china", None), ("within", "region/west", None),
                   ("spanned by", "city-cluster/chengdu-chongqing", "status/verified"),
                   ("spanned by", "area/yangtze-economic-belt", "status/verified"),
                   ("spanned by", "area/yellow-river-basin", "status/single-source"),
                   ("spanned by", "area/chengdu-chongqing-economic-circle", "status/single-source")}


def test_census_figures_are_the_reference_figures(engine):
    # county_census_population.csv: 130600 保定市 11544036 / 11194382; 640200 石嘴山市 751389 / 725482 (VERIFIED)
    got = {r[0]: r[1:] for r in rows(run("division-profile", engine, division="保定市"), "item", "value", "status")
           if r[0].startswith("observation/")}
    assert got == {"observation/census-130600-2020": (11544036, "status/figure-single-source"),
                   "observation/census-130600-2010": (11194382, "status/figure-single-source")}
    got = {r[0]: r[1:] for r in rows(run("division-profile", engine, division="640200"), "item", "value", "status")
           if r[0].startswith("observation/")}
    assert got == {"observation/census-640200-2020": (751389, "status/figure-verified"),
                   "observation/census-640200-2010": (725482, "status/figure-verified")}


def test_census_counts_and_gaps(engine):
    """README: 20 divisions have no 2020 figure; 3,026 have a 2010 one."""
    for year, n in (("2020", 3179 - 20), ("2010", 3026)):
        assert count(engine, "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/crdkg/graph/census> "
                             f"WHERE {{ ?o crd:censusPopulation ?v ; crd:refYear \"{year}\"^^<http://www.w3.org/2001/XMLSchema#gYear> }}") == n
    # 和康县 (653228), new in 2024: no figure
    assert count(engine, "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/crdkg/graph/census> "
                         "WHERE { ?o crd:refDivision <https://w3id.org/crdkg/id/division/653228> }") == 0


def test_census_never_mixes_with_the_year_end_series(engine):
    assert count(engine, "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/crdkg/graph/census> "
                         "WHERE { ?o crd:residentPopulation ?v }") == 0
    assert count(engine, "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/crdkg/graph/statistics> "
                         "WHERE { ?o crd:censusPopulation ?v }") == 0
    # the disparity queries read the year-end series only: unchanged
    assert len(run("divisions-by-year", engine, year="2020").rows) == 31


def test_a_census_caveat_is_on_the_figure(engine):
    # 653221 和田县: area passed to 和安县 in 2024 (after the census): the note says so
    result = run("describe-resource", engine, resource="obs:census-653221-2020")
    notes = [t.object.value for t in result.triples if t.predicate.value == "http://www.w3.org/2004/02/skos/core#note"]
    assert any("after the census" in n for n in notes)


# --- queries that do not read the new layer keep today's cold path ----------------------------

def test_a_query_without_a_place_parameter_parses_no_place(kg):
    from crdkg.graph import load_graph

    fresh = load_graph()
    run_stored(CATALOGUE["strategy-overview"], __import__("crdkg.api", fromlist=["x"]).embedded_engine(graph=fresh), {})
    assert "places" in fresh.pending and "census" in fresh.pending
