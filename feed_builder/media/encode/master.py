"""What a master is, from its bytes: the containers publish already reads, plus WAV and AIFF,
which are only ever encoded (no app plays them from a feed)."""
from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import mutagen
from mutagen.aiff import AIFF
from mutagen.mp4 import MP4
from mutagen.wave import WAVE

from feed_builder.core.errors import PodcastError, problem
from feed_builder.core.model import Container
from feed_builder.media.probe import probe, sniff
from feed_builder.validate.media import is_aac

ONLY_ENCODED = ("wav", "aiff")  # no app plays them from a feed, and no tags of ours go into them


@dataclass(frozen=True)
class Master:
    path: Path
    kind: str  # a Container's value, "wav" or "aiff"
    channels: int
    sample_rate: int
    duration: float

    @property
    def mono(self) -> bool:
        return self.channels == 1


def read_master(path: Path) -> Master:
    try:
        with path.open("rb") as f:
            head = f.read(64)
    except OSError as e:
        raise PodcastError([problem(path, None, "audio", f"cannot be read: {e.strerror} (expected an audio file)")]) from e
    kind = "wav" if head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WAVE" else \
        "aiff" if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC") else None
    if kind is None:
        info = probe(path)
        return Master(path, info.container.value, info.channels, info.sample_rate, info.duration)
    try:
        pcm: Any = _rf64(path) if head[:4] == b"RF64" else (WAVE if kind == "wav" else AIFF)(path).info
    except (mutagen.MutagenError, OSError, ValueError, struct.error) as e:
        raise PodcastError([problem(path, None, "audio", f"cannot be read as {kind.upper()}: {e} "
                                    "(expected a WAV or AIFF file)")]) from e
    if not pcm.length:
        raise PodcastError([problem(path, None, "audio", f"has no duration (expected {kind.upper()} audio)")])
    return Master(path, kind, int(pcm.channels), int(pcm.sample_rate), float(pcm.length))


class _Pcm(NamedTuple):
    channels: int
    sample_rate: int
    length: float  # seconds


def _rf64(path: Path) -> _Pcm:
    """RF64 (EBU Tech 3306), the WAV that recorders and DAWs write past 4 GiB: its sizes are in a
    `ds64` chunk, and mutagen reads only RIFF."""
    data_size = fmt = None
    with path.open("rb") as f:
        f.seek(12)
        while (header := f.read(8)) and len(header) == 8 and header[:4] != b"data":
            kind, size = header[:4], struct.unpack("<I", header[4:])[0]
            body = f.read(size + (size & 1))
            if kind == b"ds64":
                data_size = struct.unpack_from("<Q", body, 8)[0]  # after the RIFF size
            elif kind == b"fmt ":
                fmt = struct.unpack_from("<HHIIH", body)  # format, channels, rate, bytes/s, block
    if data_size is None or fmt is None or not fmt[2] or not fmt[4]:
        raise ValueError("no ds64 or fmt chunk before the data")
    return _Pcm(fmt[1], fmt[2], data_size / (fmt[4] * fmt[2]))


def needs_encoding(path: Path, normalize: bool) -> bool:
    """Whether publish must encode it: Apple plays only MP3 and AAC. An M4A may hold Apple Lossless
    (or AC-3, or MP3) behind the same bytes at its start, so its codec is read too."""
    try:
        with path.open("rb") as f:
            kind = sniff(f.read(64))
            if kind is Container.M4A and not normalize:
                f.seek(0)
                info = MP4(f).info
                return info is None or not is_aac(info.codec)
    except mutagen.MutagenError:
        return True  # the encoder's decode will say what is wrong with it
    except OSError as e:
        raise PodcastError([problem(path, None, "audio", f"cannot be read: {e.strerror} (expected an audio file)")]) from e
    return normalize or kind is not Container.MP3
