"""Which engine runs which shape: the compiled SPARQL engine where it covers a shape,
pySHACL for the rest (or for all, with ``--engine pyshacl`` or inference); the report
records the route of every targeted shape and why a shape went to pySHACL.

Before either engine runs, the SPARQL in the shapes is checked (:mod:`.sparqlshapes`): a
query that SHACL's pre-binding rules forbid, or one that would reach the network
(``SERVICE``), refuses the shapes graph."""

from __future__ import annotations

import pyoxigraph as ox

from ..errors import InputError
from ..graph import KnowledgeGraph
from .compiled import ShapeError, ShapesGraph, compile_shapes, run_plan, targeted_shapes
from .model import Result, term_text
from .sparqlshapes import check_lists, check_shape_queries


def route_shapes(graph: KnowledgeGraph, *, shape_parts: list[str], data_parts: list[str], inference: str,
               engine: str, routes: dict[str, list[str]], fallback: dict[str, str]) -> list[Result]:
    """The shapes' results. ``routes`` and ``fallback`` are filled in (see
    :class:`~crdkg.validation.model.ValidationReport`). Frees the store of ``graph``
    (validation's own) before pySHACL needs memory."""
    named = ", ".join(str(p) for part in shape_parts for p in graph.files[part])
    shapes = ShapesGraph(graph.quads(shape_parts))
    try:
        check_shape_queries(shapes)
        check_lists(shapes)
    except ShapeError as err:
        raise InputError(f"invalid shapes ({named}): {err}") from None
    tops = targeted_shapes(shapes)
    results: list[Result] = []
    to_pyshacl: list[object] | None = None  # None: every shape
    if engine == "sparql" and inference == "none":
        default = graph.graph_names(data_parts)
        store = graph.store

        def run(query: str, substitutions: dict | None = None):
            try:
                return store.query(query, default_graph=default, substitutions=substitutions)
            except (SyntaxError, OSError, RuntimeError, ValueError) as err:
                raise ShapeError(f"a SPARQL query of a shape failed: {err}") from None

        try:
            names = graph.graph_names(shape_parts)
            plan = compile_shapes(shapes, run, encoded=graph.encoded > 0,
                                  shapes_graph=names[0] if len(names) == 1 and isinstance(names[0], ox.NamedNode)
                                  else None)
            if not plan.everything_to_pyshacl:
                results = run_plan(plan, shapes, run)
        except ShapeError as err:
            raise InputError(f"invalid shapes ({named}): {err}") from None
        if plan.everything_to_pyshacl:
            reason = plan.reason or "a feature that changes every shape"
            fallback.update({term_text(t): reason for t in tops})
        else:
            fallback.update({term_text(t): why for t, why in plan.fallback.items()})
            routes["sparql"] = [term_text(t) for t in tops if t not in plan.fallback]
            to_pyshacl = list(plan.fallback)
            if not to_pyshacl:
                return results
    if to_pyshacl is None:
        to_pyshacl = tops
    routes["pyshacl"] = [term_text(t) for t in tops if t in to_pyshacl]
    from .shacl import run_pyshacl

    data = graph.rdflib_graph(data_parts)
    shapes_rdflib = graph.rdflib_graph(shape_parts)
    graph.store = None  # type: ignore[assignment]  # validation's own graph: free it before pySHACL grows
    only = None if len(to_pyshacl) == len(tops) else to_pyshacl
    return results + run_pyshacl(data, shapes_rdflib, inference=inference, names=named, only=only)
