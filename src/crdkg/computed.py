"""Computed columns: what a stored query's result needs that SPARQL 1.1 cannot compute.

SPARQL 1.1 has no square root, so a query that needs one returns the square
(``cv_divisions_squared``) and declares the column that crdkg adds in its ``#+`` header::

    #+ computed:
    #+   cv_divisions: sqrt(cv_divisions_squared)

This module is the one place where crdkg computes a value of a stored query's result. The
computed column comes right after its source column; the source stays, so a client that runs
the text elsewhere (a store's console, grlc) gets the same figures and can take the square root
itself. A function is one of :data:`FUNCTIONS` of one result column. An unbound source leaves
the computed value unbound; a source that is not a number, or is negative (a square root of
rounding noise below zero is taken as zero only within :data:`TOLERANCE`), is a
:class:`~crdkg.errors.QueryError` naming the query and the column.
"""

from __future__ import annotations

import math

import pyoxigraph as ox

from .errors import QueryError
from .namespaces import XSD
from .records import Record

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from .engines.base import QueryResult, Term

__all__ = ["FUNCTIONS", "Computed", "apply", "parse"]

#: the functions a computed column can use, by name
FUNCTIONS = {"sqrt": math.sqrt}
#: how far below zero a square may be and still count as zero (floating-point noise)
TOLERANCE = 1e-12
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long")}


class Computed(Record):
    """A computed column: ``name`` = ``function(source)``."""

    __slots__ = ("name", "function", "source")
    name: str
    function: str
    source: str

    def __str__(self) -> str:
        return f"{self.name} = {self.function}({self.source})"


def parse(spec: object, *, where: str) -> tuple[Computed, ...]:
    """The computed columns of a query header's ``computed`` mapping (``name: sqrt(column)``)."""
    if spec is None:
        return ()
    import re
    if not isinstance(spec, dict):
        raise QueryError(f"{where}: computed must map column names to expressions, e.g. 'cv: sqrt(cv_squared)'")
    out = []
    for name, expression in spec.items():
        m = re.fullmatch(r"\s*([a-z]+)\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*", str(expression))
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(name)) or m is None or m.group(1) not in FUNCTIONS:
            raise QueryError(f"{where}: computed column {name!r}: {expression!r} is not one of "
                             f"{', '.join(f + '(column)' for f in FUNCTIONS)}")
        out.append(Computed(name=str(name), function=m.group(1), source=m.group(2)))
    return tuple(out)


def apply(result: QueryResult, computed: tuple[Computed, ...], *, query: str) -> QueryResult:
    """``result`` with the ``computed`` columns added, each after its source column."""
    if not computed or result.form != "select":
        return result
    from .engines.base import QueryResult

    variables = list(result.variables)
    for c in computed:
        if c.source not in variables:
            raise QueryError(f"query {query!r}: computed column {c.name!r} needs column {c.source!r}, "
                             "which the result does not have")
        if c.name in variables:
            raise QueryError(f"query {query!r}: computed column {c.name!r} is already a column of the result")
    rows = [list(row) for row in result.rows]
    for c in computed:
        at = variables.index(c.source)
        for row in rows:
            row.insert(at + 1, _value(row[at], c, query))
        variables.insert(at + 1, c.name)
    return QueryResult(form="select", variables=tuple(variables), rows=tuple(tuple(r) for r in rows))


def _value(term: Term | None, c: Computed, query: str) -> ox.Literal | None:
    if term is None:
        return None
    if not isinstance(term, ox.Literal) or term.datatype.value not in _NUMERIC:
        raise QueryError(f"query {query!r}: column {c.source!r} holds {term}, not a number, so {c.name!r} "
                         "cannot be computed")
    x = float(term.value)
    if x < 0 and c.function == "sqrt":
        if x < -TOLERANCE:
            raise QueryError(f"query {query!r}: column {c.source!r} is negative ({term.value}), so {c.name!r} "
                             "has no square root")
        x = 0.0
    return ox.Literal(repr(FUNCTIONS[c.function](x)), datatype=ox.NamedNode(XSD + "double"))
