"""The stored queries as an HTTP API: ``GET /api/queries`` lists them, ``GET
/api/queries/{name}?param=value`` runs one with its parameters bound as RDF terms exactly as
on the command line (names, codes and labels accepted; an unknown value answers with the
nearest), in any result format; ``/api/openapi.json`` describes them in OpenAPI 3, made from
the catalogue itself."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import __version__
from ..api import catalogue
from ..catalogue import StoredQuery
from ..params import Parameter

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from .app import Server

#: parameters of the HTTP API that are not the query's own
RESERVED = ("format",)


async def listing(request: Request) -> Response:
    from ..info import render_catalogue

    return Response(render_catalogue(list(catalogue()), "json"), media_type="application/json; charset=utf-8")


def handler(server: Server) -> Callable[[Request], Awaitable[Response]]:
    from . import jobs
    from .app import HTTPError, answer, negotiate

    async def endpoint(request: Request) -> Response:
        name = request.path_params["name"]
        query = catalogue()[name]  # an unknown name is a 404 naming the nearest, before any work
        given: dict[str, str] = {}
        for key, value in request.query_params.multi_items():
            if key in given:
                raise HTTPError(400, f"parameter {key!r} is given more than once")
            given[key] = value
        fmt = negotiate(query.form, request, given.pop("format", None))
        return answer(await server.run(jobs.stored, name, given, fmt), fmt)

    return endpoint


_SCHEMA = {"iri": {"type": "string"}, "string": {"type": "string"}, "langstring": {"type": "string"},
           "integer": {"type": "integer"}, "year": {"type": "string", "pattern": "^-?[0-9]{4}$"},
           "date": {"type": "string", "format": "date"}}


def _parameter(p: Parameter) -> dict[str, object]:
    schema: dict[str, object] = dict(_SCHEMA.get(p.type, {"type": "string"}))
    if p.type == "enum":
        schema["enum"] = list(p.values)
    if p.default is not None:
        schema["default"] = p.default
    out: dict[str, object] = {"name": p.name, "in": "query", "required": p.required,
                              "description": f"{p.description} (accepts {p.accepts})".strip(), "schema": schema}
    if p.example is not None:
        out["example"] = p.example
    return out


def _operation(q: StoredQuery) -> dict[str, object]:
    graph = q.form in ("construct", "describe")
    types = (["text/turtle", "application/n-triples", "application/ld+json"] if graph else
             ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
              "text/tab-separated-values"])
    fmt: dict[str, object] = {"name": "format", "in": "query", "required": False,
                              "description": "the result format, instead of the Accept header",
                              "schema": {"type": "string", "enum": (["turtle", "ntriples", "jsonld"] if graph
                                                                    else ["json", "xml", "csv", "tsv"])}}
    error = {"description": "a one-line error", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}}}}
    return {
        "operationId": q.name.replace("-", "_"),
        "summary": q.summary,
        "description": q.description,
        "tags": list(q.tags),
        "parameters": [_parameter(p) for p in q.params] + [fmt],
        "responses": {
            "200": {"description": f"the {q.form.upper()} result",
                    "content": {t: {"schema": _result_schema(q, t)} for t in types}},
            "400": error, "404": error, "406": error, "503": error,
        },
    }


#: a term of a SPARQL JSON result (SPARQL 1.1 Query Results JSON Format, section 3.2.2)
RDF_TERM = {"type": "object", "required": ["type", "value"], "additionalProperties": False, "properties": {
    "type": {"type": "string", "enum": ["uri", "literal", "bnode"]}, "value": {"type": "string"},
    "xml:lang": {"type": "string"}, "datatype": {"type": "string"}}}


def _result_schema(q: StoredQuery, media: str) -> dict[str, object]:
    """The schema of a 200 answer in ``media``: for SPARQL JSON, the query's columns (those of
    its SELECT clause and its computed ones); text formats are strings, JSON-LD an object."""
    from ..sparqltext import projection

    if media == "application/ld+json":
        return {"type": "object"}
    if media != "application/sparql-results+json":
        return {"type": "string"}
    if q.form == "ask":
        return {"type": "object", "required": ["head", "boolean"],
                "properties": {"head": {"type": "object"}, "boolean": {"type": "boolean"}}}
    columns = list(projection(q.text) or [])
    for c in q.computed:  # each beside its source, as crdkg.computed.apply puts it
        columns.insert(columns.index(c.source) + 1 if c.source in columns else len(columns), c.name)
    return {"type": "object", "required": ["head", "results"], "properties": {
        "head": {"type": "object", "required": ["vars"], "properties": {
            "vars": {"type": "array", "items": {"type": "string", "enum": columns}}}},
        "results": {"type": "object", "required": ["bindings"], "properties": {
            "bindings": {"type": "array", "items": {
                "type": "object", "additionalProperties": False,
                "properties": {c: {"$ref": "#/components/schemas/RDFTerm"} for c in columns}}}}}}}


def openapi_document(base: str = "/") -> dict[str, object]:
    """The OpenAPI 3.0 document of the stored-query API, one path per stored query."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "crdkg stored queries", "version": __version__,
                 "description": "The stored queries of crdkg as an HTTP API. Parameter values are bound as RDF "
                                "terms, never pasted into the query text."},
        "servers": [{"url": base}],
        "paths": {f"/api/queries/{q.name}": {"get": _operation(q)} for q in catalogue()},
        "components": {"schemas": {"RDFTerm": RDF_TERM}},
    }


async def openapi(request: Request) -> Response:
    base = str(request.base_url).rstrip("/") or "/"
    return JSONResponse(openapi_document(base))
