"""The work a request asks of the graph, as functions of plain data: ``fn(engine, *args)``.

The routes (:mod:`crdkg.web.app`) read and check a request, then hand one of these to the
server's runner (:mod:`crdkg.web.workers`), which runs it in a worker process that holds the
graph (or in a thread). Each returns what the answer needs: a page's HTML, or the bytes of a
result in the format already chosen from the request.
"""

from __future__ import annotations

from collections.abc import Callable

from ..engines.base import Engine

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from .pages import Page


def sparql(engine: Engine, text: str, fmt: str) -> bytes:
    """An ad hoc query sent to ``/sparql``, its result written as ``fmt``."""
    from ..api import run_sparql
    from ..results import write_result

    return write_result(run_sparql(text, engine=engine, prefixes=True), fmt).encode("utf-8")


def stored(engine: Engine, name: str, given: dict[str, str], fmt: str) -> bytes:
    """A stored query run with the parameters ``given``, its result written as ``fmt``."""
    from ..api import catalogue
    from ..querying import run_stored
    from ..results import write_result

    return write_result(run_stored(catalogue()[name], engine, given), fmt).encode("utf-8")


def _views() -> dict[str, Callable[[Page, dict[str, str], dict[str, str]], str]]:
    from . import pages, statistics

    return {
        "home": lambda page, params, path: pages.home(page),
        "queries": lambda page, params, path: pages.queries(page),
        "query": lambda page, params, path: pages.query(page, path["name"], params),
        "resource": lambda page, params, path: pages.resource(page, resource_iri(params)),
        "editor": lambda page, params, path: pages.editor(page),
        "map": lambda page, params, path: pages.tile_map(page, params.pop("query", None), params),
        "statistics": lambda page, params, path: statistics.page(page, params),
        "api": lambda page, params, path: pages.api_docs(page),
    }


#: the pages, by the name a route gives them
VIEWS = ("home", "queries", "query", "resource", "editor", "map", "statistics", "api")


def page(engine: Engine, view: str, lang: str, path: str, query: str, params: dict[str, str],
         path_params: dict[str, str]) -> str:
    """The HTML of the page ``view`` (one of :data:`VIEWS`) for a request of ``path`` and ``query``."""
    from .pages import Page

    return _views()[view](Page(engine, lang, path, query), params, path_params)


def resource_iri(params: dict[str, str]) -> str:
    """The IRI a ``/resource`` page is asked for (``?iri=``: an IRI or a prefixed name)."""
    from ..errors import CrdkgError
    from ..params import expand_iri

    raw = params.get("iri", "")
    iri = expand_iri(raw)
    if not iri:
        raise CrdkgError(f"give the resource as ?iri=IRI or a prefixed name, not {raw[:80]!r}")
    import pyoxigraph as ox

    try:
        ox.NamedNode(iri)
    except ValueError as err:
        raise CrdkgError(f"?iri={raw[:80]!r} is not an IRI ({err})") from None
    return iri
