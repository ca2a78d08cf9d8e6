"""The web application of ``crdkg serve`` (Starlette): the SPARQL endpoint, the stored
queries as an HTTP API, and their OpenAPI document, over one engine. Read-only; every
request has a time limit and a size limit, and every error is one line of JSON."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..engines.base import Engine, QueryResult
from ..errors import CrdkgError, ParameterError, QueryError
from .negotiation import MEDIA_TYPES, NotAcceptable, choose

T = TypeVar("T")

#: the largest request body accepted (a query sent by POST)
MAX_BODY = 1_000_000


class HTTPError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def error_response(status: int, message: str, candidates: tuple[str, ...] = ()) -> JSONResponse:
    """``{"error": "one line"}``, with ``"did_you_mean": [...]`` where there are candidates."""
    body: dict[str, object] = {"error": " ".join(message.split())}
    if candidates:
        body["did_you_mean"] = list(candidates)
    return JSONResponse(body, status_code=status)


class Server:
    """The state the routes share: the engine, the limits and the service's own URL."""

    def __init__(self, engine: Engine, *, timeout: float, max_rows: int | None) -> None:
        self.engine = engine
        self.timeout = timeout
        engine.max_rows = max_rows
        engine.allow_service = False  # no request may reach the network

    async def run(self, work: Callable[[], T], *, what: str = "the query") -> T:
        """``work`` in a worker thread, within the time limit (past it the request is answered
        503; the thread finishes its query and is discarded)."""
        try:
            with anyio.fail_after(self.timeout):
                return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        except TimeoutError:
            raise HTTPError(503, f"{what} took longer than this server's limit of {self.timeout:g} s") from None


def respond(result: QueryResult, request: Request, requested: str | None) -> Response:
    from ..results import write_result

    try:
        fmt = choose(result.form, request.headers.get("accept"), requested)
    except NotAcceptable as err:
        raise HTTPError(406, str(err)) from None
    media = MEDIA_TYPES[fmt]
    return Response(write_result(result, fmt).encode("utf-8"), media_type=f"{media}; charset=utf-8")


async def body_of(request: Request) -> bytes:
    size = request.headers.get("content-length")
    if size is not None and (not size.isdigit() or int(size) > MAX_BODY):
        raise HTTPError(413, f"the request body is larger than {MAX_BODY} bytes")
    chunks, total = [], 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > MAX_BODY:
            raise HTTPError(413, f"the request body is larger than {MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def guarded(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """``handler`` with crdkg's errors as one-line JSON answers, never a traceback."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except HTTPError as err:
            return error_response(err.status, str(err))
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
SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                    (b"content-security-policy", b"frame-ancestors 'none'; base-uri 'none'; object-src 'none'"),
                    (b"referrer-policy", b"no-referrer")]


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
               cors: Sequence[str] = (), allowed_hosts: Sequence[str] = ()) -> Starlette:
    """The application over ``engine``: ``/sparql``, ``/api/queries``, ``/api/openapi.json``.
    Other origins may read its answers only when ``cors`` names them (``*`` for any); it answers
    only for this machine's host names and ``allowed_hosts``."""
    from . import queries, sparql

    server = Server(engine, timeout=timeout, max_rows=max_rows)

    def page_route(render: Callable[..., str]) -> Callable[[Request], Awaitable[Response]]:
        """A page: rendered in a worker thread within the time limit; an error is a page too."""
        from .pages import Page

        async def endpoint(request: Request) -> Response:
            lang = request.query_params.get("lang", "en")
            page = Page(server.engine, lang if lang in ("en", "zh") else "en", request.url.path, request.url.query)
            params = {k: v for k, v in request.query_params.items()}
            try:
                return HTMLResponse(await server.run(lambda: render(page, request, params), what="the page"))
            except HTTPError as err:
                status, message = err.status, str(err)
            except QueryError as err:
                status = 404 if str(err).startswith("no stored query named") else 400
                message = str(err)
            except CrdkgError as err:
                status, message = 400, str(err)
            return HTMLResponse(page.layout("crdkg", f'<p class="error">{html.escape(message)}</p>'),
                                status_code=status)

        return endpoint

    from . import pages, statistics

    async def internal_error(request: Request, exc: Exception) -> Response:
        return error_response(500, f"internal error ({type(exc).__name__}); please report it")

    routes = [
        Route("/", page_route(lambda page, request, params: pages.home(page))),
        Route("/queries", page_route(lambda page, request, params: pages.queries(page))),
        Route("/queries/{name}", page_route(lambda page, request, params: pages.query(
            page, request.path_params["name"], params))),
        Route("/resource", page_route(lambda page, request, params: pages.resource(page, _iri(params)))),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/editor", page_route(lambda page, request, params: pages.editor(page))),
        Mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static"),
        Route("/map", page_route(lambda page, request, params: pages.tile_map(
            page, params.pop("query", None), params))),
        Route("/statistics", page_route(lambda page, request, params: statistics.page(page, params))),
        Route("/sparql", guarded(sparql.handler(server, body_of, respond)), methods=["GET", "POST"]),
        Route("/api", page_route(lambda page, request, params: pages.api_docs(page))),
        Route("/api/queries", guarded(queries.listing), methods=["GET"]),
        Route("/api/queries/{name}", guarded(queries.handler(server, respond)), methods=["GET"]),
        Route("/api/openapi.json", guarded(queries.openapi), methods=["GET"]),
    ]
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware

    middleware = [Middleware(Guard, hosts=list(allowed_hosts))]
    if cors:  # only when asked: with "*" any page the user opens could read what is served, --data files too
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(cors), allow_methods=["GET", "POST"],
                                     allow_headers=["*"]))
    return Starlette(routes=routes, middleware=middleware, exception_handlers={Exception: internal_error})


def _iri(params: dict[str, str]) -> str:
    from ..params import expand_iri

    raw = params.get("iri", "")
    iri = expand_iri(raw)
    if not iri:
        raise CrdkgError(f"give the resource as ?iri=IRI or a prefixed name, not {raw[:80]!r}")
    return iri

__all__ = ["create_app"]
