"""Talking to a triple store for ``crdkg load``: the Graph Store Protocol, SPARQL Update and
SPARQL query over HTTP, with the credentials from the environment, a timeout, and errors that
say whether the store answered (it refused the request) or not (timed out, cut: it may still
apply it)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
from collections.abc import Callable, Sequence

import pyoxigraph as ox

from .errors import EndpointError, LoadError
from .httpclient import check_timeout, check_url, describe_failure, fetch
from .terms import serialized

CHUNK = 20_000  # triples per Graph Store request, at most
#: bytes of N-Triples per Graph Store request, at most: a store's request limit is seldom
#: much lower (crdkg.httpclient answers Virtuoso's Digest challenge before it sends a body)
CHUNK_BYTES = 512 * 1024
#: subjects per query when a graph is read back by its subjects
SUBJECT_CHUNK = 200
#: triples per SPARQL Update request: Virtuoso 7 compiles an update into SQL and refuses one
#: of more than 10,000 lines (about 2,500 triples of INSERT DATA, fewer in a template)
UPDATE_CHUNK = 1_000
TEMPLATE_CHUNK = 200


class StoreClient:
    def __init__(self, *, gsp: str | None, update: str | None, query: str | None, timeout: float) -> None:
        for url, what in ((gsp, "Graph Store endpoint"), (update, "update endpoint"), (query, "query endpoint")):
            if url:
                check_url(url, what=what)
        self.gsp_url, self.update_url, self.query_url = gsp, update, query
        self.timeout = check_timeout(timeout)

    # -- HTTP ---------------------------------------------------------------------------
    def request(self, method: str, url: str, *, data: bytes | None = None, content_type: str | None = None,
                accept: str | None = None, what: str) -> bytes:
        headers = {k: v for k, v in (("Content-Type", content_type), ("Accept", accept)) if v}
        try:
            return fetch(method, url, data=data, headers=headers, timeout=self.timeout)[0]
        except urllib.error.HTTPError as err:
            raise LoadError(f"{what}: {describe_failure(err)}", status=err.code) from None
        except (urllib.error.URLError, OSError, ValueError) as err:
            raise LoadError(f"{what}: {describe_failure(err)}") from None

    def _graph_url(self, graph: str) -> str:
        sep = "&" if "?" in self.gsp_url else "?"  # type: ignore[operator]
        return f"{self.gsp_url}{sep}graph={urllib.parse.quote(graph, safe='')}"

    def update(self, text: str, *, what: str) -> None:
        self.request("POST", self.update_url, data=urllib.parse.urlencode({"update": text}).encode(),  # type: ignore[arg-type]
                     content_type="application/x-www-form-urlencoded",
                     what=f"update endpoint {self.update_url}: {what}")

    def select_terms(self, text: str) -> list[tuple]:
        """The rows of a SELECT on the query endpoint, as RDF terms."""
        from .engines.endpoint import parse_json_results

        body = self.request("POST", self.query_url, data=urllib.parse.urlencode({"query": text}).encode(),  # type: ignore[arg-type]
                            content_type="application/x-www-form-urlencoded",
                            accept="application/sparql-results+json", what=f"query endpoint {self.query_url}")
        try:
            return list(parse_json_results(json.loads(body), form="select", where=self.query_url).rows)  # type: ignore[arg-type]
        except (ValueError, RecursionError, EndpointError):
            raise LoadError(f"query endpoint {self.query_url}: the answer is not SPARQL JSON results") from None

    def select(self, text: str) -> list[list[str | None]]:
        """The rows of a SELECT on the query endpoint, each value as text."""
        return [[None if t is None else t.value for t in row] for row in self.select_terms(text)]

    # -- graphs ------------------------------------------------------------------------------
    def exists(self, graph: str) -> bool:
        """Whether the Graph Store has the graph (a HEAD that answers 404 means no; a store
        without HEAD, such as Virtuoso 7, which answers 501, is asked with a GET)."""
        try:
            self.request("HEAD", self._graph_url(graph), what=f"Graph Store {self.gsp_url}")
            return True
        except LoadError as err:
            if err.status == 404:
                return False
            if err.status not in (405, 501):
                raise
        return self._get_graph(graph) is not None

    def _get_graph(self, graph: str) -> bytes | None:
        """The graph as N-Triples by a Graph Store GET; None when the store has no such graph."""
        try:
            return self.request("GET", self._graph_url(graph), accept="application/n-triples",
                                what=f"Graph Store {self.gsp_url}: reading <{graph}>")
        except LoadError as err:
            if err.status == 404:
                return None
            raise

    def graph_triples(self, graph: str, subjects: Sequence[ox.NamedNode] | None = None) -> list[ox.Triple]:
        """The triples of ``graph``; with ``subjects`` and a query endpoint, only theirs, asked for
        :data:`SUBJECT_CHUNK` subjects at a time, so that no answer exceeds a store's limit on
        result rows (Debian's Virtuoso answers at most 10,000, and sorts no more for paging)."""
        if self.query_url and subjects is not None:
            out: list[ox.Triple] = []
            for i in range(0, len(subjects), SUBJECT_CHUNK):
                values = " ".join(str(s) for s in subjects[i:i + SUBJECT_CHUNK])
                rows = self.select_terms(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ VALUES ?s {{ {values} }} "
                                         "?s ?p ?o } }")
                out += [ox.Triple(*row) for row in rows if None not in row]
            return out
        if self.query_url:
            rows = self.select_terms(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
            return [ox.Triple(*row) for row in rows if None not in row]
        body = self._get_graph(graph)
        if body is None:
            return []
        try:
            return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
        except SyntaxError as err:
            raise LoadError(f"Graph Store {self.gsp_url}: <{graph}> came back as invalid N-Triples ({err})") from None

    def count(self, graph: str) -> int:
        if self.query_url:
            rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
            try:
                return int(rows[0][0]) if rows and rows[0][0] is not None else 0
            except ValueError:
                raise LoadError(f"query endpoint {self.query_url}: a count came back as {rows[0][0]!r}") from None
        return len(self.graph_triples(graph))

    def drop_graph(self, graph: str) -> None:
        if self.update_url:
            self.update(f"DROP SILENT GRAPH <{graph}>", what=f"removing <{graph}>")
        elif self.exists(graph):
            self.request("DELETE", self._graph_url(graph), what=f"Graph Store {self.gsp_url}: removing <{graph}>")

    def put_graph(self, graph: str, body: bytes, *, content_type: str, what: str) -> None:
        self.request("PUT", self._graph_url(graph), data=body, content_type=content_type,
                     what=f"Graph Store {self.gsp_url}: {what}")

    def upload(self, target: str, triples: Sequence[ox.Triple], advance: Callable[[int], None]) -> None:
        """``triples`` into ``target`` (replacing it), in chunks that never split the triples
        linked by a blank node (each request's blank nodes are new ones in the store)."""
        ground, linked = blank_groups(triples)
        if self.gsp_url:
            for i, chunk in enumerate(pack([[t] for t in ground] + linked, CHUNK, max_bytes=CHUNK_BYTES)):
                self.request("PUT" if i == 0 else "POST", self._graph_url(target),
                             data=serialized(chunk, ox.RdfFormat.N_TRIPLES),
                             content_type="application/n-triples",
                             what=f"Graph Store {self.gsp_url}: uploading <{target}>")
                advance(len(chunk))
            return
        # Virtuoso 7 refuses blank nodes in INSERT DATA (error SP031), so triples with blank
        # nodes go as a template with an empty WHERE
        requests = [("INSERT DATA", c) for c in pack([[t] for t in ground], UPDATE_CHUNK)]
        requests += [("INSERT", c) for c in pack(linked, TEMPLATE_CHUNK) if c]
        for keyword, chunk in requests:
            data = serialized(chunk, ox.RdfFormat.N_TRIPLES).decode("utf-8")
            where = " WHERE {}" if keyword == "INSERT" else ""
            self.update(f"{keyword} {{ GRAPH <{target}> {{\n{data}}} }}{where}", what=f"uploading <{target}>")
            advance(len(chunk))


def blank_groups(triples: Sequence[ox.Triple]) -> tuple[list[ox.Triple], list[list[ox.Triple]]]:
    """The triples without blank nodes, and the others in groups linked by blank nodes."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def root(node: ox.BlankNode) -> ox.BlankNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for t in triples:
        if isinstance(t.subject, ox.BlankNode) and isinstance(t.object, ox.BlankNode):
            a, b = root(t.subject), root(t.object)
            if a != b:
                parent[a] = b
    ground: list[ox.Triple] = []
    groups: dict[ox.BlankNode, list[ox.Triple]] = {}
    for t in triples:
        node = t.subject if isinstance(t.subject, ox.BlankNode) else t.object
        if isinstance(node, ox.BlankNode):
            groups.setdefault(root(node), []).append(t)
        else:
            ground.append(t)
    return ground, list(groups.values())


def pack(groups: Sequence[list[ox.Triple]], size: int, *, max_bytes: int | None = None) -> list[list[ox.Triple]]:
    """The groups in chunks of at most ``size`` triples (and, with ``max_bytes``, about that
    many bytes of N-Triples), a group never split (one larger is a chunk of its own); at
    least one chunk, so that an empty graph is written."""
    out: list[list[ox.Triple]] = [[]]
    used = 0
    for group in groups:
        weight = sum(len(str(t)) + 3 for t in group) if max_bytes else 0
        if out[-1] and (len(out[-1]) + len(group) > size or (max_bytes and used + weight > max_bytes)):
            out.append([])
            used = 0
        out[-1].extend(group)
        used += weight
    return out
