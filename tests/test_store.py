"""Against real stores on 127.0.0.1 (the Oxigraph server, and Debian's Virtuoso where it is
installed): loading never loses data, and every stored query gives the same results over
HTTP as on the embedded graph."""

from __future__ import annotations

import http.server
import threading

import pytest

from conftest import run_cli, with_credentials
from crdkg.catalogue import load_catalogue
from crdkg.compare import comparable
from crdkg.engines.endpoint import EndpointEngine
from crdkg.errors import EndpointError, LoadError
from crdkg.load import load_into_store
from crdkg.namespaces import GRAPHS
from crdkg.querying import run_stored
from samples import every_parameter, without_computed
from server import free_port

pytestmark = pytest.mark.server
CATALOGUE = load_catalogue()
OURS = {GRAPHS[p] for p in ("ontology", "shapes", "data", "statistics", "places", "census", "description")}


THEIRS = "https://example.org/theirs"


@pytest.fixture(scope="module")
def loaded(store_server):
    """The store with a graph of someone else's (and a triple in its default graph, where it
    has one of its own), then the graph loaded."""
    default = " <https://example.org/d> <https://example.org/e> 1" if store_server.has_default_graph else ""
    store_server.update(f"INSERT DATA {{ GRAPH <{THEIRS}> {{ <https://example.org/a> "
                        f"<https://example.org/b> \"theirs\" }}{default} }}")
    with pytest.MonkeyPatch.context() as mp:
        with_credentials(store_server, mp)
        summary = load_into_store(gsp=store_server.store_url, update=store_server.update_url,
                                  query=store_server.query_url)
    return store_server, summary


def theirs(server) -> set[str]:
    """The graphs the store held before crdkg loaded anything."""
    return {THEIRS, "default"} if server.has_default_graph else {THEIRS}


def test_load_puts_every_graph_in_place(loaded, kg):
    server, summary = loaded
    counts = server.graph_counts()
    assert counts[GRAPHS["data"]] == kg.count(["data"])
    assert counts[GRAPHS["ontology"]] == kg.count(["ontology"])
    assert summary.counts["data"] == kg.count(["data"])
    assert not any("/staging/" in g for g in counts), "staging graphs are removed"


def test_other_graphs_are_untouched(loaded):
    server, _ = loaded
    counts = server.graph_counts()
    assert counts[THEIRS] == 1
    if server.has_default_graph:
        assert counts["default"] == 1


#: stored queries that Virtuoso 7.2 answers differently, on purpose (the query's header and the
#: README say why); the tests check that they still differ, so a fixed Virtuoso is noticed
VIRTUOSO_DIFFERS = {
    "division-coverage": "task and initiative counts too low (OPTIONAL with a path-bound predicate)",
    # since the statistics are loaded (26,683 more triples), rows go missing; not the statistics
    # graph itself: dropping it afterwards does not bring them back
    "initiatives": "rows missing (9 of 32): those of the first UNION branch, a path-bound predicate",
    "targeting-region": "no rows (3 expected for Xiong County)",
    "disparity-by-year": "doubles written with six significant digits (0.302691 for 0.30269102371378276)",
}


#: stored queries that Virtuoso 7.2 answers right in some runs and wrongly in others, after the
#: same load: the trigger is in the server's state (the queries run before, say), not isolated
VIRTUOSO_UNSTABLE = {
    "divisions-within": "no rows in some runs (11 expected for Leshan), right in others: in CI and in "
                        "a run of test_store.py alone right, in a run of the whole suite no rows",
}


def differs_there(server, name: str, a, b, ordered: bool) -> bool:
    if server.name == "virtuoso" and name in VIRTUOSO_UNSTABLE:
        return True  # either answer is what this Virtuoso gives; the README says so
    if server.name == "virtuoso" and name in VIRTUOSO_DIFFERS:
        assert comparable(a, ordered=ordered) != comparable(b, ordered=ordered), \
            f"Virtuoso now answers {name} as the embedded graph does: drop it from VIRTUOSO_DIFFERS"
        return True
    return False


@pytest.mark.parametrize("given", ["examples", "every parameter"])
@pytest.mark.parametrize("name", CATALOGUE.names())
def test_stored_query_over_http_equals_embedded(name, given, loaded, engine):
    """With the required parameters' examples (the others at their defaults), and with a
    value for every parameter (lang=zh among them)."""
    server, _ = loaded
    query = CATALOGUE[name]
    params = every_parameter(query) if given == "every parameter" else query.example_params()
    remote = EndpointEngine(server.query_url)
    a = run_stored(query, engine, params)
    b = run_stored(query, remote, params)
    if differs_there(server, name, a, b, query.ordered):
        return
    assert comparable(a, ordered=query.ordered) == comparable(b, ordered=query.ordered)


AS_IS = [q.name for q in CATALOGUE if not any(p.required for p in q.params)]


def run_as_is(server, text: str):
    """The stored query's text posted unchanged, as a store's console would run it: no
    parameter bound, no default-graph-uri (the query's FROM clauses find crdkg's graphs)."""
    import json
    import urllib.parse
    import urllib.request

    from crdkg.engines.endpoint import parse_json_results

    req = urllib.request.Request(server.query_url, data=urllib.parse.urlencode({"query": text}).encode(),
                                 headers={"Accept": "application/sparql-results+json"})
    return parse_json_results(json.loads(urllib.request.urlopen(req, timeout=60).read()), form="select",
                              where=server.query_url)


def test_some_stored_queries_run_as_is():
    assert {"macro-regions", "strategy-overview", "divisions", "about"} <= set(AS_IS)  # by hand


@pytest.mark.parametrize("name", AS_IS)
def test_stored_query_text_runs_unchanged_in_the_store(name, loaded, engine):
    """Pasted into the store's console as it is, a stored query whose parameters all have
    defaults (or are optional) gives what ``crdkg query NAME`` gives: the defaults are in its
    body and its FROM clauses name crdkg's graphs, whatever the store's default graph is."""
    server, _ = loaded
    query = CATALOGUE[name]
    expected = without_computed(run_stored(query, engine, {}), query)
    got = run_as_is(server, query.text)
    if differs_there(server, name, expected, got, query.ordered):
        return
    assert got.variables == expected.variables
    assert len(got.rows) == len(expected.rows) > 0
    assert comparable(got, ordered=query.ordered) == comparable(expected, ordered=query.ordered)


@pytest.fixture(scope="module")
def export_loaded(tmp_path_factory):
    """An Oxigraph server over a store built offline from ``crdkg export``'s N-Quads by the
    ``oxigraph load`` command, its default graph left empty."""
    from crdkg.export import export_graph
    from server import OxigraphServer, oxigraph_binary

    out = tmp_path_factory.mktemp("export")
    export_graph(out)
    location = tmp_path_factory.mktemp("offline")
    import subprocess

    subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--file", str(out / "crdkg.nq")],
                   check=True, capture_output=True, timeout=120)
    server = OxigraphServer(location).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("name", AS_IS)
def test_stored_query_text_runs_unchanged_on_the_export(name, export_loaded, engine):
    query = CATALOGUE[name]
    got = run_as_is(export_loaded, query.text)
    expected = without_computed(run_stored(query, engine, {}), query)
    assert comparable(got, ordered=query.ordered) == comparable(expected, ordered=query.ordered)
    assert len(got.rows) > 0


def test_loading_twice_keeps_one_copy(loaded, kg, monkeypatch):
    server, _ = loaded
    with_credentials(server, monkeypatch)
    load_into_store(gsp=server.store_url, update=server.update_url, query=server.query_url)
    counts = server.graph_counts()
    assert counts[GRAPHS["data"]] == kg.count(["data"])
    assert counts[THEIRS] == 1
    assert set(counts) == OURS | theirs(server)


def test_hostile_values_over_http(loaded):
    server, _ = loaded
    remote = EndpointEngine(server.query_url)
    for value in ['"} ; DROP ALL ; #', "'} UNION { ?s ?p ?o } #", "\\", "a\nb\r\"c\"", "x" * 20_000]:
        result = run_stored(CATALOGUE["search"], remote, {"text": value})
        assert result.rows == ()
    assert server.graph_counts()[GRAPHS["data"]] > 0


def test_region_names_resolve_over_http(loaded):
    server, _ = loaded
    remote = EndpointEngine(server.query_url)
    result = run_stored(CATALOGUE["divisions-in-region"], remote, {"region": "西部地区"})
    assert len(result.rows) == 12


def test_gsp_only_and_update_only_loads(fresh_store, kg):
    if fresh_store.name == "virtuoso":
        # Debian's Virtuoso answers a Graph Store GET with at most 10,001 triples: the statistics
        # graph (26,683) cannot be read back whole, so a load by the Graph Store alone cannot be
        # verified; crdkg says so and replaces nothing (with a query endpoint it reads in parts)
        with pytest.raises(LoadError, match=r"statistics> holds 10001 triples, expected .*ResultSetMaxRows.*"
                                            r"--query-endpoint.*Nothing was replaced"):
            load_into_store(gsp=fresh_store.store_url)
        assert GRAPHS["data"] not in fresh_store.graph_counts()
        load_into_store(gsp=fresh_store.store_url, query=fresh_store.query_url)
    else:
        load_into_store(gsp=fresh_store.store_url)
    assert fresh_store.graph_counts()[GRAPHS["data"]] == kg.count(["data"])
    load_into_store(update=fresh_store.update_url, query=fresh_store.query_url)
    counts = fresh_store.graph_counts()
    assert counts[GRAPHS["data"]] == kg.count(["data"])
    assert set(counts) == OURS


def test_cli_load_with_verify_queries(fresh_store):
    r = run_cli("load", "--endpoint", fresh_store.store_url, "--update-endpoint", fresh_store.update_url,
                "--query-endpoint", fresh_store.query_url, "--verify-queries")
    if fresh_store.name == "virtuoso":  # it answers some stored queries differently (VIRTUOSO_DIFFERS), and says so
        # disparity-by-year agrees there to the six digits Virtuoso writes doubles with
        required = {n for n in VIRTUOSO_DIFFERS if n != "disparity-by-year"}
        assert r.code == 2 and " give different results on " in r.err and "the load itself is complete" in r.err, r.err
        named = set(r.err.split("stored queries ", 1)[1].split(" give different results")[0].replace("'", "")
                    .split(", "))
        assert required <= named <= required | set(VIRTUOSO_UNSTABLE), r.err
        return
    assert r.code == 0, r.err
    assert "content (digests read back) and triple counts verified" in r.out and "stored queries give the same results" in r.out


def test_server_stopped_during_upload_keeps_previous_version(fresh_store, kg, monkeypatch):
    """The server dies part-way through the upload: exit code 2, and once it is back the
    previous version is complete and nothing of the new one was swapped in."""
    import crdkg.storeclient as storeclient

    load_into_store(gsp=fresh_store.store_url, update=fresh_store.update_url, query=fresh_store.query_url)
    before = fresh_store.graph_counts()
    fresh_store.update(f"INSERT DATA {{ GRAPH <{GRAPHS['data']}> {{ <https://example.org/v1> "
                        "<https://example.org/marker> \"previous version\" } }")
    calls = {"n": 0}
    real = storeclient.StoreClient.request

    def dying(self, method, url, **kw):
        if method == "PUT" and "staging" in url:
            calls["n"] += 1
            if calls["n"] == 3:  # the third upload: two graphs staged, then the server goes away
                fresh_store.stop()
        return real(self, method, url, **kw)

    monkeypatch.setattr(storeclient.StoreClient, "request", dying)
    with pytest.raises(LoadError, match="previous version") as err:
        load_into_store(gsp=fresh_store.store_url, update=fresh_store.update_url, query=fresh_store.query_url,
                        timeout=5)
    assert "connection refused" in str(err.value)
    assert "staging graphs" in str(err.value) and "the next load removes them" in str(err.value)
    monkeypatch.undo()
    fresh_store.start()
    after = fresh_store.graph_counts()
    assert after[GRAPHS["data"]] == before[GRAPHS["data"]] + 1  # the previous version, marker and all
    for part in ("ontology", "shapes", "description"):
        assert after[GRAPHS[part]] == before[GRAPHS[part]]


def test_failure_before_swap_keeps_previous_version_cli(fresh_store, kg):
    load_into_store(gsp=fresh_store.store_url, update=fresh_store.update_url, query=fresh_store.query_url)
    before = fresh_store.graph_counts()
    port = free_port()
    # the Graph Store URL is a closed port: the upload fails at once
    r = run_cli("load", "--endpoint", f"http://127.0.0.1:{port}/store", "--update-endpoint", fresh_store.update_url,
                "--query-endpoint", fresh_store.query_url)
    assert r.code == 2 and "connection refused" in r.err and "previous version" in r.err
    assert "Traceback" not in r.err
    assert fresh_store.graph_counts() == before


class _Always500(http.server.BaseHTTPRequestHandler):
    def _fail(self):
        body = b"internal error for testing"
        self.send_response(500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _fail

    def log_message(self, *args):
        pass


@pytest.fixture
def server_500():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Always500)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


def test_server_answering_500(server_500):
    r = run_cli("load", "--endpoint", server_500 + "/store")
    assert r.code == 2 and "HTTP 500" in r.err and "previous version" in r.err and "Traceback" not in r.err
    r = run_cli("query", "macro-regions", "--endpoint", server_500 + "/query")
    assert r.code == 2 and "500" in r.err and "Traceback" not in r.err


def test_upload_chunks_never_split_a_blank_node():
    """Each request's blank nodes are new ones in the store, so the triples linked by a blank
    node go in one request; the triples without go in chunks of the size asked."""
    import pyoxigraph as ox

    from crdkg.storeclient import blank_groups, pack

    n = ox.NamedNode
    a, b, c = ox.BlankNode("a"), ox.BlankNode("b"), ox.BlankNode("c")
    ground = [ox.Triple(n(f"http://x/{i}"), n("http://x/p"), ox.Literal(str(i))) for i in range(5)]
    linked = [ox.Triple(n("http://x/s"), n("http://x/p"), a), ox.Triple(a, n("http://x/q"), b),
              ox.Triple(b, n("http://x/r"), ox.Literal("1")), ox.Triple(c, n("http://x/r"), ox.Literal("2"))]
    flat, groups = blank_groups(ground[:2] + linked[:2] + ground[2:] + linked[2:])
    assert flat == ground
    assert sorted(map(len, groups)) == [1, 3]  # a-b linked, c alone
    chunks = pack([[t] for t in flat] + groups, 2)
    assert [len(ch) for ch in chunks] == [2, 2, 1, 3, 1]
    assert pack([], 10) == [[]]
    # by bytes too: each ground triple is 32 bytes of N-Triples with its " .\n" (by hand:
    # <http://x/0> <http://x/p> "0" .), so 70 bytes take two of them
    assert all(len(str(t)) + 3 == 32 for t in ground)
    assert [len(ch) for ch in pack([[t] for t in ground], 100, max_bytes=70)] == [2, 2, 1]


def test_virtuoso_booleans_are_read_in_canonical_form():
    from crdkg.engines.endpoint import parse_json_results

    xsd = "http://www.w3.org/2001/XMLSchema#boolean"
    doc = {"head": {"vars": ["b"]}, "results": {"bindings": [
        {"b": {"type": "typed-literal", "datatype": xsd, "value": v}} for v in ("1", "0", "true")]}}
    result = parse_json_results(doc, form="select", where="test")
    assert [r[0].value for r in result.rows] == ["true", "false", "true"]


def test_unreachable_endpoint_and_timeout():
    port = free_port()
    with pytest.raises(EndpointError, match="connection refused"):
        EndpointEngine(f"http://127.0.0.1:{port}/query").query("ASK {}")
    r = run_cli("query", "macro-regions", "--endpoint", f"http://127.0.0.1:{port}/query")
    assert r.code == 2 and f"127.0.0.1:{port}" in r.err and "Traceback" not in r.err


def test_timeout_is_a_clear_error():
    import socket

    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/query"
        r = run_cli("query", "macro-regions", "--endpoint", url, "--timeout", "1")
    assert r.code == 2 and "timed out" in r.err and "Traceback" not in r.err


def test_credentials_come_from_the_environment_and_never_show(server_500):
    r = run_cli("query", "macro-regions", "--endpoint", server_500 + "/query",
                env={"CRDKG_ENDPOINT_USER": "alice", "CRDKG_ENDPOINT_PASSWORD": "s3cret-pw"})
    assert r.code == 2 and "s3cret-pw" not in r.err + r.out and "alice" not in r.err
    r = run_cli("query", "macro-regions", "--endpoint", "http://alice:s3cret-pw@127.0.0.1:9/query")
    assert r.code == 2 and "s3cret-pw" not in r.err and "credentials" in r.err


def test_credentials_are_sent(tmp_path):
    seen = {}

    class Capture(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            seen["auth"] = self.headers.get("Authorization")
            body = b'{"head":{"vars":["x"]},"results":{"bindings":[]}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Capture)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        r = run_cli("query", "--query", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint",
                    f"http://127.0.0.1:{srv.server_address[1]}/query", env={"CRDKG_ENDPOINT_TOKEN": "tok123"})
        assert r.code == 0, r.err
        assert seen["auth"] == "Bearer tok123"
    finally:
        srv.shutdown()
        srv.server_close()


def test_a_large_graph_store_upload_in_one_request(fresh_store, kg, monkeypatch):
    """Virtuoso answered the first try of each request (Basic credentials) with a 401 before
    reading its body and closed the connection: an upload of 1.5 MB or more was reset while
    it was sent, now and then even at 512 KB (CI, 2026-12-02). The Digest challenge is now
    asked for with a GET and kept: 4 MB go in one PUT."""
    import pyoxigraph as ox

    import crdkg.digest as digest
    from crdkg.storeclient import StoreClient

    monkeypatch.setattr(digest, "CHALLENGES", {})
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in kg.quads(["statistics"])]
    client = StoreClient(gsp=fresh_store.store_url, update=None, query=fresh_store.query_url, timeout=60)
    monkeypatch.setattr("crdkg.storeclient.CHUNK", 10**6)
    monkeypatch.setattr("crdkg.storeclient.CHUNK_BYTES", 10**9)
    client.upload("https://example.org/large", triples, lambda n: None)
    assert client.count("https://example.org/large") == len(triples) > 26_000
