"""Writing query results: a readable table, CSV, TSV, Markdown and the W3C JSON and XML
result formats for SELECT and ASK; Turtle, N-Triples and JSON-LD for CONSTRUCT and DESCRIBE."""

from __future__ import annotations

import pyoxigraph as ox

from .engines.base import QueryResult, Term
from .errors import CrdkgError
from .namespaces import PREFIXES, split_iri

TYPE_CHECKING = False  # typing costs 2-5 ms of every cold command
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

__all__ = ["TABLE_FORMATS", "GRAPH_FORMATS", "write_result", "display_width"]

TABLE_FORMATS = ("table", "csv", "tsv", "json", "xml", "markdown")
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld")


def escape(text: str) -> str:
    """Text for XML character data (``xml.sax.saxutils`` would import all of urllib)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """Text as a double-quoted XML attribute value."""
    return '"' + escape(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;") + '"'


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


def _short(term: Term | None) -> str:
    """A term as a person reads it: prefixed IRIs, literals without quotes."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        split = split_iri(term.value, lambda local: all(c.isalnum() or c in "-_." for c in local))
        return f"{split[0]}:{split[1]}" if split else f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def used_prefixes(triples) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The prefixes of :data:`PREFIXES` whose namespace some IRI of ``triples`` starts with."""
    iris = {t.value for tr in triples for t in (tr.subject, tr.predicate, tr.object) if isinstance(t, ox.NamedNode)}
    iris |= {t.datatype.value for tr in triples for t in (tr.object,) if isinstance(t, ox.Literal)}
    return {p: ns for p, ns in PREFIXES.items() if any(i.startswith(ns) for i in iris)}


def _table(result: QueryResult, *, markdown: bool = False) -> str:
    if result.form == "ask":
        return ("true" if result.boolean else "false") + "\n"
    header = list(result.variables)
    body = [[_short(t).replace("\n", " ") for t in row] for row in result.rows]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in body]
        return "\n".join(lines) + "\n"
    widths = [display_width(h) for h in header]
    for row in body:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - display_width(c)) for c, w in zip(cells, widths)).rstrip()

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
    when it holds a comma, a quote or a line break. (The ``csv`` module writes the same, and
    costs 1% of a cold query to import.)"""
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
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _json(result: QueryResult) -> str:
    import json

    if result.form == "ask":
        doc: dict = {"head": {}, "boolean": bool(result.boolean)}
    else:
        doc = {"head": {"vars": list(result.variables)}, "results": {"bindings": [
            {v: _json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]}}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _xml(result: QueryResult) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.form == "ask":
        out += ["  <head/>", f"  <boolean>{'true' if result.boolean else 'false'}</boolean>"]
    else:
        out.append("  <head>")
        out += [f"    <variable name={quoteattr(v)}/>" for v in result.variables]
        out += ["  </head>", "  <results>"]
        for row in result.rows:
            out.append("    <result>")
            out += [f"      <binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                    for v, t in zip(result.variables, row) if t is not None]
            out.append("    </result>")
        out.append("  </results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


def _graph(result: QueryResult, fmt: str) -> str:
    triples = sorted(result.triples, key=str)
    if fmt == "ntriples":
        return "".join(f"{t} .\n" for t in triples)
    if fmt == "turtle":
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used_prefixes(triples)).decode("utf-8")
    import json

    from .export import jsonld_document

    return json.dumps(jsonld_document(triples), ensure_ascii=False, indent=2) + "\n"


def write_result(result: QueryResult, fmt: str) -> str:
    """``result`` in format ``fmt``; a format that does not fit the query form is an error."""
    if result.form in ("construct", "describe"):
        if fmt == "table":
            fmt = "turtle"
        if fmt not in GRAPH_FORMATS:
            raise CrdkgError(f"--format {fmt} does not fit a {result.form.upper()} query; "
                             f"use one of {', '.join(GRAPH_FORMATS)}")
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
