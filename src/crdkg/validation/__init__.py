"""Validation: SHACL shapes (pySHACL) and quality checks (stored SPARQL that must return
no rows), reported together, each result with the file and line of the offending triple
where one can be found."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .model import Result, ValidationReport, severity_rank

__all__ = ["Result", "ValidationReport", "validate", "severity_rank"]

INFERENCE = ("none", "rdfs", "owlrl")


def validate(*, files: Sequence[Path | str] = (), with_data: bool = False, inference: str = "none",
             shapes: bool = True, checks: bool = True, extra_shapes: Sequence[Path | str] = (),
             with_ontology: bool = True) -> ValidationReport:
    """Validate the shipped graph (no ``files``), or ``files`` together with the shipped
    ontology (and the shipped data too with ``with_data``). ``extra_shapes`` are shapes
    files added to the shipped shapes; ``with_ontology=False`` validates ``files`` alone
    (for an ontology of one's own).

    Every file is parsed once; a file that does not parse raises
    :class:`~crdkg.errors.InputError` with its file and line.
    """
    from ..errors import CrdkgError, InputError
    from ..graph import load_graph

    if inference not in INFERENCE:
        raise CrdkgError(f"unknown inference {inference!r} (choose from {', '.join(INFERENCE)})")
    paths = [Path(f) for f in files]
    shape_paths = [Path(f) for f in extra_shapes]
    for p in [*paths, *shape_paths]:
        if not p.is_file():
            raise CrdkgError(f"{p}: no such file")
    parts = (["ontology"] if with_ontology else []) + ["shapes"] + (["data"] if with_data or not paths else [])
    if shape_paths:
        parts.append("user-shapes")
    graph = load_graph(parts=parts, extra=paths, files={"user-shapes": shape_paths})
    if shape_paths:
        sh = "http://www.w3.org/ns/shacl#"
        has_shapes = graph.store.query(
            f"ASK {{ GRAPH ?g {{ ?s a ?t FILTER(?t IN (<{sh}NodeShape>, <{sh}PropertyShape>)) }} }}",
            named_graphs=graph.graph_names(["user-shapes"]))
        if not has_shapes:
            raise InputError("not a shapes file: it holds no sh:NodeShape or sh:PropertyShape",
                             path=", ".join(str(p) for p in shape_paths))
    results: list[Result] = []
    if checks:  # first, on the pyoxigraph store, which the shapes no longer need
        from .checks import run_checks

        results += run_checks(graph)
    if shapes:
        from .shacl import run_shapes

        shape_parts = [p for p in graph.parts if "shapes" in p]
        data = graph.rdflib_graph([p for p in graph.parts if "shapes" not in p])
        shapes_graph = graph.rdflib_graph(shape_parts)
        named = ", ".join(str(p) for part in shape_parts for p in graph.files[part])
        graph.store = None  # this function's own graph: free the store before pySHACL grows
        results += run_shapes(data, shapes_graph, inference=inference, names=named)
    if results:
        from .locate import Locator

        locator = Locator(graph.files)
        results = [locator.locate(r) for r in results]
    validated = [str(p) for part in graph.files if "shapes" not in part for p in graph.files[part]]
    return ValidationReport(results=sorted(results, key=Result.sort_key), files=validated, inference=inference)
