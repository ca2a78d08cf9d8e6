"""A remote SPARQL 1.1 endpoint, over crdkg's HTTP client (:mod:`crdkg.httpclient`:
credentials from the environment, never to another origin, never in a message).
Parameter values are substituted as RDF terms (:func:`crdkg.sparqltext.substitute`).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
from collections.abc import Mapping, Sequence

import pyoxigraph as ox

from .. import sparqltext
from ..errors import EndpointError, QueryError
from ..httpclient import check_timeout, check_url, describe_failure, fetch, one_line
from ..namespaces import XSD
from .base import Engine, QueryResult, Term

__all__ = ["EndpointEngine", "parse_json_results"]

DEFAULT_TIMEOUT = 30.0


class EndpointEngine(Engine):
    """Runs queries on ``url``; by default over the project's named graphs as default graph."""

    name = "endpoint"

    def __init__(self, url: str, *, default_graphs: Sequence[str] | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        from ..namespaces import GRAPHS, QUERY_PARTS

        self.url = check_url(url)
        #: the graphs asked for as the default graph (default-graph-uri): those given, which
        #: replace any FROM clauses of a query; or else a query's own FROM graphs, and crdkg's
        #: query parts for a query that names none (as on the embedded graph)
        self.default_graphs = list(default_graphs) if default_graphs is not None else [GRAPHS[p] for p in QUERY_PARTS]
        self.graphs_given = default_graphs is not None
        self.timeout = check_timeout(timeout)

    def describe(self) -> str:
        return f"endpoint {self.url}"

    def post(self, text: str, accept: str, graphs: Sequence[str] | None = None) -> tuple[bytes, str]:
        """POST the query (SPARQL 1.1 Protocol, URL-encoded) with ``graphs`` (default: the
        engine's default graphs) as its default graph; the body and its content type."""
        graphs = self.default_graphs if graphs is None else graphs
        form = [("query", text), *(("default-graph-uri", g) for g in graphs)]
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        try:
            return fetch("POST", self.url, data=urllib.parse.urlencode(form).encode("utf-8"), headers=headers,
                         timeout=self.timeout)
        except (urllib.error.URLError, OSError, ValueError) as err:
            raise EndpointError(f"endpoint {self.url}: {describe_failure(err)}") from None

    def query(self, text: str, *, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        form = sparqltext.query_form(text)
        # with no default graphs of crdkg's, the store's own default graph, not the graphs a query names
        named: list[str] = []  # the query's FROM graphs, read in the pass that binds it
        text = sparqltext.substitute(text, dict(bindings or {}), keep_dataset=bool(self.default_graphs),
                                     dataset=named)
        graphs = self.default_graphs
        if not self.graphs_given and self.default_graphs and named:
            # the query's FROM clauses say which of crdkg's graphs it reads: those, as the default
            # graph (Virtuoso 7 answers some queries wrongly from FROM alone)
            graphs = named
        graph_form = form in ("construct", "describe")
        accept = "application/n-triples, text/turtle;q=0.9" if graph_form else "application/sparql-results+json"
        body, ctype = self.post(text, accept, graphs)
        if graph_form:
            fmt = ox.RdfFormat.TURTLE if "turtle" in ctype else ox.RdfFormat.N_TRIPLES
            try:
                triples = tuple(ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=fmt))
            except SyntaxError as err:
                raise EndpointError(f"endpoint {self.url}: the answer is not valid RDF: {one_line(str(err))}") from None
            return QueryResult(form=form, triples=triples)
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise EndpointError(f"endpoint {self.url}: the answer is not SPARQL JSON results "
                                f"(Content-Type {one_line(ctype) or 'missing'})") from None
        result = parse_json_results(data, form=form, where=self.url)
        if form == "select" and result.form != "select":
            raise EndpointError(f"endpoint {self.url}: a SELECT was answered with a boolean")
        return result


def _blank(label: str) -> ox.BlankNode:
    """A blank node for a label an endpoint gave; labels that are not valid in N-Triples (Virtuoso
    writes ``nodeID://b10006``) are mapped to valid ones, the same label to the same node."""
    try:
        return ox.BlankNode(label)
    except ValueError:
        return ox.BlankNode("x" + "".join(c if c.isalnum() else "_" for c in label))


def _term(value: Mapping[str, str]) -> Term:
    kind = value.get("type")
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind == "bnode":
        return _blank(value["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return ox.Literal(value["value"], language=value["xml:lang"])
        if "datatype" in value:
            text = value["value"]
            if value["datatype"] == _BOOLEAN and text in _BOOLEANS:
                text = _BOOLEANS[text]
            return ox.Literal(text, datatype=ox.NamedNode(value["datatype"]))
        return ox.Literal(value["value"])
    raise ValueError(f"unknown term type {kind!r}")


_BOOLEAN = XSD + "boolean"
#: Virtuoso keeps booleans as numbers and writes ``"1"^^xsd:boolean``: the same value as
#: ``true``, read in xsd:boolean's canonical form, as the graph has it
_BOOLEANS = {"1": "true", "0": "false"}


def parse_json_results(data: Mapping, *, form: str, where: str) -> QueryResult:
    """A :class:`QueryResult` from SPARQL 1.1 Query Results JSON."""
    try:
        if "boolean" in data:
            if not isinstance(data["boolean"], bool):
                raise EndpointError(f"endpoint {where}: the answer to ASK is not a boolean "
                                    f"({one_line(repr(data['boolean']), 60)})")
            return QueryResult(form="ask", boolean=data["boolean"])
        variables = tuple(data["head"]["vars"])
        rows = tuple(
            tuple(_term(b[v]) if v in b else None for v in variables) for b in data["results"]["bindings"]
        )
    except (KeyError, TypeError, ValueError) as err:
        raise EndpointError(f"endpoint {where}: malformed SPARQL JSON results ({err})") from None
    if form == "ask":
        raise QueryError(f"endpoint {where}: expected a boolean answer to ASK")
    return QueryResult(form="select", variables=variables, rows=rows)
