"""HTTP Digest authentication (crdkg.digest), in process: the standard library's undocumented
call pinned by RFC 2617's worked example, and the whole exchange against a small Digest
server on 127.0.0.1 that behaves as Virtuoso's write endpoints do (a 401 with a challenge
for Basic credentials), its requests recorded."""

from __future__ import annotations

import hashlib
import http.server
import threading
import urllib.error
import urllib.request

import pytest

from crdkg import digest, httpclient

# RFC 2617, section 3.5: user Mufasa, password "Circle Of Life", and this challenge give, with
# the client nonce 0a4f113b and nonce count 00000001, the response below
RFC_CHALLENGE = ('Digest realm="testrealm@host.com", qop="auth,auth-int", '
                 'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"')
RFC_URL = "http://www.nowhere.org/dir/index.html"
RFC_RESPONSE = "6629fae49393a05397450978507c4ef1"


@pytest.fixture
def mufasa(monkeypatch):
    monkeypatch.setenv("CRDKG_ENDPOINT_USER", "Mufasa")
    monkeypatch.setenv("CRDKG_ENDPOINT_PASSWORD", "Circle Of Life")
    monkeypatch.delenv("CRDKG_ENDPOINT_TOKEN", raising=False)
    monkeypatch.setattr(digest, "CHALLENGES", {})
    # the client nonce is random; RFC 2617's is fixed here
    monkeypatch.setattr(urllib.request.AbstractDigestAuthHandler, "get_cnonce", lambda self, nonce: "0a4f113b")


def test_the_standard_librarys_undocumented_call_still_gives_rfc_2617s_answer(mufasa):
    """``AbstractDigestAuthHandler.get_authorization`` is not in urllib's documentation: if a
    Python changes it, this fails here rather than every authenticated load."""
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, RFC_URL, "Mufasa", "Circle Of Life")
    handler = urllib.request.HTTPDigestAuthHandler(passwords)
    value = handler.get_authorization(urllib.request.Request(RFC_URL), digest.parse(RFC_CHALLENGE))
    assert f'response="{RFC_RESPONSE}"' in value
    assert 'uri="/dir/index.html"' in value and "nc=00000001" in value and 'cnonce="0a4f113b"' in value


def test_answer_is_the_authorization_header_of_rfc_2617(mufasa):
    value = digest.answer(urllib.request.Request(RFC_URL), RFC_CHALLENGE)
    assert value is not None and value.startswith('Digest username="Mufasa", realm="testrealm@host.com"')
    assert f'response="{RFC_RESPONSE}"' in value and 'opaque="5ccc069c403ebaf9f0171e9517f40e41"' in value


def test_no_answer_without_a_user_with_a_token_or_for_another_scheme(monkeypatch):
    request = urllib.request.Request(RFC_URL)
    monkeypatch.delenv("CRDKG_ENDPOINT_USER", raising=False)
    assert digest.answer(request, RFC_CHALLENGE) is None
    monkeypatch.setenv("CRDKG_ENDPOINT_USER", "Mufasa")
    monkeypatch.setenv("CRDKG_ENDPOINT_TOKEN", "tok")
    assert digest.answer(request, RFC_CHALLENGE) is None
    monkeypatch.delenv("CRDKG_ENDPOINT_TOKEN")
    assert digest.answer(request, 'Basic realm="x"') is None
    assert digest.answer(request, 'Digest realm="x", nonce="1", algorithm="UNKNOWN"') is None


class DigestServer(http.server.ThreadingHTTPServer):
    """Accepts only a right Digest answer for Mufasa (RFC 2617's computation, written out here);
    records each request: method, whether it carried a right answer, body length."""

    nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093"
    realm = "testrealm@host.com"

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.log: list[tuple[str, str, int]] = []

    def right(self, header: str, method: str, uri: str) -> bool:
        if not header.startswith("Digest "):
            return False
        fields = digest.parse(header)
        md5 = lambda text: hashlib.md5(text.encode()).hexdigest()  # noqa: E731 - RFC 2617 is MD5
        ha1 = md5(f"Mufasa:{self.realm}:Circle Of Life")
        ha2 = md5(f"{method}:{uri}")
        expected = md5(f"{ha1}:{self.nonce}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}")
        return fields.get("uri") == uri and fields.get("response") == expected


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _answer(self) -> None:
        server: DigestServer = self.server  # type: ignore[assignment]
        length = int(self.headers.get("Content-Length") or 0)
        auth = self.headers.get("Authorization") or ""
        ok = server.right(auth, self.command, self.path)
        kind = "digest" if ok else ("basic" if auth.startswith("Basic ") else "none" if not auth else "wrong")
        if not ok:  # as Virtuoso does: refused before the body is read, and the connection closed
            server.log.append((self.command, kind, 0))
            self.send_response(401)
            self.send_header("WWW-Authenticate", f'Digest realm="{server.realm}", qop="auth", nonce="{server.nonce}"')
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            return
        body = self.rfile.read(length)
        server.log.append((self.command, kind, len(body)))
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_POST = do_PUT = _answer


@pytest.fixture
def server():
    srv = DigestServer()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


def test_a_small_body_is_sent_again_with_the_answer_and_later_requests_answer_at_once(mufasa, server):
    url = f"http://127.0.0.1:{server.server_address[1]}/sparql-graph-crud-auth"
    assert httpclient.fetch("POST", url, data=b"x" * 100, timeout=10) == (b"ok", "text/plain")
    assert server.log == [("POST", "basic", 0), ("POST", "digest", 100)]
    server.log.clear()
    assert httpclient.fetch("PUT", url, data=b"y" * 10, timeout=10)[0] == b"ok"
    assert server.log == [("PUT", "digest", 10)]  # the kept challenge, answered before any 401


def test_a_large_body_is_sent_once_after_a_get_asks_for_the_challenge(mufasa, server):
    url = f"http://127.0.0.1:{server.server_address[1]}/sparql-graph-crud-auth"
    body = b"z" * digest.PROBE_BYTES
    assert httpclient.fetch("PUT", url, data=body, timeout=10)[0] == b"ok"
    assert server.log == [("GET", "none", 0), ("PUT", "digest", len(body))]


def test_a_wrong_password_is_the_servers_401(mufasa, server, monkeypatch):
    monkeypatch.setenv("CRDKG_ENDPOINT_PASSWORD", "wrong")
    url = f"http://127.0.0.1:{server.server_address[1]}/sparql-graph-crud-auth"
    with pytest.raises(urllib.error.HTTPError) as caught:
        httpclient.fetch("POST", url, data=b"x", timeout=10)
    assert caught.value.code == 401
    assert [kind for _, kind, _ in server.log] == ["basic", "wrong"]
