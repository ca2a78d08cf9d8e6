"""crdkg's one way to talk HTTP (SPARQL endpoints and triple stores), on the standard
library's urllib: credentials from the environment only, never sent to another origin,
never shown in a message; a timeout on every request; failures described on one line.

Credentials: ``CRDKG_ENDPOINT_USER`` and ``CRDKG_ENDPOINT_PASSWORD`` (HTTP Basic, or Digest
where the server answers 401 with a Digest challenge, as Virtuoso's write endpoints do:
:mod:`crdkg.digest`), or
``CRDKG_ENDPOINT_TOKEN`` (``Authorization: Bearer``). A redirect to another origin (scheme,
host, port) is refused, so neither the credentials nor the request go there, and another
host's answer is never taken for the endpoint's.
"""

from __future__ import annotations

import os
import socket
import urllib.error
import urllib.parse
import urllib.request

from .errors import EndpointError

__all__ = ["auth_headers", "check_timeout", "check_url", "describe_failure", "fetch", "one_line", "open_url", "redact"]


def check_url(url: str, *, what: str = "endpoint") -> str:
    """The URL, if it is an http(s) URL without credentials in it."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as err:
        raise EndpointError(f"{what} {_without_userinfo(url)!r} is not a valid URL ({err})") from None
    if parts.username or parts.password:
        raise EndpointError(f"{what} {_without_userinfo(url)}: do not put credentials in the URL; set "
                            "CRDKG_ENDPOINT_USER and CRDKG_ENDPOINT_PASSWORD (or CRDKG_ENDPOINT_TOKEN) "
                            "in the environment")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"{what} {_without_userinfo(url)!r} is not an http:// or https:// URL")
    return url


def check_timeout(seconds: float) -> float:
    """``seconds``, if it is a timeout (above 0, at most a week; not inf or nan)."""
    if not 0 < seconds <= 7 * 86400:
        raise EndpointError(f"timeout {seconds!r} s: give a number of seconds above 0 (at most a week)")
    return seconds


def _without_userinfo(url: str) -> str:
    """``url`` with any ``user:password@`` taken out (whatever its scheme)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return redact(url)
    host, slash, path = rest.partition("/")
    return scheme + sep + host.rpartition("@")[2] + slash + path


def auth_headers() -> dict[str, str]:
    """HTTP headers carrying the credentials set in the environment."""
    import base64

    token = os.environ.get("CRDKG_ENDPOINT_TOKEN")
    if token:
        return {"Authorization": f"Bearer {token}"}
    user = os.environ.get("CRDKG_ENDPOINT_USER")
    if user:
        password = os.environ.get("CRDKG_ENDPOINT_PASSWORD", "")
        raw = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {raw}"}
    return {}


def _secrets() -> list[str]:
    out = [os.environ.get(k, "") for k in ("CRDKG_ENDPOINT_TOKEN", "CRDKG_ENDPOINT_PASSWORD")]
    out += [v.split(" ", 1)[-1] for v in auth_headers().values()]
    user = os.environ.get("CRDKG_ENDPOINT_USER")
    if user:
        out.append(f"{user}:{os.environ.get('CRDKG_ENDPOINT_PASSWORD', '')}")
    return sorted({s for s in out if len(s) >= 3}, key=len, reverse=True)


def redact(text: str) -> str:
    """``text`` with every credential from the environment replaced by ``[redacted]``."""
    for secret in _secrets():
        text = text.replace(secret, "[redacted]")
    return text


def one_line(text: str, limit: int = 300) -> str:
    """Server text made safe to print: credentials redacted, control characters (newlines,
    terminal escapes) shown escaped, white space collapsed, at most ``limit`` characters."""
    text = redact(text)
    shown = "".join(c if c.isprintable() or c == " "
                    else (f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}")
                    for c in " ".join(text.split()))
    return shown if len(shown) <= limit else shown[:limit] + "..."


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to the same origin; anything else is an error."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urllib.parse.urljoin(req.full_url, newurl)
        if _origin(target) != _origin(req.full_url):
            raise urllib.error.HTTPError(req.full_url, code, f"redirect to another origin "
                                         f"({_without_userinfo(target)}) refused: crdkg sends neither the request nor "
                                         "credentials there", headers, None)
        if code in (307, 308):  # the same request again, body and method kept (urllib drops a POST's)
            return urllib.request.Request(target, data=req.data, method=req.get_method(),
                                          headers={**req.headers, **req.unredirected_hdrs})
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SameOriginRedirects)


def open_url(req: urllib.request.Request, *, timeout: float):
    """Open ``req`` with crdkg's redirect rule (the response, to be read and closed). A 401
    with a Digest challenge is answered once, with the user and password of the environment
    (:mod:`crdkg.digest`; a server that refuses Basic without a challenge, as Virtuoso does, is
    asked for one: with a GET where the request has a body, else with the request without
    credentials); the challenge is kept for the origin's later requests. Before the first
    request to an origin with a body of :data:`crdkg.digest.PROBE_BYTES` or more, with
    credentials, the challenge is asked for with a GET, so that the body is sent once, with
    the answer."""
    from . import digest

    origin = _origin(req.full_url)
    if origin not in digest.CHALLENGES and isinstance(req.data, bytes) and len(req.data) >= digest.PROBE_BYTES \
            and digest.credentials() is not None:
        digest.CHALLENGES[origin] = digest.challenge_of(req, _OPENER.open, timeout)  # "": the server asks none
    known = digest.CHALLENGES.get(origin)
    answer = digest.answer(req, known) if known else None
    if answer is not None:
        req.add_header("Authorization", answer)
    try:
        return _OPENER.open(req, timeout=timeout)
    except urllib.error.HTTPError as err:
        if err.code != 401 or digest.credentials() is None:
            raise
        challenge = (err.headers.get("WWW-Authenticate") or "") if err.headers else ""
        if not digest.is_digest(challenge) and req.data is not None:
            challenge = digest.challenge_of(req, _OPENER.open, timeout)  # a GET: a body is sent once, answered
        if not digest.is_digest(challenge):
            bare = urllib.request.Request(req.full_url, data=req.data, method=req.get_method(),
                                          headers={k: v for k, v in req.header_items() if k.lower() != "authorization"})
            try:
                return _OPENER.open(bare, timeout=timeout)
            except urllib.error.HTTPError as again:
                if again.code != 401:
                    raise
                challenge = (again.headers.get("WWW-Authenticate") or "") if again.headers else ""
        answer = digest.answer(req, challenge)
        if answer is None:
            raise err from None
        digest.CHALLENGES[origin] = challenge
        req.add_header("Authorization", answer)  # in place of the header the server refused
        return _OPENER.open(req, timeout=timeout)


def fetch(method: str, url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
          timeout: float) -> tuple[bytes, str]:
    """The body of the answer to one request and its content type (without parameters), the
    credentials of the environment sent; urllib's errors raised as they are, for the caller
    to describe (:func:`describe_failure`)."""
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"User-Agent": "crdkg", **auth_headers(), **(headers or {})})
    with open_url(req, timeout=timeout) as resp:
        return resp.read(), (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()


def describe_failure(err: BaseException) -> str:
    """A short, credential-free, one-line description of a network or HTTP failure."""
    if isinstance(err, urllib.error.HTTPError):
        body = ""
        try:
            body = err.read().decode("utf-8", "replace").strip() if err.fp is not None else ""
        except Exception:
            pass
        hint = f": {one_line(body)}" if body else ""
        return f"HTTP {err.code} {one_line(str(err.reason))}{hint}"
    if isinstance(err, (TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(err, urllib.error.URLError):
        reason = err.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return "timed out"
        if isinstance(reason, ConnectionRefusedError):
            return "connection refused (is the server running?)"
        if isinstance(reason, socket.gaierror):
            return "host not found"
        return f"cannot connect: {one_line(str(reason))}"
    if isinstance(err, ConnectionError):
        return f"connection failed: {err.__class__.__name__}"
    return f"{err.__class__.__name__}: {one_line(str(err))}"
