"""Hostile input ends in bounded time and memory. Each case runs `podcast validate` in a child
process under a generous timeout and an address-space ceiling, so that a regression fails its test
instead of hanging the suite or exhausting the machine."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import REPO

FEEDS = Path(__file__).parent / "data" / "feeds"
VALID = (FEEDS / "valid.xml").read_bytes()
PEAK_MB = 500  # the bound each hostile case must stay under
CEILING = 2 << 30  # bytes of address space: past it the child fails rather than the machine

CHILD = f"""
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({CEILING}, {CEILING}))
from feed_builder.validate.command import validate
try:
    validate.main(sys.argv[1:], prog_name="validate")
finally:
    # The child's own peak: Linux keeps the parent's ru_maxrss across exec, and a pytest worker
    # that has run many tests is itself hundreds of megabytes.
    try:
        peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("peak-kb", peak, file=sys.stderr)
"""


@dataclass(frozen=True)
class Run:
    code: int
    out: str  # the start of stdout: a runaway report is counted, not read whole
    err: str
    out_bytes: int
    peak_mb: float


def validate(tmp_path: Path, *args: str, timeout: float = 60) -> Run:
    stdout = tmp_path / "stdout"
    with stdout.open("wb") as out:
        done = subprocess.run([sys.executable, "-c", CHILD, *args], cwd=REPO, stdout=out,
                              stderr=subprocess.PIPE, timeout=timeout)
    err = done.stderr.decode()
    peak = [line for line in err.splitlines() if line.startswith("peak-kb ")]
    with stdout.open("rb") as out:
        head = out.read(64 * 1024).decode(errors="replace")
    return Run(done.returncode, head, err, stdout.stat().st_size, int(peak[-1].split()[1]) / 1024)


def test_a_long_run_of_dots_in_an_email_is_checked_in_linear_time(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(VALID.replace(b'owner="podcast@example.com"', b'owner="a@' + b"." * 268_000 + b'@"'))
    run = validate(tmp_path, str(feed))
    assert run.code == 1 and ": error p20-value: podcast:locked owner 'a@...." in run.out
    assert run.peak_mb < PEAK_MB


def test_a_long_run_of_digits_in_a_transcript_is_read_in_linear_time(tmp_path: Path) -> None:
    public = tmp_path / "public"
    (public / "media").mkdir(parents=True)
    (public / "feed.xml").write_bytes(VALID)
    (public / "media" / "ep2.vtt").write_text("WEBVTT\n\n" + "1" * 268_000 + "\n")
    run = validate(tmp_path, str(public / "feed.xml"), "--files", str(public))
    assert run.code == 1 and ":44: error files-transcript: ep2.vtt: no cue timings" in run.out
    assert run.peak_mb < PEAK_MB


def test_millions_of_control_bytes_are_one_finding_with_a_count(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(VALID.replace(b"<title>Episode 2: Second", b"<title>" + b"\x01" * 4_000_000, 1))
    run = validate(tmp_path, str(feed))
    assert run.code == 1 and run.out.count("xml-forbidden-char") == 1
    assert ":30: error xml-forbidden-char: <title> contains 4,000,000 characters XML 1.0 forbids " \
           "(first U+0001 at column 14)" in run.out
    assert run.out_bytes < 10_000 and run.peak_mb < PEAK_MB


def test_an_endless_stream_is_read_only_up_to_the_cap(tmp_path: Path) -> None:
    run = validate(tmp_path, "/dev/zero")
    assert run.code == 1
    assert run.out == "/dev/zero:0: error xml-too-large: more than the cap of 52,428,800 bytes; not parsed\n"
    assert run.peak_mb < PEAK_MB


def _items(tmp_path: Path, count: int, item: bytes) -> Path:
    feed = tmp_path / "feed.xml"
    first = VALID.index(b"<item>")
    feed.write_bytes(VALID[:first] + item * count + b"</channel></rss>\n")
    return feed


def test_findings_past_a_hundred_per_rule_are_counted_not_listed(tmp_path: Path) -> None:
    run = validate(tmp_path, str(_items(tmp_path, 490_000, b"<item/>\n")))
    assert run.code == 1
    for rule in ("rss-item-title-or-description", "rss-enclosure-missing", "rss-guid-missing"):
        assert run.out.count(f" {rule}: ") == 101
        assert f" {rule}: 489,900 more like this up to line " in run.out
    assert run.out_bytes < 64 * 1024 and run.peak_mb < PEAK_MB


def test_fifty_megabytes_of_empty_items_are_refused_unparsed(tmp_path: Path) -> None:
    run = validate(tmp_path, str(_items(tmp_path, 7_000_000, b"<item/>")))
    assert run.code == 1
    assert run.out.endswith(":0: error xml-too-many-elements: more than the cap of 500,000 elements; not checked\n")
    assert run.peak_mb < PEAK_MB


class Trickle(BaseHTTPRequestHandler):
    """Sends its answer one byte a second: /head from the status line on, /body after the headers."""

    stop = threading.Event()

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = VALID[:120]
        head = b"HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: %d\r\n\r\n" % len(body)
        if self.path == "/body":
            self.wfile.write(head)
            head = b""
        for byte in head + body:
            if self.stop.wait(1):
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()


@pytest.fixture
def trickle() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    Trickle.stop.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join()
    Trickle.stop.clear()


@pytest.mark.parametrize("path", ["/head", "/body"])
def test_a_server_sending_a_byte_a_second_is_left_at_the_timeout(tmp_path: Path, trickle: str, path: str) -> None:
    started = time.monotonic()
    run = validate(tmp_path, trickle + path, "--timeout", "2", timeout=30)
    assert run.code == 2 and run.out == ""
    assert "no complete answer within 2 s" in run.err
    assert time.monotonic() - started < 10
