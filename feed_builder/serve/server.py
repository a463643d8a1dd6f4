"""The preview's HTTP server: what a static host or CDN does for a player, on 127.0.0.1.

Python's own `SimpleHTTPRequestHandler` answers a Range request with the whole file, and a browser's
`<audio>` then cannot seek at all; it also lists folders and prints a traceback each time a browser
drops a media connection, which browsers do on every seek.
"""
from __future__ import annotations

import os
import sys
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from feed_builder.publish.served import served
from feed_builder.serve.locate import Found, Redirect, locate
from feed_builder.serve.ranges import Span, Unsatisfiable, requested_span
from feed_builder.serve.reload import EVENTS_PATH, SCRIPT, SCRIPT_PATH, Reloads, with_reload

_CHUNK = 64 * 1024
_GONE = (ConnectionError, TimeoutError)  # a client that went away: a seek, a closed tab


class PreviewServer(ThreadingHTTPServer):
    """Serves `folder`; `reloads` wakes the pages' event streams."""

    daemon_threads = True  # an open event stream must not keep the process alive

    def __init__(self, address: tuple[str, int], folder: Path) -> None:
        self.folder = folder
        self.reloads = Reloads()
        super().__init__(address, PreviewHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], _GONE):
            super().handle_error(request, client_address)

    def server_close(self) -> None:
        self.reloads.close()
        super().server_close()


class PreviewHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, which a player's many range requests rely on
    server: PreviewServer

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        pass  # a page load is dozens of requests; problems are what the podcaster needs to see

    def _respond(self, send_body: bool) -> None:
        path = self.path.split("?", 1)[0]
        if path == EVENTS_PATH and send_body:
            return self._events()
        if path == SCRIPT_PATH:
            return self._send(BytesIO(SCRIPT), len(SCRIPT), "text/javascript; charset=utf-8", "no-store", send_body)
        found = locate(self.server.folder, self.path)
        if isinstance(found, Redirect):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", found.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif found is None:
            self._not_found(send_body)
        else:
            self._file(found, send_body)

    def _file(self, found: Found, send_body: bool) -> None:
        try:
            source: BinaryIO = open(found.path, "rb")
        except OSError:  # removed by a rebuild since it was found
            return self._not_found(send_body)
        with source:
            stat = os.fstat(source.fileno())
            headers = served(found.relpath)
            etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
            size = stat.st_size
            if headers.content_type.startswith("text/html"):  # the reload script changes the bytes
                page = with_reload(source.read())
                source, size, etag = BytesIO(page), len(page), etag[:-1] + '-r"'
            modified = formatdate(stat.st_mtime, usegmt=True)
            if self._not_modified(etag, int(stat.st_mtime)):
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self._validators(etag, modified, headers.cache_control)
                self.end_headers()
                return
            try:
                span = requested_span(self.headers.get("Range"), self.headers.get("If-Range"), size, (etag, modified))
            except Unsatisfiable:
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._send(source, size, headers.content_type, headers.cache_control, send_body,
                       span=span, validators=(etag, modified))

    def _send(self, source: BinaryIO, size: int, content_type: str, cache_control: str, send_body: bool,
              span: Span | None = None, validators: tuple[str, str] | None = None,
              status: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(HTTPStatus.PARTIAL_CONTENT if span else status)
        self.send_header("Content-Type", content_type)
        self.send_header("Accept-Ranges", "bytes")
        if span:
            self.send_header("Content-Range", span.content_range(size))
        if validators:
            self._validators(*validators, cache_control)
        else:
            self.send_header("Cache-Control", cache_control)
        self.send_header("Content-Length", str(span.length if span else size))
        self.end_headers()
        if send_body:
            source.seek(span.start if span else 0)
            self._copy(source, span.length if span else size)

    def _validators(self, etag: str, modified: str, cache_control: str) -> None:
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.send_header("Cache-Control", cache_control)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        """If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2); both compare weakly."""
        if (tags := self.headers.get("If-None-Match")) is not None:
            return tags.strip() == "*" or etag in (t.strip().removeprefix("W/") for t in tags.split(","))
        if (since := self.headers.get("If-Modified-Since")) is not None:
            try:
                return mtime <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):  # not a date: as if absent
                return False
        return False

    def _copy(self, source: BinaryIO, length: int) -> None:
        try:
            while length > 0 and (chunk := source.read(min(_CHUNK, length))):
                self.wfile.write(chunk)
                length -= len(chunk)
        except _GONE:
            self.close_connection = True
        else:
            if length:  # the file shrank under us (a rebuild): the length we sent is wrong
                self.close_connection = True

    def _not_found(self, send_body: bool) -> None:
        body = b"Not found in the preview.\n"
        self._send(BytesIO(body), len(body), "text/plain; charset=utf-8", "no-store", send_body,
                   status=HTTPStatus.NOT_FOUND)

    def _events(self) -> None:
        """One Server-Sent Event per good rebuild, and a comment line now and then."""
        self.close_connection = True  # the stream ends when the connection does
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        reloads = self.server.reloads
        seen = reloads.generation
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while (generation := reloads.wait(seen)) is not None:
                self.wfile.write(f"event: reload\ndata: {generation}\n\n".encode() if generation != seen else b": still here\n\n")
                self.wfile.flush()
                seen = generation
        except _GONE:
            pass
