"""The fallback embedded engine: the graph in rdflib and its pure-Python SPARQL engine."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from .. import sparqltext
from ..errors import QueryError
from ..graph import KnowledgeGraph, from_rdflib_term, to_rdflib_term
from .base import Engine, QueryResult, Term


class RdflibEngine(Engine):
    name = "rdflib"

    def __init__(self, graph: KnowledgeGraph) -> None:
        self.graph = graph

    def describe(self) -> str:
        return "embedded graph (rdflib)"

    def query(self, text: str, *, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        from pyparsing import ParseException

        form = sparqltext.query_form(text)
        dataset: list[str] = []
        text = sparqltext.without_dataset(text, dataset=dataset)  # rdflib would fetch a FROM graph from the web
        rdf = self.graph.rdflib_graph(self.graph.query_parts(dataset))
        if not self.allow_service:
            sparqltext.refuse_service(text, where="the query")
        init = {k: to_rdflib_term(v) for k, v in (bindings or {}).items()}
        try:
            result = rdf.query(text, initBindings=init)
            if form == "ask":
                return QueryResult(form="ask", boolean=bool(result.askAnswer))
            if form == "select":
                variables = tuple(str(v) for v in result.vars or ())
                rows = tuple(tuple(from_rdflib_term(row[i]) for i in range(len(variables)))  # type: ignore[index]
                             for row in result)
                return QueryResult(form="select", variables=variables, rows=rows)
            triples = tuple(ox.Triple(*(from_rdflib_term(t) for t in triple))  # type: ignore[union-attr]
                            for triple in result)
            return QueryResult(form=form, triples=triples)
        except ParseException as err:
            raise QueryError(sparqltext.parse_error(str(err))) from None
        except Exception as err:  # rdflib raises plain exceptions for evaluation errors
            raise QueryError(f"the query failed: {type(err).__name__}: {err}") from None
