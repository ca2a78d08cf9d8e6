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
from crdkg.formatting import canonical_turtle

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
    assert (d, RDF.type, TYPES[row["type"]]) in data
    assert (d, OWL.sameAs, URIRef("http://www.wikidata.org/entity/" + row["wikidata"])) in data
    macro = row["nbs_macro_region"]
    if macro:
        assert (d, GEO.sfWithin, URIRef(f"{ID}region/{macro}")) in data
    belt = URIRef(ID + "area/yangtze-economic-belt")
    assert ((belt, CRD.spans, d) in data) == (row["yangtze_economic_belt"] == "yes")


@pytest.mark.parametrize("row", _rows("city_clusters_13th_fyp.csv"), ids=lambda r: r["name_en"])
def test_city_cluster_spans_agree_with_reference(data, row):
    zh = row["name_zh"].split(" (")[0]
    clusters = [s for s in data.subjects(RDFS.label, Literal(zh, lang="zh")) if (s, RDF.type, CRD.CityCluster) in data]
    assert len(clusters) == 1, zh
    cluster = clusters[0]
    codes = {c + "0000" for c in row["provincial_codes2"].split(";")}
    spans = {s for s in data.subjects(CRD.spanOf, cluster)}
    spanned = {str(data.value(s, CRD.spannedRegion)).rsplit("/", 1)[-1] for s in spans}
    assert spanned == codes
    verified = row["spans_status"].startswith("VERIFIED")
    status = {str(data.value(s, CRD.verificationStatus)).rsplit("/", 1)[-1] for s in spans}
    assert status == {"verified" if verified else "by-name"}
    stated = {str(o).rsplit("/", 1)[-1] for o in data.objects(cluster, CRD.spans)}
    assert stated == (codes if verified else set()), "only verified spans are stated as crd:spans"
    assert (cluster, CRD.groupedUnder, URIRef(f"{ID}region/{row['fyp13_region_group']}")) in data
    assert (cluster, CRD.verificationStatus, URIRef(ID + "status/secondary-sources")) in data


def test_nineteen_city_clusters(data):
    assert len(set(data.subjects(RDF.type, CRD.CityCluster))) == 19


def test_xiongan_lies_within_hebei_and_spans_its_three_counties(both):
    xiongan = URIRef(ID + "area/xiongan-new-area")
    assert (xiongan, GEO.sfWithin, division("130000")) in both
    assert set(both.objects(xiongan, CRD.spans)) == {division("130638"), division("130629"), division("130632")}
    for county in ("130638", "130629", "130632"):
        chain = set(both.transitive_objects(division(county), GEO.sfWithin))
        assert division("130000") in chain and URIRef(ID + "region/east") in chain
    assert (xiongan, CRD.announcedOn, Literal("2017-04-01", datatype=XSD.date)) in both


def test_beijing_tianjin_hebei(both):
    area = URIRef(ID + "area/beijing-tianjin-hebei")
    assert set(both.objects(area, CRD.spans)) == {division("110000"), division("120000"), division("130000")}


# --- the source text ----------------------------------------------------------------

SOURCE = (ROOT / "data" / "sources" / "000_7554d6b35ec4d474.txt").read_text(encoding="utf-8")


def test_every_passage_quote_is_verbatim_in_the_source(data):
    passages = list(data.subjects(RDF.type, CRD.Passage))
    assert len(passages) == 20
    for p in passages:
        quote = str(data.value(p, CRD.quote))
        assert quote and quote in SOURCE, p


def test_every_sentence_and_bullet_of_the_source_is_a_passage(data):
    """Nothing in the text is left out: each block's sentences are quoted."""
    quotes = {str(q) for q in data.objects(None, CRD.quote)}
    blocks = [b.strip() for b in re.split(r"\n\s*\n", SOURCE) if b.strip()]
    assert len(blocks) == 10
    for block in blocks:
        text = block.removeprefix("• ")
        covered = text
        for q in quotes:
            covered = covered.replace(q, "")
        assert re.fullmatch(r"[\s;.]*(and)?[\s;.]*", covered), f"not quoted: {covered!r}"


def test_passage_numbers_point_at_their_quote(data):
    blocks = [b.strip() for b in re.split(r"\n\s*\n", SOURCE) if b.strip()]
    for p in data.subjects(RDF.type, CRD.Passage):
        n = int(data.value(p, CRD.paragraphNumber))
        assert str(data.value(p, CRD.quote)) in blocks[n - 1], p


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
    components = {str(o).rsplit("/", 1)[-1] for o in both.objects(crd, CRD.hasComponent)}
    assert components == {"western-development", "northeast-revitalization", "rise-of-central-region",
                          "eastern-leading-development"}
    assert len(set(both.objects(crd, CRD.hasTask))) == 6
    report = URIRef(ID + "document/report-19th-cpc-national-congress")
    assert len(set(both.objects(report, CRD.highlights))) == 7
    assert (report, CRD.highlights, crd) in both
    assert len(set(both.subjects(RDF.type, CRD.Initiative))) == 8
    assert (URIRef(ID + "strategy/western-development"), CRD.concernsMacroRegion, URIRef(ID + "region/west")) in both


def test_labels_in_both_languages_on_every_described_resource(both):
    typed = {s for s, o in both.subject_objects(RDF.type) if str(o).startswith(str(CRD)) and isinstance(s, URIRef)}
    for s in typed:
        langs = sorted(lbl.language for lbl in both.objects(s, RDFS.label))
        assert langs == ["en", "zh"], f"{s}: {langs}"


def test_no_invented_wikidata_items(data):
    """Every Wikidata link is one that the reference lists."""
    listed = {r["wikidata"] for r in _rows("provincial_divisions.csv")} | {"Q148"}
    used = {str(o).rsplit("/", 1)[-1] for o in data.objects(None, OWL.sameAs)}
    assert used <= listed
