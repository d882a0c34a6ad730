"""HTTP to other SPARQL services (standard library only): basic or digest auth, clear errors.

Used by ``coopgraph query --endpoint`` (SPARQL 1.1 Protocol) and ``coopgraph
publish`` (Graph Store Protocol).  Every failure becomes a one-line
:class:`~coopgraph.errors.CoopgraphError` naming the URL and what it answered.

>>> request("GET", "http://127.0.0.1:7878/query?query=ASK%7B%7D")       # doctest: +SKIP
Response(status=200, content_type='application/sparql-results+json', body=b'{"head":{},"boolean":false}')
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

from coopgraph.errors import CoopgraphError


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
        reason = getattr(error, "reason", error)
        raise CoopgraphError(f"{_shown(url)}: cannot reach the server ({reason})") from None


def _send(method: str, url: str, data: bytes | None, headers: Mapping[str, str], timeout: float) -> Response:
    message = urllib.request.Request(url, data=data, headers=dict(headers), method=method)
    with urllib.request.urlopen(message, timeout=timeout) as answer:
        return Response(answer.status, answer.headers.get_content_type(), answer.read())


def _challenge(url: str, timeout: float) -> str | None:
    """The ``WWW-Authenticate`` header a body-less request to ``url`` is answered with, if any."""
    try:
        _send("HEAD", url, None, {}, timeout)
    except urllib.error.HTTPError as error:
        return error.headers.get("WWW-Authenticate") if error.code == 401 else None
    except (urllib.error.URLError, OSError):
        return None  # the real request will report it
    return None


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
    body = error.read().decode("utf-8", "replace")
    detail = " ".join(body.split())[:300]
    hint = " (check --user and --password)" if error.code in (401, 403) else ""
    return CoopgraphError(f"{_shown(url)}: HTTP {error.code} {error.reason}{hint}: {detail}")


def _shown(url: str) -> str:
    return url.split("?", 1)[0]
