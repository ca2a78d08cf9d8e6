"""Finding the file and line of the triple behind a validation result.

RDF parsers forget where a triple came from, so the locator reads each Turtle or
N-Triples file again as text (no second RDF parse of the whole file): it splits the file
into statements, parses each statement on its own with the file's prefixes, and finds the
line of each triple's predicate and object within the statement. Other formats get no
line. The index of a file is built only when a result needs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .model import Result

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_DIRECTIVE = re.compile(r"\s*(@prefix|@base|PREFIX|BASE)\b", re.IGNORECASE)


def statements(text: str) -> Iterator[tuple[int, str]]:
    """The top-level statements of a Turtle text, with the line each starts on (from 1)."""
    i, n = 0, len(text)
    start = None
    depth = 0
    line = 1
    start_line = 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
            continue
        if c.isspace():
            i += 1
            continue
        if start is None:
            start, start_line = i, line
            m = _DIRECTIVE.match(text, i)
            if m and not m.group(1).startswith("@"):
                # SPARQL-style PREFIX/BASE: ends after its IRI, no final dot
                iri = _IRI.search(text, i)
                end = iri.end() if iri else text.find("\n", i)
                end = n if end < 0 else end
                yield start_line, text[start:end]
                line += text.count("\n", i, end)
                i, start = end, None
                continue
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            if text[start:i].strip().startswith("#"):
                start = None
            continue
        if c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            j = min(n, j + len(quote))
            line += text.count("\n", i, j)
            i = j
            continue
        if c == "<":
            m = _IRI.match(text, i)
            if m:
                i = m.end()
                continue
        if c in "[(":
            depth += 1
        elif c in "])":
            depth -= 1
        elif c == "." and depth <= 0 and (i + 1 >= n or text[i + 1].isspace() or text[i + 1] == "#"):
            yield start_line, text[start:i + 1]
            start = None
            depth = 0
        i += 1
    if start is not None and text[start:].strip():
        yield start_line, text[start:]


def _key(term: object) -> str:
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return "_:"


@dataclass
class FileIndex:
    path: Path
    triples: dict[tuple[str, str, str], int] = field(default_factory=dict)
    subjects: dict[str, int] = field(default_factory=dict)
    terms: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, path: Path) -> FileIndex:
        index = cls(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return index
        suffix = path.suffix.lower()
        if suffix == ".nt":
            chunks: Iterator[tuple[int, str]] = ((i, l) for i, l in enumerate(text.splitlines(), 1) if l.strip())
        elif suffix == ".ttl":
            chunks = statements(text)
        else:
            return index
        header: list[str] = []
        prefixes: dict[str, str] = {}
        base = path.resolve().as_uri()
        for start_line, chunk in chunks:
            if _DIRECTIVE.match(chunk):
                header.append(chunk if chunk.rstrip().endswith(".") or not chunk.lstrip().startswith("@") else chunk + " .")
                m = re.match(r"\s*(?:@prefix|PREFIX)\s+([^\s:]*):\s*<([^>]*)>", chunk, re.IGNORECASE)
                if m:
                    prefixes[m.group(1)] = m.group(2)
                continue
            try:
                triples = list(ox.parse("\n".join(header) + "\n" + chunk, format=ox.RdfFormat.TURTLE, base_iri=base))
            except SyntaxError:
                continue
            lines = chunk.splitlines()
            root = None
            for q in triples:
                s, p, o = _key(q.subject), _key(q.predicate), _key(q.object)
                if root is None and isinstance(q.subject, ox.NamedNode):
                    root = s
                line = start_line + _offset(lines, q.predicate, q.object, prefixes)
                subject = s if s != "_:" else (root or s)
                index.triples.setdefault((subject, p, o), line)
                index.subjects.setdefault(subject, start_line)
                for t in (subject, p, o):
                    index.terms.setdefault(t, line)
        return index


def _forms(term: object, prefixes: Mapping[str, str]) -> list[str]:
    if isinstance(term, ox.NamedNode):
        iri = term.value
        forms = [f"<{iri}>"]
        forms += [f"{p}:{iri[len(ns):]}" for p, ns in prefixes.items() if iri.startswith(ns)]
        if iri == _RDF_TYPE:
            forms.append(" a ")
        return forms
    if isinstance(term, ox.Literal):
        value = term.value.split("\n", 1)[0][:40]
        return [value] if value else []
    return []


def _find(lines: Sequence[str], forms: Sequence[str], start: int) -> int | None:
    for i in range(start, len(lines)):
        padded = f" {lines[i]} "
        if any(f in padded for f in forms):
            return i
    return None


def _offset(lines: Sequence[str], predicate: object, obj: object, prefixes: Mapping[str, str]) -> int:
    p_line = _find(lines, _forms(predicate, prefixes), 0)
    o_line = _find(lines, _forms(obj, prefixes), p_line or 0)
    if o_line is not None:
        return o_line
    return p_line or 0


class Locator:
    """Adds file and line to results, from the files each part of the graph was read from."""

    def __init__(self, files: Mapping[str, Sequence[Path]]) -> None:
        order = ["input", "data", "ontology"]  # the user's own files first
        self.paths = [p for part in sorted(files, key=lambda x: order.index(x) if x in order else 9)
                      if "shapes" not in part for p in files[part]]
        self._indexes: dict[Path, FileIndex] = {}

    def _index(self, path: Path) -> FileIndex:
        if path not in self._indexes:
            self._indexes[path] = FileIndex.build(path)
        return self._indexes[path]

    def find(self, focus: str, path: str | None, value: str | None) -> tuple[str, int] | None:
        simple = path is not None and not path.startswith(("^", "(")) and " " not in path and "|" not in path
        inverse = path[1:].strip("<>") if path and path.startswith("^") else None
        for file in self.paths:
            idx = self._index(file)
            if simple and value is not None and (focus, path, value) in idx.triples:
                return str(file), idx.triples[(focus, path, value)]
            if inverse and value is not None and (value, inverse, focus) in idx.triples:
                return str(file), idx.triples[(value, inverse, focus)]
        for file in self.paths:
            idx = self._index(file)
            if value is not None:
                for (s, p, o), line in idx.triples.items():
                    if s == focus and value in (p, o):
                        return str(file), line
            if simple and path is not None:
                for (s, p, _), line in idx.triples.items():
                    if s == focus and p == path:
                        return str(file), line
        if path is None and value is not None and value != focus:
            for file in self.paths:  # a graph-wide finding: where the value is used
                idx = self._index(file)
                if value in idx.terms:
                    return str(file), idx.terms[value]
        for file in self.paths:
            idx = self._index(file)
            if focus in idx.subjects:
                return str(file), idx.subjects[focus]
        for file in self.paths:
            idx = self._index(file)
            for term in (value, focus):
                if term is not None and term in idx.terms:
                    return str(file), idx.terms[term]
        return None

    def locate(self, result: Result) -> Result:
        where = self.find(result.focus, result.path, result.value)
        return result.located(*where) if where else result
