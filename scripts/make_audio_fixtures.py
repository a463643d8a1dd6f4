"""Regenerate the tiny audio fixtures in tests/data/audio/ (committed; rerun only to change them).

    .venv/bin/python scripts/make_audio_fixtures.py

Uses the static ffmpeg that the `imageio-ffmpeg` dev dependency ships, so no system ffmpeg is
needed. Each fixture is one second of a 440 Hz tone, mono, at the lowest sensible rate, so the files
stay a few KB; bit-exact flags and `-map_metadata -1` keep them free of encoder tags and timestamps,
so the tests start from untagged masters and a rerun changes no bytes where the encoders allow it.

The `-wide` M4A variants are the encoder's files rewritten as MP4 files over 4 GiB are laid out: a
64-bit `mdat` size and 64-bit chunk offsets (`co64`), which ffmpeg writes only when it must.
"""
from __future__ import annotations

import struct
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

# file name -> the fixture it is a 64-bit variant of.
WIDE = {"tone-wide.m4a": "tone.m4a", "tone-faststart-wide.m4a": "tone-faststart.m4a"}
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}  # the path from moov down to stco


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


def widen(name: str, source: str) -> Path:
    """`source` with a 64-bit `mdat` header and `co64` instead of `stco`, its offsets moved to match."""
    top = _atoms((OUT / source).read_bytes())
    before_mdat = [atom for atom, _ in top].index(b"mdat")
    old = sum(8 + len(payload) for _, payload in top[:before_mdat]) + 8

    def rendered(shift: int) -> list[bytes]:
        return [_wide(atom, payload, shift) for atom, payload in top]

    new = sum(map(len, rendered(0)[:before_mdat])) + 16  # the sizes do not depend on the shift
    dest = OUT / name
    dest.write_bytes(b"".join(rendered(new - old)))
    return dest


def _atoms(data: bytes) -> list[tuple[bytes, bytes]]:
    """(name, payload) of the atoms in `data`; the encoder writes 32-bit sizes only."""
    atoms, offset = [], 0
    while offset < len(data):
        size, name = struct.unpack(">I4s", data[offset:offset + 8])
        atoms.append((name, data[offset + 8:offset + size]))
        offset += size
    return atoms


def _wide(name: bytes, payload: bytes, shift: int) -> bytes:
    if name == b"mdat":
        return struct.pack(">I4sQ", 1, b"mdat", 16 + len(payload)) + payload
    if name == b"stco":
        count = int.from_bytes(payload[4:8], "big")
        offsets = struct.unpack(f">{count}I", payload[8:8 + 4 * count])
        return _atom(b"co64", payload[:8] + struct.pack(f">{count}Q", *(o + shift for o in offsets)))
    if name in _CONTAINERS:
        return _atom(name, b"".join(_wide(child, data, shift) for child, data in _atoms(payload)))
    return _atom(name, payload)


def _atom(name: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), name) + payload


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, args in FIXTURES.items():
        print(f"{make(name, args).stat().st_size:>7} {name}")
    for name, source in WIDE.items():
        print(f"{widen(name, source).stat().st_size:>7} {name}")


if __name__ == "__main__":
    main()
