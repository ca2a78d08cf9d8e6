"""How RDF terms are written as text for people and for XML: prefixed names, the prefixes
a set of triples uses, and XML escapes. Shared by query results, exports and reports."""

from __future__ import annotations

import pyoxigraph as ox

from .namespaces import PREFIXES, split_iri

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from .engines.base import Term

__all__ = ["escape", "quoteattr", "serialized", "short", "used_prefixes"]


def serialized(items: Iterable[ox.Triple] | Iterable[ox.Quad], fmt: ox.RdfFormat,
               prefixes: dict[str, str] | None = None) -> bytes:
    """``items`` written in ``fmt`` (pyoxigraph's serialize, which returns the bytes when
    given no output)."""
    return ox.serialize(items, format=fmt, prefixes=prefixes) or b""


def escape(text: str) -> str:
    """Text for XML character data (``xml.sax.saxutils`` would import all of urllib)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """Text as a double-quoted XML attribute value."""
    return '"' + escape(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;") + '"'


def short(term: Term | None) -> str:
    """A term as a person reads it: prefixed IRIs, literals without quotes."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        split = split_iri(term.value, lambda local: all(c.isalnum() or c in "-_." for c in local))
        return f"{split[0]}:{split[1]}" if split else f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def used_prefixes(triples: Iterable[ox.Triple]) -> dict[str, str]:
    """The prefixes of :data:`PREFIXES` whose namespace some IRI of ``triples`` starts with."""
    iris = {t.value for tr in triples for t in (tr.subject, tr.predicate, tr.object) if isinstance(t, ox.NamedNode)}
    iris |= {t.datatype.value for tr in triples for t in (tr.object,) if isinstance(t, ox.Literal)}
    return {p: ns for p, ns in PREFIXES.items() if any(i.startswith(ns) for i in iris)}
