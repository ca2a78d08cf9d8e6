"""crdkg's own IRIs, dereferenced as linked data: ``crdkg serve`` answers the paths of the
persistent scheme (https://w3id.org/crdkg/...) with content negotiation, following the W3C's
"Cool URIs for the Semantic Web":

* ``/id/...`` names things (a region, a task, a passage). A browser (``text/html`` first) is
  sent on to the thing's page with ``303 See Other``; an RDF client gets the thing's
  description (the stored query ``describe-resource``) in Turtle, JSON-LD, N-Triples or
  RDF/XML, ``200`` with ``Vary: Accept``.
* ``/ontology`` (its terms are ``/ontology#Name``; its version IRI ``/ontology/VERSION``),
  ``/shapes`` and ``/graph/PART`` name documents: the whole named graph, in the format asked
  for (a browser is sent to the resource page of the document's IRI). ``/graph/description``,
  also at ``/.well-known/void`` (VoID section 7), is the dataset's VoID/DCAT description,
  computed from the graph served.

A ``format`` parameter (``turtle``, ``jsonld``, ``ntriples``, ``rdfxml``, ``html``) overrides
the ``Accept`` header. A crdkg IRI that names nothing is ``404``.
"""

from __future__ import annotations

from ..engines.base import Engine, QueryResult
from ..namespaces import BASE, GRAPHS, ONTOLOGY_IRI, SHAPES_IRI

#: media type -> format, for the answers of this module (HTML means the page)
TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/turtle": "turtle",
         "application/ld+json": "jsonld", "application/n-triples": "ntriples", "application/rdf+xml": "rdfxml",
         "text/plain": "ntriples"}
NAMES = {"html": "html", "turtle": "turtle", "ttl": "turtle", "jsonld": "jsonld", "json-ld": "jsonld",
         "ntriples": "ntriples", "nt": "ntriples", "rdfxml": "rdfxml", "rdf": "rdfxml", "xml": "rdfxml"}
#: the named graphs a /graph/ path may name (the parts crdkg loads into stores)
DOCUMENT_PARTS = ("ontology", "shapes", "data", "statistics", "places", "census")


class NoSuchFormat(Exception):
    """The ``format`` parameter or the Accept header asks for nothing this module writes."""


def choose(accept: str | None, requested: str | None) -> str:
    """``html`` or an RDF format: the ``format`` parameter, else the best the Accept header
    allows (a browser's ``text/html`` first; ``*/*`` alone, as curl sends, is Turtle)."""
    from .negotiation import _accepted

    if requested:
        name = NAMES.get(requested.lower())
        if name is None:
            raise NoSuchFormat(f"format {requested!r} is not one of {', '.join(sorted(set(NAMES.values())))}")
        return name
    if not accept:
        return "turtle"
    for _, _, media in _accepted(accept):
        if media in TYPES:
            return TYPES[media]
        if media in ("*/*", "application/*"):
            return "turtle"
        if media == "text/*":
            return "turtle"
    raise NoSuchFormat(f"none of the formats asked for ({accept[:100]}) is one this server writes: "
                       f"{', '.join(TYPES)}")


def iri_of(path: str) -> str | None:
    """The crdkg IRI that a request path names, or None (``/ontology/0.1.0`` names the
    ontology's version: the ontology document)."""
    rest = path.lstrip("/")
    if rest == "ontology" or rest.startswith("ontology/"):
        return ONTOLOGY_IRI
    if rest == "shapes":
        return SHAPES_IRI
    if rest == ".well-known/void":  # VoID's well-known place for a dataset's description (VoID section 7)
        return GRAPHS["description"]
    return BASE + rest if rest.startswith(("id/", "graph/")) else None


def document_part(iri: str) -> str | None:
    """The part whose whole graph is the document ``iri``, or None for a thing."""
    if iri == ONTOLOGY_IRI:
        return "ontology"
    if iri == SHAPES_IRI:
        return "shapes"
    return next((p for p in (*DOCUMENT_PARTS, "description") if GRAPHS[p] == iri), None)


def rdf(engine: Engine, iri: str, fmt: str) -> bytes | None:
    """The RDF of ``iri`` in ``fmt``: a document's whole graph, or a thing's description;
    None when the graph says nothing of it. (A job: run in a worker.)"""
    import pyoxigraph as ox

    from ..results import write_result

    part = document_part(iri)
    if part is not None:
        triples = tuple(ox.Triple(q.subject, q.predicate, q.object) for q in _part_quads(engine, part))
        return write_result(QueryResult(form="construct", triples=triples), fmt).encode("utf-8")
    result = describe(engine, iri)
    return None if result is None else write_result(result, fmt).encode("utf-8")


def describe(engine: Engine, iri: str) -> QueryResult | None:
    """A thing's description (the stored query ``describe-resource``), or None when the graph
    says nothing of it."""
    import pyoxigraph as ox

    from ..api import catalogue
    from ..errors import ParameterError
    from ..querying import run_stored

    try:
        result = run_stored(catalogue()["describe-resource"], engine, {"resource": iri})
    except ParameterError:  # an IRI the graph does not hold
        return None
    if not any(t.subject == ox.NamedNode(iri) for t in result.triples):
        return None
    return result


def _part_quads(engine: Engine, part: str) -> list:
    graph = getattr(engine, "graph", None)
    if part == "description":  # computed from the graph served (crdkg.export.dataset_quads)
        from ..export import description
        from ..graph import load_graph

        return description(graph if graph is not None else load_graph())
    if graph is not None and part in graph.parts:
        return list(graph.quads([part]))
    from ..graph import load_graph

    return list(load_graph(parts=(part,)).quads([part]))  # the shapes, which a served graph does not hold


def handler(server):  # -> the endpoint of the routes above
    """The route of every path of :func:`iri_of` (``server``: :class:`crdkg.web.app.Server`)."""
    import urllib.parse

    from starlette.requests import Request
    from starlette.responses import RedirectResponse, Response

    from .app import HTTPError
    from .negotiation import MEDIA_TYPES

    async def endpoint(request: Request) -> Response:
        iri = iri_of(request.url.path)
        if iri is None:
            raise HTTPError(404, f"{request.url.path[:100]} is not a crdkg IRI path")
        try:
            fmt = choose(request.headers.get("accept"), request.query_params.get("format"))
        except NoSuchFormat as err:
            raise HTTPError(406, str(err)) from None
        vary = {"vary": "Accept"}
        if fmt == "html":  # the thing's (or the document's) page, for people
            lang = request.query_params.get("lang")
            chosen = {"lang": lang} if lang in ("en", "zh") else {}
            if document_part(iri) == "description":  # the home page describes the dataset
                where = "/" + ("?" + urllib.parse.urlencode(chosen) if chosen else "")
                return RedirectResponse(where, status_code=303, headers=vary)
            query = urllib.parse.urlencode({"iri": iri, **chosen})
            return RedirectResponse("/resource?" + query, status_code=303, headers=vary)
        body = await server.run(rdf, iri, fmt, what="the description")
        if body is None:
            raise HTTPError(404, f"{iri} names nothing in this graph")
        path = request.url.path
        alternates = ", ".join(f'<{path}?format={name}>; rel="alternate"; type="{MEDIA_TYPES[name]}"'
                               for name in ("turtle", "jsonld", "ntriples", "rdfxml") if name != fmt)
        return Response(body, media_type=f"{MEDIA_TYPES[fmt]}; charset=utf-8",
                        headers={**vary, "link": alternates})

    return endpoint
