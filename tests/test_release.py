"""Releases people can cite, check and load: `crdkg release`, the statistics as rows
(`crdkg.observations`), as CSV on the Web and as JSON-stat, read back by other people's
readers (csvw, pyjstat, pandas, coreutils' sha256sum), CITATION.cff checked by cffconvert, and
the README's pre-commit example run by the real pre-commit. Expected values are the
reference figures (../shared/reference/statistics and divisions), written here by hand."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib

import crdkg
from conftest import ROOT, run_cli
from crdkg.errors import CrdkgError

VERSION = crdkg.__version__
DATASETS = ("census-population", "gross-regional-product", "gross-regional-product-5th-census", "population")
PARTS = ("ontology", "shapes", "data", "statistics", "places", "census", "description")
FORMATS = ("nt", "nq", "trig", "ttl", "jsonld")
SOURCE = "https://w3id.org/crdkg/id/source/"


# --- the statistics as rows -------------------------------------------------------------

def test_an_observation_has_every_column(engine):
    """Sichuan's year-end population in 2000: 8,329 (10,000 persons), verified in four copies."""
    rows = crdkg.observations("cube:population", division="Sichuan", year=2000, engine=engine)
    assert rows == [{
        "observation": "https://w3id.org/crdkg/id/observation/pop-510000-2000",
        "dataset": "https://w3id.org/crdkg/id/cube/population",
        "code": "510000",
        "name_en": "Sichuan",
        "name_zh": "四川省",
        "year": 2000,
        "value": Decimal("8329"),
        "unit": "https://w3id.org/crdkg/id/unit/10-thousand-persons",
        "unit_label": "10,000 persons",
        "series": "https://w3id.org/crdkg/id/series/nbs-population-7th-census-revised",
        "status": "https://w3id.org/crdkg/id/status/figure-verified",
        "sources": tuple(SOURCE + s for s in ("figures-geog458-p1", "figures-kabuto44-pop", "figures-raffg-p1",
                                               "figures-yinthan", "nbs-annual-by-province")),
        "measure": "https://w3id.org/crdkg/ontology#residentPopulation",
        "census_date": None,
    }]


def test_a_decimal_figure_and_a_county_with_no_english_name(engine):
    gdp = crdkg.observations("cube:gross-regional-product", division="510000", year="2000", engine=engine)
    assert [(r["value"], r["status"].rsplit("/", 1)[1], r["sources"]) for r in gdp] == [
        (Decimal("3928.2"), "figure-single-source", (SOURCE + "figures-henrylin03", SOURCE + "nbs-annual-by-province"))]
    county = crdkg.observations("cube:census-population", division="511132", engine=engine)
    assert [(r["year"], r["census_date"], r["value"], r["name_en"], r["name_zh"], r["unit_label"]) for r in county] == [
        (2010, "2010-11-01", 139210, None, "峨边彝族自治县", "persons"),
        (2020, "2020-11-01", 121554, None, "峨边彝族自治县", "persons")]


def test_each_data_set_has_a_figure_for_every_division_and_year(engine):
    """31 mainland divisions: population 2000-2024 (25 years), GDP 2000-2023 (24) and, on the
    5th-census basis, 2006-2024 (19)."""
    from crdkg.observations import datasets

    found = {d["dataset"].rsplit("/", 1)[1]: (d["first_year"], d["last_year"], d["observations"], d["divisions"])
             for d in datasets(engine=engine)}
    assert found.pop("population") == ("2000", "2024", str(31 * 25), "31")
    assert found.pop("gross-regional-product") == ("2000", "2023", str(31 * 24), "31")
    assert found.pop("gross-regional-product-5th-census") == ("2006", "2024", str(31 * 19), "31")
    # 333 prefectures and 2,846 counties, of which 18 have no figure (the data set's description)
    first, last, _, divisions = found.pop("census-population")
    assert (first, last, divisions) == ("2010", "2020", str(333 + 2846 - 18))
    assert found == {}
    assert len(crdkg.observations("cube:population", engine=engine)) == 31 * 25


def test_the_stored_query_datasets_describes_each_data_set(engine):
    """Every column, for the year-end population, in both languages (the titles and labels of
    data/statistics/structure.ttl, the figures' count: 31 divisions x 25 years)."""
    rows = {str(r["dataset"]): r for r in crdkg.run_query("datasets", engine=engine, lang="zh").values()}
    population = rows["https://w3id.org/crdkg/id/cube/population"]
    description = population.pop("description")
    assert population == {
        "dataset": "https://w3id.org/crdkg/id/cube/population",
        "title": "31个省级行政区年末常住人口，2000-2024年",
        "measure": "https://w3id.org/crdkg/ontology#residentPopulation",
        "measure_label": "年末常住人口",
        "unit": "https://w3id.org/crdkg/id/unit/10-thousand-persons",
        "unit_label": "万人",
        "first_year": "2000",
        "last_year": "2024",
        "observations": 775,
        "divisions": 31,
        "publisher": "https://w3id.org/crdkg/id/organization/nbs",
        "publisher_label": "国家统计局",
    }
    assert str(description).startswith("年末常住人口 (year-end usual residents), in 10,000 persons (万人)")
    assert len(rows) == 4
    one = crdkg.run_query("observations", engine=engine, dataset="cube:census-population", division="峨边",
                          year="2020").values()
    assert [(r["code"], r["value"], r["census_date"], r["series"]) for r in one] == [
        ("511132", 121554, "2020-11-01", "https://w3id.org/crdkg/id/series/census-2020-county-yearbook")]
    sources = crdkg.run_query("observation-sources", engine=engine, dataset="cube:census-population",
                              division="511132", year="2020").values()
    assert sources == [  # the census yearbooks, and the digitised copy by Dong, Du and Liu (2022)
        {"observation": "https://w3id.org/crdkg/id/observation/census-511132-2020",
         "source": SOURCE + "leiii-census", "source_label": sources[0]["source_label"]},
        {"observation": "https://w3id.org/crdkg/id/observation/census-511132-2020",
         "source": SOURCE + "nbs-census-yearbooks", "source_label": sources[1]["source_label"]}]
    assert "Dong" in str(sources[0]["source_label"]) and "yearbook" in str(sources[1]["source_label"]).lower()


def _readme_block(marker: str, language: str, page: str = "README.md") -> str:
    text = (ROOT / page).read_text(encoding="utf-8")
    blocks = re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)
    found = [b for b in blocks if marker in b]
    assert len(found) == 1, f"one {language} block of {page} with {marker!r}"
    return found[0]


def test_the_readmes_disparity_in_pandas_agrees_with_the_stored_query(engine, monkeypatch):
    """docs/statistics.md computes Williamson's coefficient of variation from crdkg.observations
    in pandas; it is the stored query's cv_divisions, year by year."""
    import crdkg.api

    monkeypatch.setattr(crdkg.api, "_default_engine", engine)
    scope: dict[str, object] = {}
    exec(_readme_block("def williamson", "python", "docs/statistics.md"), scope)
    cv = scope["cv"]
    stored = {int(r["year"]): r["cv_divisions"] for r in crdkg.run_query("disparity-by-year", engine=engine).values()}
    assert sorted(stored) == list(range(2000, 2024))
    assert sorted(cv.index) == sorted(stored)  # type: ignore[attr-defined]
    for year, value in stored.items():
        assert cv[year] == pytest.approx(value, rel=1e-9)  # type: ignore[index]


def test_frame_needs_pandas_and_says_how_to_get_it(engine, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(CrdkgError, match=r"pip install 'crdkg\[pandas\]'"):
        crdkg.observations("cube:population", year=2000, engine=engine, frame=True)


# --- the release ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("releases")
    r = run_cli("release", "--out", str(out), "--base-url", "https://example.org/crdkg/", timeout=900)
    assert r.code == 0, r.err
    assert r.out.strip() == str(out / f"crdkg-{VERSION}")
    return out / f"crdkg-{VERSION}"


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_a_release_holds_every_format_whole_and_per_graph_and_the_statistics(release):
    expected = {f"graph/{name}.{fmt}" for fmt in FORMATS for name in ("crdkg", *PARTS)} | {"graph/context.jsonld"}
    expected |= {f"statistics/{d}.{ext}" for d in DATASETS for ext in ("csv", "json")}
    expected |= {"statistics/csv-metadata.json", "void.ttl", "SHA256SUMS"}
    assert _files(release) == expected


def test_sha256sum_checks_every_file(release):
    proc = subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=release, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    listed = {line.split("  ", 1)[1] for line in (release / "SHA256SUMS").read_text().splitlines()}
    assert listed == _files(release) - {"SHA256SUMS"}


def test_the_description_lists_every_file_with_media_type_size_and_checksum(release):
    g = rdflib.Graph().parse(release / "void.ttl")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
    media = {".nq": "application/n-quads", ".nt": "application/n-triples", ".ttl": "text/turtle",
             ".trig": "application/trig", ".jsonld": "application/ld+json", ".csv": "text/csv", ".json": "application/json"}
    dataset = rdflib.URIRef("https://w3id.org/crdkg/dataset")
    described = {}
    for dist in g.objects(dataset, dcat.distribution):
        url = g.value(dist, dcat.downloadURL)
        if url is None:  # the export's generic distributions, which a release does not carry
            continue
        name = str(url).removeprefix("https://example.org/crdkg/")
        checksum = g.value(dist, spdx.checksum)
        described[name] = (str(g.value(dist, dcat.mediaType)), int(g.value(dist, dcat.byteSize)),
                           str(g.value(checksum, spdx.checksumValue)),
                           g.value(checksum, spdx.algorithm) == spdx.checksumAlgorithm_sha256)
    assert set(described) == _files(release) - {"SHA256SUMS", "void.ttl"}
    for name, (media_type, size, sha, is_sha256) in described.items():
        data = (release / name).read_bytes()
        kind = "application/csvm+json" if name.endswith("csv-metadata.json") else media[Path(name).suffix]
        assert (media_type, size, sha, is_sha256) == (
            "https://www.iana.org/assignments/media-types/" + kind, len(data), hashlib.sha256(data).hexdigest(), True)
    assert str(g.value(dataset, rdflib.OWL.versionInfo)) == VERSION


def test_the_same_graph_gives_the_same_bytes(release, tmp_path):
    from crdkg.release import build_release

    again = build_release(tmp_path, base_url="https://example.org/crdkg/")
    assert _files(again) == _files(release)
    different = [name for name in sorted(_files(release))
                 if (again / name).read_bytes() != (release / name).read_bytes()]
    assert different == []


def test_an_existing_release_is_never_overwritten(release):
    before = (release / "SHA256SUMS").read_bytes()
    r = run_cli("release", "--out", str(release.parent), timeout=900)
    assert r.code == 2
    assert r.err == f"crdkg: error: {release}: the release already exists; a release is never overwritten " \
                    "(move it away, or pass another --out)\n"
    assert (release / "SHA256SUMS").read_bytes() == before
    assert sorted(p.name for p in release.parent.iterdir()) == [release.name]


def test_a_failed_release_leaves_nothing_behind(tmp_path, kg, monkeypatch):
    import crdkg.release

    def full_disk(rows):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(crdkg.release, "csv_table", full_disk)
    with pytest.raises(OSError, match="No space left"):
        crdkg.release.build_release(tmp_path, graph=kg)
    assert list(tmp_path.iterdir()) == []
    r = run_cli("release", "--base-url", "ftp://example.org/", "--out", str(tmp_path / "r"))
    assert (r.code, r.err) == (2, "crdkg: error: --base-url: 'ftp://example.org/' is not an http(s) URL\n")


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")
def test_the_whole_graph_is_the_sum_of_its_parts_in_every_format(release):
    import pyoxigraph as ox

    def quads(name: str) -> set:
        path = release / "graph" / name
        fmt = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}[path.suffix]
        return set(ox.parse(path=str(path), format=fmt))

    whole = quads("crdkg.nq")
    parts = [quads(f"{p}.nq") for p in PARTS]
    assert sum(len(p) for p in parts) == len(whole) and set().union(*parts) == whole
    assert quads("crdkg.trig") == whole
    for part in ("data", "ontology"):  # Turtle and N-Triples of a part are the same triples
        def triples(name: str, fmt) -> set:
            return {q.triple for q in ox.parse(path=str(release / "graph" / name), format=fmt)}

        assert triples(f"{part}.nt", ox.RdfFormat.N_TRIPLES) == triples(f"{part}.ttl", ox.RdfFormat.TURTLE) \
            == {q.triple for q in quads(f"{part}.nq")}
    jsonld = rdflib.Dataset().parse(release / "graph" / "data.jsonld", format="json-ld")
    assert len(jsonld) == len(parts[PARTS.index("data")])


# --- CSV on the Web and JSON-stat ---------------------------------------------------------

def _csvw(folder: Path):
    from csvw import CSVW

    return CSVW(str(folder / "csv-metadata.json"))


def test_the_csv_files_are_valid_csv_on_the_web_and_hold_the_observations(release, engine):
    from csvw import TableGroup

    assert _csvw(release / "statistics").is_valid
    group = TableGroup.from_file(release / "statistics" / "csv-metadata.json")
    for table in group.tables:
        name = str(table.url).removesuffix(".csv")
        rows = list(table.iterdicts())
        expected = crdkg.observations(f"cube:{name}", engine=engine)
        assert len(rows) == len(expected)
        for got, want in zip(rows, expected, strict=True):
            assert got["observation"].unsplit() == want["observation"]
            assert (got["code"], got["name_en"], got["name_zh"], int(got["year"])) == (
                want["code"], want["name_en"], want["name_zh"], want["year"])
            census = got.get("census_date")  # csvw reads an xsd:date as a datetime at midnight
            assert (census.date().isoformat() if census else None) == want["census_date"]
            assert Decimal(got["value"]) == want["value"]
            assert (got["unit"], got["unit_label"], got["series"], got["status"]) == (
                want["unit"].rsplit("/", 1)[1], want["unit_label"], want["series"].rsplit("/", 1)[1],
                want["status"].rsplit("/", 1)[1])
            assert tuple(SOURCE + s for s in got["sources"]) == want["sources"]


@pytest.mark.parametrize(("line", "change", "why"), [
    (3, (",1385,", ",13x5,"), "a value that is not a number"),
    (None, None, "the same division and year twice"),
])
def test_csvw_refuses_a_corrupted_table(release, tmp_path, line, change, why):
    copy = tmp_path / "statistics"
    shutil.copytree(release / "statistics", copy)
    lines = (copy / "population.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    if change:
        assert change[0] in lines[line - 1]
        lines[line - 1] = lines[line - 1].replace(*change)
    else:
        lines.append(lines[1])
    (copy / "population.csv").write_text("".join(lines), encoding="utf-8")
    try:
        valid = _csvw(copy).is_valid
    except ValueError:  # csvw raises on a duplicate primary key
        valid = False
    assert not valid, why


def test_the_csv_columns_name_the_data_sets_structure(release, kg):
    """Each column's property is a component of the data set's structure (dimensions, measure,
    attributes), read from the graph, and every component has its column."""
    metadata = json.loads((release / "statistics" / "csv-metadata.json").read_text(encoding="utf-8"))
    for table in metadata["tables"]:
        dataset = table["dc:source"]["@id"]
        components = {row[0].value for row in kg.store.query(f"""
            SELECT ?p WHERE {{ <{dataset}> <http://purl.org/linked-data/cube#structure>/
                <http://purl.org/linked-data/cube#component>/(<http://purl.org/linked-data/cube#dimension>|
                <http://purl.org/linked-data/cube#measure>|<http://purl.org/linked-data/cube#attribute>) ?p }}""",
            default_graph=kg.graph_names())}
        columns = {c["propertyUrl"] for c in table["tableSchema"]["columns"]
                   if not c.get("virtual") and "aboutUrl" not in c and "propertyUrl" in c}
        assert columns - {"http://www.w3.org/ns/prov#wasDerivedFrom"} == components, dataset


@pytest.mark.filterwarnings("ignore::DeprecationWarning:pyjstat")
def test_json_stat_reads_back_in_pyjstat_with_every_figure(release, engine):
    from pyjstat import pyjstat

    for name in DATASETS:
        document = json.loads((release / "statistics" / f"{name}.json").read_text(encoding="utf-8"))
        assert (document["version"], document["class"]) == ("2.0", "dataset")
        assert len(document["value"]) == document["size"][0] * document["size"][1] * document["size"][2]
        frame = pyjstat.Dataset.read(json.dumps(document)).write("dataframe", naming="id")
        got = {(r["division"], int(r["year"])): r["value"] for _, r in frame.iterrows() if r["value"] == r["value"]}
        rows = crdkg.observations(f"cube:{name}", engine=engine)
        assert got == {(r["code"], r["year"]): float(r["value"]) for r in rows}
        statuses = {document["status"][str(i)] for i in range(len(document["value"])) if str(i) in document["status"]}
        assert statuses <= {"figure-verified", "figure-single-source"}
    population = json.loads((release / "statistics" / "population.json").read_text(encoding="utf-8"))
    unit = population["dimension"]["measure"]["category"]["unit"]["residentPopulation"]
    assert unit == {"label": "10,000 persons", "decimals": 0}
    assert population["dimension"]["division"]["extension"]["label_zh"]["510000"] == "四川省"


# --- citation and discovery -------------------------------------------------------------

def _cffconvert() -> str:
    path = Path(sys.executable).parent / "cffconvert"
    if not path.exists():
        pytest.skip("cffconvert is not installed (make venv-test installs it)")
    return str(path)


def test_citation_cff_is_valid_for_cffconvert(tmp_path):
    proc = subprocess.run([_cffconvert(), "--validate", "-i", str(ROOT / "CITATION.cff")], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    broken = tmp_path / "CITATION.cff"
    broken.write_text((ROOT / "CITATION.cff").read_text(encoding="utf-8").replace("type: dataset", "type: graph"),
                      encoding="utf-8")
    proc = subprocess.run([_cffconvert(), "--validate", "-i", str(broken)], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0


def test_citation_cff_carries_the_version():
    import yaml

    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["version"] == VERSION
    assert citation["identifiers"][0]["value"] == "https://w3id.org/crdkg/dataset"


def test_the_readmes_cite_block_is_the_home_pages(engine):
    from crdkg.web.pages import Page, _dataset, citation

    dataset = _dataset(Page(engine, "en", "/", ""))
    assert dataset is not None
    assert _readme_block("(区域协调发展战略知识图谱)", "text").strip() == citation(dataset)


# --- the README's pre-commit example, with the real pre-commit ---------------------------

def test_the_readmes_pre_commit_example_runs(tmp_path):
    import yaml

    wheelhouse = Path(sys.executable).parent.parent / "wheelhouse"
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: pre-commit installs hooks from a git repository")
    if not wheelhouse.is_dir():
        pytest.skip(f"no {wheelhouse} (make venv-test downloads crdkg's dependencies there)")
    config = yaml.safe_load(_readme_block("crdkg-validate", "yaml", "docs/validation.md"))
    rev = config["repos"][0]["rev"]
    assert re.fullmatch(r"[0-9a-f]{40}|v\d+\.\d+\.\d+", rev), "a commit, or a release's tag"
    known = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{rev}^{{commit}}"], capture_output=True)
    shallow = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--is-shallow-repository"], capture_output=True,
                             text=True).stdout.strip() == "true"
    if known.returncode != 0 and shallow and not rev.startswith("v"):
        pytest.skip(f"the pinned commit {rev[:12]} is not in this shallow clone")
    assert known.returncode == 0, f"the README pins {rev}, which this repository does not have"
    clone = tmp_path / "crdkg"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, capture_output=True, timeout=120)
    config["repos"][0]["repo"] = str(clone)
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PIP_NO_INDEX": "1",
           "PIP_FIND_LINKS": str(wheelhouse), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@localhost"}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, env=env, timeout=60)

    git("init", "-q")
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    good = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n\n"  # crdkg format's canonical form
            + "#" * 65 + "\n# Other resources\n" + "#" * 65 + "\n\n"
            '<https://example.org/mine/thing>\n    rdfs:label "Thing"@en ;\n.\n')
    (project / "data" / "mine.ttl").write_text(good, encoding="utf-8")
    git("add", "-A")
    pre_commit = [str(Path(sys.executable).parent / "pre-commit"), "run", "--all-files"]
    proc = subprocess.run(pre_commit, cwd=project, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"crdkg validate\.+Passed", proc.stdout) and re.search(r"crdkg format\.+Passed", proc.stdout)
    # a division without its code: the validate hook fails, and names the file and line
    (project / "data" / "mine.ttl").write_text(
        "@prefix crd: <https://w3id.org/crdkg/ontology#> .\n\n<https://example.org/mine/div>\n"
        "    a crd:Province ;\n.\n", encoding="utf-8")
    git("add", "-A")
    proc = subprocess.run(pre_commit, cwd=project, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 1
    assert re.search(r"crdkg validate\.+Failed", proc.stdout) and "data/mine.ttl:3" in proc.stdout, proc.stdout
