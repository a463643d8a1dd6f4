"""A small, capped HTTP client: explicit redirects, a deadline and a byte cap per request.

urllib is used without its redirect handling so every hop is counted and
capped here, bodies are read only up to a limit, and a request ends at its
deadline however slowly the server trickles, so a hostile server can neither
loop us, fill memory nor hold us.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

if TYPE_CHECKING:
    import socket
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


class _Deadline:
    """Ends a request when its time is up by shutting its connection down, which wakes whatever read
    is blocked on it, in http.client or in ssl. The socket timeout bounds each wait for a byte, so
    alone it never stops a server that keeps sending one byte at a time."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None  # a duplicate of the connection's: ours to close
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, connected: socket.socket) -> None:
        """Takes each hop's socket as soon as it is connected, before any TLS handshake (which
        detaches the plain socket: hence a duplicate of it)."""
        with self._lock:
            self._close()
            self._socket = connected.dup()
            if self.expired:
                self._shut()

    def stop(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._close()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._shut()

    def _shut(self) -> None:
        import socket  # here, not above: loaded only once a request is made, like urllib

        if self._socket is not None:
            try:
                self._socket.shutdown(socket.SHUT_RDWR)
            except OSError:  # the peer has gone already
                pass

    def _close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None


@cache
def _urllib() -> tuple[Any, Any]:
    """urllib's opener without its redirect handling, whose connections answer to a deadline, and
    the Request type that carries it to them. Imported on the first request: urllib.request (with
    http.client and ssl) cost 50 ms of every publish, which validates offline."""
    import http.client
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    class Request(urllib.request.Request):
        deadline: _Deadline

    class Watched(http.client.HTTPConnection):
        deadline: _Deadline

        def connect(self) -> None:
            super().connect()
            self.deadline.watch(self.sock)

    # Between HTTPSConnection and HTTPConnection in the MRO: HTTPSConnection.connect calls
    # Watched.connect, so the deadline holds the socket before the TLS handshake begins.
    class WatchedTLS(http.client.HTTPSConnection, Watched):
        pass

    def connection(kind: type[Watched], deadline: _Deadline) -> Any:
        """What do_open calls to make the connection: one of `kind`, held to `deadline`."""
        def make(*args: Any, **kwargs: Any) -> Watched:
            made = kind(*args, **kwargs)
            made.deadline = deadline
            return made
        return make

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req: Any) -> Any:
            return self.do_open(connection(Watched, req.deadline), req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req: Any) -> Any:
            return self.do_open(connection(WatchedTLS, req.deadline), req)

    return urllib.request.build_opener(NoRedirect(), HTTP(), HTTPS()), Request


@dataclass(frozen=True)
class Stream:
    """An answer whose body is read piece by piece: files too large to hold in memory."""

    url: str
    status: int
    headers: Message
    chunks: Iterator[bytes]


@dataclass(frozen=True)
class Client:
    timeout: float = 10.0
    max_redirects: int = 5
    max_bytes: int = 1024 * 1024
    user_agent: str = "podcast-validate/1.0"

    def request(self, url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Response:
        """The answer, redirects followed, all within `timeout` seconds (DNS look-ups aside)."""
        deadline = _Deadline(self.timeout)
        try:
            hops: list[str] = []
            while True:
                status, message, body = self._once(url, method, headers or {}, deadline)
                location = message.get("Location")
                if status not in _REDIRECTS or not location:
                    return Response(url, status, message, body, tuple(hops))
                hops.append(url)
                if len(hops) > self.max_redirects:
                    raise FetchError(f"more than {self.max_redirects} redirects from {hops[0]}")
                url = urljoin(url, location)
        finally:
            deadline.stop()

    def _once(self, url: str, method: str, headers: dict[str, str],
              deadline: _Deadline) -> tuple[int, Message, bytes]:
        status, message, answer = self._open(url, method, headers, deadline)
        if answer is None:
            return status, message, b""
        with answer:
            body = self._guarded(url, deadline, lambda: self._read(answer, method))
        return status, message, body

    def _open(self, url: str, method: str, headers: dict[str, str],
              deadline: _Deadline) -> tuple[int, Message, Any]:
        """Status, headers and the open answer to read the body from (None for an error status)."""
        if not url.lower().startswith(("http://", "https://")):
            raise FetchError(f"not an http(s) URL: {url}")
        import urllib.error

        opener, request_type = _urllib()
        request = request_type(url, method=method, headers={"User-Agent": self.user_agent, **headers})
        request.deadline = deadline
        try:
            answer = self._guarded(url, deadline, lambda: opener.open(request, timeout=self.timeout))
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, None
        return answer.status, answer.headers, answer

    def _guarded(self, url: str, deadline: _Deadline, call: Any) -> Any:
        """`call()`, with the network's errors and the deadline's as FetchError."""
        import http.client
        import urllib.error

        try:
            result = call()
        except urllib.error.HTTPError:
            raise
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
            if deadline.expired:
                raise FetchError(f"{url}: no complete answer within {self.timeout:g} s") from error
            reason = getattr(error, "reason", error)
            raise FetchError(f"{url}: {reason}") from error
        if deadline.expired:  # a read cut short by the deadline can end without an error
            raise FetchError(f"{url}: no complete answer within {self.timeout:g} s")
        return result

    @contextmanager
    def stream(self, url: str, headers: dict[str, str] | None = None, chunk: int = 1 << 20) -> Iterator[Stream]:
        """A GET whose body comes in chunks, redirects followed, at most `max_bytes` of it, all
        within `timeout` seconds: a cut connection or the deadline raises FetchError mid-body."""
        deadline = _Deadline(self.timeout)
        try:
            hops: list[str] = []
            while True:
                status, message, answer = self._open(url, "GET", headers or {}, deadline)
                location = message.get("Location")
                if status not in _REDIRECTS or not location:
                    break
                if answer is not None:
                    answer.close()
                hops.append(url)
                if len(hops) > self.max_redirects:
                    raise FetchError(f"more than {self.max_redirects} redirects from {hops[0]}")
                url = urljoin(url, location)
            try:
                yield Stream(url, status, message, self._chunks(url, answer, deadline, chunk))
            finally:
                if answer is not None:
                    answer.close()
        finally:
            deadline.stop()

    def _chunks(self, url: str, answer: Any, deadline: _Deadline, size: int) -> Iterator[bytes]:
        if answer is None:
            return
        total = 0
        while piece := self._guarded(url, deadline, lambda: answer.read(size)):
            total += len(piece)
            if total > self.max_bytes:
                raise FetchError(f"{url}: response larger than {self.max_bytes} bytes")
            yield piece

    def _read(self, answer, method: str) -> bytes:  # type: ignore[no-untyped-def]
        if method == "HEAD":
            return b""
        body = answer.read(self.max_bytes + 1)
        if len(body) > self.max_bytes:
            raise FetchError(f"{answer.url}: response larger than {self.max_bytes} bytes")
        return body
