"""Audio facts from the file's content, never from its name."""
from __future__ import annotations

from pathlib import Path

import mutagen
from mutagen.flac import FLAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from .errors import PodcastError, problem
from .model import AudioInfo, Container

_CONTAINERS = ((MP3, Container.MP3), (MP4, Container.M4A), (OggOpus, Container.OPUS),
               (OggVorbis, Container.VORBIS), (FLAC, Container.FLAC))
_EXPECTED = "expected MP3, M4A/AAC, Ogg Opus, Ogg Vorbis or FLAC audio"


def probe(path: Path) -> AudioInfo:
    try:
        audio = mutagen.File(path, options=[cls for cls, _ in _CONTAINERS])
    except (mutagen.MutagenError, OSError) as e:
        raise PodcastError([problem(path, None, "audio", f"cannot be read as audio: {e} ({_EXPECTED})")])
    container = next((c for cls, c in _CONTAINERS if isinstance(audio, cls)), None)
    if audio is None or container is None or not audio.info.length:
        raise PodcastError([problem(path, None, "audio", f"is not audio this tool can publish ({_EXPECTED})")])
    info = audio.info
    return AudioInfo(
        container=container,
        duration=float(info.length),
        bitrate=int(getattr(info, "bitrate", 0) or 0),
        channels=int(getattr(info, "channels", 0) or 0),
        sample_rate=int(getattr(info, "sample_rate", 0) or 0),
    )
