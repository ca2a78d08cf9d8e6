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
             shapes: bool = True, checks: bool = True) -> ValidationReport:
    """Validate the shipped graph (no ``files``), or ``files`` together with the shipped
    ontology (and the shipped data too with ``with_data``).

    Every file is parsed once; a file that does not parse raises
    :class:`~crdkg.errors.InputError` with its file and line.
    """
    from ..errors import CrdkgError
    from ..graph import load_graph

    if inference not in INFERENCE:
        raise CrdkgError(f"unknown inference {inference!r} (choose from {', '.join(INFERENCE)})")
    paths = [Path(f) for f in files]
    for p in paths:
        if not p.is_file():
            raise CrdkgError(f"{p}: no such file")
    parts = ["ontology", "shapes"] + (["data"] if with_data or not paths else [])
    graph = load_graph(parts=parts, extra=paths)
    results: list[Result] = []
    if shapes:
        from .shacl import run_shapes

        results += run_shapes(graph, inference=inference)
    if checks:
        from .checks import run_checks

        results += run_checks(graph)
    if results:
        from .locate import Locator

        locator = Locator(graph.files)
        results = [locator.locate(r) for r in results]
    validated = [str(p) for part in graph.files if part != "shapes" for p in graph.files[part]]
    return ValidationReport(results=sorted(results, key=Result.sort_key), files=validated, inference=inference)
