"""Encode time per minute of audio against ffmpeg alone doing the same measure + encode.

    .venv/bin/python bench/bench_encode.py [--minutes 10] [--rounds 3]

Makes two speech-like masters (`--minutes` long, FLAC: one stereo 48 kHz, one mono 44.1 kHz) with
the ffmpeg this package runs, then, in alternating rounds on the same files:
  ours:  `prepare` (measure, gain, limiter if needed, encode, measure the encoded file, correct if
         needed), into an empty cache each time;
  same:  ffmpeg alone doing the same measure + encode, as a script of ffmpeg commands would: an
         ebur128 measure of the master (loudness and ebur128's own true peak, in one filter), one
         encode with that gain and, where the gained true peak would pass 1 dB under the ceiling,
         the same 4x oversampled limiter, then an ebur128 measure of the encoded file;
  bare:  ffmpeg alone doing the least a loudness tool could: the same measure of the master, then
         one encode with that gain, with no limiter and no check of the result.
All make the default enclosure (MP3, 128k stereo or 96k mono). Reported: wall seconds per minute of
audio and the ratios, median of the rounds (target ≤ 1.2x against `same`), and the ratios of CPU
seconds (ffmpeg's, user + system), which a machine shared with other work disturbs less than wall
time. Then the two masters through `prepare_all` with 2 jobs against the same two one after the
other: each ffmpeg already runs its decoder, filters, encoder and meters in threads of their own,
so a second job takes only the time one leaves idle.
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


def measure(path: Path, mono: bool) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) as a user of ffmpeg would measure them: ebur128's own meter."""
    log = subprocess.run([ffmpeg().path, "-hide_banner", "-nostdin", "-nostats", "-i", str(path),
                          "-af", f"ebur128=peak=true:framelog=quiet:dualmono={int(mono)}", "-f", "null", "-"],
                         capture_output=True, text=True, check=True).stderr
    found = re.search(r"Summary:.*?I:\s+(-?[\d.]+) LUFS.*?True peak:\s+Peak:\s+(-?[\d.]+) dBFS", log, re.DOTALL)
    assert found is not None
    return float(found.group(1)), float(found.group(2))


def floor(master: Path, mono: bool, rate: int, dest: Path, same: bool) -> None:
    """`same`: with our limiter (its settings as `chain.py` runs it) and a measure of the result."""
    loudness, peak = measure(master, mono)
    gain = -16 - loudness
    chain = f"volume={gain:.2f}dB"
    if same and peak + gain > -2:
        chain += (f",aresample={4 * rate},alimiter=limit={10 ** (-2 / 20):.5f}:level=false:latency=true:attack=2:release=60,"
                  f"aresample={rate}")
    subprocess.run([ffmpeg().path, "-v", "error", "-nostdin", "-y", "-i", str(master), "-af", chain,
                    "-c:a", "libmp3lame", "-b:a", "96k" if mono else "128k", str(dest)], check=True)
    if same:
        measure(dest, mono)


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
        masters = [(make(folder, "stereo.flac", seconds, 48000, 2, 1), False, 48000),
                   (make(folder, "mono.flac", seconds, 44100, 1, 2), True, 44100)]
        for master, mono, rate in masters:
            runs: dict[str, list[tuple[float, float]]] = {"ours": [], "same": [], "bare": []}
            for _ in range(args.rounds):
                runs["ours"].append(timed(ours, master, folder / "cache"))
                runs["same"].append(timed(floor, master, mono, rate, folder / "floor.mp3", True))
                runs["bare"].append(timed(floor, master, mono, rate, folder / "floor.mp3", False))
            wall = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
            cpu = {k: statistics.median(c for _, c in v) for k, v in runs.items()}
            print(f"{master.name}: per minute of audio, wall: ours {wall['ours'] / args.minutes:.3f} s, "
                  f"same {wall['same'] / args.minutes:.3f} s, bare {wall['bare'] / args.minutes:.3f} s; "
                  f"ratio to same {wall['ours'] / wall['same']:.2f}x, to bare {wall['ours'] / wall['bare']:.2f}x; "
                  f"CPU ratio to same {cpu['ours'] / cpu['same']:.2f}x, to bare {cpu['ours'] / cpu['bare']:.2f}x")
            print("  wall rounds: " + "; ".join(f"{k} {[round(w, 2) for w, _ in v]}" for k, v in runs.items()))
            made = prepare(EncodeSettings(), folder / "cache", master).renditions[0]  # the last round's, cached
            print(f"  ours: {made.passes} pass(es), {made.mode}, {made.loudness}")
        paths = [m for m, _, _ in masters]
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
