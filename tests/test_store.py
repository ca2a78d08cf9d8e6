"""Against a real Oxigraph server on 127.0.0.1: loading never loses data, and every stored
query gives the same results over HTTP as on the embedded graph."""

from __future__ import annotations

import http.server
import threading

import pytest

from conftest import run_cli
from crdkg.catalogue import load_catalogue
from crdkg.engines.endpoint import EndpointEngine
from crdkg.errors import EndpointError, LoadError
from crdkg.namespaces import GRAPHS
from crdkg.querying import run_stored
from crdkg.store import load_into_store
from crdkg.verify import comparable
from server import free_port

pytestmark = pytest.mark.server
CATALOGUE = load_catalogue()
OURS = {GRAPHS[p] for p in ("ontology", "shapes", "data", "description")}


@pytest.fixture(scope="module")
def loaded(oxigraph_server):
    oxigraph_server.update("INSERT DATA { GRAPH <https://example.org/theirs> { <https://example.org/a> "
                           "<https://example.org/b> \"theirs\" } <https://example.org/d> <https://example.org/e> 1 }")
    summary = load_into_store(gsp=oxigraph_server.store_url, update=oxigraph_server.update_url,
                              query=oxigraph_server.query_url)
    return oxigraph_server, summary


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
    assert counts["https://example.org/theirs"] == 1
    assert counts["default"] == 1


@pytest.mark.parametrize("name", CATALOGUE.names())
def test_stored_query_over_http_equals_embedded(name, loaded, engine):
    server, _ = loaded
    query = CATALOGUE[name]
    params = query.example_params()
    remote = EndpointEngine(server.query_url)
    a = run_stored(query, engine, params)
    b = run_stored(query, remote, params)
    assert comparable(a, ordered=query.ordered) == comparable(b, ordered=query.ordered)


def test_loading_twice_keeps_one_copy(loaded, kg):
    server, _ = loaded
    load_into_store(gsp=server.store_url, update=server.update_url, query=server.query_url)
    counts = server.graph_counts()
    assert counts[GRAPHS["data"]] == kg.count(["data"])
    assert counts["https://example.org/theirs"] == 1
    assert set(counts) == OURS | {"https://example.org/theirs", "default"}


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


def test_gsp_only_and_update_only_loads(fresh_server, kg):
    load_into_store(gsp=fresh_server.store_url)
    assert fresh_server.graph_counts()[GRAPHS["data"]] == kg.count(["data"])
    load_into_store(update=fresh_server.update_url, query=fresh_server.query_url)
    counts = fresh_server.graph_counts()
    assert counts[GRAPHS["data"]] == kg.count(["data"])
    assert set(counts) == OURS


def test_cli_load_with_verify_queries(fresh_server):
    r = run_cli("load", "--endpoint", fresh_server.store_url, "--update-endpoint", fresh_server.update_url,
                "--query-endpoint", fresh_server.query_url, "--verify-queries")
    assert r.code == 0, r.err
    assert "content (digests read back) and triple counts verified" in r.out and "stored queries give the same results" in r.out


def test_server_stopped_during_upload_keeps_previous_version(fresh_server, kg, monkeypatch):
    """The server dies part-way through the upload: exit code 2, and once it is back the
    previous version is complete and nothing of the new one was swapped in."""
    import crdkg.storeclient as storeclient

    load_into_store(gsp=fresh_server.store_url, update=fresh_server.update_url, query=fresh_server.query_url)
    before = fresh_server.graph_counts()
    fresh_server.update(f"INSERT DATA {{ GRAPH <{GRAPHS['data']}> {{ <https://example.org/v1> "
                        "<https://example.org/marker> \"previous version\" } }")
    calls = {"n": 0}
    real = storeclient.StoreClient.request

    def dying(self, method, url, **kw):
        if method == "PUT" and "staging" in url:
            calls["n"] += 1
            if calls["n"] == 3:  # the third upload: two graphs staged, then the server goes away
                fresh_server.stop()
        return real(self, method, url, **kw)

    monkeypatch.setattr(storeclient.StoreClient, "request", dying)
    with pytest.raises(LoadError, match="previous version") as err:
        load_into_store(gsp=fresh_server.store_url, update=fresh_server.update_url, query=fresh_server.query_url,
                        timeout=5)
    assert "connection refused" in str(err.value)
    assert "staging graphs" in str(err.value) and "the next load removes them" in str(err.value)
    monkeypatch.undo()
    fresh_server.start()
    after = fresh_server.graph_counts()
    assert after[GRAPHS["data"]] == before[GRAPHS["data"]] + 1  # the previous version, marker and all
    for part in ("ontology", "shapes", "description"):
        assert after[GRAPHS[part]] == before[GRAPHS[part]]


def test_failure_before_swap_keeps_previous_version_cli(fresh_server, kg):
    load_into_store(gsp=fresh_server.store_url, update=fresh_server.update_url, query=fresh_server.query_url)
    before = fresh_server.graph_counts()
    port = free_port()
    # the Graph Store URL is a closed port: the upload fails at once
    r = run_cli("load", "--endpoint", f"http://127.0.0.1:{port}/store", "--update-endpoint", fresh_server.update_url,
                "--query-endpoint", fresh_server.query_url)
    assert r.code == 2 and "connection refused" in r.err and "previous version" in r.err
    assert "Traceback" not in r.err
    assert fresh_server.graph_counts() == before


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
