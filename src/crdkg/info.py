"""``crdkg info`` and ``crdkg queries``: what the graph and the catalogue hold, from stored queries."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .api import catalogue
from .catalogue import StoredQuery
from .engines.base import Engine, QueryResult
from .querying import run_stored
from .results import write_result

__all__ = ["graph_info", "render_catalogue", "render_info"]


def graph_info(engine: Engine) -> dict[str, QueryResult]:
    """The answers of the stored queries ``about`` and ``class-counts``."""
    cat = catalogue()
    return {name: run_stored(cat[name], engine) for name in ("about", "class-counts")}


def render_info(info: dict[str, QueryResult], fmt: str, where: str) -> str:
    about = info["about"].values()
    counts = info["class-counts"]
    if fmt == "json":
        doc = {"source": where, "about": about[0] if about else {},
               "classes": counts.values()}
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    lines = [f"crdkg knowledge graph ({where})"]
    if about:
        a = about[0]
        lines += [f"  ontology: {a['ontology']}  version {a['version']}",
                  f"  title:    {a.get('title') or ''}",
                  f"  licence:  {a.get('license') or ''}",
                  f"  triples:  {a['triples']}"]
    lines += ["", "Instances per class:", ""]
    table = write_result(counts, "markdown" if fmt == "markdown" else "table")
    return "\n".join(lines) + "\n" + table


def render_catalogue(queries: Sequence[StoredQuery], fmt: str) -> str:
    if fmt == "json":
        doc = [{"name": q.name, "summary": q.summary, "form": q.form, "tags": list(q.tags),
                "params": [{"name": p.name, "type": p.type, "required": p.required, "default": p.default,
                            "accepts": p.accepts, "description": p.description} for p in q.params]}
               for q in queries]
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    rows = []
    for q in queries:
        params = ", ".join(f"{p.name}{'' if p.required else '?'}={p.default}" if p.default else
                           f"{p.name}{'' if p.required else '?'}" for p in q.params)
        rows.append((q.name, params, q.summary))
    if fmt == "markdown":
        out = ["| name | parameters | summary |", "|---|---|---|"]
        out += [f"| {n} | {p} | {s} |" for n, p, s in rows]
        return "\n".join(out) + "\n"
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    out = [f"{'NAME'.ljust(w0)}  {'PARAMETERS'.ljust(w1)}  SUMMARY"]
    out += [f"{n.ljust(w0)}  {p.ljust(w1)}  {s}" for n, p, s in rows]
    return "\n".join(out) + "\n"


