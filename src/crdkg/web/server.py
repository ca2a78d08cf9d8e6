"""Running the web application with uvicorn, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

from ..engines.base import Engine

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence


def serve(engine: Engine, *, host: str = "127.0.0.1", port: int = 8000, timeout: float = 30.0,
          max_rows: int | None = 100_000, cors: Sequence[str] = (), allowed_hosts: Sequence[str] = ()) -> None:
    """Serve ``engine`` until interrupted."""
    import uvicorn

    from .app import create_app

    hosts = [host, *allowed_hosts] if host not in ("0.0.0.0", "::") else [*allowed_hosts]
    app = create_app(engine, timeout=timeout, max_rows=max_rows, cors=cors, allowed_hosts=hosts)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
