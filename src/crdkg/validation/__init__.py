"""Validation: SHACL shapes and quality checks (stored SPARQL that must return no rows),
reported together, each result with the file and line of the offending triple where one
can be found.

Shapes run in one of two engines: ``sparql`` (the default) compiles them to SPARQL and runs
them on the pyoxigraph store the data was parsed into (:mod:`.compiled`), handing any shape
that uses a feature it does not compile to pySHACL; ``pyshacl`` runs them all with pySHACL
on an rdflib copy of the data (:mod:`.shacl`), as inference (rdfs, owlrl) requires."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .model import Result, ValidationReport, severity_rank

__all__ = ["Result", "ValidationReport", "validate", "severity_rank"]

INFERENCE = ("none", "rdfs", "owlrl")
ENGINES = ("sparql", "pyshacl")


def validate(*, files: Sequence[Path | str] = (), with_data: bool = False, inference: str = "none",
             shapes: bool = True, checks: bool = True, extra_shapes: Sequence[Path | str] = (),
             with_ontology: bool = True, engine: str = "sparql") -> ValidationReport:
    """Validate the shipped graph (no ``files``), or ``files`` together with the shipped
    ontology (and the shipped data too with ``with_data``). ``extra_shapes`` are shapes
    files added to the shipped shapes; ``with_ontology=False`` validates ``files`` alone
    (for an ontology of one's own). ``engine`` is ``sparql`` or ``pyshacl`` (see the module
    documentation); with ``inference`` other than ``none``, shapes run in pySHACL.

    Every file is parsed once; a file that does not parse raises
    :class:`~crdkg.errors.InputError` with its file and line.
    """
    from ..errors import CrdkgError, InputError
    from ..graph import load_graph

    if inference not in INFERENCE:
        raise CrdkgError(f"unknown inference {inference!r} (choose from {', '.join(INFERENCE)})")
    if engine not in ENGINES:
        raise CrdkgError(f"unknown validation engine {engine!r} (choose from {', '.join(ENGINES)})")
    paths = [Path(f) for f in files]
    shape_paths = [Path(f) for f in extra_shapes]
    for p in [*paths, *shape_paths]:
        if not p.is_file():
            raise CrdkgError(f"{p}: no such file")
    parts = (["ontology"] if with_ontology else []) + ["shapes"] + (["data"] if with_data or not paths else [])
    if shape_paths:
        parts.append("user-shapes")
    # in memory, not from the on-disk cache: its store answers the many joins several times slower
    graph = load_graph(parts=parts, extra=paths, files={"user-shapes": shape_paths}, cache=False)
    if shape_paths:
        sh = "http://www.w3.org/ns/shacl#"
        has_shapes = graph.store.query(
            f"ASK {{ GRAPH ?g {{ ?s a ?t FILTER(?t IN (<{sh}NodeShape>, <{sh}PropertyShape>)) }} }}",
            named_graphs=graph.graph_names(["user-shapes"]))
        if not has_shapes:
            raise InputError("not a shapes file: it holds no sh:NodeShape or sh:PropertyShape",
                             path=", ".join(str(p) for p in shape_paths))
    results: list[Result] = []
    if checks:  # on the pyoxigraph store, before pySHACL (if a shape needs it) frees it
        from .checks import run_checks

        results += run_checks(graph)
    if shapes:
        results += _run_shapes(graph, inference=inference, engine=engine)
    if results:
        from .locate import Locator

        results = Locator(graph.files).locate_all(results)
    validated = [str(p) for part in graph.files if "shapes" not in part for p in graph.files[part]]
    return ValidationReport(results=sorted(results, key=Result.sort_key), files=validated, inference=inference)


def _run_shapes(graph, *, inference: str, engine: str) -> list[Result]:  # type: ignore[no-untyped-def]
    """The shapes' results, from the compiled SPARQL and/or pySHACL. Frees the store of
    ``graph`` (this module's own) before pySHACL needs memory."""
    from ..errors import InputError

    shape_parts = [p for p in graph.parts if "shapes" in p]
    data_parts = [p for p in graph.parts if "shapes" not in p]
    named = ", ".join(str(p) for part in shape_parts for p in graph.files[part])
    results: list[Result] = []
    use_shapes = None
    if engine == "sparql" and inference == "none":
        from .compiled import ShapeError, ShapesGraph, compile_shapes, run_plan

        default = graph.graph_names(data_parts)
        store = graph.store

        def run(query: str):  # type: ignore[no-untyped-def]
            try:
                return store.query(query, default_graph=default)
            except (SyntaxError, OSError, RuntimeError) as err:
                raise InputError(f"invalid shapes ({named}): a SPARQL query of a shape failed: {err}") from None

        shapes_graph = ShapesGraph(graph.quads(shape_parts))
        try:
            plan = compile_shapes(shapes_graph, run)
            if not plan.everything_to_pyshacl:
                results = run_plan(plan, shapes_graph, run)
        except ShapeError as err:
            raise InputError(f"invalid shapes ({named}): {err}") from None
        if not plan.everything_to_pyshacl:
            if not plan.fallback:
                return results
            use_shapes = [s.value for s in plan.fallback]
    from .shacl import run_shapes

    data = graph.rdflib_graph(data_parts)
    shapes_rdflib = graph.rdflib_graph(shape_parts)
    graph.store = None  # this function's own graph: free the store before pySHACL grows
    return results + run_shapes(data, shapes_rdflib, inference=inference, names=named, use_shapes=use_shapes)
