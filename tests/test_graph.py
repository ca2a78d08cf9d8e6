"""The knowledge graph core: files parse, terms are declared and documented, the facts
agree with the checked reference, provenance is complete and the quotes are verbatim."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from crdkg import resources
from crdkg.format import canonical_turtle

ROOT = Path(__file__).resolve().parent.parent
CRD = rdflib.Namespace("https://w3id.org/crdkg/ontology#")
ID = "https://w3id.org/crdkg/id/"
GEO = rdflib.Namespace("http://www.opengis.net/ont/geosparql#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
ONTOLOGY = URIRef("https://w3id.org/crdkg/ontology")
TURTLE_FILES = sorted(ROOT.glob("ontology/**/*.ttl")) + sorted(ROOT.glob("data/*.ttl"))


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    g = rdflib.Graph()
    for f in resources.ontology_files():
        g.parse(f)
    return g


@pytest.fixture(scope="module")
def data() -> rdflib.Graph:
    g = rdflib.Graph()
    for f in resources.data_files():
        g.parse(f)
    return g


@pytest.fixture(scope="module")
def both(onto, data) -> rdflib.Graph:
    return onto + data


def _places() -> rdflib.Graph:
    g = rdflib.Graph()
    for f in resources.part_files("places"):
        g.parse(f)
    return g


def division(code: str) -> URIRef:
    return URIRef(f"{ID}division/{code}")


@pytest.mark.parametrize("path", TURTLE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_turtle_file_parses(path):
    g = rdflib.Graph()
    g.parse(path)
    assert len(g) > 0


@pytest.mark.parametrize("path", TURTLE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_turtle_is_in_canonical_form(path):
    g = rdflib.Graph(bind_namespaces="none")
    text = path.read_text(encoding="utf-8")
    g.parse(data=text, format="turtle")
    assert canonical_turtle(g) == text, f"{path.name} is not canonical: run 'make format'"


def _kinds(onto, term):
    return {k for k in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
            if (term, RDF.type, k) in onto}


def test_every_crd_term_used_in_data_is_declared_with_one_kind(onto, data):
    used = {t for triple in data for t in triple if isinstance(t, URIRef) and str(t).startswith(str(CRD))}
    assert used, "the data uses crd: terms"
    for term in sorted(used):
        assert len(_kinds(onto, term)) == 1, f"{term} is declared {len(_kinds(onto, term))} times"


def test_instances_are_not_declared_as_terms(onto, data):
    for s in set(data.subjects()):
        assert not _kinds(onto, s), f"{s} is both an instance and a term"


def test_every_term_has_labels_definition_and_defined_by(onto):
    terms = [s for s in set(onto.subjects()) if isinstance(s, URIRef) and str(s).startswith(str(CRD))]
    assert len(terms) > 60
    for t in terms:
        langs = sorted(lbl.language for lbl in onto.objects(t, RDFS.label))
        assert langs == ["en", "zh"], f"{t}: labels {langs}"
        assert any(d.language == "en" for d in onto.objects(t, SKOS.definition)), f"{t}: no definition"
        assert (t, RDFS.isDefinedBy, ONTOLOGY) in onto, t


def test_ontology_header(onto):
    for p in (DCT.title, DCT.description, DCT.license, DCT.created, DCT.modified, OWL.versionIRI, OWL.versionInfo):
        assert onto.value(ONTOLOGY, p) is not None, p
    assert onto.value(ONTOLOGY, DCT.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert onto.value(ONTOLOGY, DCT.created).datatype == XSD.date
    version = str(onto.value(ONTOLOGY, OWL.versionInfo))
    assert str(onto.value(ONTOLOGY, OWL.versionIRI)).endswith("/" + version)
    import crdkg

    assert crdkg.__version__ == version


def _macro_members(data, region: str) -> set[str]:
    return {str(s).rsplit("/", 1)[-1] for s in data.subjects(GEO.sfWithin, URIRef(f"{ID}region/{region}"))
            if str(s).startswith(ID + "division/")}


def test_members_per_macro_region(data):
    counts = {r: len(_macro_members(data, r)) for r in ("east", "central", "west", "northeast")}
    assert counts == {"east": 10, "central": 6, "west": 12, "northeast": 3}
    assert _macro_members(data, "northeast") == {"210000", "220000", "230000"}


@pytest.mark.parametrize("code", ["810000", "820000", "710000"])
def test_hong_kong_macao_taiwan_in_no_macro_region(data, code):
    within = set(data.objects(division(code), GEO.sfWithin))
    assert not any(str(w).startswith(ID + "region/") for w in within)
    assert (division(code), CRD.isMainland, Literal(False)) in data


def test_every_division_has_one_valid_code_and_one_type(both):
    divisions = set(both.subjects(RDF.type / RDFS.subClassOf, CRD.ProvincialDivision))  # type: ignore[operator]
    assert len(divisions) == 34
    kinds = {CRD.Province, CRD.AutonomousRegion, CRD.Municipality, CRD.SpecialAdministrativeRegion}
    for d in divisions:
        codes = list(both.objects(d, CRD.divisionCode))
        assert len(codes) == 1 and re.fullmatch(r"[1-9][0-9]0000", str(codes[0])), d
        assert str(d).endswith("/" + str(codes[0]))
        assert len(set(both.objects(d, RDF.type)) & kinds) == 1, d


REFERENCE = ROOT / "data" / "reference"
TYPES = {"province": CRD.Province, "autonomous region": CRD.AutonomousRegion,
         "municipality": CRD.Municipality, "special administrative region": CRD.SpecialAdministrativeRegion}


def _rows(name):
    with open(REFERENCE / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("row", _rows("provincial_divisions.csv"), ids=lambda r: r["code6"])
def test_division_agrees_with_reference(data, row):
    d = division(row["code6"])
    assert (d, RDFS.label, Literal(row["name_en"], lang="en")) in data
    assert (d, RDFS.label, Literal(row["name_zh"], lang="zh")) in data
    if row["name_zh_short"] != row["name_zh"]:
        assert (d, SKOS.altLabel, Literal(row["name_zh_short"], lang="zh")) in data
    assert (d, RDF.type, TYPES[row["type"]]) in data
    assert (d, SKOS.exactMatch, URIRef("http://www.wikidata.org/entity/" + row["wikidata"])) in data
    macro = row["nbs_macro_region"]
    if macro:
        assert (d, GEO.sfWithin, URIRef(f"{ID}region/{macro}")) in data
    belt = URIRef(ID + "area/yangtze-economic-belt")
    assert ((belt, CRD.spans, d) in data) == (row["yangtze_economic_belt"] == "yes")


def _cluster(data, name_zh):
    """The cluster named so in the reference: its label, or for the two deltas its alternative label (the
    label is the plans' own short name, 长三角 and 珠三角)."""
    clusters = [s for p in (RDFS.label, SKOS.altLabel) for s in data.subjects(p, Literal(name_zh, lang="zh"))
                if (s, RDF.type, CRD.CityCluster) in data]
    assert len(clusters) == 1, name_zh
    return clusters[0]


def _listings(data, cluster, plan):
    return [s for s in data.subjects(CRD.listedArea, cluster) if (s, CRD.listedIn, URIRef(ID + "document/" + plan)) in data]


def _words(data, node):
    return str(data.value(node, CRD.nameInPlan))


@pytest.mark.parametrize("row", _rows("city_clusters.csv"), ids=lambda r: r["name_en"])
def test_city_cluster_spans_agree_with_reference(data, row):
    cluster = _cluster(data, row["name_zh"])
    codes = {c + "0000" for c in row["provincial_codes2"].split(";")}
    spans = {s for s in data.subjects(CRD.spanOf, cluster)}
    spanned = {str(data.value(s, CRD.spannedRegion)).rsplit("/", 1)[-1] for s in spans}
    assert spanned == codes
    verified = row["spans_status"].startswith("VERIFIED")
    status = {str(data.value(s, CRD.verificationStatus)).rsplit("/", 1)[-1] for s in spans}
    assert status == {"verified" if verified else "by-name"}
    stated = {str(o).rsplit("/", 1)[-1] for o in data.objects(cluster, CRD.spans)}
    assert stated == (codes if verified else set()), "only verified spans are stated as crd:spans"
    assert (cluster, CRD.verificationStatus, URIRef(ID + "status/secondary-sources")) in data


@pytest.mark.parametrize("row", _rows("city_clusters.csv"), ids=lambda r: r["name_en"])
def test_city_cluster_names_groups_and_tiers_per_plan(data, row):
    """Each plan's own name, group and tier or task, as the reference gives them."""
    cluster = _cluster(data, row["name_zh"])
    (l14,) = _listings(data, cluster, "14th-five-year-plan")
    # the 14th plan's own words, as data/reference/README.md quotes them: 长三角 and 珠三角 where the CSV gives the
    # full names
    in_plan = {"长江三角洲城市群": "长三角", "珠江三角洲城市群": "珠三角"}
    assert _words(data, l14) == in_plan.get(row["name_zh"], row["name_zh"].removesuffix("城市群"))
    assert _words(data, data.value(l14, CRD.planTier)) == row["fyp14_tier"]
    assert data.value(l14, CRD.planGroup) is None
    (l13,) = _listings(data, cluster, "13th-five-year-plan")
    assert _words(data, l13) == row["fyp13_entry"]
    assert _words(data, data.value(l13, CRD.planGroup)) == row["fyp13_group"]
    assert _words(data, data.value(l13, CRD.planTier)) == row["fyp13_tier"]
    for listing in (l13, l14):
        assert data.value(listing, CRD.verificationStatus) == URIRef(ID + "status/secondary-sources")


def test_the_plans_list_18_and_19_entries(data):
    """13th FYP: 18 entries in two groups (东北地区 covers 哈长 and 辽中南); 14th FYP: 19 in three tiers."""
    def listings(plan):
        return set(data.subjects(CRD.listedIn, URIRef(ID + "document/" + plan)))
    assert len(listings("13th-five-year-plan")) == 18
    assert len(listings("14th-five-year-plan")) == 19
    (northeast,) = [s for s in listings("13th-five-year-plan") if _words(data, s) == "东北地区"]
    assert {str(c).rsplit("/", 1)[-1] for c in data.objects(northeast, CRD.listedArea)} == {
        "harbin-changchun", "central-southern-liaoning"}
    tiers14 = {}
    for s in listings("14th-five-year-plan"):
        tiers14.setdefault(_words(data, data.value(s, CRD.planTier)), set()).add(_words(data, s))
    assert {k: len(v) for k, v in tiers14.items()} == {"优化提升": 5, "发展壮大": 5, "培育发展": 9}
    groups13 = {_words(data, data.value(s, CRD.planGroup)) for s in listings("13th-five-year-plan")}
    assert groups13 == {"东部地区", "中西部地区"}


def test_no_plan_assigns_clusters_to_macro_regions(both):
    """The NBS macro-regions are not a plan's groups: no city cluster points at a macro-region."""
    for cluster in both.subjects(RDF.type, CRD.CityCluster):
        for o in both.objects(cluster):
            assert (o, RDF.type, CRD.MacroRegion) not in both, cluster
    assert CRD.groupedUnder not in set(both.predicates())


def test_renamed_clusters_are_one_resource_with_the_names_of_both_plans(data):
    for old, new in (("海峡西岸城市群", "粤闽浙沿海城市群"), ("晋中城市群", "山西中部城市群")):
        cluster = _cluster(data, new)
        assert (cluster, SKOS.altLabel, Literal(old, lang="zh")) in data
        (l13,) = _listings(data, cluster, "13th-five-year-plan")
        assert _words(data, l13) + "城市群" == old


def test_nineteen_city_clusters(data):
    assert len(set(data.subjects(RDF.type, CRD.CityCluster))) == 19


def test_xiongan_lies_within_baoding_and_spans_its_three_counties(both):
    xiongan = URIRef(ID + "area/xiongan-new-area")
    both = both + _places()
    assert (xiongan, GEO.sfWithin, division("130600")) in both  # Baoding, by its code since every prefecture is in
    assert set(both.objects(xiongan, CRD.spans)) == {division("130638"), division("130629"), division("130632")}
    for county in ("130638", "130629", "130632"):
        chain = set(both.transitive_objects(division(county), GEO.sfWithin))
        assert division("130000") in chain and URIRef(ID + "region/east") in chain
    assert (xiongan, CRD.announcedOn, Literal("2017-04-01", datatype=XSD.date)) in both


def test_beijing_tianjin_hebei(both):
    area = URIRef(ID + "area/beijing-tianjin-hebei")
    assert set(both.objects(area, CRD.spans)) == {division("110000"), division("120000"), division("130000")}


def test_greater_bay_area_is_its_own_area(both):
    gba = URIRef(ID + "area/guangdong-hong-kong-macao-greater-bay-area")
    assert (gba, RDFS.label, Literal("粤港澳大湾区", lang="zh")) in both
    assert set(both.objects(gba, CRD.spans)) == {division("440000"), division("810000"), division("820000")}
    prd = URIRef(ID + "city-cluster/pearl-river-delta")
    assert not [o for o in both.objects(prd, None) if "大湾区" in str(o)], "not a label of the PRD cluster"
    assert both.value(gba, CRD.establishedBy) is None  # the plan is for an area named before it, not its origin
    plan = both.value(gba, CRD.namedIn)
    assert both.value(plan, DCT.issued) == Literal("2019-02-18", datatype=XSD.date)
    assert (URIRef(ID + "strategy/greater-bay-area-construction"), CRD.elaboratedIn, plan) in both


@pytest.mark.parametrize(("strategy", "area", "codes", "issued"), [
    ("yangtze-river-delta-integration", "yangtze-river-delta", {"310000", "320000", "330000", "340000"}, "2019-12-01"),
    ("yellow-river-basin-ecological-protection", "yellow-river-basin",
     {"630000", "510000", "620000", "640000", "150000", "140000", "610000", "410000", "370000"}, "2021-10-08"),
    ("chengdu-chongqing-economic-circle", "chengdu-chongqing-economic-circle", {"500000", "510000"}, "2021-10-20"),
])
def test_major_regional_strategies_with_their_documents_dates_and_divisions(both, strategy, area, codes, issued):
    s, a = URIRef(ID + "strategy/" + strategy), URIRef(ID + "area/" + area)
    assert (s, RDF.type, CRD.MajorRegionalStrategy) in both and (s, CRD.targets, a) in both
    assert both.value(both.value(s, CRD.elaboratedIn), DCT.issued) == Literal(issued, datatype=XSD.date)
    spans = list(both.subjects(CRD.spanOf, a))
    assert {str(both.value(sp, CRD.spannedRegion)).rsplit("/", 1)[-1] for sp in spans} == codes
    single = URIRef(ID + "status/single-source")
    assert {both.value(sp, CRD.verificationStatus) for sp in spans} == {single}
    assert both.value(s, CRD.verificationStatus) == single
    assert not list(both.objects(a, CRD.spans)), "single-sourced spans are not stated as crd:spans"


def test_chengdu_chongqing_decided_in_2020(both):
    s = URIRef(ID + "strategy/chengdu-chongqing-economic-circle")
    assert both.value(s, CRD.launchYear) == Literal("2020", datatype=XSD.gYear)


def test_mechanisms_the_opinions_only_name_are_not_established_by_them(both):
    """The preamble says regions have explored three mechanisms; it does not set them up."""
    opinions = URIRef(ID + "document/opinions-2018-regional-coordination-mechanism")
    named = {str(s).rsplit("/", 1)[-1] for s in both.subjects(CRD.namedIn, opinions)}
    assert named == {"regional-cooperation", "regional-mutual-assistance", "inter-regional-benefit-compensation"}
    for m in named:
        assert (URIRef(ID + "mechanism/" + m), CRD.establishedBy, opinions) not in both
    established = {both.value(s, CRD.verificationStatus) for s in both.subjects(CRD.establishedBy, opinions)
                   if (s, RDF.type, CRD.Mechanism) in both}
    assert established == {URIRef(ID + "status/unverified")}


# --- the source text ----------------------------------------------------------------

SOURCE = (ROOT / "data" / "sources" / "000_7554d6b35ec4d474.txt").read_text(encoding="utf-8")
SOURCE_ZH = (ROOT / "data" / "sources" / "keywords-crd-zh.txt").read_text(encoding="utf-8")
REFERENCE_TEXT = (REFERENCE / "README.md").read_text(encoding="utf-8")
KEYWORDS_PASSAGE = ID + "passage/keywords-crd-"


def _quote(data, passage, lang):
    quotes = [q for q in data.objects(passage, CRD.quote) if q.language == lang]
    assert len(quotes) == 1, (passage, lang)
    return str(quotes[0])


def _blocks(text):
    return [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]


def test_every_passage_quote_is_verbatim_in_the_source(data):
    passages = list(data.subjects(RDF.type, CRD.Passage))
    assert len(passages) == 20
    for p in passages:
        quote = _quote(data, p, "en")
        assert quote and quote in SOURCE, p


def test_every_chinese_quote_is_verbatim_in_the_chinese_text(data):
    for p in data.subjects(RDF.type, CRD.Passage):
        quote = _quote(data, p, "zh")
        assert quote and quote in SOURCE_ZH, p
        n = int(data.value(p, CRD.zhParagraphNumber))
        assert quote in _blocks(SOURCE_ZH)[n - 1], p
    doc = URIRef(ID + "document/keywords-coordinated-regional-development")
    assert (doc, CRD.punctuationAsRetrieved, Literal(True)) in data


def test_every_sentence_and_bullet_of_the_source_is_a_passage(data):
    """Nothing in the text is left out: each block's sentences are quoted."""
    quotes = {str(q) for q in data.objects(None, CRD.quote) if q.language == "en"}
    blocks = _blocks(SOURCE)
    assert len(blocks) == 10
    for block in blocks:
        text = block.removeprefix("• ")
        covered = text
        for q in quotes:
            covered = covered.replace(q, "")
        assert re.fullmatch(r"[\s;.]*(and)?[\s;.]*", covered), f"not quoted: {covered!r}"


def test_every_clause_of_the_chinese_text_is_quoted(data):
    quotes = sorted((str(q) for q in data.objects(None, CRD.quote) if q.language == "zh"), key=len, reverse=True)
    blocks = _blocks(SOURCE_ZH)
    assert len(blocks) == 3
    for block in blocks:
        covered = block
        for q in quotes:
            covered = covered.replace(q, "")
        assert re.fullmatch(r"[,;:。\s]*", covered), f"not quoted: {covered!r}"


def test_passage_numbers_point_at_their_quote(data):
    blocks = _blocks(SOURCE)
    for p in data.subjects(RDF.type, CRD.Passage):
        n = int(data.value(p, CRD.paragraphNumber))
        assert _quote(data, p, "en") in blocks[n - 1], p


# The Chinese labels of what the text names, written by hand from the Chinese text.
CHINESE_WORDS = {
    "strategy/coordinated-regional-development": "区域协调发展战略",
    "strategy/overall-regional-development": "区域发展总体战略",
    "strategy/economic-and-social-development": "经济社会发展战略",
    "strategy/western-development": "西部大开发",
    "strategy/northeast-revitalization": "东北振兴",
    "strategy/rise-of-central-region": "中部崛起",
    "strategy/eastern-leading-development": "东部率先发展",
    "strategy/beijing-tianjin-hebei-coordinated-development": "京津冀协同发展",
    "task/support-special-areas": "加大力度支持革命老区、民族地区、边疆地区、贫困地区快速发展",
    "task/western-development": "强化举措推进西部大开发形成新格局",
    "task/revitalize-old-industrial-bases": "深化改革加快东北等老工业基地振兴",
    "task/rise-of-central-region": "发挥优势推动中部地区崛起",
    "task/eastern-innovation-leadership": "创新引领率先实现东部地区优化发展",
    "task/coordination-mechanisms": "建立更加有效的区域协调发展新机制",
    "initiative/city-cluster-network": "以城市群为主体构建大中小城市和小城镇协调发展的城镇格局",
    "initiative/urban-residency-for-rural-migrants": "加快农业转移人口市民化",
    "initiative/relocate-non-capital-functions": "疏解北京非首都功能",
    "initiative/xiongan-new-area": "高起点规划、高标准建设雄安新区",
    "initiative/yangtze-economic-belt-conservation": "以共抓大保护、不搞大开发为导向推动长江经济带发展",
    "initiative/resource-dependent-areas": "支持资源型地区经济转型发展",
    "initiative/border-development": "加快边疆发展",
    "initiative/land-marine-coordination": "坚持陆海统筹",
    "goal/coordinated-urban-development": "大中小城市和小城镇协调发展",
    "goal/coordinated-environmental-conservation": "共抓大保护",
    "goal/no-excessive-development": "不搞大开发",
    "goal/resource-area-transformation": "资源型地区经济转型",
    "goal/border-stability-and-security": "边疆巩固、边境安全",
    "goal/strong-maritime-country": "建设海洋强国",
    "goal/subnational-development-coordination": "增强区域发展协同性",
    "goal/regional-development-opportunities": "拓展区域发展新空间",
    "goal/modern-economic-system": "建设现代化经济体系",
    "goal/two-centennial-goals": "“两个一百年”奋斗目标",
    "goal/moderately-prosperous-society": "全面建成小康社会",
    "period/beginning-of-21st-century": "新世纪",
    "event/19th-cpc-national-congress": "中共十九大",
    "area/beijing-tianjin-hebei": "京津冀",
    "area/yangtze-economic-belt": "长江经济带",
    "area/xiongan-new-area": "雄安新区",
    "area-category/old-revolutionary-base-areas": "革命老区",
    "area-category/ethnic-minority-areas": "民族地区",
    "area-category/border-regions": "边疆地区",
    "area-category/economically-disadvantaged-areas": "贫困地区",
    "area-category/old-industrial-bases": "老工业基地",
    "area-category/resource-dependent-areas": "资源型地区",
    "population-group/rural-migrant-workers": "农业转移人口",
}
# Resources that a passage of the text supports but whose Chinese label the text does not give: their
# Chinese words come from the reference (the words the reference gives are in the label).
CHINESE_FROM_REFERENCE = {
    "document/report-19th-cpc-national-congress": "决胜全面建成小康社会 夺取新时代中国特色社会主义伟大胜利",
    "strategy/science-and-education": "科教兴国",
    "strategy/quality-workforce": "人才强国",
    "strategy/innovation-driven-development": "创新驱动发展",
    "strategy/rural-vitalization": "乡村振兴",
    "strategy/sustainable-development": "可持续发展",
    "strategy/military-civilian-integration": "军民融合发展",
    "mechanism/regional-strategy-coordination": "区域战略统筹机制",
    "mechanism/market-integration": "市场一体化发展机制",
    "mechanism/regional-cooperation": "区域合作机制",
    "mechanism/regional-mutual-assistance": "区域互助机制",
    "mechanism/inter-regional-benefit-compensation": "区际利益补偿机制",
    "mechanism/equal-basic-public-services": "基本公共服务均等化机制",
    "mechanism/regional-policy-regulation": "区域政策调控机制",
    "mechanism/regional-development-safeguards": "区域发展保障机制",
}
# Named in English only: the Chinese text has no counterpart, the Chinese label is crdkg's own.
CHINESE_EDITORIAL = {"goal/inter-regional-coordination"}


def _zh_label(data, iri):
    (label,) = [str(o) for o in data.objects(URIRef(ID + iri), RDFS.label) if o.language == "zh"]
    return label


@pytest.mark.parametrize("iri", sorted(CHINESE_WORDS))
def test_chinese_label_is_the_chinese_texts_words(data, iri):
    words = CHINESE_WORDS[iri]
    assert words in SOURCE_ZH, "the expected words are the text's"
    assert _zh_label(data, iri) == words


@pytest.mark.parametrize("iri", sorted(CHINESE_FROM_REFERENCE))
def test_chinese_label_from_the_reference(data, iri):
    words = CHINESE_FROM_REFERENCE[iri]
    assert words in REFERENCE_TEXT
    assert words in _zh_label(data, iri)


def test_every_chinese_label_of_what_the_text_supports_is_accounted_for(data):
    """A resource derived from a passage has the text's Chinese words, the reference's, or says it is editorial."""
    supported = {str(s)[len(ID):] for s, o in data.subject_objects(PROV.wasDerivedFrom)
                 if str(o).startswith(KEYWORDS_PASSAGE)}
    editorial = {str(s)[len(ID):] for s in data.subjects(CRD.editorialLabelIn, Literal("zh"))}
    assert editorial & supported == CHINESE_EDITORIAL
    assert supported == set(CHINESE_WORDS) | set(CHINESE_FROM_REFERENCE) | CHINESE_EDITORIAL
    for iri in supported - set(CHINESE_FROM_REFERENCE) - CHINESE_EDITORIAL:
        assert _zh_label(data, iri) in SOURCE_ZH, iri


def test_short_forms_are_alternative_labels_beside_the_full_wording(data):
    for iri, full, short in (
            ("initiative/city-cluster-network", "以城市群为主体构建大中小城市和小城镇协调发展的城镇格局", "以城市群为主体构建城镇格局"),
            ("initiative/yangtze-economic-belt-conservation", "以共抓大保护、不搞大开发为导向推动长江经济带发展", "推动长江经济带发展"),
            ("document/report-19th-cpc-national-congress", "决胜全面建成小康社会 夺取新时代中国特色社会主义伟大胜利", "中共十九大报告")):
        assert _zh_label(data, iri) == full
        assert (URIRef(ID + iri), SKOS.altLabel, Literal(short, lang="zh")) in data


@pytest.mark.parametrize("cls", ["Strategy", "Goal", "Task", "Initiative", "Mechanism"])
def test_statements_have_provenance(both, cls):
    instances = set(both.subjects(RDF.type / (RDFS.subClassOf * "*"), CRD[cls]))  # type: ignore[operator]
    assert instances, cls
    for s in instances:
        sources = set(both.objects(s, PROV.wasDerivedFrom))
        assert sources, f"{s} has no prov:wasDerivedFrom"
        kinds = {t for src in sources for t in both.objects(src, RDF.type)}
        assert kinds & {CRD.Passage, CRD.SourceDocument, CRD.PolicyDocument, CRD.ReferenceSource}, s


def test_the_source_text_as_data(both):
    """Spot checks of statements of the text, written by hand from it."""
    crd = URIRef(ID + "strategy/coordinated-regional-development")
    overall = URIRef(ID + "strategy/overall-regional-development")
    components = {str(o).rsplit("/", 1)[-1] for o in both.objects(overall, CRD.hasComponent)}
    assert components == {"western-development", "northeast-revitalization", "rise-of-central-region",
                          "eastern-leading-development"}
    assert not list(both.objects(crd, CRD.hasComponent)), "the components are the overall strategy's"
    assert (crd, CRD.buildsOn, overall) in both
    assert (overall, CRD.tookShapeSince, URIRef(ID + "period/beginning-of-21st-century")) in both
    assert (overall, PROV.wasDerivedFrom, URIRef(KEYWORDS_PASSAGE + "p01-s2")) in both
    assert len(set(both.objects(crd, CRD.hasTask))) == 6
    report = URIRef(ID + "document/report-19th-cpc-national-congress")
    assert (crd, CRD.putForwardIn, report) in both
    assert len(set(both.objects(report, CRD.highlights))) == 7
    assert (report, CRD.highlights, crd) in both
    assert len(set(both.subjects(RDF.type, CRD.Initiative))) == 8
    assert (URIRef(ID + "strategy/western-development"), CRD.concernsMacroRegion, URIRef(ID + "region/west")) in both


@pytest.mark.parametrize(("goal", "target", "centenary"), [
    ("moderately-prosperous-society", "2020", "2021"),
    ("basic-socialist-modernization", "2035", None),
    ("great-modern-socialist-country", "2049", "2049"),
])
def test_years_of_the_goals(both, goal, target, centenary):
    """The 19th Congress report: 2020 the moderately prosperous society, 2035 basic modernization; the
    centenaries of the CPC (2021) and the PRC (2049)."""
    g = URIRef(ID + "goal/" + goal)
    assert both.value(g, CRD.targetYear) == Literal(target, datatype=XSD.gYear)
    expected = None if centenary is None else Literal(centenary, datatype=XSD.gYear)
    assert both.value(g, CRD.centenaryYear) == expected
    assert (g, PROV.wasDerivedFrom, URIRef(ID + "source/keywords-19th-cpc-national-congress")) in both


def test_labels_in_both_languages_on_every_described_resource(both):
    typed = {s for s, o in both.subject_objects(RDF.type) if str(o).startswith(str(CRD)) and isinstance(s, URIRef)}
    for s in typed:
        langs = sorted(lbl.language for lbl in both.objects(s, RDFS.label))
        assert langs == ["en", "zh"], f"{s}: {langs}"


def test_no_invented_wikidata_items(data):
    """Every Wikidata link is one that the reference lists."""
    listed = {r["wikidata"] for r in _rows("provincial_divisions.csv")} | {"Q148"}
    used = {str(o).rsplit("/", 1)[-1] for o in data.objects(None, SKOS.exactMatch)}
    assert used <= listed


def test_every_ontology_term_has_a_definition_in_english_and_in_chinese():
    """Chinese definitions in the style of the English ones (2 of the terms had one)."""
    import re as _re

    onto = rdflib.Graph().parse(ROOT / "ontology" / "crd.ttl")
    crd = "https://w3id.org/crdkg/ontology#"
    terms = {s for s in onto.subjects(RDF.type, None) if str(s).startswith(crd) and str(s) != crd}
    assert len(terms) > 80
    for term in terms:
        defs = {d.language: str(d) for d in onto.objects(term, SKOS.definition)}
        assert set(defs) == {"en", "zh"}, (term, defs)
        assert _re.search(r"[\u4e00-\u9fff]", defs["zh"]) and defs["zh"].endswith("。"), (term, defs["zh"])
