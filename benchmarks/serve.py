"""How fast `crdkg serve` answers, beside the Oxigraph server on the same data: median and
99th percentile of 100 requests of three stored queries (through /api/queries, and the same
bound text through crdkg's /sparql and Oxigraph's /query), and of a plain SPARQL request.
Prints the figures and writes docs/benchmarks-serve.md.

    python benchmarks/serve.py [--requests 100] [--no-write]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
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
PLAIN = "SELECT ?d ?code WHERE { ?d <https://w3id.org/crdkg/ontology#divisionCode> ?code } ORDER BY ?code"


def timed(url: str, data: bytes | None, n: int) -> tuple[float, float]:
    """Median and 99th percentile in milliseconds of ``n`` requests (after one to warm up)."""
    req = urllib.request.Request(url, data=data, headers={"Accept": "application/sparql-results+json"})
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
            rows.append(("a SPARQL SELECT (37 rows)", None, timed(base + "/sparql", form, args.requests),
                         timed(oxigraph.query_url, form, args.requests)))
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
        "The load test (50 clients at once, 200 requests, no errors) is `tests/test_serve.py`.", "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        (ROOT / "docs" / "benchmarks-serve.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
