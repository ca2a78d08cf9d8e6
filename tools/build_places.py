"""Write the prefecture- and county-level layer of the graph (data/places/) and the census
data set (data/census/) from the checked reference data in data/reference/divisions/ and
data/reference/target-areas/.

- data/places/prefectures.ttl, counties.ttl: every division of divisions.csv as
  ``division:{code}``, typed by the reference's ``type`` column (which handles the 林区 and
  特区 exceptions), with its code, official Chinese name, parent (geo:sfWithin), the years
  since which its code and name are listed, status and sources; a search form of the name
  as skos:hiddenLabel (see :func:`search_name`).
- data/places/former-divisions.ttl: every record of division_changes.csv as
  ``former:{code}-{from_year}``, with the years it was listed, its province and the
  divisions in force on 2024-12-31 that took its area.
- data/places/area-lists.ttl: the members of the area lists (ethnic autonomous areas from
  the official names; the ethnic eight provinces; the land-border provincial divisions).
- data/census/census-population.ttl: the 2010 and 2020 census figures of
  county_census_population.csv, one qb:Observation per figure.

Nothing is computed but the search form of a name. The rest of each part (the sources, the
area lists themselves, the old revolutionary base areas, the census structure) is written
by hand in data/places/target-areas.ttl, data/places/sources.ttl and
data/census/structure.ttl. Run it after a change to the CSV files, then `crdkg validate`:

    .venv/bin/python tools/build_places.py

tests/test_places.py checks that the shipped files are exactly what this script writes.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import rdflib
from rdflib import RDF, XSD, Literal, Namespace, URIRef

from crdkg.format import as_written, canonical_turtle, write_atomically
from crdkg.namespaces import CRD, CRDID, QB

ROOT = Path(__file__).resolve().parent.parent
DIVISIONS = ROOT / "data" / "reference" / "divisions"
TARGET_AREAS = ROOT / "data" / "reference" / "target-areas"
PROVINCES = ROOT / "data" / "reference" / "provincial_divisions.csv"
PLACES = ROOT / "data" / "places"
CENSUS = ROOT / "data" / "census"

crd = Namespace(CRD)
qb = Namespace(QB)
prov = Namespace("http://www.w3.org/ns/prov#")
skos = Namespace("http://www.w3.org/2004/02/skos/core#")
geo = Namespace("http://www.opengis.net/ont/geosparql#")
rdfs = rdflib.RDFS

TYPES = {
    "地级市": "PrefectureLevelCity", "地区": "Prefecture", "自治州": "AutonomousPrefecture", "盟": "League",
    "市辖区": "District", "县": "County", "县级市": "CountyLevelCity", "自治县": "AutonomousCounty",
    "旗": "Banner", "自治旗": "AutonomousBanner", "特区": "SpecialDistrict", "林区": "ForestryDistrict",
}
STATUSES = {"VERIFIED": "verified", "SINGLE-SOURCE": "single-source"}
FIGURE_STATUSES = {"VERIFIED": "figure-verified", "SINGLE-SOURCE": "figure-single-source"}
#: English names the graph had before this layer, from data/reference/README.md (Xiong'an's
#: counties) and the graph's Baoding; no other division has an English label (no official list).
ENGLISH = {"130600": "Baoding", "130629": "Rongcheng County", "130632": "Anxin County", "130638": "Xiong County"}

#: The 55 ethnic minorities (and the Han) by their official names, as autonomous areas name them.
ETHNIC_GROUPS = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族 "
    "傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 "
    "毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 "
    "独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族").split()
#: an ethnic designation in a name, longest first: with 族, or without it where two characters
#: or more remain (伊犁哈萨克自治州, 博尔塔拉蒙古自治州; never 白 or 水, as in 长白, 融水)
_DESIGNATIONS = sorted({*ETHNIC_GROUPS, *(e[:-1] for e in ETHNIC_GROUPS if len(e) > 2), "各族"},
                       key=len, reverse=True)
_AUTONOMOUS = ("自治州", "自治县", "自治旗")
_SUFFIXES = ("新区", "林区", "特区", "地区", "市", "县", "区", "旗", "盟")


def search_name(name: str, taken: set[str]) -> str | None:
    """The short form of an official name that people type (峨边 for 峨边彝族自治县, 朝阳 for
    朝阳区, 东莞 for 东莞市), or None: the name without its autonomous suffix and ethnic
    designations, or without its type suffix where at least two characters remain. A short form
    that is a provincial-level division's name (吉林, 海南) is not given, nor one of a 矿区."""
    short = None
    if name.endswith(_AUTONOMOUS):
        rest = name[:-3]
        while True:
            for d in _DESIGNATIONS:
                if rest.endswith(d) and len(rest) > len(d):
                    rest = rest[:-len(d)]
                    break
            else:
                break
        short = rest
    elif not name.endswith("矿区"):
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                short = name[:-len(suffix)]
                break
    if not short or short == name or short in taken:
        return None
    return short


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _provincial_names() -> set[str]:
    return {n for row in _read(PROVINCES) for n in (row["name_zh"], row["name_zh_short"])}


def _id(kind: str, local: str) -> URIRef:
    return URIRef(f"{CRDID}{kind}/{local}")


def _year(text: str) -> Literal:
    return Literal(text, datatype=XSD.gYear)


def division_graphs() -> dict[str, rdflib.Graph]:
    """prefectures.ttl and counties.ttl."""
    graphs = {"prefectures.ttl": rdflib.Graph(), "counties.ttl": rdflib.Graph()}
    taken = _provincial_names()
    for row in _read(DIVISIONS / "divisions.csv"):
        g = graphs["prefectures.ttl" if row["level"] == "prefecture" else "counties.ttl"]
        d = _id("division", row["code"])
        g.add((d, RDF.type, crd[TYPES[row["type"]]]))
        g.add((d, rdfs.label, Literal(row["name_zh"], lang="zh")))
        if row["code"] in ENGLISH:
            g.add((d, rdfs.label, Literal(ENGLISH[row["code"]], lang="en")))
        short = search_name(row["name_zh"], taken)
        if short:
            g.add((d, skos.hiddenLabel, Literal(short, lang="zh")))
        g.add((d, crd.divisionCode, Literal(row["code"])))
        g.add((d, geo.sfWithin, _id("division", row["parent_code"])))
        g.add((d, crd.codeListedSince, _year(row["since_year"])))
        g.add((d, crd.nameListedSince, _year(row["name_since_year"])))
        g.add((d, crd.verificationStatus, _id("status", STATUSES[row["status"]])))
        g.add((d, prov.wasDerivedFrom, _id("source", "mca-division-codes-2024")))
        if row["status"] == "VERIFIED":
            g.add((d, prov.wasDerivedFrom, _id("source", "nbs-statistical-division-codes-2023")))
        if row["notes"].strip():
            g.add((d, skos.note, Literal(row["notes"].strip(), lang="en")))
    return graphs


def former_graph() -> rdflib.Graph:
    """former-divisions.ttl."""
    g = rdflib.Graph()
    current = {row["code"] for row in _read(DIVISIONS / "divisions.csv")}
    for row in _read(DIVISIONS / "division_changes.csv"):
        f = _id("former-division", f"{row['code']}-{row['from_year']}")
        g.add((f, RDF.type, crd.FormerDivision))
        g.add((f, rdfs.label, Literal(row["name_zh"], lang="zh")))
        listed = f"{row['from_year']}-{int(row['to_year']) - 1}"
        g.add((f, rdfs.label, Literal(f"{row['name_zh']} ({row['code']}, listed {listed})", lang="en")))
        g.add((f, crd.divisionCode, Literal(row["code"])))
        g.add((f, crd.nameListedSince, _year(row["from_year"])))
        g.add((f, crd.changedIn, _year(row["to_year"])))
        g.add((f, crd.wasWithin, _id("division", row["code"][:2] + "0000")))
        for code in row["successor_codes_2024"].split(";"):
            code = code.strip()
            if code not in current:
                raise SystemExit(f"division_changes.csv: {row['code']} {row['name_zh']}: successor {code} not in force")
            g.add((f, crd.succeededBy, _id("division", code)))
        if row["code_in_force_2024"] == "yes":
            g.add((f, crd.continuedAs, _id("division", row["code"])))
        level = "prefecture-level" if row["level"] == "prefecture" else "county-level"
        parent = row["parent_name"]
        under = ("" if not parent else " directly under the province" if parent == "直辖" else f" under {parent}")
        note = f"A {level} record of {row['province_name']}{under}; {row['change']}."
        if row["successor_codes"].strip():
            note += f" Successors as the source gives them: {row['successor_codes'].strip()}."
        if row["notes"].strip():
            note += f" {row['notes'].strip()}."
        g.add((f, skos.note, Literal(note, lang="en")))
        g.add((f, prov.wasDerivedFrom, _id("source", "mca-division-codes-2024")))
    return g


#: the area lists of data/places/target-areas.ttl: their labels, as the membership labels use them
LISTS = {
    "ethnic-autonomous-areas": ("Ethnic autonomous areas", "民族自治地方"),
    "ethnic-eight-provinces": ("Eight ethnic provinces and autonomous regions", "民族八省区"),
    "land-border-provincial-divisions": ("Provincial-level divisions with land borders", "陆地边境省区"),
}


def area_list_graph() -> rdflib.Graph:
    """area-lists.ttl: the membership records."""
    g = rdflib.Graph()
    names = {row["code6"]: row["name_zh"] for row in _read(PROVINCES)}
    names.update({row["code"]: row["name_zh"] for row in _read(DIVISIONS / "divisions.csv")})

    def member(area_list: str, code: str, status: str, sources: list[str]) -> None:
        m = _id("area-membership", f"{area_list}-{code}")
        g.add((m, RDF.type, crd.AreaMembership))
        en, zh = LISTS[area_list]
        g.add((m, rdfs.label, Literal(f"{en}: {names[code]} ({code})", lang="en")))
        g.add((m, rdfs.label, Literal(f"{zh}：{names[code]}", lang="zh")))
        g.add((m, crd.membershipIn, _id("area-list", area_list)))
        g.add((m, crd.member, _id("division", code)))
        g.add((m, crd.verificationStatus, _id("status", status)))
        for s in sources:
            g.add((m, prov.wasDerivedFrom, s))

    for row in _read(PROVINCES):
        if "自治区" in row["name_zh"]:
            member("ethnic-autonomous-areas", row["code6"], "verified", [_id("source", "gbt-2260")])
    for row in _read(DIVISIONS / "divisions.csv"):
        if row["ethnic_autonomous"] == "yes":
            sources = [_id("source", "mca-division-codes-2024")]
            if row["status"] == "VERIFIED":
                sources.append(_id("source", "nbs-statistical-division-codes-2023"))
            member("ethnic-autonomous-areas", row["code"], STATUSES[row["status"]], sources)
    for row in _read(TARGET_AREAS / "ethnic_eight_provinces.csv"):
        member("ethnic-eight-provinces", row["code"], STATUSES[row["status"]],
               [_id("source", c) for c in row["copies"].split(";")])
    for row in _read(TARGET_AREAS / "border_divisions.csv"):
        copies = [_id("source", c) for c in row["copies"].split(";")]
        member("land-border-provincial-divisions", row["code"], STATUSES[row["status"]],
               [_id("document", "xingbian-fumin-plan-2011-2015"), *copies])
    return g


def census_graph() -> rdflib.Graph:
    """census-population.ttl."""
    g = rdflib.Graph()
    for row in _read(DIVISIONS / "county_census_population.csv"):
        for year, value in (("2020", row["pop_2020"]), ("2010", row["pop_2010"])):
            if not value.strip():
                continue
            obs = _id("observation", f"census-{row['code']}-{year}")
            g.add((obs, RDF.type, qb.Observation))
            g.add((obs, qb.dataSet, _id("cube", "census-population")))
            g.add((obs, crd.refDivision, _id("division", row["code"])))
            g.add((obs, crd.refYear, _year(year)))
            g.add((obs, crd.censusDate, Literal(f"{year}-11-01", datatype=XSD.date)))
            g.add((obs, crd.censusPopulation, Literal(value, datatype=XSD.integer)))
            g.add((obs, crd.unitOfMeasure, _id("unit", "person")))
            g.add((obs, crd.verificationStatus, _id("status", FIGURE_STATUSES[row["status"]])))
            g.add((obs, crd.statisticalSeries, _id("series", _series(row, year))))
            g.add((obs, prov.wasDerivedFrom, _id("source", "nbs-census-yearbooks")))
            g.add((obs, prov.wasDerivedFrom, _id("source", "leiii-census")))
            if row["status"] == "VERIFIED":
                g.add((obs, prov.wasDerivedFrom, _id("source", f"census-gazette-{row['code']}")))
            for note in _census_notes(row, year):
                g.add((obs, skos.note, Literal(note, lang="en")))
    return g


def _series(row: dict[str, str], year: str) -> str:
    if year == "2020":
        return "census-2020-county-yearbook"
    if row["pop_2010_basis"].startswith("2020 boundaries"):
        return "census-2010-on-2020-boundaries"
    return "census-2010-county-yearbook"


def _census_notes(row: dict[str, str], year: str) -> list[str]:
    """The reference's caveats that concern the figure of ``year``."""
    notes = []
    basis = row["pop_2010_basis"].strip()
    if year == "2010" and basis:
        notes.append(f"Basis: {basis}.")
    text = row["notes"].strip()
    if text and not text.startswith("2020 and 2010 figures equal the gazette"):
        concerns_2010 = text.startswith("city file not used for 2010")
        if (year == "2010") == concerns_2010 or text.startswith("code or boundary change recorded"):
            notes.append(text if text.endswith(".") else text + ".")
    return notes


def main() -> int:
    with as_written():
        outputs = {PLACES / name: graph for name, graph in division_graphs().items()}
        outputs[PLACES / "former-divisions.ttl"] = former_graph()
        outputs[PLACES / "area-lists.ttl"] = area_list_graph()
        outputs[CENSUS / "census-population.ttl"] = census_graph()
        texts = {path: canonical_turtle(graph) for path, graph in outputs.items()}
    for path, graph in outputs.items():
        path.parent.mkdir(exist_ok=True)
        write_atomically(path, texts[path])
        print(f"wrote {path.relative_to(ROOT)}: {len(graph)} triples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
