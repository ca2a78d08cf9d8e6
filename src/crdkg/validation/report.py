"""Rendering a validation report: text, JSON, the SHACL validation report in Turtle,
JUnit XML for CI dashboards, and GitHub Actions annotations."""

from __future__ import annotations

import json
import os
from collections import defaultdict

from ..choices import REPORT_FORMATS
from ..terms import escape, quoteattr, serialized
from .model import SEVERITIES, Result, ValidationReport, severity_rank

FORMATS = REPORT_FORMATS


def _short(iri: str | None) -> str:
    import pyoxigraph as ox

    from ..terms import short as short_term  # the same prefixes as query results

    if iri is None:
        return ""
    if iri.startswith(("http://", "https://", "urn:", "file:")) and " " not in iri:
        try:
            return short_term(ox.NamedNode(iri))
        except ValueError:
            return iri
    return iri


def _where(r: Result) -> str:
    if r.file is None:
        return ""
    return f"{_relative(r.file)}:{r.line}" if r.line else _relative(r.file)


def _relative(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def _summary(report: ValidationReport) -> str:
    v, w, i = (report.count(s) for s in SEVERITIES)
    state = "Conforms" if report.conforms() else "Does not conform"
    other = len(report.results) - v - w - i
    extra = f", {other} of other severities" if other else ""
    return f"{state}: {v} violation{'s' * (v != 1)}, {w} warning{'s' * (w != 1)}, {i} info{extra}"


def render_text(report: ValidationReport) -> str:
    by_focus: dict[str, list[Result]] = defaultdict(list)
    for r in report.results:
        by_focus[r.focus].append(r)
    out = []
    for focus, results in by_focus.items():
        first = results[0]
        where = _where(first)
        out.append(f"{_short(focus)}" + (f"  ({where})" if where else ""))
        for r in results:
            label = r.severity.upper() if r.severity in SEVERITIES else _short(r.severity)
            out.append(f"  {label}: {r.message}")
            details = []
            if r.path:
                details.append(f"path {_short(r.path)}")
            if r.value:
                details.append(f"value {_short(r.value)}")
            details.append(f"{'check' if r.kind == 'check' else 'shape'} {_short(r.source)}")
            if r.file and _where(r) != where:
                details.append(f"at {_where(r)}")
            out.append("    " + "; ".join(details))
        out.append("")
    if report.fallback:  # only the default engine hands shapes over
        shapes = ", ".join(f"{_short(shape)} ({why})" for shape, why in sorted(report.fallback.items()))
        out.append(f"Note: {len(report.fallback)} shape{'s' * (len(report.fallback) != 1)} ran in pySHACL, "
                   f"which the SPARQL compiler does not cover: {shapes}")
    out.append(_summary(report))
    return "\n".join(out) + "\n"


def render_json(report: ValidationReport) -> str:
    doc = {
        "conforms": report.conforms(),
        "violations": report.count("violation"),
        "warnings": report.count("warning"),
        "infos": report.count("info"),
        "inference": report.inference,
        "routes": report.routes,
        "fallback": report.fallback,
        "files": [_relative(f) for f in report.files],
        "results": [
            {"severity": r.severity, "focusNode": r.focus, "resultPath": r.path, "value": r.value,
             "message": r.message, "sourceShape": r.source, "kind": r.kind,
             "sourceConstraintComponent": r.component,
             "file": _relative(r.file) if r.file else None, "line": r.line}
            for r in report.results
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def render_turtle(report: ValidationReport) -> str:
    """The standard SHACL validation report (sh:ValidationReport): ``sh:conforms`` true only
    when there are no results at all (SHACL 3.6.1, whatever ``--fail-on`` says), complex
    result paths as path structures, source shapes as they are in the shapes graph (a blank
    node stays one); checks are results whose sh:sourceShape is the check's IRI."""
    import pyoxigraph as ox

    from ..namespaces import RDF, SH, XSD
    from .model import path_triples, severity_iri

    triples: list[ox.Triple] = []
    root = ox.BlankNode("report")

    def add(s, p, o):
        triples.append(ox.Triple(s, ox.NamedNode(p), o))

    def node(text: str):
        if text.startswith("_:"):
            return ox.BlankNode(text[2:])
        try:
            return ox.NamedNode(text)
        except ValueError:
            return ox.Literal(text)

    add(root, RDF + "type", ox.NamedNode(SH + "ValidationReport"))
    add(root, SH + "conforms", ox.Literal("true" if report.shacl_conforms else "false",
                                          datatype=ox.NamedNode(XSD + "boolean")))
    for i, r in enumerate(report.results, 1):
        res = ox.BlankNode(f"r{i}")
        add(root, SH + "result", res)
        add(res, RDF + "type", ox.NamedNode(SH + "ValidationResult"))
        add(res, SH + "resultSeverity", ox.NamedNode(severity_iri(r.severity)))
        add(res, SH + "focusNode", r.focus_term if r.focus_term is not None else node(r.focus))
        add(res, SH + "resultMessage", ox.Literal(r.message, language="en"))
        add(res, SH + "sourceShape", r.source_term if r.source_term is not None else node(r.source))
        if r.path_term is not None:
            add(res, SH + "resultPath", path_triples(r.path_term, triples))  # type: ignore[arg-type]
        elif r.path and not r.path.startswith(("^", "(")):
            add(res, SH + "resultPath", node(r.path))
        if r.value_term is not None:
            add(res, SH + "value", r.value_term)
        elif r.value is not None:
            add(res, SH + "value", node(r.value))
        if r.component:
            add(res, SH + "sourceConstraintComponent", node(r.component))
    from ..namespaces import PREFIXES

    prefixes = {"sh": SH, **{k: v for k, v in PREFIXES.items() if k in ("crd", "crdsh", "crdid", "rdf", "xsd")}}
    return serialized(triples, ox.RdfFormat.TURTLE, prefixes).decode("utf-8")


def _path_and_value(r: Result) -> str:
    """`` (path P) (value V)``, for one-line formats."""
    return (f" (path {_short(r.path)})" if r.path else "") + (f" (value {_short(r.value)})" if r.value else "")


def render_junit(report: ValidationReport) -> str:
    """JUnit XML: one test case per shape or check that produced results (failed), plus one
    passing case when the graph conforms, so dashboards count something."""
    by_source: dict[str, list[Result]] = defaultdict(list)
    for r in report.results:
        by_source[r.source].append(r)
    failures = sum(1 for rs in by_source.values() if any(severity_rank(r.severity) == 0 for r in rs))
    cases = []
    for source, results in sorted(by_source.items()):
        body = "\n".join(f"{_where(r) or '-'}: {r.severity}: {_short(r.focus)}: {r.message}{_path_and_value(r)}"
                         for r in results)
        tag = "failure" if any(severity_rank(r.severity) == 0 for r in results) else "system-out"
        first = results[0]
        inner = (f'<failure message={quoteattr(first.message)} type="{first.severity}">{escape(body)}</failure>'
                 if tag == "failure" else f"<system-out>{escape(body)}</system-out>")
        cases.append(f'    <testcase classname="crdkg.validate" name={quoteattr(_short(source))}>{inner}</testcase>')
    if not cases:
        cases.append('    <testcase classname="crdkg.validate" name="shapes and checks"/>')
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites tests="{len(cases)}" failures="{failures}">',
        f'  <testsuite name="crdkg validate" tests="{len(cases)}" failures="{failures}" errors="0">',
        *cases,
        "  </testsuite>",
        "</testsuites>",
    ]) + "\n"


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(report: ValidationReport) -> str:
    """GitHub Actions workflow commands: ``::error file=F,line=L,title=T::message``."""
    level = {"violation": "error", "warning": "warning", "info": "notice"}
    out = []
    for r in report.results:
        props = []
        if r.file:
            props.append(f"file={_gh_escape(_relative(r.file), prop=True)}")
            if r.line:
                props.append(f"line={r.line}")
        props.append(f"title={_gh_escape(_short(r.source), prop=True)}")
        msg = f"{_short(r.focus)}: {r.message}{_path_and_value(r)}"
        out.append(f"::{level.get(r.severity, 'error')} {','.join(props)}::{_gh_escape(msg)}")
    out.append(_summary(report))
    return "\n".join(out) + "\n"


def github_error(path: str, line: int | None, column: int | None, message: str) -> str:
    """A file that could not be read, as a GitHub Actions annotation on its line."""
    props = [f"file={_gh_escape(_relative(path), prop=True)}"]
    if line:
        props.append(f"line={line}")
        if column:
            props.append(f"col={column}")
    props.append("title=crdkg validate")
    return f"::error {','.join(props)}::{_gh_escape(message)}\n"


def render(report: ValidationReport, fmt: str) -> str:
    return {"text": render_text, "json": render_json, "turtle": render_turtle, "junit": render_junit,
            "github": render_github}[fmt](report)
