"""Nothing lost, nothing leaked: loads under concurrency and faults (a real Oxigraph server
behind a misbehaving proxy, all on 127.0.0.1), credentials and redirects, and one-line errors.
Each test is named after what once broke."""

from __future__ import annotations

import threading

import pytest

from conftest import run_cli
from crdkg.errors import EndpointError, LoadError
from crdkg.load import PARTS, load_into_store
from crdkg.namespaces import GRAPHS, LOCK_GRAPH, STAGING_GRAPHS
from faults import Proxy, Recorder, Rule, is_update

pytestmark = pytest.mark.server


def _urls(base: str) -> dict:
    return {"gsp": base + "/store", "update": base + "/update", "query": base + "/query"}


def _expected(kg_full) -> dict[str, int]:
    from crdkg.load import Version

    version = Version.from_graph(kg_full)
    return {GRAPHS[p]: version.count(p) for p in PARTS}


@pytest.fixture(scope="module")
def kg_full():
    from crdkg.graph import load_graph
    from crdkg.namespaces import STORE_PARTS

    return load_graph(parts=STORE_PARTS)


def _ours(counts: dict[str, int]) -> dict[str, int]:
    return {g: n for g, n in counts.items() if g.startswith("https://w3id.org/crdkg/graph/")}


@pytest.fixture
def proxy(fresh_server):
    p = Proxy(fresh_server.base).start()
    yield p
    p.wait_for_late_requests()
    p.stop()


def test_two_loads_at_once_exclude_each_other(fresh_server, kg_full):
    """Two concurrent loads both committed their MOVE and doubled every blank-node structure;
    now the second finds the store's lock, fails, and changes nothing."""
    urls = _urls(fresh_server.base)
    staged, go = threading.Event(), threading.Event()
    outcome: dict = {}

    def first() -> None:
        def hold() -> None:
            staged.set()
            go.wait(timeout=30)

        try:
            outcome["first"] = load_into_store(**urls, on_staged=hold)
        except Exception as err:
            outcome["first"] = err

    thread = threading.Thread(target=first)
    thread.start()
    assert staged.wait(timeout=60)
    with pytest.raises(LoadError, match="another crdkg load holds the store's lock") as err:
        load_into_store(**urls)
    assert "--break-lock" in str(err.value) and "previous version" in str(err.value)
    go.set()
    thread.join(timeout=60)
    assert not isinstance(outcome["first"], Exception), outcome["first"]
    assert _ours(fresh_server.graph_counts()) == _expected(kg_full)  # one copy, no staging, no lock


def test_a_lock_left_by_a_killed_load_needs_break_lock(fresh_server, kg_full):
    fresh_server.update(f'INSERT DATA {{ GRAPH <{LOCK_GRAPH}> {{ <{LOCK_GRAPH}#dead> '
                        f'<http://purl.org/dc/terms/identifier> "dead" }} }}')
    u = _urls(fresh_server.base)
    r = run_cli("load", "--endpoint", u["gsp"], "--update-endpoint", u["update"], "--query-endpoint", u["query"])
    assert r.code == 2 and "load dead" in r.err and "--break-lock" in r.err
    assert not any(g in GRAPHS.values() for g in fresh_server.graph_counts())  # nothing loaded
    r = run_cli("load", "--endpoint", u["gsp"], "--update-endpoint", u["update"], "--query-endpoint", u["query"],
                "--break-lock")
    assert r.code == 0, r.err
    assert _ours(fresh_server.graph_counts()) == _expected(kg_full)


def test_a_late_move_is_reported_from_the_store_and_leaves_a_whole_version(fresh_server, proxy, kg_full):
    """A MOVE delayed past the timeout, applied after crdkg had cleaned up (MOVE SILENT of
    dropped graphs), emptied crdkg's graphs while the message said the previous version was
    live. Now the MOVE is not SILENT, staging graphs stay for it, and crdkg reads the store
    before it says what is live."""
    load_into_store(**_urls(fresh_server.base))  # a previous version
    fresh_server.update(f'INSERT DATA {{ GRAPH <{GRAPHS["data"]}> {{ <https://example.org/v1> '
                        f'<https://example.org/marker> "previous" }} }}')
    proxy.rules.append(Rule(is_update("MOVE"), delay=3))
    with pytest.raises(LoadError) as err:
        load_into_store(**_urls(proxy.base), timeout=1.5)
    message = str(err.value)
    assert "timed out" in message and "may still apply the swap" in message
    assert "not the new version" in message and "the staging graphs are still there" in message
    proxy.wait_for_late_requests()  # the MOVE reaches the store after the client gave up
    counts = _ours(fresh_server.graph_counts())
    live = {g: n for g, n in counts.items() if g in GRAPHS.values()}
    assert live == _expected(kg_full)  # the whole new version, nothing emptied
    load_into_store(**_urls(fresh_server.base))  # and the next load cleans up
    assert _ours(fresh_server.graph_counts()) == _expected(kg_full)


def test_a_move_answered_but_not_applied_is_not_reported_as_success(fresh_server, proxy, kg_full):
    """A MOVE answered 200 but not applied, with equal triple counts, gave exit 0; the
    content is now read back and compared."""
    load_into_store(**_urls(fresh_server.base))
    # the previous version differs from this one in one literal, with the same counts
    fresh_server.update(f'DELETE {{ GRAPH <{GRAPHS["ontology"]}> {{ ?o <http://www.w3.org/2002/07/owl#versionInfo> ?v }} }} '
                        f'INSERT {{ GRAPH <{GRAPHS["ontology"]}> {{ ?o <http://www.w3.org/2002/07/owl#versionInfo> "0.0.9" }} }} '
                        f'WHERE {{ GRAPH <{GRAPHS["ontology"]}> {{ ?o <http://www.w3.org/2002/07/owl#versionInfo> ?v }} }}')
    proxy.rules.append(Rule(is_update("MOVE"), fake=True))
    with pytest.raises(LoadError, match="does not hold this load's version") as err:
        load_into_store(**_urls(proxy.base))
    assert "ontology" in str(err.value)


def test_staging_graphs_of_earlier_failed_loads_are_removed(fresh_server, kg_full):
    stale = f"{STAGING_GRAPHS}0123456789ab/data"
    fresh_server.update(f"INSERT DATA {{ GRAPH <{stale}> {{ <https://example.org/s> <https://example.org/p> 1 }} }}")
    summary = load_into_store(**_urls(fresh_server.base))
    assert stale not in fresh_server.graph_counts()
    assert "Removed 1 staging graphs" in str(summary)
    assert _ours(fresh_server.graph_counts()) == _expected(kg_full)


def test_a_failed_count_after_staging_keeps_the_previous_version_and_says_what_is_left(fresh_server, proxy, kg_full):
    load_into_store(**_urls(fresh_server.base))
    before = fresh_server.graph_counts()
    proxy.rules.append(Rule(lambda m, p, b: p.startswith("/query") and b"COUNT" in b, cut=True))
    with pytest.raises(LoadError, match="Nothing was replaced") as err:
        load_into_store(**_urls(proxy.base), timeout=5)
    assert "previous version" in str(err.value)
    after = fresh_server.graph_counts()
    assert {g: n for g, n in after.items() if g in GRAPHS.values()} == \
           {g: n for g, n in before.items() if g in GRAPHS.values()}
    assert not any(g.startswith(STAGING_GRAPHS) for g in after)  # removed, since the store still answers


# -- credentials and server text -------------------------------------------------------

def _json(handler):
    return 200, {"Content-Type": "application/sparql-results+json"}, b'{"head":{"vars":["x"]},"results":{"bindings":[]}}'


@pytest.mark.parametrize("env", [{"CRDKG_ENDPOINT_TOKEN": "tok-Zq81"},
                                 {"CRDKG_ENDPOINT_USER": "alice", "CRDKG_ENDPOINT_PASSWORD": "pw-Zq81"}])
def test_credentials_are_never_sent_to_another_origin_on_a_redirect(env):
    other = Recorder(_json)
    redirector = Recorder(lambda h: (302, {"Location": other.base + "/sparql"}, b""))
    try:
        r = run_cli("query", "--query", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", redirector.base + "/query",
                    env=env)
        assert r.code == 2 and "another origin" in r.err and "Traceback" not in r.err, r.err
        assert other.requests == []  # neither the request nor the credentials went there
        assert redirector.requests and "Authorization" in redirector.requests[0]
        r = run_cli("load", "--endpoint", redirector.base + "/store", env=env)
        assert r.code == 2 and "another origin" in r.err, r.err
        assert other.requests == []
    finally:
        other.stop()
        redirector.stop()


def test_a_redirect_to_the_same_origin_is_followed():
    def redirect(handler):
        if handler.path.startswith("/old"):
            return 307, {"Location": "/sparql"}, b""
        return _json(handler)

    same = Recorder(redirect)
    try:
        r = run_cli("query", "--query", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", same.base + "/old")
        assert r.code == 0, r.err
    finally:
        same.stop()


def test_credentials_echoed_by_a_server_are_redacted_and_server_text_is_one_line():
    def echo(handler):
        body = f"bad request\nyour header: {handler.headers.get('Authorization')}\n\x1b[31mred\x1b[0m".encode()
        return 400, {"Content-Type": "text/plain"}, body

    server = Recorder(echo)
    try:
        for env, secret in (({"CRDKG_ENDPOINT_USER": "alice", "CRDKG_ENDPOINT_PASSWORD": "pw-Zq81"}, "pw-Zq81"),
                            ({"CRDKG_ENDPOINT_TOKEN": "tok-Zq81"}, "tok-Zq81")):
            r = run_cli("query", "macro-regions", "--endpoint", server.base + "/query", env=env)
            assert r.code == 2
            import base64

            basic = base64.b64encode(b"alice:pw-Zq81").decode()
            assert secret not in r.err and basic not in r.err and "[redacted]" in r.err, r.err
            assert len(r.err.strip().splitlines()) == 1 and "\x1b" not in r.err and "\\x1b" in r.err
    finally:
        server.stop()


@pytest.mark.parametrize("url", ["ftp://alice:pw-Zq81@127.0.0.1/x", "http://alice:pw-Zq81@127.0.0.1:9/q",
                                 "http://127.0.0.1:99999/query"])
def test_a_bad_endpoint_url_is_one_line_and_shows_no_credentials(url):
    r = run_cli("query", "macro-regions", "--endpoint", url)
    assert r.code == 2 and "pw-Zq81" not in r.err and "Traceback" not in r.err, r.err
    assert len(r.err.strip().splitlines()) == 1


@pytest.mark.parametrize("answer", [b'{"boolean": "yes"}', b"[" * 100_000 + b"]" * 100_000,
                                    b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "odd"}}]}}'])
def test_a_malformed_answer_is_a_one_line_error(answer):
    server = Recorder(lambda h: (200, {"Content-Type": "application/sparql-results+json"}, answer))
    try:
        for query in ("ASK { ?s ?p ?o }", "SELECT ?x WHERE { ?x ?p ?o }"):
            r = run_cli("query", "--query", query, "--endpoint", server.base + "/query")
            assert r.code == 2 and "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1, r.err
            assert "true" not in r.out
    finally:
        server.stop()


def test_a_timeout_that_is_no_timeout_is_refused():
    for value in ("inf", "nan", "0", "-1"):
        r = run_cli("query", "macro-regions", "--endpoint", "http://127.0.0.1:9/query", "--timeout", value)
        assert r.code == 2 and "Traceback" not in r.err and "timeout" in r.err, (value, r.err)
        r = run_cli("load", "--endpoint", "http://127.0.0.1:9/store", "--timeout", value)
        assert r.code == 2 and "Traceback" not in r.err and "timeout" in r.err, (value, r.err)
    with pytest.raises(EndpointError):
        from crdkg.engines.endpoint import EndpointEngine

        EndpointEngine("http://127.0.0.1:9/query", timeout=float("inf"))


def test_the_lock_graph_is_left_empty_after_a_load(fresh_server):
    load_into_store(**_urls(fresh_server.base))
    assert LOCK_GRAPH not in fresh_server.graph_counts()


# -- hostile files -------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">
<rdf:Description rdf:about="https://example.org/a"><ex:p>&d;</ex:p></rdf:Description></rdf:RDF>
"""


@pytest.mark.parametrize("command", [["query", "macro-regions", "--no-cache", "--data"], ["validate"]])
def test_rdf_xml_entities_that_expand_without_bound_are_refused(tmp_path, command):
    """987 bytes of RDF/XML grew to 6-9 GB before it was killed; one big entity used 20,000
    times made a 2 GB literal and validate said "Conforms"."""
    laughs = tmp_path / "laughs.rdf"
    laughs.write_text(BILLION_LAUGHS, encoding="utf-8")
    big = tmp_path / "big.rdf"
    big.write_text(BILLION_LAUGHS.replace('"aaaaaaaaaa"', '"' + "a" * 100_000 + '"').replace(
        "<ex:p>&d;</ex:p>", "<ex:p>" + "&a;" * 20_000 + "</ex:p>"), encoding="utf-8")
    for path in (laughs, big):
        r = run_cli(*command, str(path), timeout=60)
        assert r.code == 2 and "entity" in r.err and path.name in r.err, r.err


def test_rdf_xml_with_namespace_entities_is_read(tmp_path):
    """Protégé writes short entities for namespaces; they are safe and read."""
    ok = tmp_path / "ok.rdf"
    ok.write_text('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n<!ENTITY ex "https://example.org/">\n]>\n'
                  '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">'
                  '<rdf:Description rdf:about="&ex;a"><ex:p>x</ex:p></rdf:Description></rdf:RDF>\n', encoding="utf-8")
    r = run_cli("query", "--data", str(ok), "--no-cache", "--query",
                "SELECT ?o WHERE { <https://example.org/a> <https://example.org/p> ?o }", "--format", "csv")
    assert r.code == 0 and r.out.splitlines() == ["o", "x"], r.err


def test_json_ld_nested_deep_is_refused_not_a_crash(tmp_path):
    """JSON-LD nested 10,000 deep crashed the process (SIGSEGV, no message)."""
    n = 10_000
    deep = tmp_path / "deep.jsonld"
    deep.write_text('{"@context": {"p": "https://example.org/p"}, "@id": "https://example.org/a", '
                    + '"p": {' * n + '"@id": "https://example.org/b"' + "}" * n + "}", encoding="utf-8")
    for command in (["query", "macro-regions", "--no-cache", "--data", str(deep)], ["validate", str(deep)]):
        r = run_cli(*command, timeout=60)
        assert r.code == 2 and "nested deeper than 256" in r.err, (command, r.code, r.err)


def test_a_literal_over_16_mib_is_a_clear_error(tmp_path):
    big = tmp_path / "big.ttl"
    big.write_text('<https://example.org/a> <https://example.org/p> "' + "x" * (17 * 1024 * 1024) + '" .\n',
                   encoding="utf-8")
    r = run_cli("validate", str(big), timeout=120)
    assert r.code == 2 and "16 MiB" in r.err and "big.ttl" in r.err and "Traceback" not in r.err, r.err


def test_a_byte_order_mark_is_accepted(tmp_path):
    bom = tmp_path / "bom.ttl"
    bom.write_bytes(b"\xef\xbb\xbf<https://example.org/a> <https://example.org/p> <https://example.org/o> .\n")
    r = run_cli("query", "--data", str(bom), "--no-cache", "--format", "csv", "--query",
                "SELECT ?o WHERE { <https://example.org/a> <https://example.org/p> ?o }")
    assert r.code == 0 and r.out.splitlines() == ["o", "https://example.org/o"], r.err
    r = run_cli("validate", str(bom), "--shapes-only", "--shapes", str(_shapes(tmp_path)))
    assert r.code == 0, r.err


def _shapes(tmp_path):
    path = tmp_path / "shapes.ttl"
    path.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<https://example.org/S> sh:targetNode "
                    "<https://example.org/a> ; sh:property [ sh:path <https://example.org/p> ; sh:minCount 1 ] .\n",
                    encoding="utf-8")
    return path


# -- one line, the right exit code -------------------------------------------------

@pytest.mark.parametrize(("args", "code", "words"), [
    (["query", ""], 2, "query name is empty"),
    (["query", "--query", ""], 2, "query text is empty"),
    (["format", "/"], 2, "Turtle (.ttl) only"),
    (["query", "macro-regions", "--endpoint", "http://127.0.0.1:99999/q"], 2, "Port out of range"),
    (["query", "macro-regions", "--endpoint", "http://127.0.0.1:9/q", "--timeout", "inf"], 2, "timeout"),
])
def test_bad_command_lines_are_one_line_with_exit_2(args, code, words):
    r = run_cli(*args)
    assert r.code == code and words in r.err and "Traceback" not in r.err, r.err
    assert len(r.err.strip().splitlines()) == 1


def test_a_full_disk_on_standard_output_is_exit_74():
    import subprocess
    import sys

    from conftest import ROOT

    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "crdkg", "query", "macro-regions"], stdout=full,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 74 and "No space left on device" in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_closed_standard_output_is_exit_74():
    import subprocess
    import sys

    from conftest import ROOT

    proc = subprocess.run([sys.executable, "-m", "crdkg", "info"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, cwd=ROOT, timeout=60, close_fds=True,
                          preexec_fn=lambda: __import__("os").close(1))
    assert proc.returncode == 74 and "standard output is closed" in proc.stderr, proc.stderr


def test_an_ascii_locale_still_gets_the_chinese_labels():
    r = run_cli("query", "macro-regions", "--lang", "zh", "--format", "csv", env={"PYTHONIOENCODING": "ascii"})
    assert r.code == 0 and "西部地区" in r.out, r.err


@pytest.mark.parametrize(("raised", "code", "words"), [
    ("MemoryError()", 71, "out of memory"),
    ("KeyboardInterrupt()", 130, "interrupted"),
    ("FileNotFoundError(2, 'No such file or directory', 'gone.ttl')", 2, "gone.ttl"),
])
def test_out_of_memory_an_interrupt_and_a_missing_file_have_their_exit_codes(raised, code, words):
    import subprocess
    import sys

    from conftest import ROOT

    program = ("import crdkg.cli as cli\n"
               f"def fail(args): raise {raised}\n"
               "cli.COMMANDS['info'] = fail\n"
               "raise SystemExit(cli.main(['info']))\n")
    proc = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == code and words in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_an_internal_error_is_one_line_with_exit_70(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    code = ("import crdkg.cli as cli\n"
            "def boom(args): raise TypeError('something crdkg did not expect')\n"
            "cli.COMMANDS['info'] = boom\n"
            "raise SystemExit(cli.main(['info']))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 70 and "internal error: TypeError" in proc.stderr and "Traceback" not in proc.stderr


def test_rdf_xml_nested_deep_is_refused(tmp_path):
    """RDF/XML nested deep takes the parser super-quadratic time."""
    n = 2_000
    deep = tmp_path / "deep.rdf"
    deep.write_text('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                    'xmlns:ex="https://example.org/"><rdf:Description rdf:about="https://example.org/a">'
                    + "<ex:p><rdf:Description>" * n + "<ex:q>x</ex:q>" + "</rdf:Description></ex:p>" * n
                    + "</rdf:Description></rdf:RDF>", encoding="utf-8")
    r = run_cli("validate", str(deep), timeout=60)
    assert r.code == 2 and "nested deeper than 512" in r.err and "deep.rdf" in r.err, r.err


@pytest.mark.parametrize("silent_on_basic", [False, True])
def test_digest_authentication_is_answered(silent_on_basic):
    """Virtuoso's write endpoints want HTTP Digest: `crdkg load` got HTTP 401. A Digest
    challenge is now answered with the user and password of the environment; a server that
    refuses Basic credentials without a challenge (Virtuoso 7.2) is asked again without them."""
    from faults import digest_server

    server = digest_server("dba", "pw-Zq81", b'{"head":{"vars":["x"]},"results":{"bindings":[]}}',
                           "application/sparql-results+json", silent_on_basic=silent_on_basic)
    try:
        env = {"CRDKG_ENDPOINT_USER": "dba", "CRDKG_ENDPOINT_PASSWORD": "pw-Zq81"}
        r = run_cli("query", "--query", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", server.base + "/sparql", env=env)
        assert r.code == 0, r.err
        assert server.requests[-1]["Authorization"].startswith("Digest ") and "pw-Zq81" not in str(server.requests)
        r = run_cli("query", "--query", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", server.base + "/sparql",
                    env={**env, "CRDKG_ENDPOINT_PASSWORD": "wrong"})
        assert r.code == 2 and "401" in r.err and "wrong" not in r.err, r.err
    finally:
        server.stop()


def test_blank_nodes_labelled_as_virtuoso_labels_them_are_read():
    """Virtuoso writes blank nodes as nodeID://b10006, which is no valid blank node label: the
    verification of a load failed with "not SPARQL JSON results"."""
    answer = (b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"bnode","value":"nodeID://b10006"}},'
              b'{"x":{"type":"bnode","value":"nodeID://b10006"}},{"x":{"type":"bnode","value":"nodeID://b7"}}]}}')
    server = Recorder(lambda h: (200, {"Content-Type": "application/sparql-results+json"}, answer))
    try:
        from crdkg.engines.endpoint import EndpointEngine

        rows = EndpointEngine(server.base + "/sparql").query("SELECT ?x WHERE { ?x ?p ?o }").rows
        assert rows[0] == rows[1] != rows[2]  # the same label, the same node
    finally:
        server.stop()
