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


def _short_value(value: str) -> str:
    """A default or an example as people type it: an IRI of crdkg as a prefixed name."""
    from .namespaces import split_iri

    split = split_iri(value) if "://" in value else None
    return f"{split[0]}:{split[1]}" if split else value


def _param_list(q: StoredQuery) -> str:
    out = []
    for p in q.params:
        name = p.name + ("" if p.required else "?")
        if p.default:
            out.append(f"{name}={_short_value(p.default)}")
        elif p.example:
            out.append(f"{name} (e.g. {p.example})")
        else:
            out.append(name)
    return ", ".join(out)


def example_command(q: StoredQuery) -> str:
    """A command line that runs ``q``, with its required parameters' examples."""
    args = ["crdkg", "query", q.name]
    for name, value in q.example_params().items():
        args.append(f"--param {name}={value}" if " " not in value else f'--param "{name}={value}"')
    return " ".join(args)


def render_query_help(q: StoredQuery) -> str:
    """What ``crdkg query NAME --help`` (and ``crdkg queries NAME``) prints: the query's
    summary and description, each parameter with what it accepts, its default and its
    example, and a command that runs it."""
    import textwrap

    from .results import terminal_width

    width = min(terminal_width() or 100, 100)
    lines = [f"{q.name}: {q.summary}", ""]
    if q.description:
        lines += [*textwrap.wrap(q.description, width), ""]
    if q.params:
        lines.append("Parameters (--param NAME=VALUE):")
        for p in q.params:
            kind = "required" if p.required else (f"optional, default {_short_value(p.default)}" if p.default
                                                  else "optional")
            lines.append(f"  {p.name} ({kind})")
            detail = [p.description] if p.description else []
            detail.append(f"accepts {p.accepts}")
            if p.example:
                detail.append(f"example: {p.example}")
            lines += textwrap.wrap("; ".join(detail), width, initial_indent="      ", subsequent_indent="      ")
        lines.append("")
    else:
        lines += ["No parameters.", ""]
    if q.computed:
        lines.append("Columns computed by crdkg (SPARQL 1.1 has no function for them):")
        lines += [f"  {c}" for c in q.computed]
        lines.append("")
    lines += ["Example:", f"  {example_command(q)}", ""]
    return "\n".join(lines)


def render_catalogue(queries: Sequence[StoredQuery], fmt: str) -> str:
    if fmt == "json":
        doc = [{"name": q.name, "summary": q.summary, "form": q.form, "tags": list(q.tags),
                "example": example_command(q),
                "params": [{"name": p.name, "type": p.type, "required": p.required, "default": p.default,
                            "example": p.example, "accepts": p.accepts, "description": p.description}
                           for p in q.params]}
               for q in queries]
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        out = ["| name | parameters | summary |", "|---|---|---|"]
        for q in queries:
            params = ", ".join(f"{p.name}{'' if p.required else '?'}={p.default}" if p.default else
                               f"{p.name}{'' if p.required else '?'}" for p in q.params)
            out.append(f"| {q.name} | {params} | {q.summary} |")
        return "\n".join(out) + "\n"
    from .results import display_width, fit_widths, pad, terminal_width, wrap

    rows = [(q.name, _param_list(q), q.summary) for q in queries]
    widths = [max(display_width(r[i]) for r in [("NAME", "PARAMETERS", "SUMMARY"), *rows]) for i in range(3)]
    columns = terminal_width()
    if columns is not None:
        widths = fit_widths(widths, columns, least=20)
    out = []
    for n, p, s in [("NAME", "PARAMETERS", "SUMMARY"), *rows]:
        cells = [wrap(x, w) or [""] for x, w in zip((n, p, s), widths, strict=True)]
        for i in range(max(map(len, cells))):
            parts = [c[i] if i < len(c) else "" for c in cells]
            out.append("  ".join(pad(x, w) for x, w in zip(parts, widths, strict=True)).rstrip())
    out += ["", "crdkg queries NAME (or crdkg query NAME --help) describes one, with an example command."]
    return "\n".join(out) + "\n"
