"""`podcast serve` run as a podcaster runs it: its own process, the address read from what it
prints, stopped with Ctrl-C (SIGINT); and a show with a timed transcript, chapters and a master of
several MB, so that a browser's player must ask for ranges to seek."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

EPISODE = "episodes/113-the-eastern-axis"
MASTER = "audio/113-the-eastern-axis.mp3"
VTT = """WEBVTT

00:00:00.000 --> 00:00:04.500
<v Host>In this episode, we take a close look at Russian foreign policy.

00:00:04.500 --> 00:00:09.000
<v Guest>The most crucial player in this new alignment is China.
"""
CHAPTERS = """00:00 Introduction
01:00 China
03:30 The Global South
"""
CHAPTER_STARTS = (0, 60, 210)
STARTUP_SECONDS = 120  # a first build tags the master: seconds on a loaded machine


@dataclass
class Serving:
    root: Path
    url: str
    process: subprocess.Popen[str]
    stderr: Path

    def errors(self) -> str:
        return self.stderr.read_text(encoding="utf-8")


@contextmanager
def serving(root: Path, *args: str) -> Iterator[Serving]:
    """`podcast serve --port 0` on the show at `root`, until the block ends with Ctrl-C, which must
    stop it cleanly (exit 0, no traceback)."""
    stderr = root.parent / f"serve-{time.monotonic_ns()}.err"
    with open(stderr, "w", encoding="utf-8") as err:
        process = subprocess.Popen([sys.executable, "-c", "from cli import cli; cli()", "--root", str(root),
                                    "serve", "--port", "0", *args], stdout=subprocess.PIPE, stderr=err,
                                   text=True, cwd=Path(__file__).resolve().parent.parent)
    try:
        assert process.stdout is not None
        for line in process.stdout:  # ends with the process if it fails to start
            if match := re.match(r"Serving (http://127\.0\.0\.1:\d+)/", line):
                break
        else:
            raise AssertionError(f"serve did not start: {stderr.read_text(encoding='utf-8')}")
        yield Serving(root, match.group(1), process, stderr)
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
    assert code == 0 and "Traceback" not in stderr.read_text(encoding="utf-8"), stderr.read_text(encoding="utf-8")


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
        return response.status, dict(response.headers), response.read()


def eventually(check: Callable[[], bool], seconds: float = 60) -> bool:
    """Whether `check` came true within `seconds` (a rebuild's time depends on the machine's load)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def make_timed_show(root: Path) -> Path:
    """The sample show with a WebVTT transcript, chapters, and its master re-encoded at 192 kbit/s
    (about 7 MB), too large for a player to buffer whole at `preload="metadata"`."""
    (root / EPISODE / "transcript.txt").unlink()
    (root / EPISODE / "transcript.vtt").write_text(VTT, encoding="utf-8")
    (root / EPISODE / "chapters.txt").write_text(CHAPTERS, encoding="utf-8")
    larger = root / "audio" / "larger.mp3"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(root / MASTER), "-ac", "2",
                    "-b:a", "192k", "-map_metadata", "-1", str(larger)], check=True)
    os.replace(larger, root / MASTER)
    return root
