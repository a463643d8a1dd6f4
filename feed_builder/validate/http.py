"""A small, capped HTTP client: explicit redirects, timeouts and a byte cap per response.

urllib is used without its redirect handling so every hop is counted and
capped here, and bodies are read only up to a limit, so a hostile server can
neither loop us nor fill memory.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

if TYPE_CHECKING:
    from email.message import Message

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """The URL could not be fetched at all (network, timeout, redirect loop, size cap)."""


@dataclass(frozen=True)
class Response:
    url: str  # final URL after redirects
    status: int
    headers: Message
    body: bytes
    redirects: tuple[str, ...]  # the URLs that redirected, in order


@cache
def _opener() -> Any:
    """urllib's opener without its redirect handling. Imported on the first request: urllib.request
    (with http.client and ssl) cost 50 ms of every publish, which validates offline."""
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    return urllib.request.build_opener(NoRedirect())


@dataclass(frozen=True)
class Client:
    timeout: float = 10.0
    max_redirects: int = 5
    max_bytes: int = 1024 * 1024
    user_agent: str = "podcast-validate/1.0"

    def request(self, url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Response:
        hops: list[str] = []
        while True:
            status, message, body = self._once(url, method, headers or {})
            location = message.get("Location")
            if status not in _REDIRECTS or not location:
                return Response(url, status, message, body, tuple(hops))
            hops.append(url)
            if len(hops) > self.max_redirects:
                raise FetchError(f"more than {self.max_redirects} redirects from {hops[0]}")
            url = urljoin(url, location)

    def _once(self, url: str, method: str, headers: dict[str, str]) -> tuple[int, Message, bytes]:
        if not url.lower().startswith(("http://", "https://")):
            raise FetchError(f"not an http(s) URL: {url}")
        import urllib.error
        import urllib.request

        request = urllib.request.Request(url, method=method, headers={"User-Agent": self.user_agent, **headers})
        try:
            with _opener().open(request, timeout=self.timeout) as answer:
                return answer.status, answer.headers, self._read(answer, method)
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, b""
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise FetchError(f"{url}: {reason}") from error

    def _read(self, answer, method: str) -> bytes:  # type: ignore[no-untyped-def]
        if method == "HEAD":
            return b""
        body = answer.read(self.max_bytes + 1)
        if len(body) > self.max_bytes:
            raise FetchError(f"{answer.url}: response larger than {self.max_bytes} bytes")
        return body
