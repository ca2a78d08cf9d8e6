"""The one canonical form of the project's Turtle files.

Terms are grouped under banner comments by kind (classes, object properties, ...,
then instances by class), each subject written by rdflib's ``longturtle`` serializer
in IRI order, so that the same graph always gives the same text and diffs stay small.
``crdkg format`` (and ``make format``) rewrites files; ``crdkg format --check`` fails
when a file is not in this form.

The formatter never changes a graph: the canonical text is parsed back and must give the same
graph, literal for literal as written (lexical forms, datatypes, languages), or the file is
left as it was with an error. It also refuses what the canonical form cannot keep: comments
of the file's own (unless ``drop_comments``), relative IRIs, files that are not Turtle. A file
is replaced atomically (a temporary file in the same folder, flushed to disk, renamed over it).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import rdflib
from rdflib import BNode, URIRef
from rdflib.namespace import OWL, RDF, SH, XSD

from .errors import InputError
from .namespaces import BASE, PREFIXES

__all__ = ["canonical_turtle", "format_files"]

_BANNER = "#" * 65
_KINDS = [
    (OWL.Ontology, "Ontology"),
    (OWL.Class, "Classes"),
    (OWL.ObjectProperty, "Object properties"),
    (OWL.DatatypeProperty, "Datatype properties"),
    (OWL.AnnotationProperty, "Annotation properties"),
    (SH.NodeShape, "Node shapes"),
    (SH.PropertyShape, "Property shapes"),
]
_ORDER = [name for _, name in _KINDS]


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _section(graph: rdflib.Graph, subject: URIRef | BNode) -> str:
    types = set(graph.objects(subject, RDF.type))
    if isinstance(subject, URIRef) and not str(subject).startswith(BASE) and types & {
            OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}:
        return "External terms used here, declared locally (nothing is fetched)"
    for cls, name in _KINDS:
        if cls in types:
            return name
    if isinstance(subject, BNode):
        return "Axioms"
    named = sorted(_local(str(t)) for t in types if isinstance(t, URIRef))
    return named[0] if named else "Other resources"


class _InFull(rdflib.Literal):
    """A literal that the writer writes in full (``"1364"^^xsd:decimal``): rdflib's short
    form would write ``1364.0``, another lexical form, so another RDF term."""

    def _literal_n3(self, use_plain: bool = False, qname_callback=None) -> str:
        return super()._literal_n3(False, qname_callback)


def _written(term: rdflib.term.Node) -> rdflib.term.Node:
    if isinstance(term, rdflib.Literal) and term.datatype == XSD.decimal and not any(c in term for c in ".eE"):
        return _InFull(str(term), datatype=term.datatype, normalize=False)
    return term


def _closure(graph: rdflib.Graph, node: URIRef | BNode, out: rdflib.Graph, seen: set | None = None) -> None:
    seen = set() if seen is None else seen
    seen.add(node)
    for p, o in graph.predicate_objects(node):
        out.add((node, p, _written(o)))
        if isinstance(o, BNode) and o not in seen:  # a cycle of blank nodes ends here
            _closure(graph, o, out, seen)


def _bnode_key(graph: rdflib.Graph, node: BNode, seen: frozenset = frozenset(),
               known: dict[BNode, str] | None = None) -> str:
    """A text that depends only on what a blank node says (recursively), not on its label.
    ``known`` keeps the keys computed (each node's once: a chain of blank nodes a thousand deep
    took quadratic time); it is for graphs whose blank nodes form trees, as the canonical form's
    do (in a cycle a key depends on where the walk began)."""
    if known is not None and node in known:
        return known[node]
    parts = []
    for p, o in graph.predicate_objects(node):
        if isinstance(o, BNode):
            value = "[]" if o in seen else "[" + _bnode_key(graph, o, seen | {node}, known) + "]"
        else:
            value = o.n3()
        parts.append(f"{p.n3()} {value}")
    key = " ; ".join(sorted(parts))
    if known is not None:
        known[node] = key
    return key


def _relabelled(graph: rdflib.Graph) -> rdflib.Graph:
    """``graph`` with its blank nodes labelled by their content, so that the serializer,
    which orders blank-node objects by label, writes them in the same order on every run
    (two blank nodes that say the same keep two labels)."""
    import hashlib

    labels: dict[rdflib.term.Node, BNode] = {}
    used: dict[str, int] = {}
    known: dict[BNode, str] | None = {} if _non_tree_blank_node(graph) is None else None
    for node in sorted({t for triple in graph for t in triple if isinstance(t, BNode)},
                       key=lambda n: _bnode_key(graph, n, known=known)):
        digest = hashlib.sha1(_bnode_key(graph, node, known=known).encode("utf-8")).hexdigest()[:16]
        used[digest] = used.get(digest, 0) + 1
        labels[node] = BNode(f"c{digest}n{used[digest]}")
    out = rdflib.Graph(bind_namespaces="none")
    out.namespace_manager = graph.namespace_manager
    for s, p, o in graph:
        out.add((labels.get(s, s), p, labels.get(o, o)))
    return out


def _block(graph: rdflib.Graph, subject: URIRef | BNode) -> tuple[list[str], str]:
    sub = rdflib.Graph(bind_namespaces="none")
    sub.namespace_manager = graph.namespace_manager
    _closure(graph, subject, sub)
    if any(isinstance(o, BNode) for o in sub.objects()):
        sub = _relabelled(sub)
    text = sub.serialize(format="longturtle")
    prefixes = [line for line in text.splitlines() if line.startswith("PREFIX ")]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("PREFIX ")).strip()
    return prefixes, body


def canonical_turtle(graph: rdflib.Graph) -> str:
    """The canonical Turtle text of ``graph``."""
    nm = graph.namespace_manager
    for prefix, ns in PREFIXES.items():
        nm.bind(prefix, ns, override=True, replace=True)
    subjects = {s for s in graph.subjects()
                if isinstance(s, (URIRef, BNode)) and not (isinstance(s, BNode) and (None, None, s) in graph)}
    sections: dict[str, list[tuple[str, str]]] = {}
    prefix_lines: set[str] = set()
    for s in subjects:
        prefixes, body = _block(graph, s)
        prefix_lines.update(prefixes)
        key = str(s) if isinstance(s, URIRef) else "~" + body
        sections.setdefault(_section(graph, s), []).append((key, body))

    def order(name: str) -> tuple[int, str]:
        if name.startswith("External"):
            return (1, name)
        if name in _ORDER:
            return (0 if name == "Ontology" else 2 + _ORDER.index(name), name)
        return (50 if name != "Axioms" else 99, name)

    out = ["\n".join(sorted(prefix_lines)), ""]
    for name in sorted(sections, key=order):
        if name != "Ontology":
            out += [_BANNER, f"# {name}", _BANNER, ""]
        for _, body in sorted(sections[name]):
            out += [body, ""]
    return "\n".join(out).rstrip("\n") + "\n"


_RELATIVE_BASE = "http://relative.invalid/crdkg-format/"  # a base that no real IRI starts with


def format_files(paths: Iterable[Path], *, check: bool = False, drop_comments: bool = False) -> list[Path]:
    """Rewrite ``paths`` in canonical form, or with ``check`` only list those not in it.
    Every file is checked before any is written; a file that cannot be formatted without
    changing it raises :class:`~crdkg.errors.InputError` and nothing is written."""
    planned = [(path, *_canonical_file(path, drop_comments=drop_comments)) for path in paths]
    changed = [path for path, text, canonical in planned if canonical != text]
    if not check:
        for path, text, canonical in planned:
            if canonical != text:
                write_atomically(path, canonical)  # which sweeps first
            else:
                sweep_stale(path)
    return changed


def _canonical_file(path: Path, *, drop_comments: bool) -> tuple[str, str]:
    """(the file's text, its canonical text), after checking that the canonical text holds
    the same graph and that nothing else of the file is lost."""
    if path.suffix.lower() != ".ttl":
        raise InputError("crdkg format writes Turtle (.ttl) only; this file is left as it is", path=str(path))
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise InputError("is a folder, not a Turtle file", path=str(path)) from None
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", path=str(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"is not UTF-8 (byte {err.start})", path=str(path)) from None
    body = text.removeprefix("\ufeff")
    with as_written(), _deep_enough():
        graph = _parse(body, path)
        relative = next((t for triple in graph for t in triple if str(t).startswith(_RELATIVE_BASE)), None)
        if relative is not None:
            raise InputError(f"uses a relative IRI (<{str(relative)[len(_RELATIVE_BASE):]}>), which the canonical form "
                             "would make absolute; write it in full (left as it is)", path=str(path))
        shared = _non_tree_blank_node(graph)
        if shared is not None:
            raise InputError(f"has a blank node {shared}; the canonical form writes blank nodes as nested [ ... ] "
                             "only, so it cannot be written without changing its graph; left as it is", path=str(path))
        canonical = canonical_turtle(graph)
        if not _same_graph(graph, _parse(canonical, path)):
            raise InputError("cannot be written in the canonical form without changing its graph (blank nodes "
                             "shared or in a cycle, or a literal the writer would change); left as it is",
                             path=str(path))
    if not drop_comments:
        from .validation.locate import comments

        kept = set(comments(canonical).values())
        lost = [(line, c) for line, c in comments(body).items() if c not in kept]
        if lost:
            line, comment = lost[0]
            raise InputError(f"has comments that the canonical form would drop ({comment[:60]!r}); move them into "
                             "rdfs:comment or skos:note, or pass --drop-comments (left as it is)",
                             path=str(path), line=line)
    return text, canonical


class as_written:
    """rdflib keeps literals as written while this is active (it rewrites "01"^^xsd:integer
    as "1" otherwise)."""

    def __enter__(self) -> None:
        self.before = rdflib.NORMALIZE_LITERALS
        rdflib.NORMALIZE_LITERALS = False

    def __exit__(self, *exc: object) -> None:
        rdflib.NORMALIZE_LITERALS = self.before


#: the deepest nesting of blank nodes ([ ... [ ... ] ]) that format reads and writes: rdflib's
#: parser and writer recurse, a few frames a level
MAX_NESTING = 2_000
#: a file larger than this may hold a literal beyond the 16 MiB that Oxigraph's parser (and so
#: crdkg validate) allows: Oxigraph reads it first and refuses it in seconds, where rdflib
#: would take gigabytes
LARGE_FILE = 16 * 1024 * 1024


@contextmanager
def _deep_enough() -> Iterator[None]:
    """Python's recursion limit raised for rdflib's parser and writer to read and write
    :data:`MAX_NESTING` levels of blank nodes (restored after)."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, 10 * MAX_NESTING + 1_000))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def _nesting(text: str) -> int:
    """How deep the blank nodes (``[`` ... ``]``) of Turtle ``text`` nest, strings, IRIs and
    comments aside."""
    import re

    depth = deepest = 0
    for m in re.finditer(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"'
                         r"|'(?:[^'\\\n]|\\.)*'|<[^>\s]*>|#[^\n]*|[\[\]]", text):
        c = m.group(0)
        if c == "[":
            depth += 1
            deepest = max(deepest, depth)
        elif c == "]":
            depth -= 1
    return deepest


def _parse(text: str, path: Path) -> rdflib.Graph:
    import pyoxigraph as ox

    from .graph import _parse_error, quiet_rdflib

    if len(text) > LARGE_FILE:  # Oxigraph first: it refuses a literal over 16 MiB quickly
        try:
            for _ in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=_RELATIVE_BASE):
                pass
        except SyntaxError as located:
            raise _parse_error(str(path), located) from None
        except MemoryError as err:
            raise InputError(f"a single literal or IRI is larger than the parser's limit of 16 MiB ({err})",
                             path=str(path)) from None
    if _nesting(text) > MAX_NESTING:
        raise InputError(f"blank nodes nested deeper than {MAX_NESTING} levels; crdkg format reads and writes at "
                         "most that many (left as it is)", path=str(path))
    quiet_rdflib()
    graph = rdflib.Graph(bind_namespaces="none")
    try:
        graph.parse(data=text, format="turtle", publicID=_RELATIVE_BASE)
    except Exception as err:  # rdflib raises many kinds of parse errors, without a line and column
        try:  # Oxigraph's parser names them: read the text again only on this error path
            for _ in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=_RELATIVE_BASE):
                pass
        except SyntaxError as located:
            raise _parse_error(str(path), located) from None
        except (ValueError, OSError, MemoryError):
            pass
        raise InputError(f"does not parse: {' '.join(str(err).split())[:300]}", path=str(path)) from None
    return graph


def _non_tree_blank_node(graph: rdflib.Graph) -> str | None:
    """How a blank node of ``graph`` is not part of a tree (shared by two triples, or in a
    cycle), or None when all are."""
    parent: dict[BNode, object] = {}
    for s, _, o in graph:
        if isinstance(o, BNode):
            if o in parent:
                return "that two triples share"
            parent[o] = s
    for node in parent:
        seen, up = {node}, parent[node]
        while isinstance(up, BNode) and up in parent:
            if up in seen:
                return "in a cycle"
            seen.add(up)
            up = parent[up]
    return None


def _same_graph(a: rdflib.Graph, b: rdflib.Graph) -> bool:
    """Isomorphic, and every literal the same as written (lexical form, datatype, language)."""
    from rdflib.compare import isomorphic

    def literals(g: rdflib.Graph) -> list[tuple]:
        return sorted((str(o), str(o.datatype or ""), o.language or "") for o in g.objects()
                      if isinstance(o, rdflib.Literal))

    if len(a) != len(b) or literals(a) != literals(b):
        return False
    if _non_tree_blank_node(a) is None and _non_tree_blank_node(b) is None:
        # blank nodes in trees are told by what they hold: compare every statement with its blank
        # nodes written out (rdflib's isomorphism test took 25 s on a chain a thousand deep)
        return _tree_statements(a) == _tree_statements(b)
    return isomorphic(a, b)


def _tree_statements(graph: rdflib.Graph) -> Counter[tuple[str, str, str]]:
    """The statements about IRIs, each blank node written as its whole content; a statement
    said twice through two blank nodes of the same content counts twice."""
    known: dict[BNode, str] = {}

    def text(term: rdflib.term.Node) -> str:
        return "[" + _bnode_key(graph, term, known=known) + "]" if isinstance(term, BNode) else term.n3()

    return Counter((text(s), p.n3(), text(o)) for s, p, o in graph
                   if not isinstance(s, BNode) or not any(True for _ in graph.subject_predicates(s)))


#: what marks crdkg's temporary files: ``.NAME.crdkg.XXXXXXXX.tmp`` beside the file NAME
TMP_MARK = ".crdkg."
#: a temporary file of crdkg's older than this (seconds) was left by a process that was killed
STALE_AFTER = 3600


def sweep_stale(path: Path) -> list[Path]:
    """Remove the temporary files that a killed ``crdkg format`` left beside ``path`` (named
    as :func:`write_atomically` names them, and older than :data:`STALE_AFTER`, so that a run
    still writing is left alone); the removed files."""
    import time

    removed: list[Path] = []
    prefix = f".{path.name}{TMP_MARK}"
    try:
        candidates = [p for p in path.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith(".tmp")
                      and len(p.name) == len(prefix) + 8 + 4]
    except OSError:
        return removed
    for p in candidates:
        try:
            if p.is_file() and not p.is_symlink() and time.time() - p.stat().st_mtime > STALE_AFTER:
                p.unlink()
                removed.append(p)
        except OSError:
            pass
    return removed


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` or leave it as it was: a temporary file in the same
    folder, written and flushed to disk, then renamed over the file. The temporary file is
    removed on every way out that Python sees (an error, Ctrl-C, SIGTERM in the command line);
    one left by a killed run is swept by the next (:func:`sweep_stale`)."""
    import os
    import tempfile

    from .errors import CrdkgError

    sweep_stale(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{TMP_MARK}", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = path.stat().st_mode & 0o7777
        except OSError:  # a new file: the mode a plain open() would give it, not mkstemp's 0600
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as err:  # Ctrl-C and SIGTERM (an exception in the CLI) too: no temporary file stays
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise CrdkgError(f"{path}: cannot write: {err.strerror or err}; the file is left as it was") from None
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass
