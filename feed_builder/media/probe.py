"""Audio facts from the file's content, never from its name.

The container is sniffed from the first bytes: mutagen's own guess also scores the file name, so
a FLAC file named `.mp3` would be read as MP3. For MP3 only the stream after the ID3 tag is read:
parsing a large tag (a transcript in UTF-16 frames, as ours carry) costs more than the rest of an
episode's probe, to learn nothing about the audio.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import mutagen
from mutagen.flac import FLAC
from mutagen.mp3 import MPEGInfo
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from feed_builder.core.errors import PodcastError, problem
from feed_builder.core.model import AudioInfo, Container

_READERS = {Container.M4A: MP4, Container.OPUS: OggOpus, Container.VORBIS: OggVorbis, Container.FLAC: FLAC}
_EXPECTED = "expected MP3, M4A/AAC, Ogg Opus, Ogg Vorbis or FLAC audio"


def sniff(head: bytes) -> Container | None:
    """The container from a file's first 64 bytes (magic numbers, as `file` would)."""
    if head[:4] == b"fLaC":
        return Container.FLAC
    if head[:4] == b"OggS":
        return Container.OPUS if b"OpusHead" in head else Container.VORBIS if b"\x01vorbis" in head else None
    if head[4:8] == b"ftyp":
        return Container.M4A
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return Container.MP3
    return None


def probe(path: Path) -> AudioInfo:
    try:
        with path.open("rb") as f:
            head = f.read(64)
            container = sniff(head)
            if container is None:
                raise PodcastError([problem(path, None, "audio", f"is not audio this tool can publish ({_EXPECTED})")])
            f.seek(0)
            if container is Container.MP3:
                info: Any = MPEGInfo(f, _id3_size(head))
            else:
                info = _READERS[container](f).info
    except (mutagen.MutagenError, OSError) as e:
        raise PodcastError([problem(path, None, "audio", f"cannot be read as audio: {e} ({_EXPECTED})")]) from e
    if not info.length:
        raise PodcastError([problem(path, None, "audio", f"has no duration ({_EXPECTED})")])
    return AudioInfo(
        container=container,
        duration=float(info.length),
        bitrate=int(getattr(info, "bitrate", 0) or 0),
        channels=int(getattr(info, "channels", 0) or 0),
        sample_rate=int(getattr(info, "sample_rate", 0) or 0),
    )


def _id3_size(head: bytes) -> int | None:
    """Where the MPEG stream starts: after an ID3v2 tag (header, syncsafe size, optional footer)."""
    if head[:3] != b"ID3" or len(head) < 10:
        return None
    size = 0
    for byte in head[6:10]:  # "syncsafe": 7 bits a byte
        size = size << 7 | byte & 0x7F
    return 10 + size + (10 if head[5] & 0x10 else 0)
