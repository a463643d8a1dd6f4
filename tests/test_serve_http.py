"""The preview server as a player, a browser and an attacker's page see it: plain HTTP requests to
a server on 127.0.0.1, port 0, with nothing between (http.client sends paths as written)."""
from __future__ import annotations

import http.client
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from feed_builder.serve.reload import EVENTS_PATH, SCRIPT_PATH
from feed_builder.serve.server import PreviewServer

AUDIO = "audio/113-the-eastern-axis-0123456789ab.mp3"
DATA = os.urandom(3_000_000)
PAGE = b'<!doctype html><html lang="en"><head><title>t</title></head><body><h1>Episode</h1></body></html>'
SECRET = b"outside the preview"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "preview"
    for relpath, data in {AUDIO: DATA, "feed.xml": b"<rss/>", "episodes/113/index.html": PAGE, "index.html": PAGE,
                          "transcripts/113.vtt": b"WEBVTT\n", "chapters/113.json": b"{}",
                          "transcripts/113.json": b"{}", "images/cover-0123456789ab.jpg": b"\xff\xd8",
                          ".build/manifest.json": b"{}"}.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_bytes(data)
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "linked").symlink_to(tmp_path, target_is_directory=True)
    return root


@pytest.fixture
def server(folder: Path) -> Iterator[PreviewServer]:
    server = PreviewServer(("127.0.0.1", 0), folder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def request(server: PreviewServer, path: str, method: str = "GET", **headers: str) -> tuple[http.client.HTTPResponse, bytes]:
    connection = http.client.HTTPConnection(*server.server_address, timeout=10)
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_a_whole_file_says_that_ranges_are_accepted(server):
    response, body = request(server, "/" + AUDIO)
    assert response.status == 200 and body == DATA
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Content-Length"] == str(len(DATA))
    assert response.headers["Content-Type"] == "audio/mpeg"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("header, start, end", [
    ("bytes=0-99", 0, 99),
    ("bytes=1000000-", 1000000, len(DATA) - 1),
    ("bytes=-500", len(DATA) - 500, len(DATA) - 1),
    ("bytes=2999990-9999999", 2999990, len(DATA) - 1),  # past the end: cut to the end
    ("bytes=-99999999", 0, len(DATA) - 1),
    ("Bytes=10-10", 10, 10),
])
def test_a_range_is_sent_as_206_with_its_content_range(server, header, start, end):
    response, body = request(server, "/" + AUDIO, Range=header)
    assert response.status == 206
    assert response.headers["Content-Range"] == f"bytes {start}-{end}/{len(DATA)}"
    assert body == DATA[start:end + 1] and response.headers["Content-Length"] == str(end - start + 1)


@pytest.mark.parametrize("header", [f"bytes={len(DATA)}-", f"bytes={len(DATA) + 5}-{len(DATA) + 10}", "bytes=-0"])
def test_a_range_past_the_end_is_416_with_the_length(server, header):
    response, body = request(server, "/" + AUDIO, Range=header)
    assert response.status == 416 and body == b""
    assert response.headers["Content-Range"] == f"bytes */{len(DATA)}"


@pytest.mark.parametrize("header", ["bytes=5-2", "bytes=0-1,5-6", "items=0-5", "bytes=a-b", "bytes=-"])
def test_a_range_that_cannot_be_read_is_ignored_and_the_whole_file_sent(server, header):
    response, body = request(server, "/" + AUDIO, Range=header)
    assert response.status == 200 and body == DATA


def test_if_range_sends_the_range_only_for_the_same_version(server):
    first, _ = request(server, "/" + AUDIO)
    same, body = request(server, "/" + AUDIO, Range="bytes=0-9", **{"If-Range": first.headers["ETag"]})
    assert same.status == 206 and body == DATA[:10]
    by_date, _ = request(server, "/" + AUDIO, Range="bytes=0-9", **{"If-Range": first.headers["Last-Modified"]})
    assert by_date.status == 206
    other, body = request(server, "/" + AUDIO, Range="bytes=0-9", **{"If-Range": '"another-version"'})
    assert other.status == 200 and body == DATA


def test_head_sends_the_headers_of_get_without_the_body(server):
    got, _ = request(server, "/" + AUDIO)
    head, body = request(server, "/" + AUDIO, "HEAD")
    assert head.status == 200 and body == b""
    for name in ("Content-Length", "Content-Type", "ETag", "Last-Modified", "Cache-Control", "Accept-Ranges"):
        assert head.headers[name] == got.headers[name]
    ranged, body = request(server, "/" + AUDIO, "HEAD", Range="bytes=0-9")
    assert ranged.status == 206 and ranged.headers["Content-Length"] == "10" and body == b""


def test_a_cached_copy_is_confirmed_with_304(server, folder):
    first, _ = request(server, "/feed.xml")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"x", W/{etag}'}, {"If-Modified-Since": modified}):
        response, body = request(server, "/feed.xml", **headers)
        assert response.status == 304 and body == b"" and response.headers["ETag"] == etag
    stale, body = request(server, "/feed.xml", **{"If-None-Match": '"old"', "If-Modified-Since": modified})
    assert stale.status == 200 and body == b"<rss/>"  # the tag decides when there is one
    (folder / "feed.xml").write_bytes(b"<rss>new</rss>")
    os.utime(folder / "feed.xml", (1e9 + 1e8, 2e9))
    changed, body = request(server, "/feed.xml", **{"If-None-Match": etag})
    assert changed.status == 200 and body == b"<rss>new</rss>" and changed.headers["ETag"] != etag
    older, _ = request(server, "/feed.xml", **{"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"})
    assert older.status == 200


@pytest.mark.parametrize("path, content_type, cache", [
    ("/feed.xml", "application/rss+xml; charset=utf-8", "public, max-age=300"),
    ("/episodes/113/", "text/html; charset=utf-8", "public, max-age=300"),
    ("/transcripts/113.vtt", "text/vtt; charset=utf-8", "public, max-age=300"),
    ("/transcripts/113.json", "application/json; charset=utf-8", "public, max-age=300"),
    ("/chapters/113.json", "application/json+chapters; charset=utf-8", "public, max-age=300"),
    ("/images/cover-0123456789ab.jpg", "image/jpeg", "public, max-age=31536000, immutable"),
])
def test_each_file_has_the_type_and_lifetime_the_feed_and_deploy_give_it(server, path, content_type, cache):
    response, _ = request(server, path)
    assert (response.status, response.headers["Content-Type"], response.headers["Cache-Control"]) == \
           (200, content_type, cache)


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/episodes/../../secret.txt", "/audio%2f..%2f..%2fsecret.txt",
    "/audio%2F..%2F..%2Fsecret.txt", "/..%5csecret.txt", "/..\\secret.txt", "/leak.txt", "/linked/secret.txt",
    "/linked/", "/.build/manifest.json", "/%2ebuild/manifest.json", "/%ff", "/feed.xml%00.jpg", "secret.txt",
])
def test_nothing_outside_the_preview_or_hidden_in_it_is_served(server, path):
    response, body = request(server, path)
    assert response.status == 404 and SECRET not in body


def test_a_folder_is_its_index_page_and_never_a_listing(server):
    moved, _ = request(server, "/episodes/113")
    assert moved.status == 301 and moved.headers["Location"] == "/episodes/113/"
    page, body = request(server, "/episodes/113/")
    assert page.status == 200 and b"<h1>Episode</h1>" in body
    listing, body = request(server, "/audio/")
    assert listing.status == 404 and AUDIO.split("/")[1].encode() not in body


def test_pages_get_the_reload_script_and_their_length_and_tag_follow(server, folder):
    response, body = request(server, "/index.html")
    assert body.endswith(b"</body></html>") and f'<script src="{SCRIPT_PATH}" defer></script>'.encode() in body
    assert response.headers["Content-Length"] == str(len(body)) and len(body) > len(PAGE)
    ranged, part = request(server, "/index.html", Range="bytes=-14")
    assert part == b"</body></html>" and ranged.headers["Content-Range"] == f"bytes {len(body) - 14}-{len(body) - 1}/{len(body)}"
    again, _ = request(server, "/index.html", **{"If-None-Match": response.headers["ETag"]})
    assert again.status == 304
    script, code = request(server, SCRIPT_PATH)
    assert script.status == 200 and script.headers["Content-Type"].startswith("text/javascript")
    assert EVENTS_PATH.encode() in code
    feed, body = request(server, "/feed.xml")
    assert body == b"<rss/>"  # only HTML is touched


def test_a_rebuild_is_announced_to_open_pages(server):
    with socket.create_connection(server.server_address, timeout=10) as s:
        s.sendall(f"GET {EVENTS_PATH} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        stream = s.makefile("rb")
        assert stream.readline().startswith(b"HTTP/1.1 200")
        lines = iter(stream.readline, b"")
        assert b"text/event-stream" in b"".join(next(lines) for _ in range(4))
        assert next(line for line in lines if line.startswith(b"retry:"))
        server.reloads.announce()
        assert next(line for line in lines if line.startswith(b"event:")) == b"event: reload\n"


def test_a_client_that_hangs_up_mid_file_is_ignored_quietly(server, capfd):
    for _ in range(5):  # as a browser does on every seek
        with socket.create_connection(server.server_address, timeout=10) as s:
            s.sendall(f"GET /{AUDIO} HTTP/1.1\r\nHost: x\r\nRange: bytes=100-\r\n\r\n".encode())
            s.recv(1000)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST
    response, body = request(server, "/" + AUDIO, Range="bytes=0-3")
    assert response.status == 206 and body == DATA[:4]
    assert "Traceback" not in capfd.readouterr().err
