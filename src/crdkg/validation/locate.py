"""Finding the file and line of the triple behind a validation result.

RDF parsers forget where a triple came from, so the locator reads each Turtle or
N-Triples file again as text (no second RDF parse of the whole file): it splits the file
into statements, parses each statement on its own with the file's prefixes, and finds the
line of each triple's predicate and object within the statement. Other formats get no
line. The index of a file is built only when a result needs it, and holds only the
statements about the results' focus nodes (found by the statement's subject, without
parsing the others) and those that mention a term some result looks for anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import RDF
from .model import Result

_RDF_TYPE = RDF + "type"
_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_DIRECTIVE = re.compile(r"\s*(@prefix|@base|PREFIX|BASE)\b", re.IGNORECASE)


#: what can hide a statement's final dot (strings, IRIs, comments), brackets, and the dot
_TOKEN = re.compile(r'''
    """(?:[^"\\]|\\.|"(?!""))*""" | \'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
  | "(?:[^"\\\n]|\\.)*" | '(?:[^'\\\n]|\\.)*'
  | <[^<>"{}|^`\\\x00-\x20]*>
  | \#[^\n]*
  | (?P<open>[\[(]) | (?P<close>[\])])
  | (?P<dot>\.(?=\s|\#|\Z))
''', re.VERBOSE)
_SPACE = re.compile(r"(?:\s+|\#[^\n]*)*")


def comments(text: str) -> dict[int, str]:
    """The comments of a Turtle text by line: the text after ``#`` outside strings and IRIs."""
    out, line, counted = {}, 1, 0
    for tok in _TOKEN.finditer(text):
        if tok.group(0).startswith("#"):
            line += text.count("\n", counted, tok.start())
            counted = tok.start()
            out[line] = tok.group(0).strip()
    return out


def statements(text: str) -> Iterator[tuple[int, str]]:
    """The top-level statements of a Turtle text, with the line each starts on (from 1).
    A regular expression finds the tokens that matter, so the text between them is skipped
    at the regular expression engine's speed."""
    n = len(text)
    pos, line, counted = 0, 1, 0
    while True:
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]  # it matches the empty string
        if pos >= n:
            return
        line += text.count("\n", counted, pos)
        counted = pos
        m = _DIRECTIVE.match(text, pos)
        if m and not m.group(1).startswith("@"):
            # SPARQL-style PREFIX/BASE: ends after its IRI, no final dot
            iri = _IRI.search(text, pos)
            end = iri.end() if iri else text.find("\n", pos)
            end = n if end < 0 else end
            yield line, text[pos:end]
            pos = end
            continue
        depth, end = 0, n
        for tok in _TOKEN.finditer(text, pos):
            if tok.lastgroup == "open":
                depth += 1
            elif tok.lastgroup == "close":
                depth -= 1
            elif tok.lastgroup == "dot" and depth <= 0:
                end = tok.end()
                break
        yield line, text[pos:end]
        pos = end


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
    #: subject -> [(predicate, object, line)], so that a result finds its subject's triples at once
    by_subject: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)

    @classmethod
    def build(cls, path: Path, subjects: Set[str] | None = None, needles: Set[str] = frozenset()) -> FileIndex:
        """The index of ``path``: of every statement, or, with ``subjects``, of the statements
        whose subject is one of them or whose text holds one of ``needles``."""
        index = cls(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return index
        suffix = path.suffix.lower()
        if suffix == ".nt":
            chunks: Iterator[tuple[int, str]] = ((i, line) for i, line in enumerate(text.splitlines(), 1)
                                                 if line.strip())
        elif suffix == ".ttl":
            chunks = statements(text)
        else:
            return index
        header: list[str] = []
        prefixes: dict[str, str] = {}
        base = path.resolve().as_uri()
        for start_line, chunk in chunks:
            if _DIRECTIVE.match(chunk):
                ended = chunk.rstrip().endswith(".") or not chunk.lstrip().startswith("@")
                header.append(chunk if ended else chunk + " .")
                m = re.match(r"\s*(?:@prefix|PREFIX)\s+([^\s:]*):\s*<([^>]*)>", chunk, re.IGNORECASE)
                if m:
                    prefixes[m.group(1)] = m.group(2)
                continue
            if subjects is not None:
                subject = _subject(chunk, prefixes)
                if subject not in subjects and (subject is not None or not chunk.lstrip().startswith(("_:", "[")))\
                        and not any(n in chunk for n in needles):
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
                if (subject, p, o) not in index.triples:
                    index.triples[(subject, p, o)] = line
                    index.by_subject.setdefault(subject, []).append((p, o, line))
                index.subjects.setdefault(subject, start_line)
                for t in (subject, p, o):
                    index.terms.setdefault(t, line)
        return index


_SUBJECT = re.compile(r"\s*(?:<([^<>\s]*)>|([A-Za-z][\w.-]*)?:((?:\\.|[^\s;,\\])*))")


def _subject(chunk: str, prefixes: Mapping[str, str]) -> str | None:
    """The IRI of a statement's subject, read from its first token without parsing; None for
    a blank node, a relative IRI or an unknown prefix (the statement is then parsed)."""
    m = _SUBJECT.match(chunk)
    if m is None:
        return None
    if m.group(1) is not None:
        return m.group(1) if ":" in m.group(1) else None
    ns = prefixes.get(m.group(2) or "")
    local = m.group(3).rstrip(".")
    if "\\" in local:
        local = re.sub(r"\\(.)", r"\1", local)
    return None if ns is None else ns + local


def needle(term: str) -> str:
    """Text that any written form of ``term`` contains: an IRI's last segment (prefixed names
    share it), a literal's first line."""
    if "://" in term or term.startswith("urn:"):
        return re.split(r"[/#:]", term.rstrip("/#"))[-1]
    return term.split("\n", 1)[0][:40]


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

    def __init__(self, files: Mapping[str, Sequence[str | Path]]) -> None:
        order = ["input", "data", "ontology"]  # the user's own files first
        self.paths = [Path(p) for part in sorted(files, key=lambda x: order.index(x) if x in order else 9)
                      if "shapes" not in part for p in files[part]]
        self._indexes: dict[Path, FileIndex] = {}
        self._wanted: tuple[set[str], set[str]] | None = None  # subjects and needles; None: all

    #: with more terms to look for than this, every statement is indexed (linear in the file)
    #: rather than each statement searched for each term (quadratic)
    MAX_NEEDLES = 64

    def _index(self, path: Path) -> FileIndex:
        if path not in self._indexes:
            subjects, needles = self._wanted or (None, set())
            if len(needles) > self.MAX_NEEDLES:
                subjects, needles = None, set()
            self._indexes[path] = FileIndex.build(path, subjects, needles)
        return self._indexes[path]

    def locate_all(self, results: Sequence[Result]) -> list[Result]:
        """Each result with its file and line, reading only the statements the results need:
        those about their focus nodes (and the values of inverse paths) and those that mention
        a value found graph-wide; then, for results still without a line, the statements that
        mention their focus node or value anywhere."""
        subjects = {r.focus for r in results} | {r.value for r in results if r.value and r.path
                                                  and r.path.startswith("^")}
        needles = {needle(r.value) for r in results if r.path is None and r.value and r.value != r.focus}
        self._indexes, self._wanted = {}, (subjects, needles)
        out = [self.locate(r) for r in results]
        missing = {t for r in out if r.line is None for t in (r.focus, r.value) if t}
        if missing:
            self._indexes, self._wanted = {}, (subjects, needles | {needle(t) for t in missing})
            out = [r if r.line is not None else self.locate(r) for r in out]
        return out

    def find(self, focus: str, path: str | None, value: str | None) -> tuple[str, int] | None:
        simple = path is not None and not path.startswith(("^", "(")) and " " not in path and "|" not in path
        inverse = path[1:].strip("<>") if path and path.startswith("^") else None
        for file in self.paths:
            idx = self._index(file)
            if simple and path is not None and value is not None and (focus, path, value) in idx.triples:
                return str(file), idx.triples[(focus, path, value)]
            if inverse and value is not None and (value, inverse, focus) in idx.triples:
                return str(file), idx.triples[(value, inverse, focus)]
        for file in self.paths:
            idx = self._index(file)
            about = idx.by_subject.get(focus, ())
            if value is not None:
                for p, o, line in about:
                    if value in (p, o):
                        return str(file), line
            if simple and path is not None:
                for p, _, line in about:
                    if p == path:
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
