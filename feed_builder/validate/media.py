"""What a file really is: media type and duration (mutagen), artwork (Pillow), timed texts.

Each probe returns data or raises MediaError with a reason fit for a finding.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import mutagen
from PIL import Image

# mutagen class name -> the MIME types that honestly describe such a file
_MEDIA_TYPES = {
    "MP3": frozenset({"audio/mpeg", "audio/mp3"}),
    "EasyMP3": frozenset({"audio/mpeg", "audio/mp3"}),
    "MP4": frozenset({"audio/x-m4a", "audio/mp4", "audio/m4a", "video/mp4", "video/x-m4v", "video/quicktime"}),
    "EasyMP4": frozenset({"audio/x-m4a", "audio/mp4", "audio/m4a", "video/mp4", "video/x-m4v", "video/quicktime"}),
    "OggVorbis": frozenset({"audio/ogg", "audio/vorbis"}),
    "OggOpus": frozenset({"audio/ogg", "audio/opus"}),
    "FLAC": frozenset({"audio/flac", "audio/x-flac"}),
    "WAVE": frozenset({"audio/wav", "audio/x-wav", "audio/wave"}),
}
# An MP4's audio as mutagen names it: MPEG-4 AAC (LC, HE, HEv2) is the one Apple plays from a feed;
# the same container may hold Apple Lossless ("alac"), AC-3 or MP3.
_AAC = "mp4a.40."
_PIL_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG"}
# A timing starts where a run of digits starts: tried inside a long run, the hours' \d+ would scan to
# its end from every digit, in time that grows with the square of the run's length.
_VTT_TIME = re.compile(r"(?<!\d)(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})\s+-->\s+(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})")


class MediaError(Exception):
    """The file is unreadable as what the feed says it is."""


@dataclass(frozen=True)
class Media:
    kind: str  # mutagen's name for the container, e.g. MP3, MP4
    mime_types: frozenset[str]
    duration: float
    codec: str = ""  # an MP4's audio codec, e.g. mp4a.40.2, alac; empty for other containers

    @property
    def apple_plays(self) -> bool:
        """False only for an MP4 whose codec is known and not AAC: an unnamed one is not judged."""
        return self.kind not in ("MP4", "EasyMP4") or not self.codec or is_aac(self.codec)


def is_aac(codec: str) -> bool:
    return codec.startswith(_AAC)


@dataclass(frozen=True)
class Artwork:
    width: int
    height: int
    mode: str
    format: str


def probe_media(path: Path) -> Media:
    try:
        found = mutagen.File(path)
    except mutagen.MutagenError as error:
        raise MediaError(f"unreadable media: {error}") from error
    if found is None:
        raise MediaError("not an audio or video file mutagen recognises")
    kind = type(found).__name__
    return Media(kind, _MEDIA_TYPES.get(kind, frozenset(found.mime)), float(found.info.length),
                 getattr(found.info, "codec", ""))


def probe_artwork(path: Path) -> Artwork:
    try:
        with Image.open(path) as image:
            return Artwork(image.width, image.height, image.mode, image.format or "")
    except (OSError, Image.DecompressionBombError) as error:
        raise MediaError(f"unreadable image: {error}") from error


def format_for_extension(extension: str) -> str | None:
    return _PIL_FORMATS.get(extension)


def _seconds(h: str | None, m: str, s: str, ms: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def cue_times(text: str) -> list[float]:
    """End times of every WebVTT or SRT cue; MediaError when there are none."""
    ends = [_seconds(*m.groups()[4:]) for m in _VTT_TIME.finditer(text)]
    if not ends:
        raise MediaError("no cue timings ('00:00:01.000 --> 00:00:02.000') found")
    return ends


def json_times(data: bytes, list_key: str, time_keys: tuple[str, ...]) -> list[float]:
    """Times from a JSON chapters ("chapters") or transcript ("segments") document."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise MediaError(f"not valid JSON: {error}") from error
    entries = document.get(list_key) if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise MediaError(f"JSON has no {list_key!r} list")
    times: list[float] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get(time_keys[0]), (int, float)):
            raise MediaError(f"{list_key}[{index}] has no numeric {time_keys[0]!r}")
        times += [float(entry[k]) for k in time_keys if isinstance(entry.get(k), (int, float))]
    return times
