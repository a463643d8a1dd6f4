"""Regenerate the tiny audio fixtures in tests/data/audio/ (committed; rerun only to change them).

    .venv/bin/python scripts/make_audio_fixtures.py

Uses the static ffmpeg that the `imageio-ffmpeg` dev dependency ships, so no system ffmpeg is
needed. Each fixture is one second of a 440 Hz tone, mono, at the lowest sensible rate, so the files
stay a few KB; bit-exact flags and `-map_metadata -1` keep them free of encoder tags and timestamps,
so the tests start from untagged masters and a rerun changes no bytes where the encoders allow it.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "audio"

# file name -> encoder arguments; faststart puts `moov` before `mdat`, the layout mutagen must shift.
FIXTURES = {
    "tone.mp3": ["-ar", "22050", "-c:a", "libmp3lame", "-b:a", "32k"],
    "tone.m4a": ["-ar", "22050", "-c:a", "aac", "-b:a", "24k"],
    "tone-faststart.m4a": ["-ar", "22050", "-c:a", "aac", "-b:a", "24k", "-movflags", "+faststart"],
    "tone.opus": ["-ar", "48000", "-c:a", "libopus", "-b:a", "16k"],
    "tone.ogg": ["-ar", "22050", "-c:a", "libvorbis", "-q:a", "0"],
    "tone.flac": ["-ar", "8000", "-sample_fmt", "s16", "-c:a", "flac"],
}


def make(name: str, codec_args: list[str]) -> Path:
    dest = OUT / name
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
         "-ac", "1", *codec_args,
         "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", str(dest)],
        check=True,
    )
    return dest


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, args in FIXTURES.items():
        print(f"{make(name, args).stat().st_size:>7} {name}")


if __name__ == "__main__":
    main()
