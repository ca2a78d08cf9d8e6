"""Running the web application with uvicorn, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

from ..engines.base import Engine


def serve(engine: Engine, *, host: str = "127.0.0.1", port: int = 8000, timeout: float = 30.0,
          max_rows: int | None = 100_000) -> None:
    """Serve ``engine`` until interrupted."""
    import uvicorn

    from .app import create_app

    app = create_app(engine, timeout=timeout, max_rows=max_rows)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
