"""HTTP to other SPARQL services (standard library only): basic or digest auth, clear errors.

Used by ``coopgraph query --endpoint`` (SPARQL 1.1 Protocol) and ``coopgraph
publish`` (Graph Store Protocol).  Every failure becomes a one-line
:class:`~coopgraph.errors.CoopgraphError` naming the URL and what it answered.

Redirects are never followed: urllib would re-send a POST as a bodiless GET,
with the ``Authorization`` header, to whatever host the answer names.  A
redirect is an error naming the new location, for the user to decide.
Credentials over plain ``http://`` to another machine get a warning (once per
host).  ``timeout`` bounds every wait on the socket, the ``HEAD`` included.

>>> request("GET", "http://127.0.0.1:7878/query?query=ASK%7B%7D")       # doctest: +SKIP
Response(status=200, content_type='application/sparql-results+json', body=b'{"head":{},"boolean":false}')
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import logging
import secrets
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

from coopgraph.errors import CoopgraphError

log = logging.getLogger("coopgraph")

DEFAULT_TIMEOUT = 30.0
"""Seconds any one wait on a remote server may take (connect, send, each read)."""


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes


def request(
    method: str,
    url: str,
    *,
    data: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 300.0,
) -> Response:
    """Send one request; a :class:`CoopgraphError` for anything but a 2xx answer.

    With credentials, the server's challenge is fetched first with a body-less
    ``HEAD``, so a large body is sent once, already authorised: a server that
    answers 401 while a body is still arriving closes the connection (Virtuoso).
    """
    sent = dict(headers or {})
    if user is not None:
        warn_plain_http(url)
    challenge = _challenge(url, timeout) if user is not None else None
    if challenge:
        sent["Authorization"] = authorization(challenge, method, url, user or "", password or "")
    try:
        return _send(method, url, data, sent, timeout)
    except urllib.error.HTTPError as error:
        late = error.headers.get("WWW-Authenticate") if error.code == 401 else None
        if user is not None and late and not challenge:  # challenged only now: answer it once
            sent["Authorization"] = authorization(late, method, url, user, password or "")
            try:
                return _send(method, url, data, sent, timeout)
            except urllib.error.HTTPError as again:
                raise _http_error(url, again) from None
        raise _http_error(url, error) from None
    except (urllib.error.URLError, OSError) as error:
        raise _unreachable(url, error, timeout) from None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Answer a 3xx with an ``HTTPError`` instead of following it."""

    def redirect_request(self, *_: object, **__: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _send(method: str, url: str, data: bytes | None, headers: Mapping[str, str], timeout: float) -> Response:
    message = urllib.request.Request(url, data=data, headers=dict(headers), method=method)
    with _OPENER.open(message, timeout=timeout) as answer:
        return Response(answer.status, answer.headers.get_content_type(), answer.read())


def _challenge(url: str, timeout: float) -> str | None:
    """The ``WWW-Authenticate`` header a body-less request to ``url`` is answered with, if any."""
    try:
        _send("HEAD", url, None, {}, timeout)
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:
            raise _http_error(url, error) from None
        return error.headers.get("WWW-Authenticate") if error.code == 401 else None
    except (urllib.error.URLError, OSError) as error:
        raise _unreachable(url, error, timeout) from None
    return None


def _unreachable(url: str, error: OSError, timeout: float) -> CoopgraphError:
    reason = getattr(error, "reason", error)
    if isinstance(reason, TimeoutError | socket.timeout):
        return CoopgraphError(f"{_shown(url)}: no answer within {timeout:g} s (--timeout)")
    return CoopgraphError(f"{_shown(url)}: cannot reach the server ({reason})")


_WARNED: set[str] = set()


def warn_plain_http(url: str) -> bool:
    """Warn (once per host) when credentials are about to go over plain HTTP to another machine."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "http" or is_loopback(host) or host in _WARNED:
        return False
    _WARNED.add(host)
    log.warning(
        "warning: sending credentials over plain http:// to %s: anyone on the way can read them "
        "(basic auth sends the password itself); use https://",
        host,
    )
    return True


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (``localhost``, 127.0.0.0/8, ``::1``) without asking DNS."""
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def authorization(challenge: str, method: str, url: str, user: str, password: str) -> str:
    """The ``Authorization`` header answering a Basic or Digest (RFC 7616: MD5, SHA-256, qop=auth) challenge.

    >>> authorization('Basic realm="x"', "GET", "http://h/", "dba", "dba")
    'Basic ZGJhOmRiYQ=='
    """
    scheme, _, rest = challenge.strip().partition(" ")
    if scheme.lower() == "basic":
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    if scheme.lower() != "digest":
        raise CoopgraphError(f"{_shown(url)}: the server asks for {scheme} authentication; only basic and digest work")
    fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
    algorithm = fields.get("algorithm", "MD5")
    hasher = {"MD5": hashlib.md5, "MD5-SESS": hashlib.md5, "SHA-256": hashlib.sha256, "SHA-256-SESS": hashlib.sha256}
    if algorithm.upper() not in hasher:
        raise CoopgraphError(f"{_shown(url)}: digest algorithm {algorithm} is not supported")

    def digest(text: str) -> str:
        return hasher[algorithm.upper()](text.encode("utf-8")).hexdigest()

    parts = urllib.parse.urlsplit(url)
    uri = parts.path + (f"?{parts.query}" if parts.query else "")
    realm, nonce = fields.get("realm", ""), fields.get("nonce", "")
    cnonce = secrets.token_hex(8)
    secret = digest(f"{user}:{realm}:{password}")
    if algorithm.upper().endswith("-SESS"):
        secret = digest(f"{secret}:{nonce}:{cnonce}")
    target = digest(f"{method}:{uri}")
    qops = [q.strip() for q in fields.get("qop", "").split(",") if q.strip()]
    answer = {"username": user, "realm": realm, "nonce": nonce, "uri": uri, "algorithm": algorithm}
    if "auth" in qops:
        answer |= {"qop": "auth", "nc": "00000001", "cnonce": cnonce}
        answer["response"] = digest(f"{secret}:{nonce}:00000001:{cnonce}:auth:{target}")
    else:
        answer["response"] = digest(f"{secret}:{nonce}:{target}")
    if "opaque" in fields:
        answer["opaque"] = fields["opaque"]
    unquoted = {"qop", "nc", "algorithm"}
    return "Digest " + ", ".join(f"{k}={v}" if k in unquoted else f'{k}="{v}"' for k, v in answer.items())


def _http_error(url: str, error: urllib.error.HTTPError) -> CoopgraphError:
    if 300 <= error.code < 400:
        where = error.headers.get("Location") or "nowhere (no Location header)"
        where = urllib.parse.urljoin(url, where)
        return CoopgraphError(
            f"{_shown(url)}: HTTP {error.code} {error.reason}: the server redirects to {where}; "
            "not followed (nothing, credentials included, is sent there): use that URL if you trust it"
        )
    body = error.read(4096).decode("utf-8", "replace")
    detail = " ".join(body.split())[:300]
    hint = " (check --user and --password)" if error.code in (401, 403) else ""
    return CoopgraphError(f"{_shown(url)}: HTTP {error.code} {error.reason}{hint}: {detail}")


def _shown(url: str) -> str:
    return url.split("?", 1)[0]
