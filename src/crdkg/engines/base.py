"""The engine interface and the result type that every engine returns."""

from __future__ import annotations

from abc import ABC, abstractmethod

import pyoxigraph as ox

from ..namespaces import XSD

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterator, Mapping

Term = ox.NamedNode | ox.BlankNode | ox.Literal

__all__ = ["Engine", "QueryResult", "Term", "python_value"]



def python_value(term: Term | None) -> object:
    """A plain Python value for a term: IRIs and strings as str, numbers as int or float,
    booleans as bool; other literals as their lexical form."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt in (XSD + "integer", XSD + "int", XSD + "long", XSD + "positiveInteger",
                  XSD + "nonNegativeInteger", XSD + "short"):
            return int(term.value)
        if dt in (XSD + "decimal", XSD + "double", XSD + "float"):
            return float(term.value)
        if dt == XSD + "boolean":
            return term.value in ("true", "1")
    return term.value


class QueryResult:
    """What a query returned: rows of terms (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE)."""

    __slots__ = ("form", "variables", "rows", "boolean", "triples")

    def __init__(self, form: str, variables: tuple[str, ...] = (), rows: tuple[tuple[Term | None, ...], ...] = (),
                 boolean: bool | None = None, triples: tuple[ox.Triple, ...] = ()) -> None:
        self.form = form
        self.variables = variables
        self.rows = rows
        self.boolean = boolean
        self.triples = triples

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, QueryResult):
            return NotImplemented
        return all(getattr(self, a) == getattr(other, a) for a in self.__slots__)

    def __hash__(self) -> int:
        return hash((self.form, self.variables, self.rows, self.boolean, self.triples))

    def __repr__(self) -> str:
        size = f"{len(self.rows)} rows" if self.form == "select" else (
            f"{self.boolean}" if self.form == "ask" else f"{len(self.triples)} triples")
        return f"QueryResult(form={self.form!r}, variables={self.variables!r}, {size})"

    def __iter__(self) -> Iterator[tuple[Term | None, ...]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows) if self.form == "select" else len(self.triples)

    def records(self) -> list[dict[str, Term | None]]:
        """Each row as a mapping from variable name to term."""
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]

    def values(self) -> list[dict[str, object]]:
        """Each row as a mapping from variable name to a plain Python value."""
        return [{v: python_value(t) for v, t in zip(self.variables, row, strict=True)} for row in self.rows]

    def column(self, name: str) -> list[Term | None]:
        i = self.variables.index(name)
        return [row[i] for row in self.rows]


class Engine(ABC):
    """Runs SPARQL query text with variables bound to RDF terms."""

    name: str = "engine"
    #: whether a query may call remote endpoints (SERVICE); embedded engines refuse it unless
    #: this is set, so that nothing reaches the network unasked
    allow_service: bool = False
    #: the most rows a SELECT may return (None: any number); more is a QueryError, raised
    #: before the rest is computed (``crdkg serve --max-rows``)
    max_rows: int | None = None

    @abstractmethod
    def query(self, text: str, *, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        """Run ``text``; ``bindings`` binds variables (by name, without ``?``) to terms."""

    def describe(self) -> str:
        return self.name

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release what the engine holds."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
