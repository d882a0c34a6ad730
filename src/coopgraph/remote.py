"""HTTP to other SPARQL services (standard library only): basic or digest auth, clear errors.

Used by ``coopgraph query --endpoint`` (SPARQL 1.1 Protocol) and ``coopgraph
publish`` (Graph Store Protocol).  Every failure becomes a one-line
:class:`~coopgraph.errors.CoopgraphError` naming the URL and what it answered.

>>> request("GET", "http://127.0.0.1:7878/query?query=ASK%7B%7D")       # doctest: +SKIP
Response(status=200, content_type='application/sparql-results+json', body=b'{"head":{},"boolean":false}')
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

from coopgraph.errors import CoopgraphError


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes


def opener(url: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    """An opener that answers a basic or a digest challenge with the given credentials."""
    handlers: list[urllib.request.BaseHandler] = []
    if user is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, user, password or "")
        handlers += [urllib.request.HTTPDigestAuthHandler(passwords), urllib.request.HTTPBasicAuthHandler(passwords)]
    return urllib.request.build_opener(*handlers)


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
    """Send one request; a :class:`CoopgraphError` for anything but a 2xx answer."""
    message = urllib.request.Request(url, data=data, headers=dict(headers or {}), method=method)
    try:
        with opener(url, user, password).open(message, timeout=timeout) as answer:
            return Response(answer.status, answer.headers.get_content_type(), answer.read())
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace")
        detail = " ".join(body.split())[:300]
        hint = " (check --user and --password)" if error.code in (401, 403) else ""
        raise CoopgraphError(f"{_shown(url)}: HTTP {error.code} {error.reason}{hint}: {detail}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise CoopgraphError(f"{_shown(url)}: cannot reach the server ({reason})") from None


def _shown(url: str) -> str:
    return url.split("?", 1)[0]
