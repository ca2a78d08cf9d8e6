"""Validation: SHACL shapes and quality checks (stored SPARQL that must return no rows),
reported together, each result with the file and line of the offending triple where one
can be found.

Shapes run in one of two engines (:mod:`.routing` decides which runs which shape):
``sparql`` (the default) compiles SHACL Core to SPARQL (:mod:`.compiled`) and runs SHACL-SPARQL
(:mod:`.sparqlshapes`) on the pyoxigraph store the data was parsed into, handing any shape
that uses a feature it does not compile to pySHACL; ``pyshacl`` runs them all with pySHACL on
an rdflib copy of the data (:mod:`.shacl`), as inference (rdfs, owlrl) requires. Literals are
checked as the files write them (:mod:`crdkg.aswritten`). Both pass the W3C SHACL test suite
(``tests/test_shacl_conformance.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..choices import INFERENCE
from ..choices import VALIDATION_ENGINES as ENGINES
from .model import Result, ValidationReport, severity_rank

__all__ = ["Result", "ValidationReport", "severity_rank", "validate"]



def validate(*, files: Sequence[Path | str] = (), with_data: bool = False, inference: str = "none",
             shapes: bool = True, checks: bool = True, extra_shapes: Sequence[Path | str] = (),
             with_ontology: bool = True, engine: str = "sparql", shapes_only: bool = False) -> ValidationReport:
    """Validate the shipped graph (no ``files``), or ``files`` together with the shipped
    ontology, with the shipped data as context (so that ``files`` may point at shipped
    resources) and only the results located in ``files`` reported; ``with_data`` reports on
    the shipped data too. ``extra_shapes`` are shapes
    files added to the shipped shapes; ``with_ontology=False`` validates ``files`` alone
    (for an ontology of one's own). ``engine`` is ``sparql`` or ``pyshacl`` (see the module
    documentation); with ``inference`` other than ``none``, shapes run in pySHACL.

    ``shapes_only=True`` validates ``files`` against ``extra_shapes`` alone, as any SHACL
    validator does: no shipped ontology, shapes or quality checks. A file given both as
    data and as shapes is read once and is both (as in the W3C SHACL test suite).

    The shipped deferred parts (the statistics, the places, the census: see
    :data:`~crdkg.namespaces.DEFERRED_PARTS`) come along as context only when ``files`` name one
    of their resources (an observation, a data set, a prefecture or county, a source ...).

    Every file is parsed once, literals kept as written; a file that does not parse raises
    :class:`~crdkg.errors.InputError` with its file and line. Validation reaches no network:
    a shape with a ``SERVICE`` clause is refused.
    """
    from ..errors import CrdkgError

    if inference not in INFERENCE:
        raise CrdkgError(f"unknown inference {inference!r} (choose from {', '.join(INFERENCE)})")
    if engine not in ENGINES:
        raise CrdkgError(f"unknown validation engine {engine!r} (choose from {', '.join(ENGINES)})")
    plan = _plan(files, extra_shapes, with_data=with_data, with_ontology=with_ontology, shapes_only=shapes_only)
    graph = _load(plan)
    results: list[Result] = []
    if checks and not shapes_only:  # on the pyoxigraph store, before pySHACL (if a shape needs it) frees it
        from .checks import run_checks

        results += run_checks(graph, plan.data_parts)
    routes: dict[str, list[str]] = {}
    fallback: dict[str, str] = {}
    if shapes:
        from .routing import route_shapes

        results += route_shapes(graph, shape_parts=plan.shape_parts, data_parts=plan.data_parts,
                                inference=inference, engine=engine, routes=routes, fallback=fallback)
    return _report(graph, plan, results, inference=inference, routes=routes, fallback=fallback)


@dataclass
class _Plan:
    """What a validation reads, and as what: the parts of the graph (shipped and the user's),
    which hold shapes and which data, which go into the store's default graph, and whether the
    shipped data is context only (results in it are not reported)."""

    chosen: dict[str, list[Path]]
    shape_paths: list[Path]
    parts: list[str]
    shape_parts: list[str]
    data_parts: list[str]
    in_default: list[str]
    context: bool


def _plan(files: Sequence[Path | str], extra_shapes: Sequence[Path | str], *, with_data: bool,
          with_ontology: bool, shapes_only: bool) -> _Plan:
    """The plan of :func:`validate`'s reading, after checking the files exist and the options
    agree."""
    from ..errors import CrdkgError
    from ..namespaces import DATA_PARTS, DEFERRED_PARTS

    paths = [Path(f) for f in files]
    shape_paths = [Path(f) for f in extra_shapes]
    if shapes_only:
        if not paths or not shape_paths:
            raise CrdkgError("--shapes-only validates data files against shapes files: give both "
                             "(crdkg validate DATA ... --shapes SHAPES ... --shapes-only)")
        if with_data:
            raise CrdkgError("--shapes-only validates your files alone; it does not take --with-data")
        with_ontology = False
    for p in [*paths, *shape_paths]:
        if not p.is_file():
            raise CrdkgError(f"{p}: {'is a folder, not a file' if p.is_dir() else 'no such file'}")
    both = [p for p in dict.fromkeys(paths) if p in shape_paths]
    data_only = [p for p in dict.fromkeys(paths) if p not in both]
    shapes_alone = [p for p in dict.fromkeys(shape_paths) if p not in both]
    parts = ["ontology"] if with_ontology else []
    if not shapes_only:
        parts.append("shapes")
    # files that extend the shipped graph point at its resources: the shipped data comes along
    # as context, and only results in the user's files are reported
    context = bool(paths) and with_ontology and not with_data
    if with_data or not paths:
        parts += list(DATA_PARTS)
    elif context:  # the deferred parts are added by _load, once the files are seen to name them
        parts += [p for p in DATA_PARTS if p not in DEFERRED_PARTS]
    chosen: dict[str, list[Path]] = {"input": data_only, "both": both, "user-shapes": shapes_alone}
    parts += [p for p, f in chosen.items() if f]
    shape_parts = [p for p in parts if p in ("shapes", "user-shapes", "both")]
    data_parts = [p for p in parts if p not in ("shapes", "user-shapes")]
    # the data in the store's default graph (faster), unless a file is both data and shapes
    # (and the user's files in a graph of their own, so that what they name can be told apart)
    in_default = [] if both else [p for p in data_parts if not (context and p not in DATA_PARTS)]
    return _Plan(chosen={k: v for k, v in chosen.items() if v}, shape_paths=shape_paths, parts=parts,
                 shape_parts=shape_parts, data_parts=data_parts, in_default=in_default, context=context)


def _load(plan: _Plan):
    """The graph of ``plan``, every file parsed once with its literals as written; as context,
    the deferred parts that the user's files name are added (and listed in ``plan.data_parts``)."""
    from ..errors import InputError
    from ..graph import load_graph
    from ..namespaces import DEFERRED_PARTS

    graph = load_graph(parts=plan.parts, files=plan.chosen, cache=False, as_written=True, in_default=plan.in_default)
    if plan.context:
        named = _named_iris(graph, [p for p in plan.chosen if p != "user-shapes"])
        for part in DEFERRED_PARTS:  # several times the rest of the context each: only when named
            texts = _texts_if_described(part, named)
            if texts is not None:
                graph.add_part(part, texts)
                plan.data_parts.append(part)
    if plan.shape_paths and not _uses_shacl(graph, [p for p in plan.shape_parts if p != "shapes"]):
        raise InputError("not a shapes file: it uses no term of the SHACL vocabulary",
                         path=", ".join(str(p) for p in plan.shape_paths))
    return graph


def _report(graph, plan: _Plan, results: list[Result], *, inference: str, routes: dict[str, list[str]],
            fallback: dict[str, str]) -> ValidationReport:
    """The report: each result located (file and line), those in shipped context files left
    out, sorted."""
    from ..namespaces import DATA_PARTS

    if results:
        from .locate import Locator

        results = Locator(graph.files).locate_all(results)
    if plan.context:  # a result located in a shipped file is about the shipped graph, not the user's
        shipped = {str(p) for part in DATA_PARTS for p in graph.files.get(part, [])}
        results = [r for r in results if r.file not in shipped]
    validated = [str(p) for part in plan.data_parts if not (plan.context and part in DATA_PARTS)
                 for p in graph.files[part]]
    return ValidationReport(results=sorted(results, key=Result.sort_key), files=validated, inference=inference,
                            routes=routes, fallback=fallback)


def _named_iris(graph, parts: list[str]) -> set[str]:
    """The IRIs that the files of ``parts`` name as subject or object (terms of the ontology
    aside: a deferred part may say more about them, but the ontology declares them)."""
    from ..namespaces import CRD

    found = graph.store.query(
        "SELECT DISTINCT ?x { { ?x ?p ?o } UNION { ?s ?p ?x } "
        f"FILTER(isIRI(?x) && !STRSTARTS(STR(?x), \"{CRD}\")) }}",
        default_graph=graph.graph_names(parts))
    return {sol[0].value for sol in found}


def _texts_if_described(part: str, iris: set[str]) -> dict[str, bytes] | None:
    """The shipped ``part``'s files (path: bytes, read once, to be parsed from these bytes) when it
    describes (has as a subject) one of ``iris``, so that it is needed as context; None when it
    describes none. Read from the files' text without parsing them: the shipped Turtle is in
    crdkg's canonical form (``crdkg format --check``), which writes each subject on a line of its
    own at the start of a line, as a prefixed name of :data:`~crdkg.namespaces.PREFIXES` or as
    a full IRI."""
    from .. import resources
    from ..namespaces import split_iri

    if not iris:
        return None
    forms = set()
    for iri in iris:
        forms.add(f"\n<{iri}>\n".encode())
        split = split_iri(iri)
        if split:
            forms.add(f"\n{split[0]}:{split[1]}\n".encode())
    texts: dict[str, bytes] = {}
    for path in resources.part_paths(part):
        with open(path, "rb") as fh:
            texts[path] = fh.read()
    return texts if any(form in text for text in texts.values() for form in forms) else None


def _uses_shacl(graph, parts: list[str]) -> bool:
    """True when the files of ``parts`` use a term of the SHACL namespace (as predicate or type)."""
    from ..namespaces import SH as sh

    return bool(graph.store.query(
        f"ASK {{ {{ ?s ?p ?o FILTER(STRSTARTS(STR(?p), \"{sh}\")) }} UNION "
        f"{{ ?s a ?t FILTER(STRSTARTS(STR(?t), \"{sh}\")) }} }}",
        default_graph=graph.graph_names(parts)))
