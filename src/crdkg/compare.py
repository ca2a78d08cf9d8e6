"""Comparing query results across engines (embedded graph, triple stores)."""

from __future__ import annotations

import pyoxigraph as ox

from .engines.base import QueryResult
from .namespaces import XSD

_DECIMALS = {XSD + t for t in ("decimal", "integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}
_FLOATS = {XSD + "double", XSD + "float"}
#: significant digits to which floating-point results are compared: engines sum in different
#: orders, so the last bits of a sum of doubles differ
FLOAT_DIGITS = 12


def comparable(result: QueryResult, *, ordered: bool, float_digits: int = FLOAT_DIGITS) -> object:
    """A form of ``result`` that two engines' answers can be compared in: blank nodes are
    not compared by label, numbers by value (``"19124"`` and ``"19124.0"`` as decimals are
    one number; doubles to ``float_digits`` significant digits), and rows are sorted
    unless the query orders them."""

    def term(t):
        if isinstance(t, ox.BlankNode):
            return "_:"
        if isinstance(t, ox.Literal) and t.datatype.value in _DECIMALS | _FLOATS:
            from decimal import Decimal, InvalidOperation

            try:
                if t.datatype.value in _FLOATS:
                    return f"{float(t.value):.{float_digits}g}^^double"
                return f"{Decimal(t.value).normalize()}^^decimal"
            except (ValueError, InvalidOperation):
                return str(t)
        return None if t is None else str(t)

    if result.form == "ask":
        return result.boolean
    if result.form in ("construct", "describe"):
        return sorted(" ".join(term(x) for x in (t.subject, t.predicate, t.object)) for t in result.triples)
    rows = [tuple(term(t) for t in row) for row in result.rows]
    return (result.variables, rows if ordered else sorted(rows, key=repr))


def agree(a: QueryResult, b: QueryResult, *, ordered: bool, relative: float = 1e-5) -> bool:
    """Whether two engines' answers agree as a store's may: as :func:`comparable` says, with
    doubles equal within ``relative`` (a store that writes six significant digits, as Virtuoso
    does, may round the sixth either way)."""
    if comparable(a, ordered=ordered) == comparable(b, ordered=ordered):
        return True
    ka, kb = comparable(a, ordered=ordered, float_digits=17), comparable(b, ordered=ordered, float_digits=17)
    if not (isinstance(ka, tuple) and isinstance(kb, tuple)) or ka[0] != kb[0] or len(ka[1]) != len(kb[1]):
        return False
    for row_a, row_b in zip(ka[1], kb[1], strict=True):
        for x, y in zip(row_a, row_b, strict=True):
            if x == y:
                continue
            if not (isinstance(x, str) and isinstance(y, str) and x.endswith("^^double") and y.endswith("^^double")):
                return False
            fx, fy = float(x.split("^^")[0]), float(y.split("^^")[0])
            if abs(fx - fy) > relative * max(abs(fx), abs(fy)):
                return False
    return True
