"""Exports for triple stores: deterministic files in named graphs per part, a JSON-LD
document with a context, and a VoID/DCAT description of the dataset made from the graph.

Deterministic: quads are sorted and blank nodes get labels computed from what surrounds
them (not random, and stable when unrelated triples change), so that the same input
gives the same bytes and releases diff cleanly.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .choices import EXPORT_FORMATS
from .errors import CrdkgError
from .graph import KnowledgeGraph, load_graph
from .jsonld import jsonld_context, jsonld_document
from .namespaces import (
    BASE,
    DATA_PARTS,
    DATASET_IRI,
    DCAT,
    DCT,
    GRAPHS,
    OWL,
    PREFIXES,
    QB,
    RDF,
    STORE_PARTS,
    VOID,
    XSD,
    split_iri,
)
from .terms import serialized, used_prefixes

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from .graph import GraphName

__all__ = ["EXPORT_FORMATS", "PARTS", "about_dataset", "canonical_quads", "dataset_quads", "description",
           "export_graph", "jsonld_document", "write_formats"]

PARTS = (*STORE_PARTS, "description")


# --- deterministic blank nodes --------------------------------------------------------

def _sig(term, labels) -> str:
    return labels.get(term.value, "_") if isinstance(term, ox.BlankNode) else str(term)


def canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Quads sorted, with blank nodes relabelled from the quads around them (a few rounds of
    neighbourhood hashing). Two blank nodes with identical surroundings are interchangeable,
    so the output is the same whichever gets which label."""
    quads = list(quads)
    bnodes = {t.value for q in quads for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)}
    if bnodes:
        labels: dict[str, str] = {b: "_" for b in bnodes}
        touching: dict[str, list[ox.Quad]] = defaultdict(list)
        for q in quads:
            for t in (q.subject, q.object):
                if isinstance(t, ox.BlankNode):
                    touching[t.value].append(q)
        for _ in range(4):
            new = {}
            for b in bnodes:
                parts = sorted(
                    ("out" if isinstance(q.subject, ox.BlankNode) and q.subject.value == b else "in")
                    + f" {_sig(q.subject, labels)} {q.predicate} {_sig(q.object, labels)} {q.graph_name}"
                    for q in touching[b])
                new[b] = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
            labels = new
        seen: dict[str, int] = defaultdict(int)
        final = {}
        for b in sorted(bnodes, key=lambda x: labels[x]):
            n = seen[labels[b]]
            seen[labels[b]] += 1
            final[b] = f"b{labels[b]}" + (f"x{n}" if n else "")

        def relabel(t):
            return ox.BlankNode(final[t.value]) if isinstance(t, ox.BlankNode) else t

        quads = [ox.Quad(relabel(q.subject), q.predicate, relabel(q.object), q.graph_name) for q in quads]
    return sorted(set(quads), key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


# --- the dataset description (VoID and DCAT) -------------------------------------------

def _local_key(iri: str) -> str:
    split = split_iri(iri)
    if split:
        return f"{split[0]}-{split[1]}".replace("/", "-")
    return hashlib.sha256(iri.encode()).hexdigest()[:12]


def dataset_quads(graph: KnowledgeGraph, parts: Sequence[str] = STORE_PARTS, *,
                  statistics: bool = True) -> list[ox.Quad]:
    """A VoID and DCAT description of the dataset, computed from the graph itself: title,
    licence, version, creator and publisher from the ontology header, the countries the data
    covers (``dct:spatial``) and the years of its statistics (``dct:temporal``), and, with
    ``statistics``, triples per named graph, class and property partitions and example
    resources of the data."""
    g = ox.NamedNode(GRAPHS["description"])
    ds = ox.NamedNode(DATASET_IRI)
    out: list[ox.Quad] = []

    def add(s, p, o):
        out.append(ox.Quad(s, ox.NamedNode(p), o, g))

    def integer(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))

    def select(text: str, default: list[GraphName]) -> list[dict[str, Any]]:
        res = graph.store.query(text, default_graph=default)
        assert isinstance(res, ox.QuerySolutions)  # a SELECT of ours
        names = [v.value for v in res.variables]
        return [{n: sol[n] for n in names} for sol in res]

    onto = graph.graph_names(["ontology"])
    data = graph.graph_names([p for p in DATA_PARTS if p in parts])
    header = select(f"""SELECT ?title ?desc ?license ?version ?modified ?creator ?publisher WHERE {{
        ?o a <{OWL}Ontology> ; <{OWL}versionInfo> ?version .
        OPTIONAL {{ ?o <{DCT}title> ?title FILTER(LANG(?title) = "en") }}
        OPTIONAL {{ ?o <{DCT}description> ?desc FILTER(LANG(?desc) = "en") }}
        OPTIONAL {{ ?o <{DCT}license> ?license }}
        OPTIONAL {{ ?o <{DCT}modified> ?modified }}
        OPTIONAL {{ ?o <{DCT}creator> ?creator }}
        OPTIONAL {{ ?o <{DCT}publisher> ?publisher }}
        FILTER(STRSTARTS(STR(?o), "{BASE}")) }}""", onto)
    if not header:
        raise CrdkgError("the ontology has no header (owl:Ontology with owl:versionInfo) to describe the dataset from")
    h = header[0]
    add(ds, RDF + "type", ox.NamedNode(VOID + "Dataset"))
    add(ds, RDF + "type", ox.NamedNode(DCAT + "Dataset"))
    add(ds, DCT + "title", ox.Literal("crdkg: China's strategy for coordinated regional development", language="en"))
    add(ds, DCT + "title", ox.Literal("区域协调发展战略知识图谱", language="zh"))
    if h.get("desc") is not None:
        add(ds, DCT + "description", h["desc"])
    if h.get("license") is not None:
        add(ds, DCT + "license", h["license"])
    for key in ("modified", "creator", "publisher"):
        if h.get(key) is not None:
            add(ds, DCT + key, h[key])
    add(ds, OWL + "versionInfo", h["version"])
    add(ds, DCAT + "version", h["version"])
    add(ds, VOID + "vocabulary", ox.NamedNode(PREFIXES["crd"]))
    add(ds, VOID + "uriSpace", ox.Literal(PREFIXES["crdid"]))
    for row in select(f"SELECT DISTINCT ?country WHERE {{ ?country a <{PREFIXES['crd']}Country> }} ORDER BY ?country",
                      data):
        add(ds, DCT + "spatial", row["country"])
    years = select(f"""SELECT (MIN(?y) AS ?first) (MAX(?y) AS ?last) WHERE {{
        ?o a <{QB}Observation> ; <{PREFIXES['crd']}refYear> ?y }}""", data)
    if years and years[0].get("first") is not None:
        period = ox.NamedNode(f"{DATASET_IRI}/temporal")
        add(ds, DCT + "temporal", period)
        add(period, RDF + "type", ox.NamedNode(DCT + "PeriodOfTime"))
        add(period, DCAT + "startDate", years[0]["first"])
        add(period, DCAT + "endDate", years[0]["last"])
    if not statistics:
        return canonical_quads(out)
    total = 0
    for part in parts:
        n = graph.count([part])
        total += n
        sub = ox.NamedNode(GRAPHS[part])
        add(ds, VOID + "subset", sub)
        add(sub, RDF + "type", ox.NamedNode(VOID + "Dataset"))
        add(sub, DCT + "title", ox.Literal(f"crdkg {part}", language="en"))
        add(sub, VOID + "triples", integer(n))
    add(ds, VOID + "triples", integer(total))
    # the partitions count over every graph the dataset holds, as its void:triples does
    described = graph.graph_names(parts)
    for row in select("SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class", described):
        partition = ox.NamedNode(f"{DATASET_IRI}/class/{_local_key(row['class'].value)}")
        add(ds, VOID + "classPartition", partition)
        add(partition, VOID + "class", row["class"])
        add(partition, VOID + "entities", row["n"])
    per_property: dict[str, int] = defaultdict(int)  # graph by graph, as the subsets' void:triples
    for part in parts:
        for row in select("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p", graph.graph_names([part])):
            per_property[row["p"].value] += int(row["n"].value)
    for prop, n in sorted(per_property.items()):
        partition = ox.NamedNode(f"{DATASET_IRI}/property/{_local_key(prop)}")
        add(ds, VOID + "propertyPartition", partition)
        add(partition, VOID + "property", ox.NamedNode(prop))
        add(partition, VOID + "triples", integer(n))
    # example resources: an instance of each of the most populous classes of the crd ontology
    for row in select(f"""SELECT (MIN(STR(?s)) AS ?example) WHERE {{
            ?s a ?class . FILTER(STRSTARTS(STR(?class), "{PREFIXES['crd']}") && isIRI(?s)) }}
            GROUP BY ?class ORDER BY DESC(COUNT(?s)) LIMIT 5""", data):
        add(ds, VOID + "exampleResource", ox.NamedNode(row["example"].value))
    for fmt, media in (("nq", "application/n-quads"), ("trig", "application/trig"),
                       ("jsonld", "application/ld+json")):
        dist = ox.NamedNode(f"{DATASET_IRI}/distribution/{fmt}")
        add(ds, DCAT + "distribution", dist)
        add(dist, RDF + "type", ox.NamedNode(DCAT + "Distribution"))
        add(dist, DCAT + "mediaType", ox.Literal(media))
        add(dist, DCT + "title", ox.Literal(f"crdkg.{fmt}"))
    return canonical_quads(out)


def about_dataset(description: Iterable[ox.Quad]) -> dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]:
    """The statements of a description (:func:`dataset_quads`) about the dataset itself, its
    objects by predicate IRI."""
    about: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]] = defaultdict(list)
    for q in description:
        if q.subject == ox.NamedNode(DATASET_IRI):
            about[q.predicate.value].append(q.object)  # type: ignore[arg-type]
    return about


_DESCRIBED: weakref.WeakKeyDictionary[KnowledgeGraph, dict[bool, list[ox.Quad]]] = weakref.WeakKeyDictionary()


def description(graph: KnowledgeGraph, *, statistics: bool = True) -> list[ox.Quad]:
    """:func:`dataset_quads` of the parts ``graph`` holds, computed once per graph (a server
    serves it on every home page and at ``/.well-known/void``)."""
    done = _DESCRIBED.setdefault(graph, {})
    if statistics not in done:
        done[statistics] = dataset_quads(graph, [p for p in STORE_PARTS if p in graph.parts], statistics=statistics)
    return done[statistics]


# --- export ---------------------------------------------------------------------------

def _used_prefixes(quads: Sequence[ox.Quad]) -> dict[str, str]:
    return used_prefixes([ox.Triple(q.subject, q.predicate, q.object) for q in quads])


def export_graph(out: Path | str, *, formats: Sequence[str] | None = None,
                 graph: KnowledgeGraph | None = None) -> list[Path]:
    """Write the graph to ``out`` in ``formats`` (default: all); return the files written.

    The quad formats (``nq``, ``trig``, ``jsonld``) hold the whole graph in one file; the
    triple formats (``nt``, ``ttl``) one file per named graph."""
    formats = _checked(formats)
    graph = graph or load_graph(parts=STORE_PARTS)
    quads = canonical_quads([*graph.quads(STORE_PARTS), *dataset_quads(graph)])
    return write_formats(_folder(out), quads, formats, whole=("nq", "trig", "jsonld"), per_part=("nt", "ttl"))


def _checked(formats: Sequence[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(formats or EXPORT_FORMATS))
    for f in chosen:
        if f not in EXPORT_FORMATS:
            raise CrdkgError(f"unknown export format {f!r} (formats: {', '.join(EXPORT_FORMATS)})")
    return chosen


def _folder(out: Path | str) -> Path:
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CrdkgError(f"{out}: cannot create the output folder: {err.strerror}") from None
    return out


def _triples(quads: Sequence[ox.Quad]) -> list[ox.Triple]:
    return [q.triple for q in quads]


def _encode(fmt: str, quads: Sequence[ox.Quad]) -> bytes:
    """``quads`` in ``fmt``; the triple formats drop the graph names (a triple in two graphs
    is written once)."""
    if fmt == "nq":
        return serialized(quads, ox.RdfFormat.N_QUADS)
    if fmt == "trig":
        return serialized(quads, ox.RdfFormat.TRIG, _used_prefixes(quads))
    if fmt == "nt":
        return serialized(sorted(set(_triples(quads)), key=str), ox.RdfFormat.N_TRIPLES)
    if fmt == "ttl":
        return serialized(sorted(set(_triples(quads)), key=str), ox.RdfFormat.TURTLE, _used_prefixes(quads))
    assert fmt == "jsonld"
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    for q in quads:
        graphs[q.graph_name.value].append(q.triple)  # type: ignore[union-attr]
    doc = jsonld_document([], graphs=dict(graphs))
    # compact: the C encoder (an indent takes the pure-Python one, four times slower on a release)
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def write_formats(out: Path, quads: Sequence[ox.Quad], formats: Sequence[str], *,
                  whole: Sequence[str], per_part: Sequence[str]) -> list[Path]:
    """Write canonical ``quads`` in ``formats``: as ``crdkg.EXT`` for the formats in ``whole``,
    and as ``PART.EXT`` per named graph for those in ``per_part``."""
    by_part = {part: [q for q in quads if q.graph_name == ox.NamedNode(GRAPHS[part])] for part in PARTS}
    written = []

    def write(name: str, data: bytes) -> None:
        path = out / name
        path.write_bytes(data)
        written.append(path)

    for fmt in formats:
        if fmt == "jsonld":
            context = {"@context": jsonld_context()}
            write("context.jsonld", (json.dumps(context, ensure_ascii=False, indent=2) + "\n").encode())
        if fmt in whole:
            write(f"crdkg.{fmt}", _encode(fmt, quads))
        if fmt in per_part:
            for part, qs in by_part.items():
                write(f"{part}.{fmt}", _encode(fmt, qs))
    return written
