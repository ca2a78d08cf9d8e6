"""A remote SPARQL 1.1 endpoint, through SPARQLWrapper.

Credentials come from the environment, never from the command line:
``CRDKG_ENDPOINT_USER`` and ``CRDKG_ENDPOINT_PASSWORD`` (HTTP basic), or
``CRDKG_ENDPOINT_TOKEN`` (``Authorization: Bearer``). They never appear in a message.
Parameter values are substituted as RDF terms
(:func:`crdkg.sparqltext.substitute`).
"""

from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.parse
from collections.abc import Mapping, Sequence

import pyoxigraph as ox

from .. import sparqltext
from ..errors import EndpointError, QueryError
from .base import Engine, QueryResult, Term

DEFAULT_TIMEOUT = 30.0


def check_url(url: str, *, what: str = "endpoint") -> str:
    """The URL, if it is an http(s) URL without credentials in it."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"{what} {url!r} is not an http:// or https:// URL")
    if parts.username or parts.password:
        safe = urllib.parse.urlunsplit(parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")))
        raise EndpointError(f"{what} {safe}: do not put credentials in the URL; set CRDKG_ENDPOINT_USER "
                            "and CRDKG_ENDPOINT_PASSWORD (or CRDKG_ENDPOINT_TOKEN) in the environment")
    return url


def auth_headers() -> dict[str, str]:
    """HTTP headers carrying the credentials set in the environment."""
    import base64

    token = os.environ.get("CRDKG_ENDPOINT_TOKEN")
    if token:
        return {"Authorization": f"Bearer {token}"}
    user = os.environ.get("CRDKG_ENDPOINT_USER")
    if user:
        password = os.environ.get("CRDKG_ENDPOINT_PASSWORD", "")
        raw = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {raw}"}
    return {}


def describe_failure(err: BaseException) -> str:
    """A short, credential-free description of a network or HTTP failure."""
    if isinstance(err, urllib.error.HTTPError):
        body = ""
        try:
            body = err.read().decode("utf-8", "replace").strip()
        except Exception:  # noqa: BLE001 - the body is only a hint
            pass
        hint = f": {body[:300]}" if body else ""
        return f"HTTP {err.code} {err.reason}{hint}"
    if isinstance(err, (TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(err, urllib.error.URLError):
        reason = err.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return "timed out"
        if isinstance(reason, ConnectionRefusedError):
            return "connection refused (is the server running?)"
        if isinstance(reason, socket.gaierror):
            return "host not found"
        return f"cannot connect: {reason}"
    if isinstance(err, ConnectionError):
        return f"connection failed: {err.__class__.__name__}"
    return f"{err.__class__.__name__}: {err}"


class EndpointEngine(Engine):
    """Runs queries on ``url``; by default over the project's named graphs as default graph."""

    name = "endpoint"

    def __init__(self, url: str, *, default_graphs: Sequence[str] | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        from ..namespaces import GRAPHS, QUERY_PARTS

        self.url = check_url(url)
        self.default_graphs = list(default_graphs) if default_graphs is not None else [GRAPHS[p] for p in QUERY_PARTS]
        self.timeout = timeout

    def describe(self) -> str:
        return f"endpoint {self.url}"

    def _wrapper(self, text: str, accept: str):  # type: ignore[no-untyped-def]
        from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper

        sw = SPARQLWrapper(self.url, agent="crdkg")
        sw.setMethod(POST)
        sw.setRequestMethod(URLENCODED)
        sw.setTimeout(int(max(1, self.timeout)))
        sw.setQuery(text)
        sw.setOnlyConneg(True)
        sw.addCustomHttpHeader("Accept", accept)
        for name, value in auth_headers().items():
            sw.addCustomHttpHeader(name, value)
        for g in self.default_graphs:
            sw.addDefaultGraph(g)
        return sw

    def query(self, text: str, *, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        form = sparqltext.query_form(text)
        text = sparqltext.substitute(text, dict(bindings or {}))
        graph_form = form in ("construct", "describe")
        accept = "application/n-triples, text/turtle;q=0.9" if graph_form else "application/sparql-results+json"
        sw = self._wrapper(text, accept)
        try:
            response = sw.query().response
            body = response.read()
            ctype = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        except SPARQLWrapperException as err:
            msg = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise EndpointError(f"endpoint {self.url}: {type(err).__name__}: {msg[:400]}") from None
        except (urllib.error.URLError, OSError, ValueError) as err:
            raise EndpointError(f"endpoint {self.url}: {describe_failure(err)}") from None
        if graph_form:
            fmt = ox.RdfFormat.TURTLE if "turtle" in ctype else ox.RdfFormat.N_TRIPLES
            try:
                triples = tuple(ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=fmt))
            except SyntaxError as err:
                raise EndpointError(f"endpoint {self.url}: the answer is not valid RDF: {err}") from None
            return QueryResult(form=form, triples=triples)
        try:
            data = json.loads(body)
        except ValueError:
            raise EndpointError(f"endpoint {self.url}: the answer is not SPARQL JSON results "
                                f"(Content-Type {ctype or 'missing'})") from None
        return parse_json_results(data, form=form, where=self.url)


def _term(value: Mapping[str, str]) -> Term:
    kind = value.get("type")
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind == "bnode":
        return ox.BlankNode(value["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return ox.Literal(value["value"], language=value["xml:lang"])
        if "datatype" in value:
            return ox.Literal(value["value"], datatype=ox.NamedNode(value["datatype"]))
        return ox.Literal(value["value"])
    raise ValueError(f"unknown term type {kind!r}")


def parse_json_results(data: Mapping, *, form: str, where: str) -> QueryResult:
    """A :class:`QueryResult` from SPARQL 1.1 Query Results JSON."""
    try:
        if "boolean" in data:
            return QueryResult(form="ask", boolean=bool(data["boolean"]))
        variables = tuple(data["head"]["vars"])
        rows = tuple(
            tuple(_term(b[v]) if v in b else None for v in variables) for b in data["results"]["bindings"]
        )
    except (KeyError, TypeError, ValueError) as err:
        raise EndpointError(f"endpoint {where}: malformed SPARQL JSON results ({err})") from None
    if form == "ask":
        raise QueryError(f"endpoint {where}: expected a boolean answer to ASK")
    return QueryResult(form="select", variables=variables, rows=rows)
