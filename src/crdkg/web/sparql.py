"""The SPARQL 1.1 Protocol endpoint ``/sparql``: queries by GET (``?query=``), by POST as a
form or as ``application/sparql-query``; results chosen by ``Accept`` or a ``format``
parameter; updates refused (read-only); without a query, the service description."""

from __future__ import annotations

import urllib.parse
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from ..namespaces import GRAPHS, QUERY_PARTS

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from .app import Server


def service_description(url: str) -> str:
    """The SPARQL 1.1 Service Description of the endpoint at ``url``, in Turtle."""
    formats = " ,\n        ".join(f"<http://www.w3.org/ns/formats/{f}>" for f in (
        "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
        "Turtle", "N-Triples", "JSON-LD", "RDF_XML"))
    graphs = " ,\n            ".join(f"<{GRAPHS[p]}>" for p in QUERY_PARTS)
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{url}> a sd:Service ;
    sd:endpoint <{url}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat {formats} ;
    sd:defaultDataset [
        a sd:Dataset ;
        dcterms:description '''The default graph is the union of crdkg's ontology, data and statistics
            graphs (and of the files given with --data); a query's FROM clauses choose among them.'''@en ;
        sd:defaultGraph [ a sd:Graph ] ;
        dcterms:source {graphs}
    ] .
"""


def handler(server: Server, body_of: Callable[[Request], Awaitable[bytes]]) -> Callable[[Request], Awaitable[Response]]:
    from . import jobs
    from .app import HTTPError, answer, negotiate

    allowed_graphs = {GRAPHS[p] for p in QUERY_PARTS}

    async def endpoint(request: Request) -> Response:
        params = list(request.query_params.multi_items())
        if request.method == "POST":
            ctype = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
            body = (await body_of(request)).decode("utf-8")
            if ctype == "application/x-www-form-urlencoded":
                params += urllib.parse.parse_qsl(body, keep_blank_values=True)
            elif ctype == "application/sparql-query":
                params.append(("query", body))
            elif ctype == "application/sparql-update":
                raise HTTPError(403, "this endpoint is read-only: it runs queries, not updates")
            else:
                raise HTTPError(415, f"a POST to /sparql is application/x-www-form-urlencoded or "
                                     f"application/sparql-query, not {ctype or 'without a Content-Type'}")
        names = [k for k, _ in params]
        if "update" in names:
            raise HTTPError(403, "this endpoint is read-only: it runs queries, not updates")
        queries = [v for k, v in params if k == "query"]
        if not queries:
            if request.method == "GET":
                return Response(service_description(str(request.url).split("?")[0]),
                                media_type="text/turtle; charset=utf-8")
            raise HTTPError(400, "no query: give the query parameter")
        if len(queries) > 1:
            raise HTTPError(400, "more than one query parameter")
        defaults = [v for k, v in params if k == "default-graph-uri"]
        named = [v for k, v in params if k == "named-graph-uri"]
        graphs = {*defaults, *named}
        if graphs - allowed_graphs:
            raise HTTPError(400, f"this endpoint's dataset is crdkg's graphs {', '.join(sorted(allowed_graphs))}; "
                                 f"it cannot query {sorted(graphs - allowed_graphs)[0]}")
        formats = [v for k, v in params if k == "format"]
        text = queries[0]
        from ..sparqltext import query_form, with_protocol_dataset

        fmt = negotiate(query_form(text), request, formats[0] if formats else None)  # an update: refused here
        text = with_protocol_dataset(text, defaults, named)  # the request's dataset replaces the query's
        return answer(await server.run(jobs.sparql, text, fmt), fmt)

    return endpoint
