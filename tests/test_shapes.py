"""Every shape has a valid and an invalid example (after GeoSPARQL's S17-valid/-invalid),
and both directions are proved: the valid example conforms, the invalid one fails with
sh:sourceShape equal to that shape (and only the shapes its header says also fire)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, SH

from crdkg import resources
from crdkg.validation import validate
from samples import assert_located_as_by_a_full_index

EXAMPLES = Path(__file__).parent / "shapes"
CRDSH = "https://w3id.org/crdkg/shapes#"
BASE = EXAMPLES / "_base.ttl"
METADATA_PREFIXES = ("Ontology", "Term")


def _shapes_graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for f in resources.shape_files():
        g.parse(f)
    return g


def _constraint_bearing_shapes() -> list[str]:
    """Named shapes that carry constraints of their own: property shapes (they have a
    path) and node shapes with node-level constraints."""
    g = _shapes_graph()
    names = set()
    node_level = [SH["or"], SH.xone, SH["and"], SH["not"], SH["class"], SH.sparql, SH.nodeKind]
    for s in set(g.subjects(RDF.type, SH.PropertyShape)) | set(g.subjects(RDF.type, SH.NodeShape)):
        if not isinstance(s, rdflib.URIRef) or not str(s).startswith(CRDSH):
            continue
        if (s, SH.path, None) in g or any((s, p, None) in g for p in node_level):
            names.add(str(s)[len(CRDSH):])
    return sorted(names)


SHAPES = _constraint_bearing_shapes()


def test_every_node_shape_is_exercised():
    """An aggregating node shape (one that only groups property shapes) is covered through
    them: each of its property shapes has examples."""
    g = _shapes_graph()
    for node in g.subjects(RDF.type, SH.NodeShape):
        name = str(node)[len(CRDSH):]
        props = [str(p)[len(CRDSH):] for p in g.objects(node, SH.property)]
        assert name in SHAPES or any(p in SHAPES for p in props), name


def test_shapes_are_found():
    assert len(SHAPES) > 50
    assert "DivisionCodeShape" in SHAPES and "DeclaredTermsShape" in SHAPES


def _also(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return {CRDSH + m for m in re.findall(r"^# also: crdsh:(\w+)", text, re.MULTILINE)}


def _run(shape: str, example: Path):
    if shape.startswith(METADATA_PREFIXES):
        return validate(files=[example], with_ontology=False, checks=False)
    return validate(files=[BASE, example], checks=False)


@pytest.mark.parametrize("shape", SHAPES)
def test_example_files_exist(shape):
    assert (EXAMPLES / f"{shape}-valid.ttl").is_file(), f"{shape}-valid.ttl missing"
    assert (EXAMPLES / f"{shape}-invalid.ttl").is_file(), f"{shape}-invalid.ttl missing"


def test_base_conforms():
    report = validate(files=[BASE], checks=False)
    assert report.results == []


@pytest.mark.parametrize("shape", SHAPES)
def test_valid_example_conforms(shape):
    report = _run(shape, EXAMPLES / f"{shape}-valid.ttl")
    assert [(r.source, r.focus, r.message) for r in report.results] == []


@pytest.mark.parametrize("shape", SHAPES)
def test_invalid_example_fails_with_its_shape(shape):
    path = EXAMPLES / f"{shape}-invalid.ttl"
    report = _run(shape, path)
    sources = {r.source for r in report.results}
    assert CRDSH + shape in sources, f"{shape} did not fire; got {sorted(sources)}"
    assert sources <= {CRDSH + shape} | _also(path), f"other shapes fired: {sorted(sources)}"
    # every result of the example's own shape points into the example file
    own = [r for r in report.results if r.source == CRDSH + shape and r.file]
    assert all(Path(r.file).name in (path.name, BASE.name) for r in own)
    assert_located_as_by_a_full_index(report, [path] if shape.startswith(METADATA_PREFIXES) else [BASE, path])
