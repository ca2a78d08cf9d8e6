"""The pages of `crdkg serve` in a real browser: Debian's Chromium, headless, driven by
Selenium through Debian's chromedriver, against a server the tests start on 127.0.0.1.
Skipped with a message where the browser is not installed (`.ci/run` installs it)."""

from __future__ import annotations

import re
import shutil
import urllib.parse

import pytest

from test_serve import Served

pytestmark = pytest.mark.server
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM or not DRIVER:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium chromium-driver; "
                    ".ci/run installs them, so CI runs these tests)")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    # no name resolves but this machine's: a page that asked the internet for anything would break
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--no-proxy-server", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
        options.add_argument(arg)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def site():
    s = Served("--cors", "*")  # the exported editor (a file:// page, origin null) queries it
    try:
        yield s.base
    finally:
        s.stop()


def texts(browser, css: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.text for e in browser.find_elements(By.CSS_SELECTOR, css)]


def submit_and_wait(browser, field) -> None:
    """Submit the field's form and wait for the answer page: Selenium's submit runs a script and
    returns before the browser has navigated (a click on a link waits, a submit does not)."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    field.submit()
    wait = WebDriverWait(browser, 60)
    wait.until(expected_conditions.staleness_of(field))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")


def test_home_shows_the_strategy_at_a_glance(browser, site):
    browser.get(site + "/")
    assert browser.find_element("tag name", "h1").text == "Strategy for coordinated regional development"
    assert "Western region" in browser.page_source and "Development of the western region" in browser.page_source


def test_run_a_stored_query_from_its_form(browser, site):
    from selenium.webdriver.common.by import By

    browser.get(site + "/queries")
    browser.find_element(By.LINK_TEXT, "divisions-in-region").click()
    box = browser.find_element(By.NAME, "region")
    box.send_keys("东北地区")
    submit_and_wait(browser, box)
    rows = browser.find_elements(By.CSS_SELECTOR, "table tbody tr")
    codes = sorted(r.find_elements(By.TAG_NAME, "td")[1].text for r in rows)
    assert codes == ["210000", "220000", "230000"]  # Liaoning, Jilin, Heilongjiang


def test_a_resource_page_has_its_evidence_in_both_languages(browser, site):
    from selenium.webdriver.common.by import By

    browser.get(site + "/queries/tasks")
    browser.find_element(By.LINK_TEXT, "Stepping up large-scale development efforts in the western region").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Stepping up large-scale development efforts in the western region"
    quotes = texts(browser, ".passage blockquote")
    assert "stepping up large-scale development efforts in the western region" in quotes
    assert "强化举措推进西部大开发形成新格局" in quotes
    assert "Paragraph 4, sentence 1" in texts(browser, ".passage p a")


def test_the_language_switch(browser, site):
    from selenium.webdriver.common.by import By

    browser.get(site + "/resource?iri=region:west")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Western region"
    browser.find_element(By.ID, "lang-switch").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "西部地区"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans"
    browser.find_element(By.ID, "lang-switch").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Western region"


def test_the_map_has_34_tiles_coloured_by_macro_region(browser, site):
    from selenium.webdriver.common.by import By

    browser.get(site + "/map")
    tiles = browser.find_elements(By.CSS_SELECTOR, ".tile")
    assert len(tiles) == 34
    state = {t.get_attribute("data-code"): t.get_attribute("data-state") for t in tiles}
    # by hand: Sichuan is in the west, Shanghai in the east, Henan central, Jilin northeast;
    # Hong Kong, Macao and Taiwan are in no macro-region
    assert (state["510000"], state["310000"], state["410000"], state["220000"]) == ("west", "east", "central", "northeast")
    assert state["810000"] == state["820000"] == state["710000"] == "none"
    west = next(t for t in tiles if t.get_attribute("data-code") == "510000")
    assert west.value_of_css_property("background-color") == "rgba(225, 87, 89, 1)"  # #e15759, the legend's west


def test_the_map_coloured_by_a_query(browser, site):
    from selenium.webdriver.common.by import By

    browser.get(site + "/map?query=area-members&area=area:yangtze-river-delta")
    marked = sorted(t.get_attribute("data-code") for t in browser.find_elements(By.CSS_SELECTOR, ".tile[data-state=marked]"))
    assert marked == ["310000", "320000", "330000", "340000"]  # Shanghai, Jiangsu, Zhejiang, Anhui
    assert len(browser.find_elements(By.CSS_SELECTOR, ".tile[data-state=unmarked]")) == 30


@pytest.fixture(scope="module")
def static_site(site, tmp_path_factory):
    """The static site, written once for the tests that read it (a page per county: minutes),
    with the query editor on the served endpoint."""
    from conftest import run_cli

    out = tmp_path_factory.mktemp("static") / "site"
    r = run_cli("site", "--out", str(out), "--endpoint", site + "/sparql", timeout=900)
    assert r.code == 0, r.err
    return out


def test_the_static_home_pages_describe_the_dataset_with_files_of_the_site(static_site):
    """Both home pages carry the schema.org Dataset; its downloads are files of the site (each
    named graph in Turtle, void.ttl), relative to the page, and parse."""
    import json
    import re

    import pyoxigraph as ox

    for page in (static_site / "index.html", static_site / "zh" / "index.html"):
        found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page.read_text(encoding="utf-8"))
        assert found is not None, page
        data = json.loads(found.group(1))
        assert (data["@type"], data["alternateName"]) == ("Dataset", "区域协调发展战略知识图谱")
        files = [(page.parent / d["contentUrl"]).resolve() for d in data["distribution"]]
        assert [f.relative_to(static_site.resolve()).as_posix() for f in files] == [
            f"graph/{p}.ttl" for p in ("ontology", "shapes", "data", "statistics", "places", "census")] + ["void.ttl"]
        for f in files:
            assert list(ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)), f


@pytest.fixture(scope="module")
def w3id_static(static_site, tmp_path_factory):
    """Apache with w3id.org's folder crdkg/ holding the rules for the static site, which the same
    Apache serves under /site/ (with the site's own .htaccess: the data files' media types)."""
    from server import w3id_apache

    apache = w3id_apache(tmp_path_factory.mktemp("apache-static"), static_site=static_site)
    try:
        yield apache.base
    finally:
        apache.stop()


@pytest.mark.parametrize(("accept", "suffix", "media"), [
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ".html", "text/html"),
    ("text/html,application/xhtml+xml,text/turtle;q=0.5,*/*;q=0.1", ".html", "text/html"),  # Turtle, but later
    ("text/turtle", ".ttl", "text/turtle"),
    ("text/turtle,application/rdf+xml;q=0.9,text/html;q=0.5", ".ttl", "text/turtle"),  # HTML, but later
    ("application/ld+json", ".jsonld", "application/ld+json"),
    ("application/n-triples", ".nt", "application/n-triples"),
    ("application/rdf+xml", ".rdf", "application/rdf+xml"),
    ("*/*", ".ttl", "text/turtle"),
])
def test_w3id_rules_negotiate_for_a_static_site(w3id_static, accept, suffix, media):
    import rdflib

    from test_w3id import follow

    hops, status, headers, body = follow(w3id_static + "/crdkg/id/division/510000", accept)
    assert hops[0] == f"{w3id_static}/site/id/division/510000{suffix}"
    assert status == 200 and headers["content-type"].split(";")[0] == media
    if suffix == ".html":  # the page it leads to
        page = re.search(r'url=([^"]+)"', body.decode()).group(1)
        _, status, _, html = follow(urllib.parse.urljoin(hops[0], page), accept)
        assert status == 200 and "四川省" in html.decode()
    else:
        fmt = {".ttl": "turtle", ".jsonld": "json-ld", ".nt": "nt", ".rdf": "xml"}[suffix]
        graph = rdflib.Graph().parse(data=body, format=fmt)
        sichuan = rdflib.URIRef("https://w3id.org/crdkg/id/division/510000")
        assert (sichuan, rdflib.RDFS.label, rdflib.Literal("四川省", lang="zh")) in graph


def test_w3id_rules_send_documents_to_their_turtle_and_browsers_home(w3id_static):
    from test_w3id import follow

    hops, status, headers, _ = follow(w3id_static + "/crdkg/ontology/0.1.0", "text/turtle")
    assert hops == [f"{w3id_static}/site/graph/ontology.ttl"] and status == 200
    hops, status, _, _ = follow(w3id_static + "/crdkg/graph/census", "text/turtle")
    assert hops == [f"{w3id_static}/site/graph/census.ttl"] and status == 200
    hops, status, headers, _ = follow(w3id_static + "/crdkg/shapes",
                                      "text/html,application/xhtml+xml,*/*;q=0.8")
    assert hops == [f"{w3id_static}/site/"] and status == 200 and headers["content-type"].startswith("text/html")


def test_the_static_site_has_no_broken_link_and_reads_like_the_served_pages(static_site, browser):
    """`crdkg site` writes the same pages as files: every relative link leads to a file of the
    site, and a resource page, opened from the file, shows its evidence."""
    import re

    out = static_site
    files = list(out.rglob("*.html"))
    assert (out / "index.html").exists() and (out / "zh" / "map.html").exists()
    assert (out / "resource" / "division" / "510000.html").exists()
    checked = 0
    for f in files:
        for href in re.findall(r'href="([^"#]+)"', f.read_text(encoding="utf-8")):
            if not href.startswith(("http://", "https://")):
                assert (f.parent / href.replace("&amp;", "&")).exists(), (f, href)
                checked += 1
    assert checked > 5000
    from selenium.webdriver.common.by import By

    browser.get((out / "resource" / "task" / "western-development.html").as_uri())
    assert "强化举措推进西部大开发形成新格局" in texts(browser, ".passage blockquote")
    browser.find_element(By.ID, "lang-switch").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "强化举措推进西部大开发形成新格局"
    # the statistics page draws its chart from the file, with the Chart.js copied into the site
    browser.get((out / "zh" / "statistics.html").as_uri())
    assert len(_chart(browser)["lines"]) == 4


def test_the_query_editor_runs_a_stored_query_offline(browser, site):
    """YASGUI, served by crdkg (no CDN; the browser resolves no other host), runs the text of
    a stored query as it is against this server's endpoint."""
    import time

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(site + "/editor")
    assert browser.find_elements(By.CSS_SELECTOR, ".yasqe")
    Select(browser.find_element(By.ID, "examples")).select_by_value("macro-regions")
    browser.execute_script("window.crdkgEditor.getTab().query()")
    deadline = time.monotonic() + 30
    while not browser.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr") and time.monotonic() < deadline:
        time.sleep(0.2)
    rows = browser.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr")
    assert len(rows) == 4 and "Central region" in browser.find_element(By.CSS_SELECTOR, ".yasr").text
    failed = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert failed == []


def test_the_api_documentation_page_tries_a_query(browser, site):
    """/api documents each stored query from the OpenAPI document; its example request answers."""
    import json

    from selenium.webdriver.common.by import By

    browser.get(site + "/api")
    headings = texts(browser, "h2 code")
    from crdkg.catalogue import load_catalogue

    assert "GET /api/queries/divisions-in-region" in headings and len(headings) == len(load_catalogue())
    link = browser.find_element(By.CSS_SELECTOR, "#divisions_in_region ~ p a.try")
    assert link.text == "/api/queries/divisions-in-region?region=west"
    import urllib.request

    with urllib.request.urlopen(site + link.text, timeout=30) as resp:
        assert len(json.load(resp)["results"]["bindings"]) == 12


def test_the_static_editor_queries_the_configured_endpoint(static_site, browser):
    """`crdkg site --endpoint URL` adds the query editor, its assets copied into the site; opened
    from the file, it queries that endpoint (started with --cors '*': the file's origin is null)."""
    import time

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    out = static_site
    assert (out / "static" / "yasgui" / "yasgui.min.js").exists() and (out / "zh" / "editor.html").exists()
    browser.get((out / "editor.html").as_uri())
    Select(browser.find_element(By.ID, "examples")).select_by_value("divisions-in-region")
    browser.execute_script("const t = window.crdkgEditor.getTab(); t.setQuery(t.getQuery().replaceAll("
                           "'?_region_iri', '<https://w3id.org/crdkg/id/region/northeast>')); t.query()")
    deadline = time.monotonic() + 30
    while not browser.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(browser.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr")) == 3  # Liaoning, Jilin, Heilongjiang


def _chart(browser) -> dict:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 20).until(lambda d: d.execute_script("return !!window.crdkgChart"))
    return browser.execute_script("""
        const c = window.crdkgChart;
        return {labels: c.data.labels, lines: c.data.datasets.map(d => [d.label, d.data]),
                points: c.getDatasetMeta(0).data.length, launches: window.crdkgLaunches.map(l => l.year)};""")


def test_the_statistics_chart_draws_gdp_per_person_by_macro_region(browser, site):
    browser.get(site + "/statistics")
    chart = _chart(browser)
    assert chart["labels"] == [str(y) for y in range(2000, 2024)]
    lines = dict(chart["lines"])
    assert sorted(lines) == ["Central region", "Eastern region", "Northeastern region", "Western region"]
    # by hand from the reference CSV (tests/test_statistics.py works them out): the west in
    # 2000, 4,862 yuan; the east in 2023, 115,132 yuan
    assert lines["Western region"][0] == 4862 and lines["Eastern region"][-1] == 115132
    assert chart["points"] == 24
    assert chart["launches"] == ["2000", "2003", "2004"]  # the launch years the graph records
    caption = browser.find_element("tag name", "figcaption").text
    assert "computed by crdkg" in caption and "Leading role of the eastern region: has no launch year" in caption
    series = browser.find_element("css selector", ".series").text
    assert "Gross regional product of the 31 mainland divisions, 2000-2023 (4th economic census basis)" in series
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def test_the_statistics_map_colours_the_divisions_by_gdp_per_person(browser, site):
    from selenium.webdriver.common.by import By

    browser.get(site + "/statistics?series=5th-census&year=2024")
    tiles = {t.get_attribute("data-code"): t for t in browser.find_elements(By.CSS_SELECTOR, "#gdp-map .tile")}
    assert len(tiles) == 34
    classes = {code: t.get_attribute("data-class") for code, t in tiles.items()}
    assert classes["110000"] == "4" and classes["310000"] == "4"  # Beijing and Shanghai: the top fifth
    assert classes["620000"] == "0"  # Gansu: the lowest GDP per person of 2024 on the 5th-census basis
    assert classes["810000"] == classes["820000"] == classes["710000"] == "none"
    assert sum(1 for c in classes.values() if c != "none") == 31
    assert "2024" in browser.find_element(By.CSS_SELECTOR, "#gdp-map").find_element(By.XPATH, "preceding::h2[1]").text
    legend = browser.find_element(By.ID, "gdp-legend").text
    assert "not in the series" in legend and legend.count("–") == 5
    assert "5th economic census basis" in browser.find_element(By.CSS_SELECTOR, ".series").text
    assert _chart(browser)["labels"][0] == "2006"


def test_the_statistics_page_in_chinese(browser, site):
    browser.get(site + "/statistics?lang=zh")
    lines = dict(_chart(browser)["lines"])
    assert sorted(lines) == sorted(["东部地区", "中部地区", "西部地区", "东北地区"])
    assert "板块数据由 crdkg 计算" in browser.find_element("tag name", "figcaption").text


def test_any_web_page_could_read_the_server_cross_origin(browser, tmp_path):
    """A page of another origin (here one served on another port of this machine) cannot read
    what `crdkg serve` answers unless --cors names its origin; the server's own pages run under
    its Content-Security-Policy with nothing refused."""
    import http.server
    import threading

    from test_serve import Served

    (tmp_path / "index.html").write_text("<!doctype html><title>another site</title>")
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(tmp_path), **k)  # noqa: E731
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{other.server_address[1]}"
    read = """const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(r => r.text()).then(t => done("read: " + t.length), e => done("refused"));"""
    closed, opened = Served(), Served("--cors", origin)
    try:
        browser.get(origin + "/index.html")
        assert browser.execute_async_script(read, closed.base + "/api/queries/macro-regions") == "refused"
        assert browser.execute_async_script(read, opened.base + "/api/queries/macro-regions").startswith("read: ")
        for path in ("/", "/statistics", "/map", "/resource?iri=region:west", "/editor"):
            browser.get(closed.base + path)
            refused = [e for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]
            assert refused == [], path
        assert browser.execute_script("return !!window.crdkgEditor")  # the last page, the editor: its script ran
    finally:
        closed.stop()
        opened.stop()
        other.shutdown()
