"""`crdkg serve` as a real server on 127.0.0.1 (a subprocess, stopped at teardown): the
SPARQL 1.1 Protocol endpoint with SPARQLWrapper and `crdkg query --endpoint` as clients, the
stored queries as an HTTP API, its OpenAPI document, the limits, hostile input, and 50
clients at once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
import pytest

from conftest import ROOT, run_cli
from crdkg.catalogue import load_catalogue
from crdkg.compare import comparable
from crdkg.engines.endpoint import EndpointEngine
from crdkg.namespaces import GRAPHS
from crdkg.querying import run_stored
from samples import every_parameter
from server import free_port, stop_process

pytestmark = pytest.mark.server
CATALOGUE = load_catalogue()


class Served:
    def __init__(self, *options: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([sys.executable, "-m", "crdkg", "serve", "--port", str(self.port), *options],
                                        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"crdkg serve exited: {self.process.stderr.read().decode()[-500:]}")
            try:
                urllib.request.urlopen(self.base + "/sparql", timeout=2).read()
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("crdkg serve did not answer within 60 s") from None
                time.sleep(0.1)

    def stop(self) -> None:
        stop_process(self.process)

    def get(self, path: str, accept: str | None = None, **params: str) -> tuple[int, str, bytes]:
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        return self.fetch(urllib.request.Request(url, headers={"Accept": accept} if accept else {}))

    def fetch(self, req: urllib.request.Request) -> tuple[int, str, bytes]:
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status, resp.headers.get("Content-Type", ""), resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers.get("Content-Type", ""), err.read()


def error_of(status_and_body: tuple[int, str, bytes]) -> tuple[int, str]:
    status, ctype, body = status_and_body
    assert ctype.startswith("application/json"), ctype
    doc = json.loads(body)
    assert set(doc) <= {"error", "did_you_mean"} and "\n" not in doc["error"] and "Traceback" not in doc["error"]
    return status, doc["error"]


def test_did_you_mean_as_json(served):
    """The candidates of an unknown or ambiguous value, and of an unknown query, as a list."""
    _, _, body = served.get("/api/queries/divisions-in-region", region="Atlantis")
    assert json.loads(body)["did_you_mean"] == ["region:central", "region:east", "region:northeast", "region:west"]
    _, _, body = served.get("/api/queries/area-members", area="yangtze-river-delta")
    assert json.loads(body)["did_you_mean"] == ["area:yangtze-river-delta", "cluster:yangtze-river-delta"]
    _, _, body = served.get("/api/queries/macro-region")
    assert json.loads(body)["did_you_mean"][0] == "macro-regions"
    _, _, body = served.get("/api/queries/macro-regions", lang="fr")
    assert "did_you_mean" not in json.loads(body)


# --- the SPARQL endpoint -----------------------------------------------------------------

def test_sparqlwrapper_select_ask_construct(served):
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(served.base + "/sparql")
    client.setQuery("PREFIX crd: <https://w3id.org/crdkg/ontology#> SELECT ?r WHERE { ?r a crd:MacroRegion } ORDER BY ?r")
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [r["r"]["value"].rsplit("/", 1)[1] for r in rows] == ["central", "east", "northeast", "west"]
    client.setQuery("ASK { <https://w3id.org/crdkg/id/region/west> a ?t }")
    assert client.query().convert()["boolean"] is True
    client.setQuery("CONSTRUCT { <https://w3id.org/crdkg/id/region/west> ?p ?o } "
                    "WHERE { <https://w3id.org/crdkg/id/region/west> ?p ?o }")
    client.setReturnFormat(TURTLE)
    triples = list(ox.parse(client.query().convert(), format=ox.RdfFormat.TURTLE))
    assert ox.Literal("西部地区", language="zh") in {t.object for t in triples}


def test_sparqlwrapper_s_default_construct_rdf_xml_was_406(served):
    """SPARQLWrapper asks a CONSTRUCT for RDF/XML unless told otherwise: it gets it."""
    import rdflib
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(served.base + "/sparql")
    client.setQuery("CONSTRUCT { <https://w3id.org/crdkg/id/region/west> ?p ?o } "
                    "WHERE { <https://w3id.org/crdkg/id/region/west> ?p ?o }")
    graph = client.query().convert()
    assert isinstance(graph, rdflib.Graph)
    assert rdflib.Literal("西部地区", lang="zh") in set(graph.objects())


def _count(served, query: str, **dataset: list[str]) -> int:
    params = [("query", query)] + [(k.replace("_", "-"), v) for k, vs in dataset.items() for v in vs]
    url = served.base + "/sparql?" + urllib.parse.urlencode(params)
    req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return int(json.load(resp)["results"]["bindings"][0]["n"]["value"])


def test_the_protocol_dataset_was_ignored(served, kg):
    """default-graph-uri and named-graph-uri replace the query's FROM and FROM NAMED (SPARQL 1.1
    Protocol 2.1.4); a FROM naming a graph the server does not hold reads an empty graph."""
    data, ontology = GRAPHS["data"], GRAPHS["ontology"]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert _count(served, count, default_graph_uri=[data]) == kg.count(["data"])
    assert _count(served, f"SELECT (COUNT(*) AS ?n) FROM <{ontology}> WHERE {{ ?s ?p ?o }}",
                  default_graph_uri=[data]) == kg.count(["data"])
    assert _count(served, "SELECT (COUNT(*) AS ?n) FROM <https://example.org/no-such-graph> WHERE { ?s ?p ?o }") == 0
    graphs = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert _count(served, graphs, named_graph_uri=[ontology]) == 1
    assert _count(served, graphs, named_graph_uri=[ontology, data]) == 2
    assert _count(served, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{data}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}") \
        == kg.count(["data"])


def test_sparqlwrapper_post(served):
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    client = SPARQLWrapper(served.base + "/sparql")
    client.setMethod(POST)
    client.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?d <https://w3id.org/crdkg/ontology#divisionCode> ?c }")
    client.setReturnFormat(JSON)
    n = int(client.query().convert()["results"]["bindings"][0]["n"]["value"])
    # 34 provincial-level, 333 prefecture-level and 2,846 county-level divisions, and the 1,023 former
    # division records (data/reference/divisions/README.md)
    assert n == 34 + 333 + 2846 + 1023


@pytest.mark.parametrize("name", CATALOGUE.names())
def test_every_stored_query_through_the_endpoint_equals_embedded(name, served, engine):
    query = CATALOGUE[name]
    params = every_parameter(query)
    remote = EndpointEngine(served.base + "/sparql")
    assert comparable(run_stored(query, remote, params), ordered=query.ordered) == \
        comparable(run_stored(query, engine, params), ordered=query.ordered)


def test_crdkg_query_endpoint_against_it(served):
    r = run_cli("query", "divisions-in-region", "--param", "region=东北地区", "--endpoint", served.base + "/sparql",
                "--format", "csv", "--no-iris")
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["code,name_en,name_zh", "210000,Liaoning,辽宁省", "220000,Jilin,吉林省",
                                  "230000,Heilongjiang,黑龙江省"]


@pytest.mark.parametrize(("accept", "fmt", "media"), [
    ("text/csv", None, "text/csv"),
    ("text/tab-separated-values", None, "text/tab-separated-values"),
    ("application/sparql-results+xml", None, "application/sparql-results+xml"),
    (None, None, "application/sparql-results+json"),
    ("text/html,*/*;q=0.8", None, "application/sparql-results+json"),
    ("application/sparql-results+json", "csv", "text/csv"),  # the parameter wins
])
def test_select_formats(served, accept, fmt, media):
    params = {"query": "SELECT ?c WHERE { <https://w3id.org/crdkg/id/division/510000> "
                       "<https://w3id.org/crdkg/ontology#divisionCode> ?c }"}
    if fmt:
        params["format"] = fmt
    status, ctype, body = served.get("/sparql", accept, **params)
    assert status == 200 and ctype.startswith(media)
    assert "510000" in body.decode()


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", "turtle"), ("application/n-triples", "ntriples"),
                                             ("application/ld+json", "jsonld")])
def test_graph_formats(served, accept, fmt):
    text = "CONSTRUCT WHERE { <https://w3id.org/crdkg/id/region/west> <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    status, ctype, body = served.get("/sparql", accept, query=text)
    assert status == 200 and ctype.startswith(accept)
    parsed = {fmt: ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    labels = {t.object for t in ox.parse(body, format=parsed)}
    assert labels == {ox.Literal("Western region", language="en"), ox.Literal("西部地区", language="zh")}


def test_a_format_that_does_not_fit_is_406(served):
    status, message = error_of(served.get("/sparql", "text/turtle", query="SELECT * WHERE { ?s ?p ?o } LIMIT 1"))
    assert status == 406 and "(text/turtle) fits a SELECT query" in message and "text/csv" in message


def test_service_description(served):
    status, ctype, body = served.get("/sparql")
    assert status == 200 and ctype.startswith("text/turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=ox.RdfFormat.TURTLE)}
    assert ox.Triple(ox.NamedNode(served.base + "/sparql"), ox.NamedNode(sd + "supportedLanguage"),
                     ox.NamedNode(sd + "SPARQL11Query")) in triples


def test_read_only(served):
    form = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
    status, message = error_of(served.fetch(urllib.request.Request(served.base + "/sparql", data=form)))
    assert status == 403 and "read-only" in message
    req = urllib.request.Request(served.base + "/sparql", data=b"DROP ALL",
                                 headers={"Content-Type": "application/sparql-update"})
    assert error_of(served.fetch(req))[0] == 403
    status, message = error_of(served.get("/sparql", query="DELETE WHERE { ?s ?p ?o }"))
    assert status == 400 and "crdkg runs queries only" in message
    assert served.get("/api/queries/about")[0] == 200  # and the graph is all there


@pytest.mark.parametrize(("text", "expected"), [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT ?x WHERE { ?x ?y }", "the query does not parse at line 1, column"),
    ("", "no SELECT, ASK, CONSTRUCT or DESCRIBE"),
])
def test_hostile_sparql(served, text, expected):
    status, message = error_of(served.get("/sparql", query=text))
    assert status == 400 and expected in message


def test_a_body_over_the_limit_is_413(served):
    """Answered from the headers alone (a client that went on sending would see the
    connection close), so the test sends the headers and a little of the body."""
    import socket

    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 2000000\r\n\r\n" + b"#" * 1000)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert "larger than 1000000 bytes" in json.loads(body)["error"]


def test_another_dataset_is_refused(served):
    status, message = error_of(served.get("/sparql", query="ASK {}", **{"default-graph-uri": "https://example.org/g"}))
    assert status == 400 and "cannot query https://example.org/g" in message


# --- the stored queries as an API ----------------------------------------------------------

def test_a_stored_query_with_a_name_typed_as_people_type_it(served):
    status, ctype, body = served.get("/api/queries/divisions-in-region", "text/csv", region="西部地区")
    assert status == 200 and ctype.startswith("text/csv")
    assert len(body.decode().splitlines()) == 1 + 12


def test_api_errors_are_one_line_json(served):
    status, message = error_of(served.get("/api/queries/macro-region"))
    assert status == 404 and "did you mean macro-regions" in message
    status, message = error_of(served.get("/api/queries/divisions-in-region", region="Atlantis"))
    assert status == 400 and "region:west (Western region, 西部地区)" in message
    status, message = error_of(served.get("/api/queries/divisions-in-region"))
    assert status == 400 and "needs parameter 'region'" in message
    status, message = error_of(served.get("/api/queries/macro-regions", colour="red"))
    assert status == 400 and "has no parameter 'colour'" in message
    status, message = error_of(served.fetch(urllib.request.Request(
        served.base + "/api/queries/macro-regions?lang=en&lang=zh")))
    assert status == 400 and "more than once" in message


@pytest.mark.parametrize("value", ['"} ; DROP ALL ; #', "'} UNION { ?s ?p ?o } #", "\\", "a\nb\r\"c\"", "x" * 5000])
def test_hostile_values_through_http_are_one_literal(served, value):
    status, _, body = served.get("/api/queries/search", "application/sparql-results+json", text=value)
    assert status == 200 and json.loads(body)["results"]["bindings"] == []


def test_the_api_listing(served):
    status, _, body = served.get("/api/queries")
    names = [q["name"] for q in json.loads(body)]
    assert status == 200 and names == CATALOGUE.names()


@pytest.mark.parametrize("name", ["divisions-in-region", "disparity-by-year", "is-instance", "observations",
                                  "division-profile"])
def test_every_success_answer_had_no_schema(served, name):
    """Each 200 answer of the API has a schema: the SPARQL JSON result of a SELECT names the
    query's columns (its SELECT clause's and its computed ones, written here by hand for one);
    the JSON served, with the example values, is valid against it."""
    import jsonschema

    doc = json.loads(served.get("/api/openapi.json")[2])
    query = CATALOGUE[name]
    schema = doc["paths"][f"/api/queries/{name}"]["get"]["responses"]["200"]["content"][
        "application/sparql-results+json"]["schema"]
    text = json.dumps(schema).replace('{"$ref": "#/components/schemas/RDFTerm"}',
                                      json.dumps(doc["components"]["schemas"]["RDFTerm"]))
    status, _, body = served.get(f"/api/queries/{name}", accept="application/sparql-results+json",
                                 **query.example_params())
    assert status == 200
    answer = json.loads(body)
    jsonschema.validate(answer, json.loads(text))
    if query.form == "select":
        assert schema["properties"]["head"]["properties"]["vars"]["items"]["enum"] == answer["head"]["vars"]
        assert answer["results"]["bindings"]
        broken = {**answer, "results": {"bindings": [{"nonesuch": {"type": "uri", "value": "x"}}]}}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, json.loads(text))
    if name == "disparity-by-year":
        assert answer["head"]["vars"] == [
            "year", "highest_region", "highest_gdp_per_person", "lowest_region", "lowest_gdp_per_person", "ratio",
            "cv_divisions_squared", "cv_divisions", "cv_macro_regions_squared", "cv_macro_regions", "gdp_series"]


def test_openapi_document_is_valid_and_made_from_the_catalogue(served):
    from openapi_spec_validator import validate

    status, _, body = served.get("/api/openapi.json")
    assert status == 200
    doc = json.loads(body)
    validate(doc)
    assert set(doc["paths"]) == {f"/api/queries/{n}" for n in CATALOGUE.names()}
    op = doc["paths"]["/api/queries/divisions-in-region"]["get"]
    params = {p["name"]: p for p in op["parameters"]}
    assert params["region"]["required"] is True and params["region"]["example"] == "west"
    assert params["format"]["schema"]["enum"] == ["json", "xml", "csv", "tsv"]
    lang = doc["paths"]["/api/queries/macro-regions"]["get"]["parameters"][0]
    assert lang["name"] == "lang" and lang["required"] is False
    assert lang["schema"] == {"type": "string", "enum": ["en", "zh"], "default": "en"}


def test_fifty_clients_at_once(served):
    def one(i: int) -> int:
        path = ("/api/queries/macro-regions", "/api/queries/divisions-in-region?region=west",
                "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"))[i % 3]
        return served.fetch(urllib.request.Request(served.base + path))[0]

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(one, range(200)))
    assert statuses == [200] * 200


# --- limits and defaults -------------------------------------------------------------------

def test_limits_on_rows_and_time():
    s = Served("--max-rows", "5", "--timeout", "1")
    try:
        status, message = error_of(s.get("/sparql", query="SELECT * WHERE { ?s ?p ?o }"))
        assert status == 400 and "more than 5 rows" in message
        assert s.get("/sparql", query="SELECT * WHERE { ?s ?p ?o } LIMIT 5")[0] == 200
        started = time.monotonic()
        status, message = error_of(s.get("/sparql", query="SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"))
        assert status == 503 and "longer than this server's limit of 1 s" in message
        assert time.monotonic() - started < 10
    finally:
        s.stop()


def test_it_listens_on_this_machine_only_by_default(served):
    """Bound to 127.0.0.1: the machine's other address does not answer."""
    import socket

    try:
        other = {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)} - {"127.0.0.1"}
    except OSError:
        other = set()
    other = {a for a in other if not a.startswith("127.")}
    if not other:
        pytest.skip("this machine has no address but the loopback one")
    with socket.socket() as sock:
        sock.settimeout(2)
        assert sock.connect_ex((sorted(other)[0], served.port)) != 0


def test_cors_star_let_any_page_read_the_user_s_data(served):
    """Without --cors no other origin may read the answers: a page the user opens elsewhere
    could otherwise read everything served, --data files included."""
    req = urllib.request.Request(served.base + "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}),
                                 headers={"Origin": "https://elsewhere.example", "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.headers.get("Access-Control-Allow-Origin") is None
        # and the headers every answer carries
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
        assert resp.headers["Referrer-Policy"] == "no-referrer"


def test_cors_is_given_to_the_origins_named():
    s = Served("--cors", "https://editor.example")
    try:
        for origin, allowed in (("https://editor.example", "https://editor.example"), ("https://other.example", None)):
            req = urllib.request.Request(s.base + "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}),
                                         headers={"Origin": origin, "Accept": "application/sparql-results+json"})
            with urllib.request.urlopen(req, timeout=30) as resp:
                assert resp.headers.get("Access-Control-Allow-Origin") == allowed
    finally:
        s.stop()


def test_dns_rebinding_worked_without_a_host_check(served):
    """A foreign Host header (a name rebound to 127.0.0.1) gets 400; this machine's names are answered."""
    status, _, body = served.fetch(urllib.request.Request(served.base + "/sparql?query=ASK%7B%7D",
                                                          headers={"Host": "attacker.example"}))
    assert status == 400 and b"--allow-host" in body
    for host in ("localhost", f"localhost:{served.port}", f"127.0.0.1:{served.port}"):
        status, _, _ = served.fetch(urllib.request.Request(served.base + "/sparql?query=ASK%7B%7D",
                                                           headers={"Host": host}))
        assert status == 200, host


def test_serve_exited_3_on_a_port_in_use_after_saying_serving(served):
    r = subprocess.run([sys.executable, "-m", "crdkg", "serve", "--port", str(served.port)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [f"crdkg: error: cannot serve on 127.0.0.1 port {served.port}: "
                                             "Address already in use"]


def test_the_computed_columns_come_through_the_api(served):
    """disparity-by-year through /api/queries has crdkg's computed square roots, as on the
    command line: the square of each is the column it is computed from."""
    import json

    status, _, body = served.get("/api/queries/disparity-by-year", "application/sparql-results+json")
    assert status == 200
    data = json.loads(body)
    assert data["head"]["vars"][6:10] == ["cv_divisions_squared", "cv_divisions", "cv_macro_regions_squared",
                                          "cv_macro_regions"]
    for b in data["results"]["bindings"]:
        assert float(b["cv_divisions"]["value"]) ** 2 == pytest.approx(float(b["cv_divisions_squared"]["value"]))


@pytest.mark.parametrize("params,message", [
    ({"series": "6th-census"}, "parameter 'series': '6th-census' is not one of 4th-census, 5th-census"),
    ({"year": "1999"}, "parameter 'year': '1999' is not a year of this series (2000-2023)")])
def test_the_statistics_page_refuses_what_it_does_not_have(served, params, message):
    import html

    status, _, body = served.get("/statistics", **params)
    assert status == 400 and message in html.unescape(body.decode())
