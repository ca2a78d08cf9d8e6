"""crdkg's IRIs dereferenced by `crdkg serve` as linked data clients do it (W3C "Cool URIs for
the Semantic Web"): a browser is sent on to the page with 303, an RDF client gets the
description in the format it asks for (200, Vary: Accept); the ontology, shapes and named
graphs are documents. A real server on 127.0.0.1, started by the tests."""

from __future__ import annotations

import http.client
import urllib.parse

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

pytestmark = pytest.mark.server

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
CRD = "https://w3id.org/crdkg/ontology#"
SICHUAN = "https://w3id.org/crdkg/id/division/510000"


def fetch(served, path: str, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request, redirects not followed."""
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=60)
    try:
        conn.request("GET", path, headers={"Accept": accept} if accept else {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_a_browser_is_sent_to_the_page_with_303(served):
    status, headers, _ = fetch(served, "/id/division/510000", BROWSER)
    assert status == 303 and headers["vary"] == "Accept"
    assert headers["location"] == "/resource?" + urllib.parse.urlencode({"iri": SICHUAN})
    status, headers, body = fetch(served, headers["location"], BROWSER)
    assert status == 200 and headers["content-type"].startswith("text/html") and "四川省" in body.decode()
    assert fetch(served, "/id/division/510000?lang=zh", BROWSER)[1]["location"].endswith("&lang=zh")


@pytest.mark.parametrize(("accept", "media", "fmt"), [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("*/*", "text/turtle", "turtle"),  # what curl sends
])
def test_an_rdf_client_could_not_dereference_a_crdkg_iri(served, accept, media, fmt):
    """Every RDF format gives the same graph: Sichuan's code, its Chinese name, its type."""
    status, headers, body = fetch(served, "/id/division/510000", accept)
    assert status == 200 and headers["content-type"] == f"{media}; charset=utf-8" and headers["vary"] == "Accept"
    graph = rdflib.Graph().parse(data=body, format=fmt)
    s = rdflib.URIRef(SICHUAN)
    assert (s, rdflib.URIRef(CRD + "divisionCode"), rdflib.Literal("510000")) in graph
    assert (s, rdflib.RDFS.label, rdflib.Literal("四川省", lang="zh")) in graph
    assert (s, rdflib.RDF.type, rdflib.URIRef(CRD + "Province")) in graph
    turtle = rdflib.Graph().parse(data=fetch(served, "/id/division/510000", "text/turtle")[2], format="turtle")
    assert isomorphic(graph, turtle)


def test_the_format_parameter_overrides_accept(served):
    status, headers, body = fetch(served, "/id/division/510000?format=nt", BROWSER)
    assert status == 200 and headers["content-type"].startswith("application/n-triples")
    assert f'<{SICHUAN}> <{CRD}divisionCode> "510000" .' in body.decode().splitlines()


def test_the_ontology_its_version_the_shapes_and_the_graphs_are_documents(served, kg):
    status, headers, body = fetch(served, "/ontology", "application/ld+json")
    assert status == 200 and headers["content-type"].startswith("application/ld+json")
    ontology = rdflib.Graph().parse(data=body, format="json-ld")
    assert (rdflib.URIRef(CRD + "Region"), rdflib.RDF.type, rdflib.OWL.Class) in ontology
    assert fetch(served, "/ontology/0.1.0", "application/ld+json")[2] == body  # the version IRI: the same
    assert len(ontology) == kg.count(["ontology"])
    shapes = list(ox.parse(fetch(served, "/shapes", "text/turtle")[2], format=ox.RdfFormat.TURTLE))
    assert any(t.object == ox.NamedNode("http://www.w3.org/ns/shacl#NodeShape") for t in shapes)
    data = list(ox.parse(fetch(served, "/graph/data", "application/n-triples")[2], format=ox.RdfFormat.N_TRIPLES))
    assert len(data) == kg.count(["data"])
    assert fetch(served, "/ontology", BROWSER)[1]["location"] == "/resource?" + urllib.parse.urlencode(
        {"iri": "https://w3id.org/crdkg/ontology"})


def test_what_names_nothing_is_404_and_what_cannot_be_written_is_406(served):
    status, _, body = fetch(served, "/id/division/999999", "text/turtle")
    assert (status, body) == (404, b'{"error":"https://w3id.org/crdkg/id/division/999999 names nothing in this graph"}')
    assert fetch(served, "/graph/nothing", "text/turtle")[0] == 404
    status, _, body = fetch(served, "/id/division/510000", "image/png")
    assert status == 406 and b"image/png" in body
    assert fetch(served, "/id/division/510000?format=yaml")[0] == 406


DATASET = "https://w3id.org/crdkg/dataset"
VOID = "http://rdfs.org/ns/void#"


def test_well_known_void_is_the_dataset_description(served, kg):
    """VoID section 7: the description at /.well-known/void, for RDF clients; a browser is sent
    to the home page, which describes the dataset for people."""
    status, headers, body = fetch(served, "/.well-known/void", "text/turtle")
    assert status == 200 and headers["content-type"] == "text/turtle; charset=utf-8"
    g = rdflib.Graph().parse(data=body, format="turtle")
    dataset = rdflib.URIRef(DATASET)
    assert (dataset, rdflib.RDF.type, rdflib.URIRef(VOID + "Dataset")) in g
    subsets = {str(s): int(g.value(s, rdflib.URIRef(VOID + "triples")))
               for s in g.objects(dataset, rdflib.URIRef(VOID + "subset"))}
    parts = ("ontology", "data", "statistics", "places", "census")  # the graph served: no shapes
    assert subsets == {f"https://w3id.org/crdkg/graph/{p}": kg.count([p]) for p in parts}
    assert int(g.value(dataset, rdflib.URIRef(VOID + "triples"))) == sum(subsets.values())
    assert fetch(served, "/graph/description", "text/turtle")[2] == body
    status, headers, _ = fetch(served, "/.well-known/void", BROWSER)
    assert (status, headers["location"]) == (303, "/")


def test_the_home_page_describes_the_dataset_for_search_engines_and_people(served):
    import json
    import re

    import crdkg

    status, _, body = fetch(served, "/", BROWSER)
    page = body.decode()
    block = re.search(r'<head>.*<script type="application/ld\+json">(.*?)</script>.*</head>', page, flags=re.S)
    assert status == 200 and block is not None
    data = json.loads(block.group(1))
    expected = {  # from the ontology header and the data, by hand
        "@context": "https://schema.org/", "@type": "Dataset", "@id": DATASET, "identifier": DATASET,
        "name": "crdkg: China's strategy for coordinated regional development",
        "alternateName": "区域协调发展战略知识图谱", "inLanguage": ["en", "zh-Hans"], "version": crdkg.__version__,
        "license": "https://creativecommons.org/licenses/by/4.0/", "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": "The crdkg developers"},
        "publisher": {"@type": "Organization", "name": "The crdkg project"},
        "temporalCoverage": "2000/2024",  # the first population and GDP year; the last population year
        "spatialCoverage": {"@type": "Place", "@id": "https://w3id.org/crdkg/id/country/china",
                            "name": "People's Republic of China", "alternateName": "中华人民共和国",
                            "sameAs": "http://www.wikidata.org/entity/Q148"},
    }
    assert {k: data[k] for k in expected} == expected
    assert data["description"].startswith("An OWL 2 ontology of China's strategy")
    assert set(data) - set(expected) == {"description", "dateModified", "distribution"}
    # valid JSON-LD: with schema.org as the vocabulary (nothing fetched), a Dataset with its downloads
    data["@context"] = {"@vocab": "https://schema.org/"}
    g = rdflib.Graph().parse(data=json.dumps(data), format="json-ld")
    assert (rdflib.URIRef(DATASET), rdflib.RDF.type, rdflib.URIRef("https://schema.org/Dataset")) in g
    # each download is there, in Turtle, and the links on the page are the same
    names = []
    for download in data["distribution"]:
        assert (download["@type"], download["encodingFormat"]) == ("DataDownload", "text/turtle")
        status, headers, turtle = fetch(served, download["contentUrl"])
        assert status == 200 and headers["content-type"] == "text/turtle; charset=utf-8", download
        assert list(ox.parse(turtle, format=ox.RdfFormat.TURTLE)), download
        assert f'<a href="{download["contentUrl"]}">' in page.replace("&amp;", "&")
        names.append(download["name"])
    assert names == [f"/graph/{p}" for p in ("ontology", "shapes", "data", "statistics", "places", "census")] \
        + ["/.well-known/void"]
    cite = (f"The crdkg developers ({data['dateModified'][:4]}). crdkg: China&#x27;s strategy for coordinated "
            f"regional development (区域协调发展战略知识图谱), version {crdkg.__version__}. {DATASET}")
    assert f'<p class="cite">{cite}</p>' in page
