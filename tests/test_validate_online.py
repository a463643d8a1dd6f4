"""`--online` against a real HTTP server on 127.0.0.1, started and stopped by the tests."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from feed_builder.validate import validate_bytes

BODY = b"0123456789" * 10


class Handler(BaseHTTPRequestHandler):
    """Each path plays one kind of server an app meets in the wild."""

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _send(self, status: int, headers: dict[str, str], body: bytes, head: bool) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _answer(self, head: bool) -> None:
        path = self.path
        if path == "/feed.xml":
            return self._send(200, {"Content-Type": "text/html"}, b"<rss/>", head)
        if path in ("/ok.mp3", "/cover.jpg", "/big.mp3"):
            mime = "image/jpeg" if path.endswith(".jpg") else "audio/mpeg"
            if "Range" in self.headers:
                return self._send(206, {"Content-Type": mime, "Content-Range": f"bytes 0-1/{len(BODY)}"},
                                  BODY[:2], head)
            return self._send(200, {"Content-Type": mime}, BODY, head)
        if path == "/norange.mp3":
            return self._send(200, {"Content-Type": "audio/mpeg"}, BODY, head)
        if path == "/octet.mp3":
            return self._send(206, {"Content-Type": "application/octet-stream",
                                    "Content-Range": f"bytes 0-1/{len(BODY)}"}, BODY[:2], head)
        if path == "/moved.mp3":
            return self._send(302, {"Location": "/ok.mp3"}, b"", head)
        if path == "/loop.mp3":
            return self._send(302, {"Location": "/loop.mp3"}, b"", head)
        if path == "/slow.mp3":
            time.sleep(6)  # well past the client timeout, even on a loaded machine
            return self._send(200, {"Content-Type": "audio/mpeg"}, BODY, head)
        return self._send(404, {"Content-Type": "text/plain"}, b"not found", head)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def feed(base: str, enclosures: list[tuple[str, int]]) -> bytes:
    items = "".join(
        f'<item><title>E{i}</title><guid isPermaLink="false">g{i}</guid>'
        f'<enclosure url="{base}/{name}" length="{length}" type="audio/mpeg"/></item>\n'
        for i, (name, length) in enumerate(enclosures)
    )
    return (
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
        'xmlns:atom="http://www.w3.org/2005/Atom"><channel>\n'
        f'<atom:link rel="self" href="{base}/feed.xml"/>\n<itunes:image href="{base}/cover.jpg"/>\n'
        f"{items}</channel></rss>\n"
    ).encode()


def online(base: str, enclosures: list[tuple[str, int]]) -> list[tuple[int, str]]:
    found = validate_bytes(feed(base, enclosures), source="feed.xml", online=True, http_timeout=2.0)
    return sorted((f.line, f.rule_id) for f in found if f.rule_id.startswith("online-"))


def test_a_well_served_feed_has_only_the_feed_type_finding(server: str) -> None:
    assert online(server, [("ok.mp3", len(BODY))]) == [(0, "online-feed-content-type")]


def test_each_server_fault_is_reported_per_enclosure(server: str) -> None:
    enclosures = [("norange.mp3", len(BODY)), ("missing.mp3", 1), ("moved.mp3", len(BODY)),
                  ("loop.mp3", 1), ("slow.mp3", 1), ("big.mp3", 5), ("octet.mp3", len(BODY))]
    assert online(server, enclosures) == [
        (0, "online-feed-content-type"),
        (4, "online-range"),
        (5, "online-status"),
        (6, "online-redirect"),
        (7, "online-unreachable"),
        (8, "online-unreachable"),
        (9, "online-length"),
        (10, "online-content-type"),
    ]


def test_alternate_enclosures_are_asked_what_an_app_asks_of_the_enclosure(server: str) -> None:
    """An app may take an alternate instead of the enclosure: it must seek, and be as long as stated."""
    alternates = "".join(f'<podcast:alternateEnclosure type="audio/mpeg" length="{length}">'
                         f'<podcast:source uri="{server}/{name}"/></podcast:alternateEnclosure>'
                         for name, length in [("ok.mp3", len(BODY)), ("norange.mp3", len(BODY)), ("big.mp3", 5),
                                              ("missing.mp3", 1)])
    document = feed(server, [("ok.mp3", len(BODY))]).replace(
        b"</item>", f"\n{alternates}</item>".encode()).replace(
        b"<rss ", b'<rss xmlns:podcast="https://podcastindex.org/namespace/1.0" ')
    found = validate_bytes(document, source="feed.xml", online=True, http_timeout=2.0)
    assert sorted((f.rule_id, f.message.split(" ", 2)[1].rsplit("/", 1)[1]) for f in found
                  if f.rule_id.startswith("online-") and f.line) == [
        ("online-length", "big.mp3"), ("online-range", "norange.mp3:"), ("online-status", "missing.mp3")]


def test_nothing_is_fetched_without_online(server: str) -> None:
    found = validate_bytes(feed(server, [("missing.mp3", 1)]), source="feed.xml")
    assert not [f for f in found if f.rule_id.startswith("online-")]
