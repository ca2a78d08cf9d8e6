"""Servers that misbehave on purpose, on 127.0.0.1, for the fault-injection tests: a proxy in
front of a real store that can delay, fail, cut or fake the answer to chosen requests, and
small servers that redirect or echo. Every one is bounded: it runs in a daemon thread, and
delays end with the test."""

from __future__ import annotations

import http.server
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Rule:
    """What the proxy does with a request that ``matches`` (method, path, body): ``delay``
    seconds before forwarding it (the client may have given up; the store still gets it),
    ``status`` to answer without forwarding (``fake`` answers 200 without forwarding), or
    ``cut`` to close the connection without an answer (and not forward)."""

    matches: Callable[[str, str, bytes], bool]
    delay: float = 0.0
    status: int | None = None
    fake: bool = False
    cut: bool = False
    times: int = 1  # how many matching requests the rule applies to
    hits: int = 0


@dataclass
class Proxy:
    upstream: str
    rules: list[Rule] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)
    forwarded_late: list[threading.Thread] = field(default_factory=list)

    def start(self) -> Proxy:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy.seen.append((self.command, self.path))
                rule = next((r for r in proxy.rules if r.hits < r.times and r.matches(self.command, self.path, body)),
                            None)
                if rule is not None:
                    rule.hits += 1
                    if rule.cut:
                        self.close_connection = True
                        self.connection.close()
                        return
                    if rule.fake or rule.status is not None:
                        self._answer(200 if rule.fake else rule.status, b"", {})  # type: ignore[arg-type]
                        return
                    if rule.delay:
                        # the client times out; the store still gets the request, later
                        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                        late = threading.Thread(target=proxy._forward_later,
                                                args=(rule.delay, self.command, self.path, headers, body), daemon=True)
                        late.start()
                        proxy.forwarded_late.append(late)
                        time.sleep(rule.delay + 1)
                        self.close_connection = True
                        return
                status, data, headers = proxy._forward(self.command, self.path, dict(self.headers.items()), body)
                self._answer(status, data, headers)

            def _answer(self, status: int, data: bytes, headers: dict) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    if k.lower() in ("content-type",):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _forward(self, method: str, path: str, headers: dict, body: bytes) -> tuple[int, bytes, dict]:
        headers = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length", "connection")}
        req = urllib.request.Request(self.upstream + path, data=body or None, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status, resp.read(), dict(resp.headers.items())
        except urllib.error.HTTPError as err:
            return err.code, err.read(), dict(err.headers.items())

    def _forward_later(self, delay: float, method: str, path: str, headers: dict, body: bytes) -> None:
        time.sleep(delay)
        self._forward(method, path, headers, body)

    def wait_for_late_requests(self) -> None:
        for t in self.forwarded_late:
            t.join(timeout=30)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def is_update(word: str) -> Callable[[str, str, bytes], bool]:
    """A request to the update endpoint whose text has ``word`` (MOVE, INSERT, ...)."""
    import urllib.parse

    def matches(method: str, path: str, body: bytes) -> bool:
        if method != "POST" or not path.startswith("/update"):
            return False
        text = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("update", [""])[0]
        return word in text

    return matches


class Recorder:
    """A server that records each request's headers and answers with ``answer`` (status,
    headers, body), or a function of the request handler."""

    def __init__(self, answer: Callable[[http.server.BaseHTTPRequestHandler], tuple[int, dict, bytes]]) -> None:
        recorder = self
        self.requests: list[dict] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                recorder.requests.append(dict(self.headers.items()))
                status, headers, body = answer(self)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def digest_server(user: str, password: str, body: bytes, content_type: str, *,
                  silent_on_basic: bool = False) -> Recorder:
    """A server that wants HTTP Digest authentication (RFC 7616, MD5, qop=auth), as Virtuoso's
    write endpoints do: 401 with a challenge, then ``body`` for a correct answer. With
    ``silent_on_basic``, a request with Basic credentials gets a 401 without a challenge, as
    Virtuoso 7.2 answers it."""
    import hashlib
    import re

    realm, nonce = "test-realm", "a1b2c3d4"

    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    def answer(handler: http.server.BaseHTTPRequestHandler) -> tuple[int, dict, bytes]:
        auth = handler.headers.get("Authorization", "")
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', auth[len("Digest "):])) if auth.startswith("Digest ") else {}
        if fields:
            ha1 = md5(f"{user}:{realm}:{password}")
            ha2 = md5(f"{handler.command}:{fields.get('uri', '')}")
            expected = md5(f"{ha1}:{nonce}:{fields.get('nc')}:{fields.get('cnonce')}:{fields.get('qop')}:{ha2}")
            if fields.get("response") == expected and fields.get("username") == user:
                return 200, {"Content-Type": content_type}, body
        if silent_on_basic and auth.startswith("Basic "):
            return 401, {}, b""
        return 401, {"WWW-Authenticate": f'Digest realm="{realm}", nonce="{nonce}", qop="auth", algorithm=MD5'}, b""

    return Recorder(answer)
