"""HTTP Digest authentication (RFC 7616) for the stores that ask for it, as Virtuoso's write
endpoints do, with the user and password of the environment.

A server that wants Digest answers 401 with a challenge (``WWW-Authenticate: Digest ...``);
the request is sent again with the answer. Virtuoso answers 401 before it reads a request's
body and closes the connection, which resets a large upload while it is being sent; so the
challenge of each origin is kept (:data:`CHALLENGES`) and answered at once on later requests,
and before the first large body to an origin the challenge is asked for with a GET
(:func:`challenge_of`), so that the body is sent once, with its answer.

The answer itself is computed by the standard library: ``AbstractDigestAuthHandler.
get_authorization(request, challenge_fields)``. That method is not in urllib's documentation
(it is what ``HTTPDigestAuthHandler`` calls on a 401); ``tests/test_digest.py`` pins it with
RFC 2617's worked example, so that a Python that changes it fails that test, loudly, rather
than every authenticated load.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Callable

__all__ = ["CHALLENGES", "PROBE_BYTES", "answer", "challenge_of", "credentials", "is_digest", "parse"]

#: the last Digest challenge of each origin (scheme, host, port)
CHALLENGES: dict[tuple[str, str, int | None], str] = {}
#: a body from which the challenge is asked for first (a smaller one is simply sent again)
PROBE_BYTES = 64 * 1024


def credentials() -> tuple[str, str] | None:
    """The user and password for Digest: ``CRDKG_ENDPOINT_USER`` and ``CRDKG_ENDPOINT_PASSWORD``,
    unless a token (``CRDKG_ENDPOINT_TOKEN``, sent as Bearer) is set or no user is."""
    user = os.environ.get("CRDKG_ENDPOINT_USER")
    if not user or os.environ.get("CRDKG_ENDPOINT_TOKEN"):
        return None
    return user, os.environ.get("CRDKG_ENDPOINT_PASSWORD", "")


def is_digest(challenge: str) -> bool:
    return challenge.lower().startswith("digest ")


def parse(challenge: str) -> dict[str, str]:
    """The fields of a ``Digest ...`` challenge (realm, nonce, qop, ...), as urllib parses them."""
    items = urllib.request.parse_http_list(challenge[len("digest "):])
    return urllib.request.parse_keqv_list([item for item in items if item])


def answer(req: urllib.request.Request, challenge: str) -> str | None:
    """The ``Authorization`` value answering ``challenge`` for ``req``, or None without
    credentials or for a challenge the standard library cannot answer (an unknown algorithm)."""
    found = credentials()
    if found is None or not is_digest(challenge):
        return None
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, req.full_url, *found)
    handler = urllib.request.HTTPDigestAuthHandler(passwords)
    try:
        value = handler.get_authorization(req, parse(challenge))
    except (ValueError, KeyError):
        return None
    return None if value is None else f"Digest {value}"


def challenge_of(req: urllib.request.Request, opener: Callable[..., object], timeout: float) -> str:
    """The Digest challenge with which the server refuses a GET of ``req``'s URL without
    credentials (a GET changes nothing), or "" when it gives none."""
    probe = urllib.request.Request(req.full_url, method="GET", headers={"User-Agent": "crdkg"})
    try:
        with opener(probe, timeout=timeout):  # type: ignore[attr-defined]
            return ""
    except urllib.error.HTTPError as err:
        found = (err.headers.get("WWW-Authenticate") or "") if err.code == 401 and err.headers else ""
        return found if is_digest(found) else ""
    except (urllib.error.URLError, OSError, ValueError):
        return ""
