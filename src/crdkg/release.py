"""A release: one folder per version holding the graph in every export format (whole and
per named graph), each statistical data set as CSV with CSV on the Web metadata and as
JSON-stat 2.0, a VoID/DCAT description that lists every file with its media type, size and
SHA-256, and a ``SHA256SUMS`` file that ``sha256sum -c`` checks.

Deterministic: the same graph gives the same bytes (no clock, no random labels), so two
builds compare equal and two releases diff cleanly (:mod:`crdkg.diff`). The folder is
built beside its final place and renamed into it whole; an existing release is never
overwritten.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from .choices import EXPORT_FORMATS
from .errors import CrdkgError
from .export import about_dataset, canonical_quads, dataset_quads, write_formats
from .graph import KnowledgeGraph, load_graph
from .namespaces import DATASET_IRI, DCAT, DCT, GRAPHS, OWL, RDF, STORE_PARTS, XSD
from .observations import datasets, observations
from .statfiles import csv_table, csvw_metadata, dumps, jsonstat, local_name
from .terms import serialized, used_prefixes

__all__ = ["MEDIA_TYPES", "build_release"]

SPDX = "http://spdx.org/rdf/terms#"
IANA = "https://www.iana.org/assignments/media-types/"

#: media type by file suffix (or whole file name)
MEDIA_TYPES = {
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".jsonld": "application/ld+json",
    ".nt": "application/n-triples",
    ".ttl": "text/turtle",
    ".csv": "text/csv",
    "csv-metadata.json": "application/csvm+json",
    ".json": "application/json",
}
#: the standard a file follows, by suffix (or whole file name), where it follows one
_CONFORMS = {"csv-metadata.json": "http://www.w3.org/ns/csvw", ".json": "https://json-stat.org/format/"}


def _by_name(table: dict[str, str], name: str) -> str | None:
    """The entry of ``table`` for the file ``name``: by its whole name first, then its suffix."""
    base = os.path.basename(name)
    return table.get(base, table.get(os.path.splitext(base)[1]))


def _media_type(name: str) -> str:
    media = _by_name(MEDIA_TYPES, name)
    assert media is not None, name  # every file a release writes has one
    return media


def _header(description: Sequence[ox.Quad]) -> dict[str, str]:
    """Version, licence and date of the dataset, from its description."""
    about = about_dataset(description)
    found = {key: about[predicate][0].value for key, predicate in (
        ("version", OWL + "versionInfo"), ("license", DCT + "license"), ("modified", DCT + "modified"))
        if about.get(predicate)}
    if "version" not in found:
        raise CrdkgError("the ontology header has no owl:versionInfo: a release needs a version")
    return found


def _statistics(folder: Path, graph: KnowledgeGraph, header: dict[str, str]) -> None:
    from .api import embedded_engine

    engine = embedded_engine(graph=graph)
    described_en = datasets(lang="en", engine=engine)
    described_zh = {str(d["dataset"]): d for d in datasets(lang="zh", engine=engine)}
    tables = []
    for en in described_en:
        iri = str(en["dataset"])
        name = local_name(iri, "cube")
        rows = observations(iri, engine=engine)  # never empty: datasets() counts the observations
        (folder / f"{name}.csv").write_bytes(csv_table(rows))
        (folder / f"{name}.json").write_bytes(dumps(jsonstat(rows, en, described_zh[iri],
                                                            updated=header.get("modified"),
                                                            license=header.get("license"))))
        tables.append((f"{name}.csv", en, described_zh[iri], rows))
    metadata = csvw_metadata(tables, license=header.get("license"), modified=header.get("modified"))
    (folder / "csv-metadata.json").write_bytes(dumps(metadata))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _distributions(files: Sequence[tuple[str, int, str]], version: str, base_url: str | None) -> list[ox.Quad]:
    """DCAT distributions of the release's files: media type, byte size, SHA-256 (SPDX)."""
    g = ox.NamedNode(GRAPHS["description"])
    ds = ox.NamedNode(DATASET_IRI)
    out = []

    def add(s, p, o):
        out.append(ox.Quad(s, ox.NamedNode(p), o, g))

    for name, size, sha in files:
        dist = ox.NamedNode(f"{DATASET_IRI}/release/{version}/{name}")
        add(ds, DCAT + "distribution", dist)
        add(dist, RDF + "type", ox.NamedNode(DCAT + "Distribution"))
        add(dist, DCT + "title", ox.Literal(name))
        add(dist, DCAT + "mediaType", ox.NamedNode(IANA + _media_type(name)))
        add(dist, DCAT + "byteSize", ox.Literal(str(size), datatype=ox.NamedNode(XSD + "nonNegativeInteger")))
        checksum = ox.BlankNode()
        add(dist, SPDX + "checksum", checksum)
        add(checksum, RDF + "type", ox.NamedNode(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", ox.NamedNode(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", ox.Literal(sha, datatype=ox.NamedNode(XSD + "hexBinary")))
        standard = _by_name(_CONFORMS, name)
        if standard is not None:
            add(dist, DCT + "conformsTo", ox.NamedNode(standard))
        if base_url:
            add(dist, DCAT + "downloadURL", ox.NamedNode(base_url.rstrip("/") + "/" + name))
    return out


def build_release(out: Path | str, *, graph: KnowledgeGraph | None = None, base_url: str | None = None) -> Path:
    """Write the release of the shipped graph (or ``graph``) into ``out/crdkg-VERSION``, and
    return that folder. ``base_url``, where the folder will be published, gives each file a
    ``dcat:downloadURL``; without it the description names files by their paths only."""
    if base_url is not None and not base_url.startswith(("https://", "http://")):
        raise CrdkgError(f"--base-url: {base_url!r} is not an http(s) URL")
    graph = graph or load_graph(parts=STORE_PARTS)
    description = dataset_quads(graph)
    header = _header(description)
    version = header["version"]
    out = Path(out)
    final = out / f"crdkg-{version}"
    if final.exists():
        raise CrdkgError(f"{final}: the release already exists; a release is never overwritten "
                         "(move it away, or pass another --out)")
    try:
        out.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".crdkg-{version}.", suffix=".tmp", dir=out))
    except OSError as err:
        raise CrdkgError(f"{out}: cannot create the release folder: {err.strerror}") from None
    try:
        (building / "statistics").mkdir()
        _statistics(building / "statistics", graph, header)
        quads = canonical_quads([*graph.quads(STORE_PARTS), *description])
        (building / "graph").mkdir()
        write_formats(building / "graph", quads, EXPORT_FORMATS, whole=EXPORT_FORMATS, per_part=EXPORT_FORMATS)
        files = sorted(p.relative_to(building).as_posix() for p in building.rglob("*") if p.is_file())
        listed = [(name, (building / name).stat().st_size, _sha256(building / name)) for name in files]
        void = canonical_quads([*description, *_distributions(listed, version, base_url)])
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in void]
        (building / "void.ttl").write_bytes(serialized(triples, ox.RdfFormat.TURTLE, {
            **used_prefixes(triples), "spdx": SPDX}))
        listed.append(("void.ttl", 0, _sha256(building / "void.ttl")))
        sums = "".join(f"{sha}  {name}\n" for name, _, sha in sorted(listed))
        (building / "SHA256SUMS").write_text(sums, encoding="utf-8")
        for path in [building, *building.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        os.rename(building, final)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return final
