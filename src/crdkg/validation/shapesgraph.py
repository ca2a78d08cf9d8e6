"""The shapes graph as the compiled engine reads it: an index of its triples, the shapes
that have targets, messages and severities, and the errors a shapes graph can give."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from ..namespaces import OWL, RDF, RDFS, SH
from .model import Path, rdf_list, read_path, severity_name, term_text

TYPE = ox.NamedNode(RDF + "type")
CLASSES = {ox.NamedNode(RDFS + "Class"), ox.NamedNode(OWL + "Class")}
TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")


class Unsupported(Exception):
    """A feature the compiler leaves to pySHACL."""


class ShapeError(ValueError):
    """A shapes graph that is not valid SHACL (a count that is not an integer, a SPARQL query
    that SHACL forbids): validation refuses it."""


def sh(name: str) -> ox.NamedNode:
    return ox.NamedNode(SH + name)


class ShapesGraph:
    """The shapes, indexed by subject and predicate (a few thousand triples at most)."""

    def __init__(self, quads: Iterable[ox.Quad | ox.Triple]) -> None:
        self.index: dict[object, dict[ox.NamedNode, list]] = {}
        for q in quads:
            self.index.setdefault(q.subject, {}).setdefault(q.predicate, []).append(q.object)

    def objects(self, node: object, pred: ox.NamedNode) -> list:
        return self.index.get(node, {}).get(pred, [])

    def value(self, node: object, pred: ox.NamedNode) -> object | None:
        found = self.objects(node, pred)
        return found[0] if found else None

    def subjects(self, pred: ox.NamedNode, obj: object) -> list:
        return [s for s, preds in self.index.items() if obj in preds.get(pred, ())]

    def items(self, node: object) -> list:
        """The members of an RDF list."""
        from .model import NotAPath

        try:
            return rdf_list(self._value_of_iri, node)
        except NotAPath:
            raise ShapeError(f"a malformed RDF list at {term_text(node)}") from None

    def _value_of_iri(self, node: object, iri: str) -> object | None:
        return self.value(node, ox.NamedNode(iri))

    def path(self, node: object) -> Path:
        """The SHACL path at ``node``."""
        from .model import NotAPath

        try:
            return read_path(self._value_of_iri, node)
        except NotAPath as err:
            raise ShapeError(f"the sh:path at {term_text(node)} is not a SHACL path: {err}") from None

    def predicates(self) -> Iterator[ox.NamedNode]:
        for preds in self.index.values():
            yield from preds

    def types(self) -> set:
        return {o for preds in self.index.values() for o in preds.get(TYPE, [])}

    def subclasses(self, cls: ox.NamedNode) -> set:
        """``cls`` and its subclasses in the shapes graph (rdfs:subClassOf*)."""
        found, todo = {cls}, [cls]
        sub = ox.NamedNode(RDFS + "subClassOf")
        while todo:
            c = todo.pop()
            for s in self.subjects(sub, c):
                if s not in found:
                    found.add(s)
                    todo.append(s)
        return found

    def instances(self, cls: ox.NamedNode) -> list:
        """The SHACL instances of ``cls`` in the shapes graph."""
        classes = self.subclasses(cls)
        return [s for s, preds in self.index.items() if classes & set(preds.get(TYPE, ()))]

    def messages(self, *nodes: object) -> list:
        """The sh:message values of the first of ``nodes`` that has any."""
        for node in nodes:
            found = self.objects(node, sh("message"))
            if found:
                return found
        return []

    def severity(self, shape: object) -> str:
        return severity_name(self.value(shape, sh("severity")))


def targeted_shapes(shapes: ShapesGraph) -> list:
    """The shapes that have targets (explicit, or implicit as a class that is a shape), in a
    stable order."""
    preds = [sh(n) for n in TARGETS]
    kinds = {sh("NodeShape"), sh("PropertyShape")}
    tops = []
    for s, p in shapes.index.items():
        types = set(p.get(TYPE, ()))
        if any(t in p for t in preds) or (kinds & types and CLASSES & types):
            tops.append(s)
    return sorted(tops, key=str)


def pick_message(messages: list) -> str | None:
    english = [m for m in messages if getattr(m, "language", None) in (None, "en")]
    chosen = (english or messages or [None])[0]
    return None if chosen is None else chosen.value
