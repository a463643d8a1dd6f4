"""Which ffmpeg runs, and running it.

The imageio-ffmpeg wheel ships a static ffmpeg (with LAME, AAC, libopus, ebur128 and alimiter), so
`make publish` needs nothing but Python; `IMAGEIO_FFMPEG_EXE` points it at the system's instead, and
where the wheel has no binary for the platform, the system's `ffmpeg` is used. Its version is part
of every encode's cache key and of `podcast encode`'s output: another build gives other bytes.
Loopback decoding (`-dec`), which measures the encoded stream in the encoding process, needs
ffmpeg 7 or later.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from feed_builder.core.errors import PodcastError, problem

MINIMUM = 7


@dataclass(frozen=True)
class Ffmpeg:
    path: str
    version: str  # as `ffmpeg -version` says it, e.g. "n9.0.2-17-g2a571b6068-20260930"

    def __str__(self) -> str:
        return f"ffmpeg {self.version} ({self.path})"


@lru_cache(maxsize=1)
def ffmpeg() -> Ffmpeg:
    import imageio_ffmpeg

    try:
        path = imageio_ffmpeg.get_ffmpeg_exe()
        banner = subprocess.run([path, "-hide_banner", "-version"], capture_output=True, text=True,
                                check=True).stdout
    except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
        raise PodcastError([problem("ffmpeg", None, "encode", f"no usable ffmpeg: {e} "
                                    f"(expected the imageio-ffmpeg wheel's, or IMAGEIO_FFMPEG_EXE naming ffmpeg ≥ {MINIMUM})")]) from e
    version = banner.split()[2] if banner.startswith("ffmpeg version ") else "unknown"
    major = re.match(r"n?(\d+)\.", version)
    if major and int(major.group(1)) < MINIMUM:
        raise PodcastError([problem(path, None, "encode", f"is ffmpeg {version} "
                                    f"(expected ffmpeg {MINIMUM} or later, for loopback decoding)")])
    return Ffmpeg(path, version)


def run(master: Path, args: list[str]) -> str:
    """ffmpeg's log (its summaries are logged, not printed); a failure is a problem naming the master."""
    done = subprocess.run([ffmpeg().path, "-hide_banner", "-nostdin", "-nostats", *args],
                          capture_output=True, text=True, errors="replace")
    if done.returncode != 0:
        last = [line for line in done.stderr.splitlines() if line.strip()][-3:]
        raise PodcastError([problem(master, None, "audio", f"ffmpeg could not read or encode it: "
                                    f"{' / '.join(last)} (expected audio ffmpeg can decode)")])
    return done.stderr
