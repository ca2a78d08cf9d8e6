"""Running the SHACL shapes with pySHACL (imported only here, when validating)."""

from __future__ import annotations

import pyoxigraph as ox

from ..errors import InputError
from .model import Result

_SH = "http://www.w3.org/ns/shacl#"
_SEVERITY = {_SH + "Violation": "violation", _SH + "Warning": "warning", _SH + "Info": "info"}


def _text(node) -> str | None:  # type: ignore[no-untyped-def]
    """A readable form of a result node: the IRI, the literal, or ``_:label``."""
    import rdflib

    if node is None:
        return None
    return f"_:{node}" if isinstance(node, rdflib.BNode) else str(node)


def _path_texts(report) -> dict:  # type: ignore[no-untyped-def]
    """The report's result paths as the compiled engine writes them (SPARQL property path
    syntax), read from the copy of each path's structure that the report holds."""
    import rdflib
    from rdflib.namespace import SH

    from ..graph import from_rdflib_term
    from .compiled import ShapesGraph, Unsupported, path_text

    paths = set(report.objects(None, SH.resultPath))
    texts = {p: str(p) for p in paths if not isinstance(p, rdflib.BNode)}
    if len(texts) < len(paths):  # a complex path: read its structure once
        structure = ShapesGraph(ox.Triple(*map(from_rdflib_term, t)) for t in report)
        for p in paths - set(texts):
            try:
                texts[p] = path_text(structure, from_rdflib_term(p))
            except Unsupported:
                texts[p] = f"_:{p}"
    return texts


def run_shapes(data, shapes, *, inference: str = "none", names: str = "",  # type: ignore[no-untyped-def]
               use_shapes: list[str] | None = None) -> list[Result]:
    """Validate the rdflib graph ``data`` against ``shapes`` with pySHACL (only the shapes
    named in ``use_shapes``, if given).

    ``data`` is changed (in place, no copy: pySHACL's advanced mode would clone it, which
    doubles memory on a large graph), so callers pass a graph of their own.
    The objects that exist before validation are frozen out of the garbage collector's
    scans: with millions of terms, its full collections made pySHACL superlinear."""
    import gc

    import pyshacl
    from rdflib.namespace import RDF, SH

    gc.collect()
    gc.freeze()
    try:
        _, report, _ = pyshacl.validate(
            data, shacl_graph=shapes, inference=None if inference == "none" else inference,
            advanced=True, allow_warnings=True, inplace=True, use_shapes=use_shapes)
    except pyshacl.errors.ReportableRuntimeError as err:
        detail = getattr(err, "message", None) or str(err)
        raise InputError(f"invalid shapes ({names}): {detail}") from None
    finally:
        gc.unfreeze()
    from ..graph import from_rdflib_term

    results = []
    paths = _path_texts(report)
    for node in report.subjects(RDF.type, SH.ValidationResult):
        messages = list(report.objects(node, SH.resultMessage))
        english = [m for m in messages if getattr(m, "language", None) in (None, "en")]
        message = str((english or messages or ["(no message)"])[0])
        source = report.value(node, SH.sourceShape)
        results.append(Result(
            severity=_SEVERITY.get(str(report.value(node, SH.resultSeverity)), "violation"),
            focus=_text(report.value(node, SH.focusNode)) or "",
            path=paths.get(report.value(node, SH.resultPath)),
            value=_text(report.value(node, SH.value)),
            message=message,
            source=_text(source) or "",
            component=_text(report.value(node, SH.sourceConstraintComponent)),
            kind="shape",
            focus_term=from_rdflib_term(report.value(node, SH.focusNode)),
            value_term=from_rdflib_term(report.value(node, SH.value)),
        ))
    return results
