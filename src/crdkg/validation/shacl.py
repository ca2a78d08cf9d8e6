"""Running the SHACL shapes with pySHACL (imported only here, when validating)."""

from __future__ import annotations

from ..errors import InputError
from .model import Result

_SH = "http://www.w3.org/ns/shacl#"
_SEVERITY = {_SH + "Violation": "violation", _SH + "Warning": "warning", _SH + "Info": "info"}


def _path(graph, node) -> str:  # type: ignore[no-untyped-def]
    """A SHACL path in SPARQL property path syntax."""
    import rdflib
    from rdflib.collection import Collection
    from rdflib.namespace import RDF, SH

    if isinstance(node, rdflib.URIRef):
        return f"<{node}>"
    def part(inner) -> str:  # type: ignore[no-untyped-def]  # an operand of / or ^: a sequence in brackets
        return f"({_path(graph, inner)})" if (inner, RDF.first, None) in graph else _path(graph, inner)

    if (node, RDF.first, None) in graph:
        return "/".join(part(n) for n in Collection(graph, node))
    for pred, fmt in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "({})*"),
                      (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
        inner = graph.value(node, pred)
        if inner is not None:
            return fmt.format(part(inner) if pred == SH.inversePath else _path(graph, inner))
    alt = graph.value(node, SH.alternativePath)
    if alt is not None:
        return "(" + "|".join(_path(graph, n) for n in Collection(graph, alt)) + ")"
    return f"_:{node}"


def _text(graph, node, *, path: bool = False) -> str | None:  # type: ignore[no-untyped-def]
    """A readable form of a result node: the IRI or literal, or a SHACL path in SPARQL syntax."""
    import rdflib

    if node is None:
        return None
    if isinstance(node, rdflib.BNode):
        return _path(graph, node) if path else f"_:{node}"
    return str(node)


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
    for node in report.subjects(RDF.type, SH.ValidationResult):
        messages = list(report.objects(node, SH.resultMessage))
        english = [m for m in messages if getattr(m, "language", None) in (None, "en")]
        message = str((english or messages or ["(no message)"])[0])
        source = report.value(node, SH.sourceShape)
        results.append(Result(
            severity=_SEVERITY.get(str(report.value(node, SH.resultSeverity)), "violation"),
            focus=_text(report, report.value(node, SH.focusNode)) or "",
            path=_text(report, report.value(node, SH.resultPath), path=True),
            value=_text(report, report.value(node, SH.value)),
            message=message,
            source=_text(report, source) or "",
            component=_text(report, report.value(node, SH.sourceConstraintComponent)),
            kind="shape",
            focus_term=from_rdflib_term(report.value(node, SH.focusNode)),
            value_term=from_rdflib_term(report.value(node, SH.value)),
        ))
    return results
