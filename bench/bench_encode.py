"""Encode time per minute of audio against ffmpeg alone doing the same measure + encode.

    .venv/bin/python bench/bench_encode.py [--minutes 10] [--rounds 3]

Makes two speech-like masters (`--minutes` long, FLAC: one stereo 48 kHz, one mono 44.1 kHz) with
the ffmpeg this package runs, then, in alternating rounds on the same files:
  ours:  `prepare` (measure, gain, limiter if needed, encode, measure the encoded file, correct if
         needed), into an empty cache each time;
  floor: ffmpeg alone: an ebur128 measure of the master (loudness and ebur128's own true peak, in
         one filter), then one encode with the gain that measure gives, with no limiter and no
         check of the result.
Both make the default enclosure (MP3, 128k stereo or 96k mono). Reported: wall seconds per minute of
audio and the ratio, median of the rounds (target ≤ 1.2x), and the ratio of CPU seconds (ffmpeg's,
user + system), which a machine shared with other work disturbs less than wall time. Then the two masters through
`prepare_all` with 2 jobs against the same two one after the other (two cores: target ~2x).
"""
from __future__ import annotations

import argparse
import re
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from feed_builder.media.encode.ffmpeg import ffmpeg
from feed_builder.media.encode.settings import EncodeSettings
from feed_builder.media.encode.stage import prepare, prepare_all

SPEECH = ("anoisesrc=d={seconds}:c=pink:a=0.4:r={rate}:seed={seed},"
          "volume='0.05+0.95*pow(abs(sin(2*PI*4.1*t)),2)*gt(sin(2*PI*0.37*t),-0.4)':eval=frame")


def make(folder: Path, name: str, seconds: int, rate: int, channels: int, seed: int) -> Path:
    path = folder / name
    subprocess.run([ffmpeg().path, "-v", "error", "-y", "-f", "lavfi", "-i",
                    SPEECH.format(seconds=seconds, rate=rate, seed=seed), "-ac", str(channels),
                    "-c:a", "flac", str(path)], check=True)
    return path


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(fn, *args) -> tuple[float, float]:
    """(wall, CPU of the ffmpeg processes it ran) seconds."""
    cpu, start = _cpu(), time.perf_counter()
    fn(*args)
    return time.perf_counter() - start, _cpu() - cpu


def floor(master: Path, mono: bool, dest: Path) -> None:
    """The measure as a user of ffmpeg would run it: ebur128 with its own true-peak meter."""
    log = subprocess.run([ffmpeg().path, "-hide_banner", "-nostdin", "-nostats", "-i", str(master),
                          "-af", f"ebur128=peak=true:framelog=quiet:dualmono={int(mono)}", "-f", "null", "-"],
                         capture_output=True, text=True, check=True).stderr
    found = re.search(r"Summary:.*?I:\s+(-?[\d.]+) LUFS.*?True peak:\s+Peak:\s+(-?[\d.]+) dBFS", log, re.DOTALL)
    assert found is not None
    subprocess.run([ffmpeg().path, "-v", "error", "-nostdin", "-y", "-i", str(master), "-af",
                    f"volume={-16 - float(found.group(1)):.2f}dB", "-c:a", "libmp3lame", "-b:a", "96k" if mono else "128k",
                    str(dest)], check=True)


def ours(master: Path, cache: Path) -> None:
    shutil.rmtree(cache, ignore_errors=True)
    prepare(EncodeSettings(), cache, master)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"{ffmpeg()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seconds = args.minutes * 60
        masters = [(make(folder, "stereo.flac", seconds, 48000, 2, 1), False),
                   (make(folder, "mono.flac", seconds, 44100, 1, 2), True)]
        for master, mono in masters:
            a, b = [], []
            for _ in range(args.rounds):
                a.append(timed(ours, master, folder / "cache"))
                b.append(timed(floor, master, mono, folder / "floor.mp3"))
            (a_m, a_cpu), (b_m, b_cpu) = [(statistics.median(w for w, _ in x), statistics.median(c for _, c in x))
                                          for x in (a, b)]
            print(f"{master.name}: ours {a_m / args.minutes:.3f} s/min, ffmpeg alone {b_m / args.minutes:.3f} s/min, "
                  f"ratio {a_m / b_m:.2f}x; CPU {a_cpu / args.minutes:.3f} against {b_cpu / args.minutes:.3f} s/min, "
                  f"ratio {a_cpu / b_cpu:.2f}x (wall rounds: ours {[round(w, 2) for w, _ in a]}, "
                  f"alone {[round(w, 2) for w, _ in b]})")
        paths = [m for m, _ in masters]
        shutil.rmtree(folder / "cache", ignore_errors=True)
        start = time.perf_counter()
        for path in paths:
            prepare(EncodeSettings(), folder / "cache", path)
        serial = time.perf_counter() - start
        shutil.rmtree(folder / "cache", ignore_errors=True)
        start = time.perf_counter()
        list(prepare_all(EncodeSettings(), folder / "cache", paths, 2))
        parallel = time.perf_counter() - start
        print(f"two masters: one after the other {serial:.2f} s, two jobs {parallel:.2f} s, speed-up {serial / parallel:.2f}x")


if __name__ == "__main__":
    main()
