"""Running the web application with uvicorn, on 127.0.0.1 unless told otherwise.

What uvicorn bounds for us: a request's header block (16 KiB), the connections served at once
(:data:`MAX_CONNECTIONS`; more are answered 503), an idle kept-alive connection (5 s). What it
does not, :func:`protocol` adds: a client must send each request whole (headers and body)
within ``client_timeout`` seconds of its first byte, so that slow clients cannot hold the
server's connections open (slowloris)."""

from __future__ import annotations

from ..engines.base import Engine

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    import asyncio
    from collections.abc import Sequence

#: connections served at once; beyond them uvicorn answers 503
MAX_CONNECTIONS = 512


def protocol(client_timeout: float) -> type:
    """uvicorn's HTTP/1.1 protocol (h11), closing a connection whose request has not arrived
    whole ``client_timeout`` seconds after it began."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class SlowClientsTimedOut(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def _arm(self) -> None:
            if self._deadline is None:
                self._deadline = self.loop.call_later(client_timeout, self._too_slow)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def data_received(self, data: bytes) -> None:
            if self.conn.their_state is h11.IDLE:
                self._arm()  # a new request begins: it has client_timeout to arrive
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE and self.conn.their_state is not h11.SEND_BODY:
                self._disarm()  # arrived whole (or the connection is ending)

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _too_slow(self) -> None:
            self._deadline = None
            if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing():
                if self.cycle is not None and not self.cycle.response_complete:
                    self.cycle.disconnected = True
                    self.cycle.message_event.set()
                self.transport.close()

    return SlowClientsTimedOut


def serve(engine: Engine, *, host: str = "127.0.0.1", port: int = 8000, timeout: float = 30.0,
          max_rows: int | None = 100_000, cors: Sequence[str] = (), allowed_hosts: Sequence[str] = (),
          workers: int = 2, queue: int | None = None, memory_mb: int | None = 2048,
          client_timeout: float = 10.0) -> None:
    """Serve ``engine`` until interrupted."""
    import uvicorn

    from .app import create_app

    hosts = [host, *allowed_hosts] if host not in ("0.0.0.0", "::") else [*allowed_hosts]
    app = create_app(engine, timeout=timeout, max_rows=max_rows, cors=cors, allowed_hosts=hosts,
                     workers=workers, queue=queue, memory_mb=memory_mb)
    runner = app.state.server.runner

    class Uvicorn(uvicorn.Server):
        def handle_exit(self, sig: int, frame: object) -> None:
            super().handle_exit(sig, frame)  # type: ignore[arg-type]
            runner.interrupt()  # the queries running are stopped, so that their connections close now

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", server_header=False,
                            http=protocol(client_timeout), limit_concurrency=MAX_CONNECTIONS, timeout_keep_alive=5,
                            timeout_graceful_shutdown=10)
    try:
        Uvicorn(config).run()
    finally:
        app.state.server.close()
