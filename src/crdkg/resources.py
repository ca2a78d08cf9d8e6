"""Where the shipped files are: inside the installed package, or in a source checkout.

A wheel carries ``ontology/``, ``data/`` and ``queries/`` under ``crdkg/_shipped``;
a checkout (editable install) uses the folders at the top of the repository.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

RDF_SUFFIXES = {
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
    ".xml": "rdfxml",
    ".n3": "n3",
}


@lru_cache(maxsize=1)
def root() -> Path:
    """The folder that holds ``ontology/``, ``data/`` and ``queries/``."""
    here = Path(__file__).resolve().parent
    shipped = here / "_shipped"
    if (shipped / "ontology").is_dir():
        return shipped
    checkout = here.parent.parent
    if (checkout / "ontology" / "crd.ttl").is_file():
        return checkout
    raise FileNotFoundError(f"crdkg: the shipped graph is missing (looked in {shipped} and {checkout})")


def ontology_files() -> list[Path]:
    return sorted((root() / "ontology").glob("*.ttl"))


def shape_files() -> list[Path]:
    return sorted((root() / "ontology" / "shapes").glob("*.ttl"))


def data_files() -> list[Path]:
    return sorted((root() / "data").glob("*.ttl"))


def part_files(part: str) -> list[Path]:
    return {"ontology": ontology_files, "shapes": shape_files, "data": data_files}[part]()


def query_dir() -> Path:
    return root() / "queries"


def check_dir() -> Path:
    return root() / "queries" / "checks"


def source_texts() -> list[Path]:
    return sorted((root() / "data" / "sources").glob("*.txt"))
