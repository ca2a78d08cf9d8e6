"""`crdkg serve` under hostile clients, within bounds: queries past their time or memory limit
are stopped (their worker process is killed and replaced), a query nested too deep is refused
before the parser sees it, slow clients are cut off, a full queue is answered 503 with
Retry-After, and answers carry an ETag that a conditional request turns into 304. Each server
is started by the test on 127.0.0.1; every attack is bounded in count and time."""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from email.message import Message

import pytest

from conftest import run_cli
from test_serve import Served

pytestmark = pytest.mark.server

#: a query that runs for minutes over the graph: a three-way cartesian product, counted
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: a query that needs gigabytes at once: a two-way product, ordered
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"


def post(base: str, query: str, *, timeout: float = 60) -> tuple[int, Message, bytes]:
    data = urllib.parse.urlencode({"query": query}).encode()
    req = urllib.request.Request(base + "/sparql", data=data, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def post_refused(port: int, query: str) -> tuple[int, bytes]:
    """The answer to a POST of ``query`` whose declared length the server refuses: the request's
    head is sent, then the answer read, as a client that waits before a large body does. (With
    urllib sending the body at once, the server's early answer and close made the rest of the
    body meet a closed connection: broken pipe instead of the answer, on a busy machine.)"""
    data = urllib.parse.urlencode({"query": query}).encode()
    head = (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/sparql-results+json\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(data)}\r\n"
            "Connection: close\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(head)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    status_line, _, rest = b"".join(chunks).partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def get(base: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    req = urllib.request.Request(base + path, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def tree(pid: int) -> list[int]:
    """``pid`` and every process below it (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total


def stop_and_log(s: Served) -> str:
    """Stop the server and give what it wrote to its log (standard error)."""
    s.process.terminate()
    try:
        return s.process.communicate(timeout=20)[1].decode()
    except Exception:
        s.stop()
        raise


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc (Linux)")


@needs_proc
def test_abandoned_expensive_queries_ran_on_until_the_server_died():
    """100 expensive queries past the limit, 8 clients at a time: each is answered 503 and
    stopped; afterwards the server uses no CPU, its memory is back near where it started,
    and it answers normally."""
    s = Served("--timeout", "0.5", "--workers", "2")
    try:
        assert get(s.base, "/api/queries/macro-regions")[0] == 200
        before = rss_bytes(tree(s.process.pid))
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: post(s.base, CARTESIAN), range(100)))
        assert {status for status, _, _ in answers} == {503}
        messages = {json.loads(body)["error"] for _, _, body in answers}
        assert any(m.endswith("and was stopped") for m in messages), messages
        assert all("limit of 0.5 s" in m or "busy" in m for m in messages), messages
        time.sleep(0.5)
        pids = tree(s.process.pid)
        assert len(pids) == 4  # the server, its zygote and two workers: none left behind
        used = cpu_seconds(pids)
        time.sleep(2)
        assert cpu_seconds(tree(s.process.pid)) - used < 0.5  # nothing runs on
        assert rss_bytes(tree(s.process.pid)) < before + 300 * 1024 * 1024
        status, _, body = get(s.base, "/api/queries/macro-regions?format=csv")
        assert status == 200 and body.count(b"\n") == 5  # a header and the four macro-regions
    finally:
        s.stop()


def test_a_query_past_the_memory_limit_ended_the_server():
    s = Served("--memory-limit", "64", "--timeout", "30", "--workers", "1")
    try:
        status, _, body = post(s.base, HUNGRY)
        assert status == 503
        assert json.loads(body) == {"error": "the query needed more than this server's memory limit per query "
                                             "(64 MiB); add LIMIT or simplify it"}
        status, _, body = post(s.base, "ASK { ?s ?p ?o }")
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        log = stop_and_log(s)
    assert "memory allocation" not in log and "Traceback" not in log, log


@pytest.mark.parametrize("kind, text", [
    ("parentheses", "SELECT * WHERE { BIND(" + "(" * 5000 + "1" + ")" * 5000 + " AS ?x) }"),
    ("braces", "SELECT * WHERE " + "{" * 5000 + "}" * 5000),
    ("chained operators", "SELECT * WHERE { FILTER(" + "||".join(["true"] * 20000) + ") }"),
    ("OPTIONALs", "SELECT * WHERE { " + " ".join(["OPTIONAL { ?a ?b ?c }"] * 5000) + " }"),
])
def test_a_deep_query_killed_the_server_with_sigsegv(kind, text, served):
    status, _, body = post(served.base, text)
    assert status == 400
    assert json.loads(body) == {"error": "the query nests deeper than crdkg's limit of 1,000 levels (brackets, and "
                                         "chains of operators, UNION, OPTIONAL and MINUS) at line 1"}
    assert post(served.base, "ASK {}")[0] == 200


def test_a_deep_query_killed_crdkg_query_with_sigsegv():
    r = run_cli("query", "--query", "SELECT * WHERE { BIND(" + "(" * 10000 + "1" + ")" * 10000 + " AS ?x) }")
    assert r.code == 2
    assert r.err == ("crdkg: error: the query nests deeper than crdkg's limit of 1,000 levels (brackets, and "
                     "chains of operators, UNION, OPTIONAL and MINUS) at line 1\n")


def test_a_query_over_the_length_limit_is_refused(served, tmp_path):
    """Over HTTP the body limit (1,000,000 bytes) comes first; a file given to the command line
    meets the length limit."""
    text = "SELECT * WHERE { }" + " " * 1_000_000
    status, body = post_refused(served.port, text)
    assert (status, json.loads(body)) == (413, {"error": "the request body is larger than 1000000 bytes"})
    (tmp_path / "long.rq").write_text(text)
    r = run_cli("query", "--file", str(tmp_path / "long.rq"))
    assert (r.code, r.err) == (2, "crdkg: error: the query is 1,000,018 characters long; crdkg accepts at most "
                                  "1,000,000\n")


def test_slow_clients_were_never_timed_out():
    """A client that sends half its headers, and one that sends half its body, are cut off
    after --client-timeout; a prompt client on another connection is served meanwhile; the
    server's log has no traceback."""
    s = Served("--client-timeout", "1")
    try:
        socks = []
        for first in (b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                      b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                      b"Content-Length: 100\r\n\r\nASK"):
            sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
            sock.sendall(first)
            socks.append(sock)
        started = time.monotonic()
        assert get(s.base, "/api/queries/macro-regions")[0] == 200
        for sock in socks:
            try:
                while sock.recv(1024):  # until the server closes the connection
                    pass
            except ConnectionResetError:
                pass
            sock.close()
        assert time.monotonic() - started < 8  # 1 s, and the time a loaded machine adds
        assert get(s.base, "/api/queries/macro-regions")[0] == 200
    finally:
        log = stop_and_log(s)
    assert "Traceback" not in log and "Exception" not in log, log


def test_a_full_queue_is_503_with_retry_after():
    """One worker and a queue of four: of 12 slow queries sent at once, those beyond the
    queue are turned away at once with Retry-After."""
    s = Served("--timeout", "2", "--workers", "1", "--queue", "4")
    try:
        with ThreadPoolExecutor(12) as pool:
            answers = list(pool.map(lambda _: post(s.base, CARTESIAN), range(12)))
        busy = [(h, json.loads(b)["error"]) for status, h, b in answers if b"busy" in b]
        assert len(busy) >= 4 and all(status == 503 for status, _, _ in answers)
        assert all(h.get("Retry-After", "").isdigit() for h, _ in busy)
        assert busy[0][1].startswith("this server is busy (queries running: 1, waiting: 4)")
    finally:
        s.stop()


def test_answers_have_no_etag_and_are_recomputed(served):
    """An answer carries an ETag; the same request with If-None-Match gets 304 and no body;
    another representation (Accept) has another tag; a repeated query is answered the same."""
    path = "/api/queries/divisions-in-region?region=northeast"
    status, headers, body = get(served.base, path, {"Accept": "text/csv"})
    tag = headers["etag"]
    assert status == 200 and tag.startswith('"') and headers["cache-control"] == "max-age=300"
    assert get(served.base, path, {"Accept": "text/csv"})[2] == body
    status, headers304, body304 = get(served.base, path, {"Accept": "text/csv", "If-None-Match": tag})
    assert (status, body304, headers304["etag"]) == (304, b"", tag)
    other = get(served.base, path, {"Accept": "application/sparql-results+json"})[1]["etag"]
    assert other != tag
    assert get(served.base, path, {"Accept": "text/csv", "If-None-Match": '"another"'})[0] == 200
    assert get(served.base, "/resource?iri=nothing:here")[1].get("etag") is None  # errors carry none


def test_a_resource_iri_that_is_not_an_iri_was_a_500(served):
    status, _, body = get(served.base, "/resource?iri=urn:a%7Bb")
    assert status == 400
    assert b"is not an IRI" in body and b"internal error" not in body


def test_bad_requests_left_tracebacks_in_the_server_log():
    """A battery of bad requests, each answered with a 4xx or 5xx status; the server's log
    holds no traceback afterwards."""
    s = Served("--workers", "1")
    bad = [
        ("GET", "/resource?iri=urn:a%7Bb", None, {}),
        ("GET", "/resource?iri=", None, {}),
        ("GET", "/queries/no-such-query", None, {}),
        ("GET", "/api/queries/divisions-in-region?region=" + "x" * 5000, None, {}),
        ("GET", "/api/queries/divisions-in-region?region=west&region=east", None, {}),
        ("GET", "/sparql?query=SELEKT", None, {}),
        ("POST", "/sparql", b"\xff\xfe not utf-8", {"Content-Type": "application/sparql-query"}),
        ("POST", "/sparql", b"query=ASK{}", {"Content-Type": "text/plain"}),
        ("POST", "/sparql", b"INSERT DATA { <a:b> <a:b> <a:b> }", {"Content-Type": "application/sparql-update"}),
        ("GET", "/statistics?series=none&year=abc", None, {}),
        ("GET", "/map?query=no-such-query", None, {}),
        ("GET", "/api/queries/macro-regions", None, {"Accept": "image/png"}),
    ]
    try:
        for method, path, body, headers in bad:
            req = urllib.request.Request(s.base + path, data=body, method=method, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=60) as resp:
                    status = resp.status
            except urllib.error.HTTPError as err:
                status = err.code
            assert 400 <= status < 500, (path, status)
        with socket.create_connection(("127.0.0.1", s.port), timeout=10) as sock:  # not HTTP at all
            sock.sendall(b"\x16\x03\x01 not http\r\n\r\n")
            sock.recv(1024)
    finally:
        log = stop_and_log(s)
    assert "Traceback" not in log, log


@needs_proc
def test_ctrl_c_did_not_stop_the_server():
    """Interrupted while a long query runs, the server and its processes end within seconds."""
    import signal
    import threading

    s = Served("--timeout", "60", "--workers", "2")
    pids = tree(s.process.pid)
    assert len(pids) == 4
    answers: list[int] = []

    def client() -> None:
        try:
            answers.append(post(s.base, CARTESIAN, timeout=90)[0])
        except OSError:  # the connection closed without an answer
            answers.append(0)

    threading.Thread(target=client, daemon=True).start()
    time.sleep(1)
    s.process.send_signal(signal.SIGINT)
    try:
        s.process.wait(timeout=20)
    finally:
        s.stop()
    time.sleep(0.5)
    assert answers == [503]  # the running query was stopped and answered before the server went
    assert [p for p in pids if os.path.exists(f"/proc/{p}") and "(zombie)" not in open(f"/proc/{p}/status").read()] == []
