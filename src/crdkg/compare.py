"""Comparing query results across engines (embedded graph, triple stores)."""

from __future__ import annotations

import pyoxigraph as ox

from .engines.base import QueryResult


def comparable(result: QueryResult, *, ordered: bool) -> object:
    """A form of ``result`` that two engines' answers can be compared in: blank nodes are
    not compared by label, and rows are sorted unless the query orders them."""

    def term(t):
        return "_:" if isinstance(t, ox.BlankNode) else (None if t is None else str(t))

    if result.form == "ask":
        return result.boolean
    if result.form in ("construct", "describe"):
        return sorted(" ".join(term(x) for x in (t.subject, t.predicate, t.object)) for t in result.triples)
    rows = [tuple(term(t) for t in row) for row in result.rows]
    return (result.variables, rows if ordered else sorted(rows, key=repr))
