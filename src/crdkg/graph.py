"""Loading the graph: the shipped ontology, shapes and data, and any files a user adds.

Files are parsed once, by pyoxigraph, into an in-memory store in which every part has
its own named graph (see :data:`crdkg.namespaces.GRAPHS`). Where rdflib is needed
(validation with pySHACL), the parsed quads are converted, not parsed again.
"""

from __future__ import annotations

import os

import pyoxigraph as ox

from . import resources
from .errors import InputError
from .namespaces import DEFERRED_PARTS, GRAPHS, INPUT_GRAPH, QUERY_PARTS, RDF, XSD

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable, Iterator, Mapping, Sequence
    from os import PathLike

    import rdflib

    from .aswritten import Encoder

    PathText = str | PathLike[str]
    #: a graph of the store: a named graph, or its default graph
    GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph

__all__ = ["KnowledgeGraph", "load_graph", "rdf_format"]

_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "n3": ox.RdfFormat.N3,
}



def rdf_format(path: PathText) -> ox.RdfFormat:
    """The RDF format of a file, from its extension; an unknown extension is an input error."""
    suffix = os.path.splitext(path)[1]
    name = resources.RDF_SUFFIXES.get(suffix.lower())
    if name is None:
        known = ", ".join(sorted(resources.RDF_SUFFIXES))
        raise InputError(f"unknown RDF file extension {suffix!r} (known: {known})", path=os.fspath(path))
    return _FORMATS[name]


def _graph_node(part: str) -> ox.NamedNode:
    if part in GRAPHS:
        return ox.NamedNode(GRAPHS[part])
    return ox.NamedNode(INPUT_GRAPH if part == "input" else f"https://w3id.org/crdkg/graph/{part}")


class KnowledgeGraph:
    """The parsed graph: a pyoxigraph store with one named graph per part, and the files
    each part was read from (paths as text)."""

    def __init__(self, store: ox.Store, files: dict[str, list[str]], *, encoded: int = 0,
                 in_default: frozenset[str] = frozenset(), pending: Iterable[str] = (),
                 encoder: Encoder | None = None) -> None:
        self.store = store
        self.files = files
        #: keeps literals as written in a validation store (:mod:`crdkg.aswritten`); None elsewhere
        self.encoder = encoder
        #: parts whose files are listed but not parsed yet: a query that reads them parses them
        self.pending = [p for p in pending if p in files]
        #: parts held in the store's default graph rather than a named graph of their own
        self.in_default = in_default
        #: how many literals the store holds encoded as written (:mod:`crdkg.aswritten`)
        self.encoded = encoded
        self._rdflib: dict[tuple[str, ...], rdflib.Graph] = {}

    def __repr__(self) -> str:
        return f"KnowledgeGraph(parts={self.parts!r})"

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.files)

    def graph_names(self, parts: Iterable[str] | None = None) -> list[GraphName]:
        """The graphs of ``parts`` (default: all) in the store, each parsed by now."""
        chosen = list(self.parts if parts is None else parts)
        self.parse_pending(chosen)
        names: list[GraphName] = [ox.DefaultGraph() if p in self.in_default else _graph_node(p) for p in chosen]
        return list(dict.fromkeys(names))

    def parse_pending(self, parts: Iterable[str]) -> None:
        """Parse those of ``parts`` that are still pending (each at most once)."""
        for part in [p for p in parts if p in self.pending]:
            for path in self.files[part]:
                _load_file(self.store, path, part)
            self.pending.remove(part)

    def add_part(self, part: str, texts: Mapping[str, bytes]) -> None:
        """Parse the files of ``part`` (``texts``: path to the bytes already read) into its named
        graph of this store, after the store was loaded: validation adds the deferred parts that
        a user's files turn out to name. Literals are kept as written when the store keeps them so."""
        for path, data in texts.items():
            _load_file(self.store, path, part, encoder=self.encoder, data=data)
        self.files[part] = list(texts)
        if self.encoder is not None:
            self.encoded = self.encoder.encoded

    def query_parts(self, named: Sequence[str] = ()) -> list[str]:
        """The parts that a query reads as its default graph: those its ``FROM`` clauses
        ``named`` (by their graph IRIs, :data:`~crdkg.namespaces.GRAPHS`), or every query part
        when it names none of them; the files a user added (``input``) always."""
        by_iri = {GRAPHS[p]: p for p in QUERY_PARTS}
        # no FROM: every part; FROM clauses: the parts they name (one this graph does not hold is empty)
        wanted = {by_iri[iri] for iri in named if iri in by_iri} if named else set(QUERY_PARTS)
        return [p for p in self.parts if p in wanted or p == "input"]

    def query_graphs(self, named: Sequence[str] = ()) -> list[GraphName]:
        """The graphs of :meth:`query_parts`, parsed by now."""
        return self.graph_names(self.query_parts(named))

    def query(self, text: str, named: Sequence[str] = (), *, named_graphs: Sequence[str] | None = None) -> object:
        """Run ``text`` over :meth:`query_parts` (``named``: the IRIs of its FROM clauses).
        When those are every part of the store, Oxigraph reads the union of its named graphs,
        twice as fast as the same graphs listed. ``named_graphs`` (the IRIs of its FROM NAMED
        clauses) are the only graphs its GRAPH patterns see; without them, every part's."""
        parts = self.query_parts(named)
        graphs = self.graph_names(parts)
        if named_graphs is not None:
            by_iri = {GRAPHS[p]: p for p in self.parts if p in GRAPHS}
            self.parse_pending([by_iri[iri] for iri in named_graphs if iri in by_iri])
            return self.store.query(text, default_graph=graphs, named_graphs=[ox.NamedNode(g) for g in named_graphs])
        if set(parts) == set(self.parts) and not self.in_default:
            return self.store.query(text, use_default_graph_as_union=True)
        return self.store.query(text, default_graph=graphs)

    def quads(self, parts: Iterable[str] | None = None) -> Iterator[ox.Quad]:
        """The quads of ``parts``, literals as written."""
        for g in self.graph_names(parts):
            if self.encoded:
                from .aswritten import original

                for q in self.store.quads_for_pattern(None, None, None, g):
                    o = original(q.object)
                    yield q if o is q.object else ox.Quad(q.subject, q.predicate, o, g)
            else:
                yield from self.store.quads_for_pattern(None, None, None, g)

    def count(self, parts: Iterable[str] | None = None) -> int:
        return sum(1 for _ in self.quads(parts))

    def rdflib_graph(self, parts: Sequence[str] | None = None) -> rdflib.Graph:
        """The triples of ``parts`` merged into one rdflib graph (converted once, then cached)."""
        key = tuple(self.parts if parts is None else parts)
        if key not in self._rdflib:
            self._rdflib[key] = to_rdflib(self.quads(key))
        return self._rdflib[key]


def _parse_error(path: str, err: SyntaxError) -> InputError:
    text = str(err.msg if hasattr(err, "msg") else err)
    message = text.split(": ", 1)[1] if text.startswith("Parser error") and ": " in text else text
    return InputError(message, path=path, line=err.lineno, column=err.offset)


def _load_file(store: ox.Store, path: str, part: str, *, bulk: bool = False, encoder: Encoder | None = None,
               graph: ox.NamedNode | ox.DefaultGraph | None = None, data: bytes | None = None) -> None:
    fmt = rdf_format(path)
    if data is None:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as err:
            raise InputError(f"cannot read file: {err.strerror or err}", path=path) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 byte-order mark is no part of the RDF
    if not data or data.isspace():
        return  # an empty file is an empty graph
    _refuse_hostile(data, fmt, path)
    # the shipped files use no relative IRIs (the tests parse them without a base)
    base = None if part in GRAPHS else _file_iri(path)
    graph = _graph_node(part) if graph is None else graph
    try:
        if encoder is not None and _may_be_rewritten(data, fmt):
            store.extend(encoder.quads(ox.parse(data, format=fmt, base_iri=base), graph))
        elif encoder is not None:  # no literal the store could rewrite: its own loader, faster
            store.load(data, format=fmt, base_iri=base, to_graph=graph)
        elif bulk and fmt not in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
            store.bulk_load(data, format=fmt, base_iri=base, to_graph=graph)
        elif fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
            # every quad of a dataset file goes into the part's graph
            store.extend(ox.Quad(q.subject, q.predicate, q.object, graph)
                         for q in ox.parse(data, format=fmt, base_iri=base))
        else:
            store.load(data, format=fmt, base_iri=base, to_graph=graph)
    except SyntaxError as err:
        raise _parse_error(path, err) from None
    except MemoryError as err:
        raise InputError(f"a single literal or IRI is larger than the parser's limit of 16 MiB ({err})",
                         path=path) from None
    except (ValueError, OSError) as err:
        raise InputError(str(err), path=path) from None


def _may_be_rewritten(data: bytes, fmt: ox.RdfFormat) -> bool:
    """False when ``data`` can hold no literal that an Oxigraph store rewrites (see
    :mod:`crdkg.aswritten`): no datatype written anywhere, and in Turtle no bare number or
    boolean. The test is on the bytes and errs towards True (digits in a string may look
    like a number)."""
    if fmt not in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML):
        return True
    if b"^^" in data or (fmt == ox.RdfFormat.RDF_XML and b"datatype" in data):
        return True
    if fmt != ox.RdfFormat.TURTLE:
        return False
    import re

    return re.search(rb"[\s,(\[](?:[+-]?\.?[0-9]|true|false)[^\s,;)\]]*(?:[\s,;)\]]|$)", data) is not None


#: Limits on input that would otherwise exhaust memory or crash the parser (see the README).
MAX_JSON_DEPTH = 256  # JSON-LD nested deeper crashes the parser (a stack overflow)
MAX_ENTITY_VALUE = 200  # RDF/XML entities: short values without references, as namespaces use them
MAX_XML_DEPTH = 512  # RDF/XML elements nested deeper take the parser super-quadratic time


def _refuse_hostile(data: bytes, fmt: ox.RdfFormat, path: str) -> None:
    """Refuse input built to exhaust the parser: RDF/XML entities that expand without bound
    ("billion laughs"), RDF/XML nested deeper than :data:`MAX_XML_DEPTH`, JSON-LD nested
    deeper than :data:`MAX_JSON_DEPTH`."""
    if fmt not in (ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
        return
    import re

    if fmt == ox.RdfFormat.RDF_XML:
        depth = 0
        for m in re.finditer(rb"<(/?)[A-Za-z_][^<>]*?(/?)>|<!--.*?-->|<!\[CDATA\[.*?\]\]>", data, re.DOTALL):
            if m.group(1):
                depth -= 1
            elif m.group(2) is not None and not m.group(2) and m.group(0)[1:2] not in (b"!", b"?"):
                depth += 1
                if depth > MAX_XML_DEPTH:
                    raise InputError(f"RDF/XML nested deeper than {MAX_XML_DEPTH} elements is refused", path=path)
    if fmt == ox.RdfFormat.RDF_XML and b"<!ENTITY" in data:
        for m in re.finditer(rb"<!ENTITY\s+(%\s+)?([^\s]+)\s+(?:SYSTEM|PUBLIC)?\s*(\"[^\"]*\"|'[^']*')", data):
            value = m.group(3)[1:-1]
            if m.group(1) or b"&" in value or b"%" in value or len(value) > MAX_ENTITY_VALUE \
                    or b"SYSTEM" in m.group(0) or b"PUBLIC" in m.group(0):
                raise InputError(f"RDF/XML entity {m.group(2).decode('utf-8', 'replace')!r} is refused: crdkg reads "
                                 f"only internal entities of at most {MAX_ENTITY_VALUE} characters that name no "
                                 "other entity (entities that expand without bound exhaust memory)", path=path)
        if data.count(b"<!ENTITY") != len(re.findall(rb"<!ENTITY\s+[^\s%]+\s+(\"[^\"]*\"|'[^']*')", data)):
            raise InputError("RDF/XML entity declarations that crdkg cannot check are refused", path=path)
    elif fmt == ox.RdfFormat.JSON_LD:
        depth = 0
        for m in re.finditer(rb'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]', data):
            c = m.group(0)[:1]
            if c in (b"[", b"{"):
                depth += 1
                if depth > MAX_JSON_DEPTH:
                    raise InputError(f"JSON-LD nested deeper than {MAX_JSON_DEPTH} levels is refused", path=path)
            elif c in (b"]", b"}"):
                depth -= 1


def _file_iri(path: str) -> str:
    from pathlib import Path

    return Path(path).absolute().as_uri()


def load_graph(*, parts: Sequence[str] = QUERY_PARTS,
               extra: Sequence[PathText] = (),
               files: Mapping[str, Sequence[PathText]] | None = None,
               cache: bool | None = None, as_written: bool = False,
               in_default: Sequence[str] = ()) -> KnowledgeGraph:
    """Parse the shipped ``parts`` (ontology, shapes, data, statistics) and any ``extra`` files.

    The :data:`~crdkg.namespaces.DEFERRED_PARTS` (the statistics) are parsed when a query,
    :meth:`KnowledgeGraph.quads` or :meth:`KnowledgeGraph.graph_names` first reads them,
    so a query that does not read them does not pay for them.

    ``extra`` files go into the named graph ``input``. ``files`` replaces the shipped
    file lists (for a test or a benchmark). A file that does not parse raises
    :class:`~crdkg.errors.InputError` naming the file, line and column.

    With ``cache=True`` (or ``CRDKG_CACHE=1``), large inputs (from
    :data:`crdkg.cache.MIN_BYTES` on) are parsed once into an on-disk store in the cache
    folder and opened from there afterwards (see :func:`crdkg.cache.wanted` for why that is
    not the default); the cache is keyed on the files' contents, so it is never stale.

    ``as_written=True`` (validation) keeps every literal as the file writes it (see
    :mod:`crdkg.aswritten`); such a graph is never cached. Its ``in_default`` parts go into
    the store's default graph (Oxigraph loads and joins it faster than named graphs), the
    others into named graphs as usual.
    """
    chosen: dict[str, list[str]] = {}
    for part in parts:
        given = files is not None and part in files
        chosen[part] = [os.fspath(p) for p in files[part]] if given else resources.part_paths(part)  # type: ignore[index]
    if extra:
        chosen["input"] = [os.fspath(p) for p in extra]
    for paths in chosen.values():
        for path in paths:
            rdf_format(path)  # an unknown extension fails before any work
    if as_written:
        from .aswritten import Encoder

        encoder = Encoder()
        store = ox.Store()
        for part, paths in chosen.items():
            for path in paths:
                _load_file(store, path, part, encoder=encoder,
                           graph=ox.DefaultGraph() if part in in_default else None)
        return KnowledgeGraph(store=store, files=chosen, encoded=encoder.encoded, in_default=frozenset(in_default),
                              encoder=encoder)
    if extra or cache:  # the shipped graph alone parses faster than a store opens
        from .cache import CacheError, cached_store, wanted

        if wanted(chosen, cache):
            try:
                store = cached_store(chosen, lambda st, path, part, data: _load_file(st, path, part, bulk=True,
                                                                                    data=data))
                return KnowledgeGraph(store=store, files=chosen)
            except CacheError as err:
                import sys

                print(f"crdkg: warning: the cache cannot be used ({err}); parsing into memory instead",
                      file=sys.stderr)
            except OSError:
                pass  # a file that cannot be read: the loader below names it
    store = ox.Store()
    deferred = [p for p in chosen if p in DEFERRED_PARTS]
    for part, paths in chosen.items():
        if part not in deferred:
            for path in paths:
                _load_file(store, path, part)
    return KnowledgeGraph(store=store, files=chosen, pending=deferred)


# --- conversion between pyoxigraph and rdflib terms ---------------------------------

_XSD_STRING = XSD + "string"
_RDF_LANGSTRING = RDF + "langString"


def to_rdflib_term(term):
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == _XSD_STRING:
            return rdflib.Literal(term.value)
        # as written: rdflib would otherwise rewrite "1"^^xsd:boolean as "true", "01" as "1"
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(dt), normalize=False)
    raise TypeError(f"unsupported term {term!r}")


def from_rdflib_term(term):
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def quiet_rdflib() -> None:
    """Keep rdflib from logging a traceback to stderr for each ill-typed literal it makes
    (``"abc"^^xsd:integer``): crdkg keeps such literals as written, and its own checks report
    them. Called where crdkg hands a graph to rdflib."""
    import logging

    log = logging.getLogger("rdflib.term")
    if log.propagate:
        log.addHandler(logging.NullHandler())
        log.propagate = False


def to_rdflib(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """Merge quads into one rdflib graph (blank nodes keep their identity)."""
    import rdflib

    quiet_rdflib()

    graph = rdflib.Graph(bind_namespaces="none")
    add = graph.add
    cache: dict[object, object] = {}

    def conv(t):
        r = cache.get(t)
        if r is None:
            r = cache[t] = to_rdflib_term(t)
        return r

    for q in quads:
        add((conv(q.subject), conv(q.predicate), conv(q.object)))
    return graph
