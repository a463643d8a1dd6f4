"""Notifications after a deploy, against loopback receivers: what each target gets, retries on what
may pass, none on a refusal, timeouts, and a failure that is only a warning."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import etree

from feed_builder.deploy.notify import Notice, send
from tests.conftest import run
from tests.s3server import configure, endpoint, s3, sent  # noqa: F401

FEED = "https://example.com/4min-podcast/feed.xml"


class Receiver:
    """Answers each request with the next status of `statuses` (the last one repeats)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        self.statuses = [204]
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append((self.command, self.path, dict(self.headers), body))
                time.sleep(receiver.delay)
                status = receiver.statuses[min(len(receiver.requests), len(receiver.statuses)) - 1]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def query(self, n: int = 0) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.requests[n][1]).query)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


def test_retries_on_server_errors_and_throttling_until_accepted(receiver: Receiver):
    receiver.statuses = [503, 429, 204]
    assert send(Notice("hub", receiver.url), backoff=0.01) is None
    assert len(receiver.requests) == 3


def test_no_retry_on_a_refusal_and_the_warning_says_what_happened(receiver: Receiver):
    receiver.statuses = [404]
    warning = send(Notice("Podcast Index", receiver.url), backoff=0.01)
    assert len(receiver.requests) == 1
    assert warning is not None and warning.startswith("Podcast Index: not notified (HTTP 404)")


def test_gives_up_after_its_attempts_on_persistent_errors(receiver: Receiver):
    receiver.statuses = [500]
    assert "HTTP 500" in (send(Notice("hub", receiver.url), attempts=3, backoff=0.01) or "")
    assert len(receiver.requests) == 3


def test_a_slow_receiver_times_out_and_a_closed_port_is_retried(receiver: Receiver):
    receiver.delay = 1.0
    assert send(Notice("hub", receiver.url), timeout=0.2, attempts=1) is not None
    assert send(Notice("hub", "http://127.0.0.1:9/"), attempts=2, backoff=0.01) is not None


def test_a_changed_feed_notifies_each_target_once_and_a_no_op_deploy_none(
        sample_show: Path, endpoint: str, s3, sent, receiver: Receiver, monkeypatch):
    index, podping = Receiver(), Receiver()
    monkeypatch.setenv("PODCAST_INDEX_PUBNOTIFY_URL", index.url + "api/1.0/hub/pubnotify")
    monkeypatch.setenv("PODPING_URL", podping.url)
    monkeypatch.setenv("PODPING_TOKEN", "token-123")
    configure(sample_show, endpoint, s3.bucket,
              f'[notify]\nwebsub_hubs = ["{receiver.url}hub"]\npodcast_index = true\npodping = true\n')
    result = run(sample_show, "deploy", "--no-check")
    assert result.exit_code == 0, result.output
    assert len(receiver.requests) == len(index.requests) == len(podping.requests) == 1
    method, path, headers, body = receiver.requests[0]
    assert (method, path) == ("POST", "/hub")
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(body.decode()) == {"hub.mode": ["publish"], "hub.url": [FEED], "hub.topic": [FEED]}
    assert index.requests[0][0] == "GET" and index.query() == {"url": [FEED]}
    assert urlsplit(index.requests[0][1]).path == "/api/1.0/hub/pubnotify"
    assert podping.query() == {"url": [FEED], "reason": ["update"], "medium": ["podcast"]}
    assert podping.requests[0][2]["Authorization"] == "token-123"

    channel = etree.parse(str(sample_show / "public/feed.xml")).getroot()[0]
    hubs = channel.findall("{http://www.w3.org/2005/Atom}link[@rel='hub']")
    assert [h.get("href") for h in hubs] == [receiver.url + "hub"]
    assert channel.find("{https://podcastindex.org/namespace/1.0}podping").get("usesPodping") == "true"
    assert run(sample_show, "validate").exit_code == 0

    assert run(sample_show, "deploy", "--no-check").exit_code == 0
    assert len(receiver.requests) == len(index.requests) == len(podping.requests) == 1
    for r in (index, podping):
        r.server.shutdown()
        r.server.server_close()


def test_a_failed_notification_is_a_warning_and_deploy_succeeds(
        sample_show: Path, endpoint: str, s3, sent, receiver: Receiver, monkeypatch):
    receiver.statuses = [400]
    monkeypatch.delenv("PODPING_TOKEN", raising=False)
    configure(sample_show, endpoint, s3.bucket, f'[notify]\nwebsub_hubs = ["{receiver.url}"]\npodping = true\n')
    result = run(sample_show, "deploy", "--no-check")
    assert result.exit_code == 0
    assert f"warning: WebSub hub {receiver.url}: not notified (HTTP 400)" in result.output
    assert "warning: podping: PODPING_TOKEN is not set" in result.output
    assert len(receiver.requests) == 1


def test_the_feed_advertises_no_hub_and_no_podping_unless_configured(sample_show: Path):
    assert run(sample_show, "publish", "-q").exit_code == 0
    feed = (sample_show / "public/feed.xml").read_bytes()
    assert b'rel="hub"' not in feed and b"podping" not in feed
