"""Loading the graph into a triple store without losing data.

crdkg owns four named graphs (ontology, shapes, data, description) and touches no other
graph. A load first uploads the new version completely into staging graphs, checks their
triple counts, and only then replaces the live graphs:

* with an Update endpoint, in one request of ``MOVE`` operations, which the stores we know
  (Oxigraph, Jena Fuseki/TDB2, GraphDB) apply as one transaction;
* with the Graph Store Protocol only, graph by graph with ``PUT`` (each graph atomic).

A failure before the swap leaves the previous version in place and says so; the staging
graphs are removed.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from .engines.endpoint import auth_headers, check_url, describe_failure
from .errors import CrdkgError, LoadError
from .namespaces import BASE, GRAPHS

__all__ = ["load_into_store", "LoadSummary"]

PARTS = ("ontology", "shapes", "data", "description")
CHUNK = 20_000  # triples per request


@dataclass
class LoadSummary:
    counts: dict[str, int]
    method: str
    seconds: float
    verified_queries: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        total = sum(self.counts.values())
        lines = [f"Loaded {total} triples into {len(self.counts)} named graphs by {self.method} "
                 f"in {self.seconds:.1f} s; triple counts verified:"]
        lines += [f"  <{GRAPHS[p]}>  {n}" for p, n in self.counts.items()]
        if self.verified_queries:
            lines.append(f"{self.verified_queries} stored queries give the same results there as on the embedded graph.")
        lines += self.notes
        return "\n".join(lines)


class Progress:
    """A one-line progress bar on stderr, shown on a terminal and not in CI."""

    def __init__(self, total: int, mode: str = "auto") -> None:
        on_tty = sys.stderr.isatty() and not os.environ.get("CI")
        self.enabled = mode == "always" or (mode == "auto" and on_tty)
        self.total = max(total, 1)
        self.done = 0

    def advance(self, n: int, label: str) -> None:
        self.done += n
        if self.enabled:
            width = 30
            filled = int(width * self.done / self.total)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} triples  {label[:30]:<30}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


class _Http:
    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.headers = auth_headers()

    def request(self, method: str, url: str, *, data: bytes | None = None, content_type: str | None = None,
                accept: str | None = None, what: str) -> bytes:
        headers = dict(self.headers)
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - http(s) checked
                return resp.read()
        except (urllib.error.URLError, OSError, ValueError) as err:
            raise LoadError(f"{what}: {describe_failure(err)}") from None


def _nt(triples: Sequence[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def _graph_url(gsp: str, graph: str) -> str:
    sep = "&" if "?" in gsp else "?"
    return f"{gsp}{sep}graph={urllib.parse.quote(graph, safe='')}"


def load_into_store(*, gsp: str | None = None, update: str | None = None, query: str | None = None,
                    verify_queries: bool = False, timeout: float = 120.0, progress: str = "auto",
                    on_staged: Callable[[], None] | None = None) -> LoadSummary:
    """Load crdkg's named graphs into a store; see the module documentation.

    ``gsp`` is the Graph Store Protocol URL, ``update`` the SPARQL Update URL, ``query`` the
    SPARQL query URL (needed for ``verify_queries``, and for counting triples when there is no
    Graph Store URL). ``on_staged`` is called after the upload, before the swap (for tests).
    """
    from .export import canonical_quads, dataset_quads
    from .graph import load_graph

    if not gsp and not update:
        raise CrdkgError("give the store's Graph Store URL (--endpoint) or its Update URL (--update-endpoint)")
    for url, what in ((gsp, "Graph Store endpoint"), (update, "update endpoint"), (query, "query endpoint")):
        if url:
            check_url(url, what=what)
    if verify_queries and not query:
        raise CrdkgError("--verify-queries needs the store's SPARQL query URL (--query-endpoint)")
    if not gsp and not query:
        raise CrdkgError("with only an Update URL, give the query URL too (--query-endpoint) to verify the load")
    started = time.monotonic()
    graph = load_graph(parts=("ontology", "shapes", "data"))
    quads = canonical_quads([*graph.quads(["ontology", "shapes", "data"]), *dataset_quads(graph)])
    triples = {p: [ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name.value == GRAPHS[p]]
               for p in PARTS}
    local = {p: len(ts) for p, ts in triples.items()}
    http = _Http(timeout)
    token = uuid.uuid4().hex[:12]
    staging = {p: f"{BASE}graph/staging/{token}/{p}" for p in PARTS}
    bar = Progress(sum(local.values()) * (2 if not update else 1), progress)

    if query:
        from .engines.endpoint import EndpointEngine

        counter = EndpointEngine(query, default_graphs=[], timeout=timeout)

    def count(graph_iri: str) -> int:
        if query:
            res = counter.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}")
            return int(res.rows[0][0].value) if res.rows else 0
        body = http.request("GET", _graph_url(gsp, graph_iri), accept="application/n-triples",  # type: ignore[arg-type]
                            what=f"Graph Store {gsp}: reading <{graph_iri}>") if _exists(http, gsp, graph_iri) else b""
        return sum(1 for _ in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)) if body else 0

    def upload(part: str, target: str) -> None:
        ts = triples[part]
        for i in range(0, max(len(ts), 1), CHUNK):
            chunk = ts[i:i + CHUNK]
            if gsp:
                http.request("PUT" if i == 0 else "POST", _graph_url(gsp, target), data=_nt(chunk),
                             content_type="application/n-triples", what=f"Graph Store {gsp}: uploading <{target}>")
            else:
                body = _nt(chunk).decode("utf-8")
                http.request("POST", update, data=urllib.parse.urlencode(  # type: ignore[arg-type]
                    {"update": f"INSERT DATA {{ GRAPH <{target}> {{\n{body}}} }}"}).encode(),
                    content_type="application/x-www-form-urlencoded", what=f"update endpoint {update}: uploading <{target}>")
            bar.advance(len(chunk), part)

    def drop_staging() -> str:
        """Remove the staging graphs; say which could not be removed."""
        left = []
        for iri in staging.values():
            try:
                if update:
                    http.request("POST", update, data=urllib.parse.urlencode({"update": f"DROP SILENT GRAPH <{iri}>"}).encode(),
                                 content_type="application/x-www-form-urlencoded", what="cleanup")
                elif _exists(http, gsp, iri):
                    http.request("DELETE", _graph_url(gsp, iri), what="cleanup")  # type: ignore[arg-type]
            except LoadError:
                left.append(iri)
        if not left:
            return ""
        return (f" The staging graphs under <{BASE}graph/staging/{token}/> could not be removed; "
                f"drop them when the store is back (DROP SILENT GRAPH for each of: {', '.join(left)}).")

    # 1. upload the new version into staging graphs, and check it arrived whole
    try:
        for part in PARTS:
            upload(part, staging[part])
        for part in PARTS:
            got = count(staging[part])
            if got != local[part]:
                raise LoadError(f"staging graph <{staging[part]}> holds {got} triples, expected {local[part]}")
    except LoadError as err:
        bar.close()
        left = drop_staging()
        raise LoadError(f"{err}. Nothing was replaced: the store still holds the previous version of "
                        f"crdkg's graphs (if any).{left}") from None
    if on_staged is not None:
        on_staged()
    # 2. swap
    replaced: list[str] = []
    try:
        if update:
            ops = " ;\n".join(f"MOVE SILENT GRAPH <{staging[p]}> TO GRAPH <{GRAPHS[p]}>" for p in PARTS)
            http.request("POST", update, data=urllib.parse.urlencode({"update": ops}).encode(),
                         content_type="application/x-www-form-urlencoded",
                         what=f"update endpoint {update}: replacing crdkg's graphs")
            replaced = list(PARTS)
            method = "staging graphs and one SPARQL Update (MOVE)"
        else:
            for part in PARTS:
                upload(part, GRAPHS[part])
                replaced.append(part)
            drop_staging()
            method = "staging graphs and Graph Store PUT per graph"
    except LoadError as err:
        bar.close()
        left = drop_staging()
        if update or not replaced:
            state = "the store still holds the previous version of crdkg's graphs"
        else:
            state = (f"graphs replaced: {', '.join(replaced)}; still the previous version: "
                     f"{', '.join(p for p in PARTS if p not in replaced)}. Run the load again")
        raise LoadError(f"{err}. {state}.{left}") from None
    bar.close()
    # 3. verify the live graphs
    counts = {}
    for part in PARTS:
        counts[part] = count(GRAPHS[part])
        if counts[part] != local[part]:
            raise LoadError(f"after loading, <{GRAPHS[part]}> holds {counts[part]} triples, expected {local[part]}")
    summary = LoadSummary(counts=counts, method=method, seconds=time.monotonic() - started)
    if verify_queries:
        summary.verified_queries = _verify_queries(graph, query)  # type: ignore[arg-type]
    return summary


def _exists(http: _Http, gsp: str | None, graph_iri: str) -> bool:
    """Whether the Graph Store has the graph (a HEAD that answers 404 means no)."""
    try:
        http.request("HEAD", _graph_url(gsp, graph_iri), what="Graph Store")  # type: ignore[arg-type]
        return True
    except LoadError as err:
        if "HTTP 404" in str(err):
            return False
        raise


def _verify_queries(graph, query_url: str) -> int:  # type: ignore[no-untyped-def]
    """Run every stored query on the store and on the embedded graph; they must agree."""
    from .api import catalogue
    from .engines.endpoint import EndpointEngine
    from .engines.oxigraph import OxigraphEngine
    from .querying import run_stored
    from .verify import comparable

    embedded = OxigraphEngine(graph)
    remote = EndpointEngine(query_url)
    n = 0
    for q in catalogue():
        params = q.example_params()
        a = run_stored(q, embedded, params)
        b = run_stored(q, remote, params)
        if comparable(a, ordered=q.ordered) != comparable(b, ordered=q.ordered):
            raise LoadError(f"stored query {q.name!r} gives different results on {query_url} than on the "
                            f"embedded graph; the load itself is complete")
        n += 1
    return n
