"""Writing query results: a readable table, CSV, TSV, Markdown and the W3C JSON and XML
result formats for SELECT and ASK; Turtle, N-Triples and JSON-LD for CONSTRUCT and DESCRIBE."""

from __future__ import annotations

import pyoxigraph as ox

from .choices import GRAPH_FORMATS, TABLE_FORMATS
from .engines.base import QueryResult, Term
from .errors import CrdkgError
from .namespaces import SPARQL_RESULTS, XSD
from .terms import escape, quoteattr, serialized, short, used_prefixes

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

__all__ = ["GRAPH_FORMATS", "TABLE_FORMATS", "display_width", "write_result"]



def display_width(text: str) -> int:
    """Columns that ``text`` takes in a terminal: wide (CJK) characters take two."""
    if text.isascii():
        return len(text)
    import unicodedata

    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def terminal_width() -> int | None:
    """The columns of the terminal that standard output writes to (``COLUMNS`` first, as
    shells set it), or None when output goes to a file or a pipe: then tables keep every
    character of every cell."""
    import os
    import sys

    try:
        if os.environ.get("COLUMNS"):
            return max(int(os.environ["COLUMNS"]), 20)
        if sys.stdout.isatty():
            return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        pass
    return None


def fit_widths(widths: list[int], total: int, *, gap: int = 2, least: int = 8) -> list[int]:
    """Column widths that fit ``total`` columns of terminal: the widest columns give way
    first, none below ``least`` (or its own width, if narrower)."""
    widths = list(widths)
    while sum(widths) + gap * (len(widths) - 1) > total:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= least:
            break
        widths[widest] -= 1
    return widths


def clip(text: str, width: int) -> str:
    """``text`` shortened to ``width`` terminal columns, with an ellipsis where cut."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` terminal columns (wide characters take two)."""
    return text + " " * max(0, width - display_width(text))


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns, broken at spaces (a word wider
    than a line is broken between characters); wide (CJK) characters take two columns."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if display_width(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        while display_width(word) > width:
            cut, used = 0, 0
            while cut < len(word) and used + display_width(word[cut]) <= width:
                used += display_width(word[cut])
                cut += 1
            cut = max(cut, 1)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def _table(result: QueryResult, *, markdown: bool = False) -> str:
    if result.form == "ask":
        return ("true" if result.boolean else "false") + "\n"
    header = list(result.variables)
    body = [[short(t).replace("\n", " ") for t in row] for row in result.rows]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in body]
        return "\n".join(lines) + "\n"
    widths = [display_width(h) for h in header]
    for row in body:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
    columns = terminal_width()
    if columns is not None and sum(widths) + 2 * (len(widths) - 1) > columns:
        widths = fit_widths(widths, columns)
        header = [clip(h, w) for h, w in zip(header, widths, strict=True)]
        body = [[clip(c, w) for c, w in zip(row, widths, strict=True)] for row in body]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - display_width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in body]
    out.append(f"({len(body)} row{'s' if len(body) != 1 else ''})")
    return "\n".join(out) + "\n"


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def csv_field(text: str) -> str:
    """A CSV field (RFC 4180, as SPARQL 1.1 CSV results use it): quoted, with quotes doubled,
    when it holds a comma, a quote or a line break (as the ``csv`` module writes it)."""
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_row(fields: Sequence[str]) -> str:
    if len(fields) == 1 and not fields[0]:
        return '""\r\n'  # a lone empty field, quoted so that the line is not blank
    return ",".join(csv_field(f) for f in fields) + "\r\n"


def _delimited(result: QueryResult, *, tsv: bool) -> str:
    if result.form == "ask":
        return ("true" if result.boolean else "false") + "\n"
    if tsv:  # SPARQL 1.1 TSV: terms in N-Triples syntax, header with ?
        lines = ["\t".join("?" + v for v in result.variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
        return "\n".join(lines) + "\n"
    return csv_row(result.variables) + "".join(csv_row([_csv_value(t) for t in row]) for row in result.rows)


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD + "string":
        out["datatype"] = term.datatype.value
    return out


def _json(result: QueryResult) -> str:
    import json

    if result.form == "ask":
        doc: dict = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [{v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
                    for row in result.rows]
        doc = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD + "string":
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _xml(result: QueryResult) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<sparql xmlns="' + SPARQL_RESULTS + '">']
    if result.form == "ask":
        out += ["  <head/>", f"  <boolean>{'true' if result.boolean else 'false'}</boolean>"]
    else:
        out.append("  <head>")
        out += [f"    <variable name={quoteattr(v)}/>" for v in result.variables]
        out += ["  </head>", "  <results>"]
        for row in result.rows:
            out.append("    <result>")
            out += [f"      <binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                    for v, t in zip(result.variables, row, strict=True) if t is not None]
            out.append("    </result>")
        out.append("  </results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


def _graph(result: QueryResult, fmt: str) -> str:
    triples = sorted(result.triples, key=str)
    if fmt == "ntriples":
        return "".join(f"{t} .\n" for t in triples)
    if fmt == "turtle":
        return serialized(triples, ox.RdfFormat.TURTLE, used_prefixes(triples)).decode("utf-8")
    if fmt == "rdfxml":  # what SPARQLWrapper asks a CONSTRUCT for by default
        return serialized(triples, ox.RdfFormat.RDF_XML, used_prefixes(triples)).decode("utf-8")
    import json

    from .jsonld import jsonld_document

    return json.dumps(jsonld_document(triples), ensure_ascii=False, indent=2) + "\n"


def without_iri_columns(result: QueryResult) -> QueryResult:
    """``result`` without the columns whose every value is an IRI (or missing): the labels,
    codes and numbers a reader wants in a spreadsheet."""
    if result.form != "select":
        return result
    keep = [i for i in range(len(result.variables))
            if not all(row[i] is None or isinstance(row[i], ox.NamedNode) for row in result.rows)]
    return QueryResult(form="select", variables=tuple(result.variables[i] for i in keep),
                       rows=tuple(tuple(row[i] for i in keep) for row in result.rows))


def write_result(result: QueryResult, fmt: str) -> str:
    """``result`` in format ``fmt``; a format that does not fit the query form is an error."""
    if result.form in ("construct", "describe"):
        if fmt in ("table", "markdown", "csv", "tsv"):  # one row per triple
            rows = tuple((t.subject, t.predicate, t.object) for t in sorted(result.triples, key=str))
            result = QueryResult(form="select", variables=("subject", "predicate", "object"),
                                 rows=rows)  # type: ignore[arg-type]  # (an RDF-star triple is written as one)
        elif fmt not in GRAPH_FORMATS:
            raise CrdkgError(f"--format {fmt} does not fit a {result.form.upper()} query; use one of "
                             f"{', '.join(GRAPH_FORMATS)} (or table, markdown, csv, tsv: a row per triple)")
        else:
            return _graph(result, fmt)
    if fmt in GRAPH_FORMATS:
        raise CrdkgError(f"--format {fmt} does not fit a {result.form.upper()} query; "
                         f"use one of {', '.join(TABLE_FORMATS)}")
    if fmt in ("table", "markdown"):
        return _table(result, markdown=fmt == "markdown")
    if fmt in ("csv", "tsv"):
        return _delimited(result, tsv=fmt == "tsv")
    if fmt == "json":
        return _json(result)
    if fmt == "xml":
        return _xml(result)
    raise CrdkgError(f"unknown --format {fmt!r}")
