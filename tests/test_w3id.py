"""crdkg's IRIs resolved as w3id.org would resolve them: the `.htaccess` that `crdkg redirects`
writes, in a real Apache (Debian's apache2, on 127.0.0.1) in front of a real `crdkg serve`.
A browser gets the page, even when it lists Turtle at a lower priority; an RDF client gets
data. (The static site as the target: tests/test_browser.py, which builds the site once.)"""

from __future__ import annotations

import http.client
import urllib.parse

import pytest
import rdflib

from conftest import run_cli
from server import w3id_apache

pytestmark = pytest.mark.server

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
BROWSER_WITH_TURTLE = "text/html,application/xhtml+xml,text/turtle;q=0.5,*/*;q=0.1"
RDF_CLIENT_WITH_HTML = "text/turtle,application/rdf+xml;q=0.9,text/html;q=0.5"
SICHUAN = "https://w3id.org/crdkg/id/division/510000"
CRD = "https://w3id.org/crdkg/ontology#"


def fetch(url: str, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """One GET, redirects not followed."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""),
                     headers={"Accept": accept} if accept else {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def follow(url: str, accept: str | None, hops: int = 5) -> tuple[list[str], int, dict[str, str], bytes]:
    """GET with redirects followed by hand (each Location recorded), at most ``hops``."""
    seen = []
    for _ in range(hops):
        status, headers, body = fetch(url, accept)
        if status not in (301, 302, 303, 307, 308):
            return seen, status, headers, body
        url = urllib.parse.urljoin(url, headers["location"])
        seen.append(url)
    raise AssertionError(f"more than {hops} redirects: {seen}")


@pytest.fixture(scope="module")
def w3id(served, tmp_path_factory):
    """Apache with w3id.org's folder crdkg/ holding the rules for this crdkg serve."""
    apache = w3id_apache(tmp_path_factory.mktemp("apache"), target=f"http://127.0.0.1:{served.port}/")
    try:
        yield apache.base + "/crdkg"
    finally:
        apache.stop()


@pytest.mark.parametrize("accept", [BROWSER, BROWSER_WITH_TURTLE])
def test_a_browser_gets_the_page(w3id, served, accept):
    hops, status, headers, body = follow(w3id + "/id/division/510000", accept)
    assert hops[0] == f"http://127.0.0.1:{served.port}/id/division/510000"  # w3id: to the server, as it is
    assert hops[1] == f"http://127.0.0.1:{served.port}/resource?" + urllib.parse.urlencode({"iri": SICHUAN})
    assert status == 200 and headers["content-type"].startswith("text/html") and "四川省" in body.decode()


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                              ("application/n-triples", "nt"), (RDF_CLIENT_WITH_HTML, "turtle"),
                                              ("*/*", "turtle")])
def test_an_rdf_client_gets_data(w3id, accept, fmt):
    hops, status, headers, body = follow(w3id + "/id/division/510000", accept)
    assert len(hops) == 1 and status == 200 and "vary" in headers
    graph = rdflib.Graph().parse(data=body, format=fmt)
    assert (rdflib.URIRef(SICHUAN), rdflib.URIRef(CRD + "divisionCode"), rdflib.Literal("510000")) in graph


def test_the_ontology_and_a_named_graph_resolve_as_documents(w3id, served):
    hops, status, _, body = follow(w3id + "/ontology", "text/turtle")
    assert hops == [f"http://127.0.0.1:{served.port}/ontology"] and status == 200
    ontology = rdflib.Graph().parse(data=body, format="turtle")
    assert (rdflib.URIRef(CRD + "Region"), rdflib.RDF.type, rdflib.OWL.Class) in ontology
    _, status, _, body = follow(w3id + "/ontology/0.1.0", "text/turtle")  # the version IRI: the same document
    assert status == 200 and len(rdflib.Graph().parse(data=body, format="turtle")) == len(ontology)
    _, status, headers, _ = follow(w3id + "/graph/data", "application/n-triples")
    assert status == 200 and headers["content-type"].startswith("application/n-triples")


def test_the_rules_refuse_a_target_that_is_not_a_url():
    r = run_cli("redirects", "--target", "crdkg.example.org")
    assert (r.code, r.err) == (2, "crdkg: error: --target 'crdkg.example.org' is not an http(s) URL\n")
