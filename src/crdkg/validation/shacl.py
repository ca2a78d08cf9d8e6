"""Running the SHACL shapes with pySHACL (imported only here, when validating)."""

from __future__ import annotations

from ..errors import InputError
from ..graph import from_rdflib_term, to_rdflib_term
from ..httpclient import one_line
from ..namespaces import SH
from .model import NotAPath, Result, path_text, read_path, severity_name, term_text
from .shapesgraph import TARGETS


def _without_targets(shapes, keep: list):
    """A copy of the rdflib shapes graph in which only the shapes in ``keep`` have targets:
    the others stay, so that the shapes they name (sh:node, sh:property) are all there."""
    import rdflib
    from rdflib.namespace import OWL, RDF, RDFS

    kept = {to_rdflib_term(t) for t in keep}
    targets = {rdflib.URIRef(SH + n) for n in TARGETS}
    classes = {RDFS.Class, OWL.Class}
    copy = rdflib.Graph(bind_namespaces="none")
    for s, p, o in shapes:
        if s not in kept and (p in targets or (p == RDF.type and o in classes)):
            continue
        copy.add((s, p, o))
    return copy


def _imported_prefixes(shapes) -> None:
    """Give each value of sh:prefixes the sh:declare statements of the ontologies it imports
    (owl:imports, transitively: SHACL 5.2.1), which pySHACL does not follow itself."""
    import rdflib
    from rdflib.namespace import OWL

    prefixes, declare = rdflib.URIRef(SH + "prefixes"), rdflib.URIRef(SH + "declare")
    for holder in set(shapes.objects(None, prefixes)):
        seen, todo = {holder}, list(shapes.objects(holder, OWL.imports))
        while todo:
            imported = todo.pop()
            if imported in seen:
                continue
            seen.add(imported)
            for decl in list(shapes.objects(imported, declare)):
                shapes.add((holder, declare, decl))
            todo += shapes.objects(imported, OWL.imports)


def _literal_true_only(shapes) -> None:
    """Drop boolean parameters written other than ``true``/``false`` (``"1"^^xsd:boolean``):
    SHACL names the literal true, so such a value does not turn a component on, while
    pySHACL reads it as True."""
    import rdflib

    for name in ("uniqueLang", "closed", "deactivated", "qualifiedValueShapesDisjoint"):
        pred = rdflib.URIRef(SH + name)
        for s, o in list(shapes.subject_objects(pred)):
            if not isinstance(o, rdflib.Literal) or str(o) not in ("true", "false"):
                shapes.remove((s, pred, o))


def _ignored_only_when_closed(shapes) -> None:
    """Drop sh:ignoredProperties from shapes that are not closed (sh:closed true): SHACL reads
    it only as a parameter of sh:closed, so alone it does nothing, where pySHACL refuses the
    shape; crdkg's engine and this route then agree."""
    import rdflib

    ignored, closed = rdflib.URIRef(SH + "ignoredProperties"), rdflib.URIRef(SH + "closed")
    for s, o in list(shapes.subject_objects(ignored)):
        if (s, closed, rdflib.Literal(True)) not in shapes:
            shapes.remove((s, ignored, o))


def run_pyshacl(data, shapes, *, inference: str = "none", names: str = "",
               only: list | None = None) -> list[Result]:
    """Validate the rdflib graph ``data`` against ``shapes`` with pySHACL (only the targeted
    shapes in ``only``, if given).

    ``data`` is changed (in place, no copy: pySHACL's advanced mode would clone it, which
    doubles memory on a large graph), so callers pass a graph of their own.
    The objects that exist before validation are frozen out of the garbage collector's
    scans: with millions of terms, its full collections made pySHACL superlinear."""
    import gc

    import pyshacl
    from rdflib.namespace import RDF
    from rdflib.namespace import SH as RSH

    from ..graph import quiet_rdflib

    quiet_rdflib()
    _imported_prefixes(shapes)
    _literal_true_only(shapes)
    _ignored_only_when_closed(shapes)
    if only is not None:
        shapes = _without_targets(shapes, only)
    import logging

    # pySHACL logs what it refuses to stderr (a second and third line): its exception says it once
    quiet = logging.getLogger("pyshacl-validate")
    gc.collect()
    gc.freeze()
    try:
        quiet.disabled = True
        _, report, _ = pyshacl.validate(
            data, shacl_graph=shapes, inference=None if inference == "none" else inference,
            advanced=True, allow_warnings=True, inplace=True)
    except pyshacl.errors.ReportableRuntimeError as err:
        detail = getattr(err, "message", None) or str(err)
        raise InputError(f"invalid shapes ({names}): {one_line(detail)}") from None
    except (NotImplementedError, RecursionError) as err:
        raise InputError(f"pySHACL cannot validate with these shapes ({names}): "
                         f"{type(err).__name__}: {one_line(str(err))}") from None
    except Exception as err:  # pySHACL's own failures (ValidationFailure, ...) are not ours to trace
        raise InputError(f"pySHACL failed on these shapes ({names}): {type(err).__name__}: "
                         f"{one_line(str(err))}") from None
    finally:
        quiet.disabled = False
        gc.unfreeze()

    def value(node, iri: str):
        import rdflib

        return from_rdflib_term(report.value(to_rdflib_term(node), rdflib.URIRef(iri)))

    results = []
    for root in report.subjects(RDF.type, RSH.ValidationReport):
        for node in report.objects(root, RSH.result):  # sh:detail results are not results of their own
            messages = list(report.objects(node, RSH.resultMessage))
            english = [m for m in messages if getattr(m, "language", None) in (None, "en")]
            message = str((english or messages or ["(no message)"])[0])
            path = None
            path_node = from_rdflib_term(report.value(node, RSH.resultPath))
            if path_node is not None:
                try:
                    path = read_path(value, path_node)
                except NotAPath:
                    path = None
            focus = from_rdflib_term(report.value(node, RSH.focusNode))
            val = from_rdflib_term(report.value(node, RSH.value))
            source = from_rdflib_term(report.value(node, RSH.sourceShape))
            component = from_rdflib_term(report.value(node, RSH.sourceConstraintComponent))
            results.append(Result(
                severity=severity_name(from_rdflib_term(report.value(node, RSH.resultSeverity))),
                focus=term_text(focus) if focus is not None else "", path=path_text(path),
                value=None if val is None else term_text(val), message=message,
                source=term_text(source) if source is not None else "",
                component=None if component is None else term_text(component), kind="shape",
                focus_term=focus, value_term=val, source_term=source, path_term=path))
    return results
