"""Engines that answer SPARQL: one small interface, three implementations.

* :class:`~crdkg.engines.oxigraph.OxigraphEngine`: the embedded graph in pyoxigraph (default);
* :class:`~crdkg.engines.rdflib.RdflibEngine`: the embedded graph in rdflib (fallback);
* :class:`~crdkg.engines.endpoint.EndpointEngine`: any SPARQL 1.1 endpoint.

Another engine subclasses :class:`~crdkg.engines.base.Engine`; the catalogue and the
command line do not change.
"""

from .base import Engine, QueryResult

__all__ = ["Engine", "QueryResult"]
