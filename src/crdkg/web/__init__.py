"""``crdkg serve``: the graph over HTTP, on the same Python API as the command line.

- ``sparql.py``: the SPARQL 1.1 Protocol endpoint (``/sparql``), read-only, with content
  negotiation and a service description;
- ``queries.py``: the stored queries as an HTTP API (``/api/queries/{name}``) and the
  OpenAPI 3 document made from the catalogue;
- ``app.py``: the Starlette application that routes to them, its limits and its errors;
- ``server.py``: running it with uvicorn.

Starlette and uvicorn are imported only here (never on the cold query path).
"""
