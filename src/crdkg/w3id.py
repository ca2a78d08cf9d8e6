"""The redirect rules that make crdkg's IRIs (https://w3id.org/crdkg/...) resolve: an
``.htaccess`` for w3id.org's Apache (a folder ``crdkg/`` in a pull request to
perma-id/w3id.org), pointing at the host that serves the graph.

Two kinds of host:

* ``crdkg serve`` answers every IRI path itself, with content negotiation (303 to the page for
  a browser, the description for an RDF client: :mod:`crdkg.web.linkeddata`), so every request
  is sent there as it is, path and all.
* A static site (``crdkg site``) cannot negotiate, so the rules do, as the W3C's "Cool URIs for
  the Semantic Web" recipes do: a client whose ``Accept`` header begins with an RDF type gets
  that format's file; otherwise one that accepts HTML gets the page; otherwise the RDF type it
  names, or Turtle. So a browser gets HTML even when it lists Turtle at a lower priority, and
  an RDF client that also accepts HTML at a lower priority gets data. A thing's files are
  ``id/PATH.ttl`` (``.jsonld``, ``.nt``, ``.rdf``) and its page ``id/PATH.html``; the ontology,
  the shapes and the named graphs are ``graph/PART.ttl``.
"""

from __future__ import annotations

__all__ = ["RDF_FILES", "htaccess"]

#: media type -> the extension of a static site's file in that format
RDF_FILES = {"text/turtle": "ttl", "application/ld+json": "jsonld", "application/n-triples": "nt",
             "application/rdf+xml": "rdf"}


def _escaped(media: str) -> str:
    return media.replace("+", "\\+").replace(".", "\\.")


def htaccess(target: str, *, static: bool) -> str:
    """The ``.htaccess`` of w3id.org's folder ``crdkg/``, sending its requests to ``target``
    (the URL under which ``crdkg serve`` or the static site answers, e.g.
    ``https://crdkg.example.org/``)."""
    from .errors import CrdkgError

    if not target.startswith(("https://", "http://")) or any(c in target for c in " \t\n\"'$%\\"):
        raise CrdkgError(f"--target {target!r} is not an http(s) URL")
    base = target.rstrip("/") + "/"
    head = [
        "# Redirects for https://w3id.org/crdkg/ (written by crdkg redirects; see crdkg's docs/serving.md).",
        f"# Target: {base} ({'a static site of crdkg site' if static else 'crdkg serve'})",
        "Options -MultiViews",
        "RewriteEngine on",
        "",
    ]
    if not static:
        return "\n".join([*head,
                          "# crdkg serve negotiates the content of every path itself: send each request there",
                          f"RewriteRule ^(.*)$ {base}$1 [R=303,L]", ""])
    lines = [*head, "# the ontology (and its version IRI), the shapes and the named graphs: their Turtle files"]
    for path, file in (("ontology(/.*)?", "graph/ontology.ttl"), ("shapes", "graph/shapes.ttl"),
                       ("graph/([a-z]+)", "graph/$1.ttl")):
        lines += ["RewriteCond %{HTTP_ACCEPT} !(text/html|application/xhtml\\+xml) [OR]",
                  "RewriteCond %{HTTP_ACCEPT} ^\\s*(" + "|".join(_escaped(m) for m in RDF_FILES) + ")",
                  f"RewriteRule ^{path}$ {base}{file} [R=303,L]",
                  f"RewriteRule ^{path}$ {base} [R=303,L]"]
    lines += ["", "# a thing: the format its Accept header lists first, if that is an RDF one"]
    for media, ext in RDF_FILES.items():
        lines += [f"RewriteCond %{{HTTP_ACCEPT}} ^\\s*{_escaped(media)}",
                  f"RewriteRule ^id/(.+)$ {base}id/$1.{ext} [R=303,L]"]
    lines += ["# else its page, for a client that accepts HTML (a browser)",
              "RewriteCond %{HTTP_ACCEPT} (text/html|application/xhtml\\+xml)",
              f"RewriteRule ^id/(.+)$ {base}id/$1.html [R=303,L]",
              "# else any RDF type it names; else Turtle"]
    for media, ext in RDF_FILES.items():
        if ext != "ttl":
            lines += [f"RewriteCond %{{HTTP_ACCEPT}} {_escaped(media)}",
                      f"RewriteRule ^id/(.+)$ {base}id/$1.{ext} [R=303,L]"]
    lines += [f"RewriteRule ^id/(.+)$ {base}id/$1.ttl [R=303,L]",
              "# anything else: the home page",
              f"RewriteRule ^(.*)$ {base} [R=303,L]", ""]
    return "\n".join(lines)
