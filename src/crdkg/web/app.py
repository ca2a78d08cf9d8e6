"""The web application of ``crdkg serve`` (Starlette): the SPARQL endpoint, the stored
queries as an HTTP API, and their OpenAPI document, over one engine. Read-only; every
request has a time limit and a size limit, and every error is one line of JSON."""

from __future__ import annotations

import contextlib
import html
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..engines.base import Engine
from ..errors import CrdkgError, ParameterError, QueryError
from .negotiation import MEDIA_TYPES, NotAcceptable, choose

T = TypeVar("T")

#: the largest request body accepted (a query sent by POST)
MAX_BODY = 1_000_000


class HTTPError(Exception):
    def __init__(self, status: int, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def error_response(status: int, message: str, candidates: tuple[str, ...] = (), *,
                   retry_after: int | None = None) -> JSONResponse:
    """``{"error": "one line"}``, with ``"did_you_mean": [...]`` where there are candidates."""
    body: dict[str, object] = {"error": " ".join(message.split())}
    if candidates:
        body["did_you_mean"] = list(candidates)
    headers = {"retry-after": str(retry_after)} if retry_after else None
    return JSONResponse(body, status_code=status, headers=headers)


class Server:
    """The state the routes share: the engine, the limits, and the runner of the work."""

    def __init__(self, engine: Engine, *, timeout: float, max_rows: int | None, workers: int = 0,
                 queue: int | None = None, memory_mb: int | None = 2048) -> None:
        from .workers import runner

        self.engine = engine
        self.timeout = timeout
        engine.max_rows = max_rows
        engine.allow_service = False  # no request may reach the network
        self.runner = runner(engine, workers=workers, timeout=timeout, queue=queue, memory_mb=memory_mb)

    async def run(self, fn: Callable[..., T], *args: object, what: str = "the query") -> T:
        """``fn(engine, *args)`` (a function of :mod:`crdkg.web.jobs`) by the runner, within the
        time limit: past it the request is answered 503, and with worker processes the work is
        stopped."""
        from .workers import JobFailed

        try:
            return await self.runner.run(fn, *args, what=what)
        except JobFailed as err:
            raise HTTPError(err.status, str(err), retry_after=err.retry_after) from None

    def close(self) -> None:
        self.runner.close()


def negotiate(form: str, request: Request, requested: str | None) -> str:
    """The result format for a query of ``form``: the ``format`` parameter, or the Accept header."""
    try:
        return choose(form, request.headers.get("accept"), requested)
    except NotAcceptable as err:
        raise HTTPError(406, str(err)) from None


def answer(body: bytes, fmt: str) -> Response:
    return Response(body, media_type=f"{MEDIA_TYPES[fmt]}; charset=utf-8", headers={"vary": "Accept"})


async def body_of(request: Request) -> bytes:
    size = request.headers.get("content-length")
    if size is not None and (not size.isdigit() or int(size) > MAX_BODY):
        raise HTTPError(413, f"the request body is larger than {MAX_BODY} bytes")
    from starlette.requests import ClientDisconnect

    chunks, total = [], 0
    try:
        async for chunk in request.stream():
            total += len(chunk)
            if total > MAX_BODY:
                raise HTTPError(413, f"the request body is larger than {MAX_BODY} bytes")
            chunks.append(chunk)
    except ClientDisconnect:  # it went, or was cut off for being slow: the answer goes nowhere
        raise HTTPError(400, "the request body did not arrive whole") from None
    return b"".join(chunks)


def guarded(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """``handler`` with crdkg's errors as one-line JSON answers, never a traceback."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except HTTPError as err:
            return error_response(err.status, str(err), retry_after=err.retry_after)
        except ParameterError as err:
            return error_response(400, str(err), err.candidates)
        except QueryError as err:
            text = str(err)
            return error_response(404 if text.startswith("no stored query named") else 400, text, err.candidates)
        except CrdkgError as err:
            return error_response(400, str(err))
        except UnicodeDecodeError:
            return error_response(400, "the request is not UTF-8 text")

    return endpoint


#: Host names every server answers (this machine's)
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
#: headers on every answer: no type sniffing, no framing by other sites, no referrer sent on
#: the Content-Security-Policy: scripts, styles, images and requests from this server only (the
#: pages carry no inline script; their inline styles place the map's tiles); no framing
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'; object-src 'none'")
SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                    (b"content-security-policy", CSP.encode()), (b"referrer-policy", b"no-referrer")]


def _host_name(header: str) -> str:
    """The name of a Host header, without its port (``[::1]:8000`` is ``::1``)."""
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class Guard:
    """ASGI middleware: a request whose Host header names no allowed host gets 400 (against DNS
    rebinding), and every answer gets :data:`SECURITY_HEADERS`."""

    def __init__(self, app: ASGIApp, *, hosts: Sequence[str]) -> None:
        self.app = app
        self.hosts = {h.lower() for h in (*LOCAL_HOSTS, *hosts) if h}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
        if _host_name(host).lower() not in self.hosts:
            response = error_response(400, f"this server does not answer for the host {host[:80]!r}; "
                                           "start it with --allow-host NAME to answer for NAME")
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(engine: Engine, *, timeout: float = 30.0, max_rows: int | None = 100_000,
               cors: Sequence[str] = (), allowed_hosts: Sequence[str] = (), workers: int = 0,
               queue: int | None = None, memory_mb: int | None = 2048, cache_mb: int = 64) -> Starlette:
    """The application over ``engine``: ``/sparql``, ``/api/queries``, ``/api/openapi.json`` and
    the pages. Other origins may read its answers only when ``cors`` names them (``*`` for any);
    it answers only for this machine's host names and ``allowed_hosts``. With ``workers``, the
    work runs in that many processes, stopped at the time limit (:mod:`crdkg.web.workers`);
    answers carry an ETag and are kept in a cache of ``cache_mb`` MiB (:mod:`crdkg.web.httpcache`)."""
    from . import jobs, linkeddata, queries, sparql
    from .httpcache import Conditional, graph_version

    version = graph_version(engine)  # before the workers are forked: it reads the graph's files
    server = Server(engine, timeout=timeout, max_rows=max_rows, workers=workers, queue=queue, memory_mb=memory_mb)

    def page_route(view: str) -> Callable[[Request], Awaitable[Response]]:
        """A page: rendered by the runner within the time limit; an error is a page too."""
        from .pages import Page

        async def endpoint(request: Request) -> Response:
            lang = request.query_params.get("lang", "en")
            lang = lang if lang in ("en", "zh") else "en"
            params = {k: v for k, v in request.query_params.items()}
            try:
                return HTMLResponse(await server.run(jobs.page, view, lang, request.url.path, request.url.query,
                                                     params, dict(request.path_params), what="the page"))
            except HTTPError as err:
                status, message = err.status, str(err)
            except QueryError as err:
                status = 404 if str(err).startswith("no stored query named") else 400
                message = str(err)
            except CrdkgError as err:
                status, message = 400, str(err)
            page = Page(server.engine, lang, request.url.path, request.url.query)
            return HTMLResponse(page.layout("crdkg", f'<p class="error">{html.escape(message)}</p>'),
                                status_code=status)

        return endpoint

    linked = linkeddata.handler(server)

    async def internal_error(request: Request, exc: Exception) -> Response:
        return error_response(500, f"internal error ({type(exc).__name__}); please report it")

    routes = [
        Route("/", page_route("home")),
        Route("/queries", page_route("queries")),
        Route("/queries/{name}", page_route("query")),
        Route("/resource", page_route("resource")),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/editor", page_route("editor")),
        Mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static"),
        Route("/map", page_route("map")),
        Route("/statistics", page_route("statistics")),
        Route("/sparql", guarded(sparql.handler(server, body_of)), methods=["GET", "POST"]),
        Route("/api", page_route("api")),
        Route("/api/queries", guarded(queries.listing), methods=["GET"]),
        Route("/api/queries/{name}", guarded(queries.handler(server)), methods=["GET"]),
        Route("/api/openapi.json", guarded(queries.openapi), methods=["GET"]),
        # crdkg's own IRIs (https://w3id.org/crdkg/...), with content negotiation
        *[Route(path, guarded(linked), methods=["GET"]) for path in (
            "/id/{rest:path}", "/ontology", "/ontology/{version:path}", "/shapes", "/graph/{part}",
            "/.well-known/void")],
    ]
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware

    middleware = [Middleware(Guard, hosts=list(allowed_hosts))]
    if cors:  # only when asked: with "*" any page the user opens could read what is served, --data files too
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(cors), allow_methods=["GET", "POST"],
                                     allow_headers=["*"]))
    middleware.append(Middleware(Conditional, version=version, max_bytes=cache_mb * 1024 * 1024))
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        server.close()  # the worker processes end with the server

    app = Starlette(routes=routes, middleware=middleware, exception_handlers={Exception: internal_error},
                    lifespan=lifespan)
    app.state.server = server
    return app


__all__ = ["create_app"]
