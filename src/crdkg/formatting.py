"""The one canonical form of the project's Turtle files.

Terms are grouped under banner comments by kind (classes, object properties, ...,
then instances by class), each subject written by rdflib's ``longturtle`` serializer
in IRI order, so that the same graph always gives the same text and diffs stay small.
``crdkg format`` (and ``make format``) rewrites files; ``crdkg format --check`` fails
when a file is not in this form.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import rdflib
from rdflib import BNode, URIRef
from rdflib.namespace import OWL, RDF, SH

from .errors import InputError
from .namespaces import BASE, PREFIXES

__all__ = ["canonical_turtle", "format_files"]

_BANNER = "#" * 65
_KINDS = [
    (OWL.Ontology, "Ontology"),
    (OWL.Class, "Classes"),
    (OWL.ObjectProperty, "Object properties"),
    (OWL.DatatypeProperty, "Datatype properties"),
    (OWL.AnnotationProperty, "Annotation properties"),
    (SH.NodeShape, "Node shapes"),
    (SH.PropertyShape, "Property shapes"),
]
_ORDER = [name for _, name in _KINDS]


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _section(graph: rdflib.Graph, subject: URIRef | BNode) -> str:
    types = set(graph.objects(subject, RDF.type))
    if isinstance(subject, URIRef) and not str(subject).startswith(BASE) and types & {
            OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}:
        return "External terms used here, declared locally (nothing is fetched)"
    for cls, name in _KINDS:
        if cls in types:
            return name
    if isinstance(subject, BNode):
        return "Axioms"
    named = sorted(_local(str(t)) for t in types if isinstance(t, URIRef))
    return named[0] if named else "Other resources"


def _closure(graph: rdflib.Graph, node: URIRef | BNode, out: rdflib.Graph) -> None:
    for p, o in graph.predicate_objects(node):
        out.add((node, p, o))
        if isinstance(o, BNode):
            _closure(graph, o, out)


def _block(graph: rdflib.Graph, subject: URIRef | BNode) -> tuple[list[str], str]:
    sub = rdflib.Graph(bind_namespaces="none")
    sub.namespace_manager = graph.namespace_manager
    _closure(graph, subject, sub)
    text = sub.serialize(format="longturtle")
    prefixes = [line for line in text.splitlines() if line.startswith("PREFIX ")]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("PREFIX ")).strip()
    return prefixes, body


def canonical_turtle(graph: rdflib.Graph) -> str:
    """The canonical Turtle text of ``graph``."""
    nm = graph.namespace_manager
    for prefix, ns in PREFIXES.items():
        nm.bind(prefix, ns, override=True, replace=True)
    subjects = {s for s in graph.subjects() if not (isinstance(s, BNode) and (None, None, s) in graph)}
    sections: dict[str, list[tuple[str, str]]] = {}
    prefix_lines: set[str] = set()
    for s in subjects:
        prefixes, body = _block(graph, s)
        prefix_lines.update(prefixes)
        key = str(s) if isinstance(s, URIRef) else "~" + body
        sections.setdefault(_section(graph, s), []).append((key, body))

    def order(name: str) -> tuple[int, str]:
        if name.startswith("External"):
            return (1, name)
        if name in _ORDER:
            return (0 if name == "Ontology" else 2 + _ORDER.index(name), name)
        return (50 if name != "Axioms" else 99, name)

    out = ["\n".join(sorted(prefix_lines)), ""]
    for name in sorted(sections, key=order):
        if name != "Ontology":
            out += [_BANNER, f"# {name}", _BANNER, ""]
        for _, body in sorted(sections[name]):
            out += [body, ""]
    return "\n".join(out).rstrip("\n") + "\n"


def format_files(paths: Iterable[Path], *, check: bool = False) -> list[Path]:
    """Rewrite ``paths`` in canonical form, or with ``check`` only list those not in it."""
    changed = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        graph = rdflib.Graph(bind_namespaces="none")
        try:
            graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
        except Exception as err:  # rdflib raises many kinds of parse errors
            raise InputError(f"does not parse: {err}", path=str(path)) from None
        canonical = canonical_turtle(graph)
        if canonical != text:
            changed.append(path)
            if not check:
                path.write_text(canonical, encoding="utf-8")
    return changed
