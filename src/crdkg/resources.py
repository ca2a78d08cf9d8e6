"""Where the shipped files are: inside the installed package, or in a source checkout.

A wheel carries ``ontology/``, ``data/`` and ``queries/`` under ``crdkg/_shipped``;
a checkout (editable install) uses the folders at the top of the repository.

The functions ending in ``_folder`` and ``part_paths`` give paths as text, for the code
a cold command runs (importing ``pathlib`` would cost a tenth of a cold query); the
others give :class:`pathlib.Path` objects.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
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

_ROOT: list[str] = []
_PARTS = {"ontology": ("ontology",), "shapes": ("ontology", "shapes"), "data": ("data",),
          "statistics": ("data", "statistics"), "places": ("data", "places"), "census": ("data", "census")}


def root_folder() -> str:
    """The folder that holds ``ontology/``, ``data/`` and ``queries/``."""
    if not _ROOT:
        here = os.path.dirname(os.path.realpath(__file__))
        shipped = os.path.join(here, "_shipped")
        checkout = os.path.dirname(os.path.dirname(here))
        if os.path.isdir(os.path.join(shipped, "ontology")):
            _ROOT.append(shipped)
        elif os.path.isfile(os.path.join(checkout, "ontology", "crd.ttl")):
            _ROOT.append(checkout)
        else:
            raise FileNotFoundError(f"crdkg: the shipped graph is missing (looked in {shipped} and {checkout})")
    return _ROOT[0]


def listing(folder: str, suffix: str) -> list[str]:
    """The files of ``folder`` whose names end in ``suffix``, sorted by name."""
    try:
        with os.scandir(folder) as entries:
            return sorted(e.path for e in entries
                          if e.name.endswith(suffix) and not e.name.startswith(".") and e.is_file())
    except FileNotFoundError:
        return []


def part_paths(part: str, root: str | None = None) -> list[str]:
    """The Turtle files of a shipped part: ``ontology``, ``shapes``, ``data``, ``statistics``,
    ``places`` or ``census`` (of the folder ``root`` laid out as a checkout, if given)."""
    return listing(os.path.join(root or root_folder(), *_PARTS[part]), ".ttl")


def part_folders(root: str) -> dict[str, list[str]]:
    """The Turtle files of each part found in ``root``, a folder laid out as a checkout (an
    older revision's, say); parts without files are left out."""
    found = {part: part_paths(part, root) for part in _PARTS}
    return {part: paths for part, paths in found.items() if paths}


def query_folder() -> str:
    return os.path.join(root_folder(), "queries")


def _paths(texts: list[str]) -> list[Path]:
    from pathlib import Path

    return [Path(t) for t in texts]


def root() -> Path:
    from pathlib import Path

    return Path(root_folder())


def ontology_files() -> list[Path]:
    return _paths(part_paths("ontology"))


def shape_files() -> list[Path]:
    return _paths(part_paths("shapes"))


def data_files() -> list[Path]:
    return _paths(part_paths("data"))


def part_files(part: str) -> list[Path]:
    return _paths(part_paths(part))


def shipped_files() -> list[Path]:
    """The Turtle files of every shipped part."""
    return [p for part in _PARTS for p in part_files(part)]


def query_dir() -> Path:
    return root() / "queries"


def check_dir() -> Path:
    return root() / "queries" / "checks"


def source_texts() -> list[Path]:
    return _paths(listing(os.path.join(root_folder(), "data", "sources"), ".txt"))
