"""Quality checks: stored SPARQL files ``queries/checks/<name>-violation.rq`` that must
return no rows, run on the embedded pyoxigraph store over the graph being validated."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .. import resources
from ..catalogue import parse_query_file
from ..graph import KnowledgeGraph
from ..namespaces import CHECK_NAMESPACE
from .model import SEVERITIES, Result, term_text


def check_files(folder: Path | None = None) -> list[Path]:
    return sorted((folder or resources.check_dir()).glob("*-violation.rq"))


def _severity(header: dict | None) -> str:
    value = str((header or {}).get("severity", "violation")).lower()
    return value if value in SEVERITIES else "violation"


def run_checks(graph: KnowledgeGraph, parts: list[str] | None = None, folder: Path | None = None) -> list[Result]:
    """The checks' results over the data ``parts`` (default: every part but the shapes)."""
    from ..aswritten import original

    default = graph.graph_names(parts if parts is not None else [p for p in graph.parts if "shapes" not in p])
    results = []
    for path in check_files(folder):
        check = parse_query_file(path)
        severity = _severity(check.header)
        name = path.stem.removesuffix("-violation")
        solutions = graph.store.query(check.text, default_graph=default)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        for sol in solutions:
            row = {n: original(sol[n]) for n in names}

            def text(key: str, row: dict = row) -> str | None:
                term = row.get(key)
                return None if term is None else term_text(term)

            message = check.summary
            if row.get("other") is not None:
                message += f" (also {text('other')})"
            results.append(Result(severity=severity, focus=text("focus") or "", path=text("path"),
                                  value=text("value"), message=message, source=CHECK_NAMESPACE + name,
                                  kind="check", focus_term=row.get("focus"), value_term=row.get("value"),
                                  source_term=ox.NamedNode(CHECK_NAMESPACE + name),
                                  path_term=row.get("path") if isinstance(row.get("path"), ox.NamedNode) else None))
    return results
