"""Quality checks: stored SPARQL files ``queries/checks/<name>-violation.rq`` that must
return no rows, run on the embedded pyoxigraph store over the graph being validated.

A check whose query depends on the data (the Data Cube's IC-20 and IC-21 follow a property
path of the code list's own parent-child property) says so in its header::

    #+ each:
    #+   placeholder: "urn:crdkg:each:p"
    #+   query: "SELECT DISTINCT ?p WHERE { ... }"

and runs once for each IRI that the ``query`` returns, with the IRI in place of the
placeholder IRI (as the recommendation's "instantiation" of those constraints)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .. import resources
from ..catalogue import parse_query_file
from ..graph import KnowledgeGraph
from ..namespaces import CHECK_NAMESPACE
from .model import SEVERITIES, Result, term_text

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterator


def check_files(folder: Path | None = None) -> list[Path]:
    return sorted((folder or resources.check_dir()).glob("*-violation.rq"))


def _severity(header: dict | None) -> str:
    value = str((header or {}).get("severity", "violation")).lower()
    return value if value in SEVERITIES else "violation"


def _solutions(graph: KnowledgeGraph, text: str, header: dict | None, default: list) -> Iterator[
        tuple[ox.QuerySolution, list[str]]]:
    """Each solution of a check's query, with the names of its variables (see the module
    documentation for ``each``)."""
    each = (header or {}).get("each")
    texts = [text]
    if isinstance(each, dict):
        placeholder = f"<{each['placeholder']}>"
        found = graph.store.query(str(each["query"]), default_graph=default)
        assert isinstance(found, ox.QuerySolutions)
        texts = [text.replace(placeholder, str(sol[0])) for sol in found if isinstance(sol[0], ox.NamedNode)]
    for t in texts:
        solutions = graph.store.query(t, default_graph=default)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        for sol in solutions:
            yield sol, names


def run_checks(graph: KnowledgeGraph, parts: list[str] | None = None, folder: Path | None = None) -> list[Result]:
    """The checks' results over the data ``parts`` (default: every part but the shapes)."""
    from ..aswritten import original

    default = graph.graph_names(parts if parts is not None else [p for p in graph.parts if "shapes" not in p])
    results = []
    for path in check_files(folder):
        check = parse_query_file(path)
        severity = _severity(check.header)
        name = path.stem.removesuffix("-violation")
        for sol, names in _solutions(graph, check.text, check.header, default):
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
