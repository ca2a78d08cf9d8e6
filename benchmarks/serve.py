"""How fast `crdkg serve` answers, beside the Oxigraph server on the same data.

Latency: median and 99th percentile of 100 requests, one after another, of three stored
queries (through /api/queries, and the same bound text through crdkg's /sparql and
Oxigraph's /query) and of a plain SPARQL request; worked out anew each time
(``Cache-Control: no-cache``), and repeated (crdkg answers from its cache).

Throughput: requests per second with 8 and 32 clients at once, on distinct queries (stored
queries bound with varied parameters, and ad hoc ones, no two texts alike, so that no cache
answers), the same texts to crdkg's /sparql and to Oxigraph's /query; and the stored queries
through /api/queries with varied parameters.

Prints the figures and writes docs/benchmarks-serve.md.

    python benchmarks/serve.py [--requests 100] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from crdkg.api import embedded_engine  # noqa: E402
from crdkg.catalogue import load_catalogue  # noqa: E402
from crdkg.load import load_into_store  # noqa: E402
from crdkg.querying import bind_parameters  # noqa: E402
from crdkg.sparqltext import substitute  # noqa: E402
from server import OxigraphServer, free_port, stop_process  # noqa: E402

QUERIES = [("macro-regions", {}), ("divisions-in-region", {"region": "west"}),
           ("targeting-region", {"region": "Xiong County"})]
# from the data graph: Oxigraph's server reads its default graph (empty) where FROM names none
PLAIN = ("SELECT ?d ?code FROM <https://w3id.org/crdkg/graph/data> "
         "WHERE { ?d <https://w3id.org/crdkg/ontology#divisionCode> ?code } ORDER BY ?code")


#: the parameters the throughput run varies, per stored query (every province's code, or a county's)
PROVINCES = ["110000", "120000", "130000", "140000", "150000", "210000", "220000", "230000", "310000", "320000",
             "330000", "340000", "350000", "360000", "370000", "410000", "420000", "430000", "440000", "450000",
             "460000", "500000", "510000", "520000", "530000", "540000", "610000", "620000", "630000", "640000",
             "650000"]


def distinct_requests(n: int, engine, catalogue) -> tuple[list[str], list[str]]:
    """``n`` SPARQL texts, no two alike (stored queries bound for each province, and a plain
    query with varied limits), and ``n`` /api/queries paths with varied parameters."""
    texts, paths = [], []
    kinds = [("divisions-within", "region"), ("division-profile", "division"), ("targeting-region", "region"),
             ("divisions-in-region", "region")]
    i = 0
    while len(texts) < n:
        name, param = kinds[i % len(kinds)]
        code = PROVINCES[(i // len(kinds)) % len(PROVINCES)]
        params = {param: code} if name != "divisions-in-region" else {param: ["east", "west", "central",
                                                                               "northeast"][i % 4]}
        q = catalogue[name]
        text = substitute(q.text, q.bindings(bind_parameters(q, params, engine)))
        texts.append(f"{text}\n# request {i}")  # a comment: the same work, another text
        texts.append(f"{PLAIN} LIMIT {i + 1}")
        lang = "zh" if (i // (len(kinds) * len(PROVINCES))) % 2 else "en"
        paths.append(f"/api/queries/{name}?" + urllib.parse.urlencode({**params, "lang": lang})
                     if q.param("lang") is not None else f"/api/queries/{name}?" + urllib.parse.urlencode(params))
        i += 1
    return texts[:n], paths[:n]


def throughput(requests: list[urllib.request.Request], clients: int) -> float:
    """Requests per second, ``clients`` at a time, over the whole list (each answered 200)."""
    def one(req: urllib.request.Request) -> None:
        with urllib.request.urlopen(req, timeout=120) as resp:
            resp.read()
            assert resp.status == 200

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, requests))
    return len(requests) / (time.perf_counter() - started)


def timed(url: str, data: bytes | None, n: int, *, fresh: bool = True) -> tuple[float, float]:
    """Median and 99th percentile in milliseconds of ``n`` requests (after one to warm up);
    ``fresh``: each worked out anew (``Cache-Control: no-cache``)."""
    headers = {"Accept": "application/sparql-results+json"}
    if fresh:
        headers["Cache-Control"] = "no-cache"
    req = urllib.request.Request(url, data=data, headers=headers)
    urllib.request.urlopen(req, timeout=60).read()
    times = []
    for _ in range(n):
        started = time.perf_counter()
        urllib.request.urlopen(req, timeout=60).read()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=100)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    port = free_port()
    crdkg = subprocess.Popen([sys.executable, "-m", "crdkg", "serve", "--port", str(port)], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        oxigraph = OxigraphServer(Path(tmp) / "store").start()
        try:
            load_into_store(gsp=oxigraph.store_url, update=oxigraph.update_url, query=oxigraph.query_url)
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(base + "/sparql", timeout=2).read()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            engine = embedded_engine()
            catalogue = load_catalogue()
            rows = []
            for name, params in QUERIES:
                q = catalogue[name]
                text = substitute(q.text, q.bindings(bind_parameters(q, params, engine)))
                form = urllib.parse.urlencode({"query": text}).encode()
                api = base + f"/api/queries/{name}" + ("?" + urllib.parse.urlencode(params) if params else "")
                rows.append((f"stored query {name}" + (f" ({', '.join(f'{k}={v}' for k, v in params.items())})"
                                                       if params else ""),
                             timed(api, None, args.requests), timed(base + "/sparql", form, args.requests),
                             timed(oxigraph.query_url, form, args.requests)))
            form = urllib.parse.urlencode({"query": PLAIN}).encode()
            rows.append(("a SPARQL SELECT (34 rows)", None, timed(base + "/sparql", form, args.requests),
                         timed(oxigraph.query_url, form, args.requests)))
            q = catalogue["divisions-in-region"]
            repeated = base + "/api/queries/divisions-in-region?region=west"
            cached = (timed(repeated, None, args.requests, fresh=False),
                      timed(oxigraph.query_url, urllib.parse.urlencode({"query": substitute(
                          q.text, q.bindings(bind_parameters(q, {"region": "west"}, engine)))}).encode(),
                          args.requests))
            texts, paths = distinct_requests(args.requests * 4, engine, catalogue)
            accept = {"Accept": "application/sparql-results+json", "Cache-Control": "no-cache"}
            rates = []
            for clients in (8, 32):
                def to(url: str) -> list[urllib.request.Request]:
                    return [urllib.request.Request(url, data=urllib.parse.urlencode({"query": t}).encode(),
                                                   headers=accept) for t in texts]
                rates.append((clients, throughput(to(base + "/sparql"), clients),
                              throughput(to(oxigraph.query_url), clients),
                              throughput([urllib.request.Request(base + p, headers=accept) for p in paths], clients)))
        finally:
            oxigraph.stop()
            stop_process(crdkg)

    def fmt(pair: tuple[float, float] | None) -> str:
        return "-" if pair is None else f"{pair[0]:.1f} / {pair[1]:.1f} ms"

    lines = [
        "# crdkg serve: benchmark", "",
        f"Made by `python benchmarks/serve.py` on {time.strftime('%Y-%m-%d')}: {args.requests} requests each, one "
        "after another on 127.0.0.1, median / 99th percentile. `/api/queries` binds the parameters (names "
        "looked up) on each request; `/sparql` and Oxigraph's `/query` get the same bound text. Oxigraph's server "
        "holds the graph loaded by `crdkg load`.", "",
        "| request | crdkg /api/queries | crdkg /sparql | oxigraph /query |", "|---|---|---|---|",
        *[f"| {label} | {fmt(a)} | {fmt(b)} | {fmt(c)} |" for label, a, b, c in rows], "",
        "Each of those requests is worked out anew (`Cache-Control: no-cache`). The same stored query repeated "
        f"(divisions-in-region, region=west) is answered from crdkg's cache in {fmt(cached[0])}, where Oxigraph's "
        f"server takes {fmt(cached[1])} for its text.", "",
        f"## Throughput: requests per second, clients at once ({len(texts)} distinct requests, each answered 200)",
        "",
        f"crdkg serve with its default workers (one per CPU: {os.cpu_count()} here) on the texts Oxigraph's server "
        "gets; and the stored queries through /api/queries, parameters varied (names looked up on each request).",
        "",
        "| clients | crdkg /sparql | oxigraph /query | ratio | crdkg /api/queries |", "|---|---|---|---|---|",
        *[f"| {c} | {a:.0f} | {b:.0f} | {a / b:.2f} | {d:.0f} |" for c, a, b, d in rates], "",
        "The load test (50 clients at once, 200 requests, no errors) is `tests/test_serve.py`; the limits "
        "(stopped queries, memory, depth, slow clients, a full queue, ETag) are `tests/test_serve_limits.py`.", "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        (ROOT / "docs" / "benchmarks-serve.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
