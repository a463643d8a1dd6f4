"""What a master is, from its bytes: the containers publish already reads, plus WAV and AIFF,
which are only ever encoded (no app plays them from a feed)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
        pcm: Any = (WAVE if kind == "wav" else AIFF)(path).info
    except (mutagen.MutagenError, OSError) as e:
        raise PodcastError([problem(path, None, "audio", f"cannot be read as {kind.upper()}: {e} "
                                    "(expected a WAV or AIFF file)")]) from e
    if not pcm.length:
        raise PodcastError([problem(path, None, "audio", f"has no duration (expected {kind.upper()} audio)")])
    return Master(path, kind, int(pcm.channels), int(pcm.sample_rate), float(pcm.length))


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
