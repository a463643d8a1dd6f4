"""A loopback HTTP server for import tests: files from a folder, with Range requests answered as
a CDN answers them (206 and Content-Range), every request recorded, and a way to cut a download."""
from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Served:
    base: str
    folder: Path
    requests: list[tuple[str, str | None]] = field(default_factory=list)  # (path, Range header)
    cut: dict[str, int] = field(default_factory=dict)  # path -> bytes to send before hanging up, once
    ignore_range: bool = False
    redirects: dict[str, str] = field(default_factory=dict)  # path -> where a 301 sends it


@contextmanager
def serve(folder: Path) -> Iterator[Served]:
    state = Served("", folder)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            state.requests.append((path, self.headers.get("Range")))
            if path in state.redirects:
                self.send_response(301)
                self.send_header("Location", state.redirects[path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            file = folder / path.lstrip("/")
            if not file.is_file() or not file.resolve().is_relative_to(folder.resolve()):
                self.send_error(404)
                return
            data = file.read_bytes()
            start, status = 0, 200
            m = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
            if m and not state.ignore_range:
                start, status = int(m.group(1)), 206
                if start >= len(data):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(data)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
            self.send_response(status)
            self.send_header("Content-Length", str(len(data) - start))
            self.send_header("Accept-Ranges", "bytes")
            if status == 206:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.end_headers()
            body = data[start:]
            if path in state.cut:
                body = body[:state.cut.pop(path)]  # then the connection is closed mid-body
                self.close_connection = True
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
