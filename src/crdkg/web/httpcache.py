"""Answers that do not change between loads: ``ETag``, ``304 Not Modified`` and a bounded cache.

The graph a server holds is read-only until the server is restarted, so an answer to a GET is
fixed by the graph, crdkg's own code and the request. The ETag of an answer is the digest of
those (:func:`graph_version`) and of what chooses the representation (the path, the query
string, the ``Accept`` header and the Host it is addressed to): a client or a proxy that
sends it back in ``If-None-Match`` gets ``304`` without any work. A successful answer is kept
in a cache of bounded size (least recently used out first), so a repeated stored query costs
a dictionary look-up; a request with ``Cache-Control: no-cache`` is worked out anew.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..engines.base import Engine

#: how long a client or proxy may reuse an answer without asking again (seconds)
MAX_AGE = 300
#: the largest answer kept in the cache
MAX_ENTRY = 2 * 1024 * 1024


def graph_version(engine: Engine) -> str:
    """A digest of what the answers are made of: the files of the graph (their bytes) and the
    code of crdkg (its modules and static assets)."""
    h = hashlib.blake2b(digest_size=16)
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for root, dirs, names in sorted(os.walk(package)):
        dirs.sort()
        for name in sorted(names):
            if name.endswith((".py", ".js", ".css", ".rq", ".yaml", ".ttl")):
                with open(os.path.join(root, name), "rb") as fh:
                    h.update(name.encode() + b"\0" + fh.read())
    graph = getattr(engine, "graph", None)
    for part, paths in sorted((graph.files if graph is not None else {}).items()):
        for path in paths:
            h.update(f"\0{part}\0{path}\0".encode())
            with open(path, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
    return h.hexdigest()


def headers_of(scope: Scope, name: bytes) -> bytes:
    """The value of the request header ``name`` (lower case), or empty."""
    return next((v for k, v in scope["headers"] if k == name), b"").lower()


class Conditional:
    """ASGI middleware: GET answers get an ``ETag`` and ``Cache-Control``; ``If-None-Match``
    with the current tag gets 304; 200 answers up to :data:`MAX_ENTRY` are kept, ``max_bytes``
    in all. The static assets (``/static``) keep their own validators."""

    def __init__(self, app: ASGIApp, *, version: str, max_bytes: int) -> None:
        self.app = app
        self.version = version
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[bytes, tuple[list[tuple[bytes, bytes]], bytes]] = OrderedDict()

    def etag(self, scope: Scope) -> tuple[bytes, bytes]:
        headers = dict(scope["headers"])
        key = b"\0".join((scope["path"].encode("utf-8", "surrogateescape"), scope.get("query_string", b""),
                          headers.get(b"accept", b""), headers.get(b"host", b"")))
        digest = hashlib.blake2b(self.version.encode() + b"\0" + key, digest_size=12).hexdigest()
        return key, f'"{digest}"'.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        key, tag = self.etag(scope)
        validators = [(b"etag", tag), (b"cache-control", f"max-age={MAX_AGE}".encode())]
        asked = headers_of(scope, b"if-none-match")
        if tag in [t.strip().removeprefix(b"W/") for t in asked.split(b",")] or asked.strip() == b"*":
            await send({"type": "http.response.start", "status": 304, "headers": validators})
            await send({"type": "http.response.body", "body": b""})
            return
        fresh = b"no-cache" in headers_of(scope, b"cache-control") or b"no-cache" in headers_of(scope, b"pragma")
        hit = None if fresh else self.entries.get(key)  # a client may ask for the answer worked out anew
        if hit is not None:
            self.entries.move_to_end(key)
            headers, body = hit
            await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
            await send({"type": "http.response.body", "body": body})
            return
        start: list[tuple[bytes, bytes]] | None = None  # the headers, as the application gave them
        chunks: list[bytes] = []
        keep = True

        async def capture(message: Message) -> None:
            nonlocal start, keep
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    start = [*message.get("headers", []), *validators]
                    message = {**message, "headers": list(start)}  # the middleware outside may add to it
                else:
                    keep = False
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
                if sum(map(len, chunks)) > MAX_ENTRY:
                    keep = False
                    chunks.clear()
                if not message.get("more_body") and keep and start is not None:
                    self.keep(key, start, b"".join(chunks))
            await send(message)

        await self.app(scope, receive, capture)

    def keep(self, key: bytes, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        if key in self.entries:
            self.entries.move_to_end(key)
            return
        self.entries[key] = (headers, body)
        self.size += len(body) + len(key)
        while self.size > self.max_bytes and self.entries:
            old_key, (_, old_body) = self.entries.popitem(last=False)
            self.size -= len(old_body) + len(old_key)
