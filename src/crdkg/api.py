"""The Python API behind the command line: engines, stored and ad hoc queries."""

from __future__ import annotations

from .catalogue import Catalogue, load_catalogue
from .choices import QUERY_ENGINES as ENGINES
from .engines.base import Engine, QueryResult, Term
from .errors import CrdkgError
from .graph import KnowledgeGraph, load_graph
from .querying import run_stored

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping, Sequence

__all__ = ["catalogue", "embedded_engine", "endpoint_engine", "run_query", "run_sparql"]

_default_engine: Engine | None = None


def catalogue() -> Catalogue:
    """The stored queries shipped with crdkg."""
    return load_catalogue()


def embedded_engine(*, kind: str = "oxigraph", graph: KnowledgeGraph | None = None,
                    data: Sequence[str] = (), cache: bool | None = None) -> Engine:
    """An engine over the embedded graph: the shipped graph, with the RDF files ``data``
    added (unless a parsed ``graph`` is given); ``cache`` as for :func:`crdkg.graph.load_graph`."""
    graph = graph if graph is not None else load_graph(extra=list(data), cache=cache)
    if kind == "oxigraph":
        from .engines.oxigraph import OxigraphEngine

        return OxigraphEngine(graph)
    if kind == "rdflib":
        from .engines.rdflib import RdflibEngine

        return RdflibEngine(graph)
    raise CrdkgError(f"unknown engine {kind!r} (engines: {', '.join(ENGINES)})")


def endpoint_engine(url: str, *, default_graphs: Sequence[str] | None = None, timeout: float = 30.0) -> Engine:
    """An engine over a remote SPARQL 1.1 endpoint (credentials from the environment)."""
    from .engines.endpoint import EndpointEngine

    return EndpointEngine(url, default_graphs=default_graphs, timeout=timeout)


def _engine(engine: Engine | None) -> Engine:
    global _default_engine
    if engine is not None:
        return engine
    if _default_engine is None:
        _default_engine = embedded_engine()
    return _default_engine


def run_query(name: str, /, *, engine: Engine | None = None, **params: str) -> QueryResult:
    """Run the stored query ``name`` with its parameters given as text, e.g.
    ``run_query("divisions-in-region", region="west")``."""
    engine = _engine(engine)
    return run_stored(catalogue()[name], engine, {k: str(v) for k, v in params.items()})


def run_sparql(text: str, /, *, engine: Engine | None = None,
               bindings: Mapping[str, Term] | None = None, prefixes: bool = False) -> QueryResult:
    """Run ad hoc SPARQL, with variables bound to RDF terms (never pasted into the text).
    With ``prefixes``, crdkg's prefixes (:data:`crdkg.namespaces.PREFIXES`) need no
    ``PREFIX`` line; a parse error's columns are still those of ``text``."""
    from . import sparqltext
    from .errors import QueryError

    shift = 0
    if prefixes:
        from .namespaces import PREFIXES

        text, shift = sparqltext.with_prefixes(text, PREFIXES)
    try:
        return _engine(engine).query(text, bindings=bindings)
    except QueryError as err:
        raise QueryError(sparqltext.shifted(str(err), shift)) from None
