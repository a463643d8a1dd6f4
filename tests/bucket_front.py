"""The bucket behind a base_url on loopback, as a CDN or the storage's website endpoint puts it in
front of listeners: what deploy's check after the upload reads, and apps.

Over https, its certificate comes from a test CA (trustme) that the client trusts through
SSL_CERT_FILE, the variable OpenSSL's default verify paths read: the check runs as it would against
a real host, with the certificate verified. Over plain http, it is a show tested on this machine.
"""
from __future__ import annotations

import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme

from tests.s3server import PREFIX

PASSED = ("Content-Type", "Content-Length", "Content-Range", "Accept-Ranges", "ETag", "Last-Modified",
          "Cache-Control")


@dataclass
class Front:
    base_url: str  # http(s)://127.0.0.1:PORT/show
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)  # method, path, Range
    hidden: set[str] = field(default_factory=set)  # paths under base_url answered 404


@pytest.fixture
def https_front(s3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Front]:
    ca = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca.cert_pem.write_to_path(str(tmp_path / "test-ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "test-ca.pem"))
    yield from _front(s3, context)


@pytest.fixture
def http_front(s3) -> Iterator[Front]:
    yield from _front(s3, None)


def _front(s3, tls: ssl.SSLContext | None) -> Iterator[Front]:
    front = Front("")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._relay(body=True)

        def do_HEAD(self) -> None:
            self._relay(body=False)

        def _relay(self, body: bool) -> None:
            front.requests.append((self.command, self.path, self.headers.get("Range")))
            relpath = self.path.removeprefix("/show/")
            if relpath == self.path or relpath in front.hidden:
                self.send_error(404)
                return
            operation = "get_object" if body else "head_object"  # the bucket is private: a signed URL
            signed = s3.generate_presigned_url(operation, Params={"Bucket": s3.bucket, "Key": f"{PREFIX}/{relpath}"})
            asked = urllib.request.Request(signed, method=self.command,
                                           headers={"Range": self.headers["Range"]} if self.headers["Range"] else {})
            try:
                answer = urllib.request.urlopen(asked, timeout=10)
            except urllib.error.HTTPError as error:
                answer = error
            with answer:
                data = answer.read() if body else b""
                self.send_response(answer.status)
                for name in PASSED:
                    if answer.headers[name] is not None:
                        self.send_header(name, answer.headers[name])
                self.end_headers()
                self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    front.base_url = f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}/show"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield front
    server.shutdown()
    server.server_close()
