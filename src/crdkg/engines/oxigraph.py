"""The embedded engine: the graph in a pyoxigraph (Rust) in-memory store."""

from __future__ import annotations

import pyoxigraph as ox

from .. import sparqltext
from ..errors import QueryError
from ..graph import KnowledgeGraph
from .base import Engine, QueryResult, Term

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterator, Mapping
    from typing import Any


class OxigraphEngine(Engine):
    name = "oxigraph"

    def __init__(self, graph: KnowledgeGraph) -> None:
        self.graph = graph

    def describe(self) -> str:
        return "embedded graph (pyoxigraph)"

    def query(self, text: str, *, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        # pyoxigraph's own substitution (SEP-0007) refuses variables that are not projected
        # and ASK and CONSTRUCT queries, so values are substituted as terms, as on an endpoint.
        # the FROM clauses choose the parts (a part not read is not parsed); the user's files always
        sparqltext.check_size(text)  # pyoxigraph's parser would end the process on a query nested too deep
        dataset: list[str] = []
        named: list[str] = []
        text = sparqltext.substitute(text, dict(bindings or {}), keep_dataset=False, dataset=dataset, named=named)
        if not self.allow_service:
            sparqltext.refuse_service(text, where="the query")
        try:
            result = self.graph.query(text, dataset, named_graphs=named or None)
            return convert(text, result, max_rows=self.max_rows)  # solutions are computed while they are read
        except SyntaxError as err:
            sparqltext.refuse_update(text)
            raise QueryError(sparqltext.parse_error(str(err))) from None
        except (OSError, ValueError, RuntimeError) as err:
            raise QueryError(f"the query failed: {err}") from None


def convert(text: str, result: object, *, max_rows: int | None = None) -> QueryResult:
    """The result of the query ``text`` as a :class:`QueryResult`; its form is read from
    the result's type (the text is read only to tell CONSTRUCT from DESCRIBE). More than
    ``max_rows`` rows (or triples) is a :class:`QueryError`."""
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(form="ask", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        if max_rows is None:
            rows = tuple(tuple(sol) for sol in result)  # a solution iterates its values, None where unbound
        else:
            rows = tuple(_at_most(result, max_rows))
        return QueryResult(form="select", variables=variables, rows=rows)
    if max_rows is not None:
        assert isinstance(result, ox.QueryTriples)
        return QueryResult(form=sparqltext.query_form(text), triples=tuple(_at_most(result, max_rows, triples=True)))
    assert isinstance(result, ox.QueryTriples)
    return QueryResult(form=sparqltext.query_form(text), triples=tuple(result))


def _at_most(result: ox.QuerySolutions | ox.QueryTriples, limit: int, *, triples: bool = False) -> Iterator[Any]:
    for n, item in enumerate(result):
        if n >= limit:
            raise QueryError(f"the result has more than {limit} {'triples' if triples else 'rows'} "
                             "(the limit of this server; add LIMIT, or ask its operator for --max-rows)")
        yield item if triples else tuple(item)
