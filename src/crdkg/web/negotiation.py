"""Choosing a result format from an HTTP ``Accept`` header or a ``format`` parameter."""

from __future__ import annotations

#: media type -> crdkg's format name, for SELECT and ASK results
TABLE_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
#: media type -> format name, for CONSTRUCT and DESCRIBE results
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
}
#: format name -> the media type it is sent as
MEDIA_TYPES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
    "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ntriples": "application/n-triples",
    "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml",
}
#: the short names a ``format`` parameter may give
FORMAT_NAMES = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "turtle": "turtle", "ttl": "turtle",
                "ntriples": "ntriples", "nt": "ntriples", "jsonld": "jsonld", "json-ld": "jsonld",
                "rdfxml": "rdfxml", "rdf": "rdfxml"}


class NotAcceptable(Exception):
    """No format of the result's kind fits what the request asks for."""


def _accepted(header: str) -> list[tuple[float, int, str]]:
    """The media ranges of an Accept header, best first: (quality, order, range)."""
    out = []
    for i, item in enumerate(header.split(",")):
        parts = [p.strip() for p in item.split(";")]
        if not parts[0]:
            continue
        q = 1.0
        for p in parts[1:]:
            key, _, value = p.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            out.append((-q, i, parts[0].lower()))
    return sorted(out)


def choose(form: str, accept: str | None, requested: str | None) -> str:
    """The format to send a result of query form ``form`` in: the ``format`` parameter if
    given, else the best of the Accept header, else JSON (tables) or Turtle (graphs)."""
    graph = form in ("construct", "describe")
    types = GRAPH_TYPES if graph else TABLE_TYPES
    if requested:
        name = FORMAT_NAMES.get(requested.lower()) or TABLE_TYPES.get(requested) or GRAPH_TYPES.get(requested)
        if graph and name == "xml":  # SPARQLWrapper's format=xml, for a graph: RDF/XML
            name = "rdfxml"
        if name is None or name not in types.values():
            raise NotAcceptable(f"format {requested!r} does not fit a {form.upper()} query; "
                                f"use one of {', '.join(sorted(set(types.values())))}")
        return name
    if not accept:
        return "turtle" if graph else "json"
    for _, _, media in _accepted(accept):
        if media in types:
            return types[media]
        if media in ("*/*", "text/*", "application/*"):
            major = media.split("/")[0]
            for candidate, name in types.items():
                if major == "*" or candidate.startswith(major + "/"):
                    return name
    raise NotAcceptable(f"none of the formats asked for ({accept[:100]}) fits a {form.upper()} query; "
                        f"this endpoint sends {', '.join(types)}")
