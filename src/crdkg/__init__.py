"""crdkg: a knowledge graph of China's strategy for coordinated regional development.

The public API (nothing runs on import; modules load when first used)::

    import crdkg
    result = crdkg.run_query("divisions-in-region", region="west")
    for row in result.values():
        print(row["code"], row["name_en"], row["name_zh"])
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the cold-path rule, docs/cold-path.md

__version__ = "0.1.0"

__all__ = [
    "CrdkgError",
    "Engine",
    "KnowledgeGraph",
    "QueryResult",
    "StoredQuery",
    "ValidationReport",
    "__version__",
    "build_release",
    "catalogue",
    "embedded_engine",
    "endpoint_engine",
    "export_graph",
    "load_graph",
    "load_into_store",
    "observations",
    "run_query",
    "run_sparql",
    "validate",
]

_LAZY = {
    "CrdkgError": "crdkg.errors",
    "Engine": "crdkg.engines.base",
    "QueryResult": "crdkg.engines.base",
    "KnowledgeGraph": "crdkg.graph",
    "load_graph": "crdkg.graph",
    "StoredQuery": "crdkg.catalogue",
    "catalogue": "crdkg.api",
    "embedded_engine": "crdkg.api",
    "endpoint_engine": "crdkg.api",
    "run_query": "crdkg.api",
    "run_sparql": "crdkg.api",
    "ValidationReport": "crdkg.validation",
    "validate": "crdkg.validation",
    "export_graph": "crdkg.export",
    "load_into_store": "crdkg.load",
    "observations": "crdkg.observations",
    "build_release": "crdkg.release",
}

if TYPE_CHECKING:  # pragma: no cover
    from .api import catalogue, embedded_engine, endpoint_engine, run_query, run_sparql
    from .catalogue import StoredQuery
    from .engines.base import Engine, QueryResult
    from .errors import CrdkgError
    from .export import export_graph
    from .graph import KnowledgeGraph, load_graph
    from .load import load_into_store
    from .observations import observations
    from .release import build_release
    from .validation import ValidationReport, validate


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'crdkg' has no attribute {name!r}")
    __import__(module)
    value = getattr(sys.modules[module], name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
