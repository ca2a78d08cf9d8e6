"""Literals as written in the file, in a store that would rewrite them.

Oxigraph stores the literals of the XSD types it knows in a normal form: ``"5"^^xsd:int``
comes back as ``"5"^^xsd:integer``, ``"4.0"^^xsd:decimal`` as ``"4"``, ``"1"^^xsd:boolean``
as ``"true"`` (oxigraph/oxigraph#526, no option turns it off). Validation must check values
as they are written and report them so. The loader that validation uses therefore stores
each literal that the store would change under a datatype of our own that keeps its
lexical form (:data:`NAMESPACE` + the XSD local name), and everything that reads that
store back turns it into the literal as written (:func:`original`).

The compiled SHACL engine knows the encoding where it matters (``sh:datatype``, constants
compared with ``sameTerm``, order comparisons); see :mod:`crdkg.validation.compiled`.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from .namespaces import AS_WRITTEN as NAMESPACE
from .namespaces import XSD

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable, Iterator
    from typing import TypeVar

    T = TypeVar("T")

#: Lexical forms that Oxigraph keeps unchanged, for the commonest datatypes: a literal that
#: matches needs no round trip through a scratch store to know it is kept.
_KEPT = {
    XSD + "string": None,
    XSD + "integer": re.compile(r"-?(0|[1-9][0-9]{0,17})"),
    XSD + "boolean": re.compile(r"true|false"),
    XSD + "gYear": re.compile(r"[1-9][0-9]{3}"),
    XSD + "decimal": re.compile(r"(?!-0$)-?(0|[1-9][0-9]{0,17})(\.[0-9]{0,16}[1-9])?"),
    XSD + "date": re.compile(r"[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"),
}


class Encoder:
    """Decides, once per distinct literal, whether the store keeps it as written; those it
    would change are stored encoded."""

    def __init__(self) -> None:
        self._scratch: ox.Store | None = None
        self._known: dict[ox.Literal, ox.Literal | None] = {}
        self.encoded = 0  # how many literals (occurrences) were stored encoded

    def stored(self, lit: ox.Literal) -> ox.Literal:
        """The literal to put in the store for ``lit`` as written."""
        dt = lit.datatype.value
        if not dt.startswith(XSD):
            return lit
        kept = _KEPT.get(dt, False)
        if kept is None or (kept is not False and kept.fullmatch(lit.value)):  # type: ignore[union-attr]
            return lit
        enc = self._known[lit] if lit in self._known else self._decide(lit)
        if enc is None:
            return lit
        self.encoded += 1
        return enc

    def _decide(self, lit: ox.Literal) -> ox.Literal | None:
        if self._scratch is None:
            self._scratch = ox.Store()
        s, p = ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p")
        self._scratch.add(ox.Quad(s, p, lit))
        back = next(iter(self._scratch.quads_for_pattern(s, p, None))).object
        self._scratch.clear()
        encoding = ox.NamedNode(NAMESPACE + lit.datatype.value[len(XSD):])
        enc = None if back == lit else ox.Literal(lit.value, datatype=encoding)
        self._known[lit] = enc
        return enc

    def quads(self, quads: Iterable[ox.Quad], graph: ox.NamedNode | ox.DefaultGraph) -> Iterator[ox.Quad]:
        """``quads`` (from :func:`pyoxigraph.parse`) in ``graph``, literals encoded."""
        lit_type, quad, stored = ox.Literal, ox.Quad, self.stored
        if isinstance(graph, ox.DefaultGraph):  # the quads are there already: new ones only where needed
            for q in quads:
                o = q.object
                if type(o) is lit_type:
                    enc = stored(o)
                    if enc is not o:
                        yield quad(q.subject, q.predicate, enc)
                        continue
                yield q if isinstance(q.graph_name, ox.DefaultGraph) else quad(q.subject, q.predicate, o)
            return
        for q in quads:
            o = q.object
            yield quad(q.subject, q.predicate, stored(o) if type(o) is lit_type else o, graph)


def original(term: T) -> T:
    """The term as written: an encoded literal decoded, any other term as it is."""
    if isinstance(term, ox.Literal) and term.datatype.value.startswith(NAMESPACE):
        decoded = ox.Literal(term.value, datatype=ox.NamedNode(XSD + term.datatype.value[len(NAMESPACE):]))
        return decoded  # type: ignore[return-value]  # a literal for a literal
    return term


def encoded(term: T) -> T:
    """The term as an encoded store holds it (for a constant of the shapes that the
    compiled queries compare with ``sameTerm``)."""
    if not isinstance(term, ox.Literal):
        return term
    return _CONSTANTS.stored(term)  # type: ignore[return-value]  # a literal for a literal


_CONSTANTS = Encoder()
