"""A small SPARQL lexer: enough to find a query's form, its variables and its WHERE group.

It knows strings, IRIs, comments and braces, so that a ``{`` inside a string or a ``#``
inside an IRI is never taken for syntax. Engines use it to bind parameter values: a
``VALUES`` block of one row joins the values in at the start of the WHERE group and of
every group that mentions a bound variable, so that each scope sees the value, as with
substitution (SPARQL-dev SEP-0007). Values are serialized as RDF terms in N-Triples
syntax; no value can change the query's structure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from collections import namedtuple

import pyoxigraph as ox

from .errors import QueryError

__all__ = ["Token", "tokens", "query_form", "variables", "bind_values", "term_to_sparql"]

_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_VAR = re.compile(r"[?$]\w+")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*(:[^\s{}();,.]*)?")


#: a lexical token: kind is "iri", "string", "var", "word" or "punct"
Token = namedtuple("Token", ["kind", "text", "start"])


def tokens(text: str) -> Iterator[Token]:
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif c in "\"'":
            long = text.startswith(c * 3, i)
            quote = c * 3 if long else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                if text[j] == "\\":
                    j += 1
                elif not long and text[j] in "\r\n":
                    raise QueryError(f"unterminated string at offset {i}")
                j += 1
            if j >= n:
                raise QueryError(f"unterminated string at offset {i}")
            j += len(quote)
            yield Token("string", text[i:j], i)
            i = j
        elif c == "<" and (m := _IRI.match(text, i)):
            yield Token("iri", m.group(), i)
            i = m.end()
        elif c in "?$" and (m := _VAR.match(text, i)):
            yield Token("var", m.group(), i)
            i = m.end()
        elif m := _WORD.match(text, i):
            yield Token("word", m.group(), i)
            i = m.end()
        else:
            yield Token("punct", c, i)
            i += 1


def query_form(text: str) -> str:
    """``select``, ``ask``, ``construct`` or ``describe``; updates are refused."""
    for tok in tokens(text):
        if tok.kind == "word":
            word = tok.text.upper()
            if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                return word.lower()
            if word in ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"):
                raise QueryError(f"{word} is a SPARQL update; crdkg runs queries only")
    raise QueryError("no SELECT, ASK, CONSTRUCT or DESCRIBE found in the query")


def variables(text: str) -> set[str]:
    """The names of the variables that the query mentions (without ``?``)."""
    return {t.text[1:] for t in tokens(text) if t.kind == "var"}


def _group_openings(text: str, names: set[str]) -> list[int]:
    """Offsets just after each ``{`` that opens the WHERE group, or a group that mentions
    one of ``names`` directly (not only inside a nested group). Braces of VALUES data
    blocks and of a CONSTRUCT template are not groups."""
    form = None
    seen_where = False
    closed_top = 0
    after_values = False
    stack: list[tuple[str, int, bool]] = []  # (kind, offset after "{", mentions a name)
    found: list[int] = []
    where_at = None
    for tok in tokens(text):
        if tok.kind == "word":
            word = tok.text.upper()
            if not stack and form is None and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = word
            elif not stack and word == "WHERE":
                seen_where = True
            elif word == "VALUES":
                after_values = True
        elif tok.kind == "var":
            if stack and stack[-1][0] == "group" and tok.text[1:] in names:
                kind, at, _ = stack[-1]
                stack[-1] = (kind, at, True)
        elif tok.kind == "punct" and tok.text == "{":
            at = tok.start + 1
            if after_values:
                kind = "data"
                after_values = False
            elif not stack and form == "CONSTRUCT" and not seen_where and closed_top == 0:
                kind = "template"
            else:
                kind = "group"
                if not stack and where_at is None:
                    where_at = at
            stack.append((kind, at, False))
        elif tok.kind == "punct" and tok.text == "}":
            if not stack:
                raise QueryError(f"unbalanced '}}' at offset {tok.start}")
            kind, at, mentioned = stack.pop()
            if kind == "group" and (mentioned or at == where_at):
                found.append(at)
            if not stack:
                closed_top += 1
    if stack:
        raise QueryError("unbalanced '{' in the query")
    if where_at is None:
        raise QueryError("the query has no WHERE group to bind parameters in")
    return sorted(set(found))


def term_to_sparql(term: ox.NamedNode | ox.Literal) -> str:
    """A term in SPARQL syntax. pyoxigraph writes canonical N-Triples, which escapes
    ``"``, ``\\``, line feeds and carriage returns in literals and refuses IRIs with
    spaces or ``>``, so the result is always exactly one RDF term."""
    if not isinstance(term, (ox.NamedNode, ox.Literal)):
        raise TypeError(f"only IRIs and literals can be bound, not {term!r}")
    return str(term)


def bind_values(text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """The query with ``bindings`` joined in as a VALUES block at the start of its WHERE group."""
    if not bindings:
        return text
    names = sorted(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"invalid variable name {name!r}")
    head = " ".join("?" + n for n in names)
    row = " ".join(term_to_sparql(bindings[n]) for n in names)
    block = f" VALUES ({head}) {{ ({row}) }} "
    out = []
    last = 0
    for at in _group_openings(text, set(names)):
        out += [text[last:at], block]
        last = at
    out.append(text[last:])
    return "".join(out)
