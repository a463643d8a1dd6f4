"""Times as people and formats write them, and seconds as the models keep them.

Parsers return `None` on a malformed time instead of raising, because every caller turns that into a
`Problem` with its own file, line and expected format. Formatting goes through whole milliseconds so
a time written and read back is the same float.
"""
from __future__ import annotations

import re

# No recording lasts thirty years: a later time is a typo, refused where it is read, and every
# writer below can then format any time it is given.
MAX_SECONDS = 999_999_999
SECONDS = f"a number of seconds from 0 to {MAX_SECONDS}"

# Hours have at most six digits below, as MAX_SECONDS has.
# chapters.txt and show notes: 1:02:03, 01:02:03, 02:03, optionally with .5 or .250
_CLOCK = re.compile(r"(?:(\d{1,6}):([0-5]\d)|(\d{1,2})):([0-5]\d)(?:\.(\d{1,3}))?")
# WebVTT: hours optional (at least two digits when given), exactly three millisecond digits
_VTT = re.compile(r"(?:(\d{2,6}):)?([0-5]\d):([0-5]\d)\.(\d{3})")
# SRT says a comma; a dot is a common slip that every player accepts, so we accept it too
_SRT = re.compile(r"(\d{1,6}):([0-5]\d):([0-5]\d)[,.](\d{1,3})")


def parse_clock(text: str) -> float | None:
    """`HH:MM:SS` or `MM:SS`, optionally with a fraction of a second, as written in chapters.txt."""
    m = _CLOCK.fullmatch(text)
    if m is None:
        return None
    hours, minutes_after_hours, minutes_alone, seconds, fraction = m.groups()
    minutes = minutes_after_hours if hours is not None else minutes_alone
    return _seconds(hours or "0", minutes, seconds, fraction or "")


def parse_vtt(text: str) -> float | None:
    """A WebVTT cue timestamp: `HH:MM:SS.mmm` or `MM:SS.mmm`."""
    m = _VTT.fullmatch(text)
    return None if m is None else _seconds(m[1] or "0", m[2], m[3], m[4])


def parse_srt(text: str) -> float | None:
    """An SRT timestamp: `HH:MM:SS,mmm`."""
    m = _SRT.fullmatch(text)
    return None if m is None else _seconds(m[1], m[2], m[3], m[4])


def _seconds(hours: str, minutes: str, seconds: str, fraction: str) -> float | None:
    ms = ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(fraction.ljust(3, "0"))
    return ms / 1000 if ms <= MAX_SECONDS * 1000 else None


def vtt(seconds: float) -> str:
    """`HH:MM:SS.mmm`: WebVTT cues, and Podlove Simple Chapters' normal play time."""
    return _format(seconds, ".")


def srt(seconds: float) -> str:
    """`HH:MM:SS,mmm`: SRT cues."""
    return _format(seconds, ",")


def clock(seconds: float) -> str:
    """`HH:MM:SS`, rounded down so that a chapter link never lands before the chapter."""
    return _format(seconds, None)


def json_seconds(seconds: float) -> int | float:
    """Seconds to the millisecond for JSON, whole ones without `.0`, as people write them."""
    ms = round(seconds * 1000)
    return ms // 1000 if ms % 1000 == 0 else ms / 1000


def _format(seconds: float, decimal_mark: str | None) -> str:
    ms = round(seconds * 1000)
    if decimal_mark is None:
        ms -= ms % 1000
    minutes, ms = divmod(ms, 60_000)
    hours, minutes = divmod(minutes, 60)
    text = f"{hours:02d}:{minutes:02d}:{ms // 1000:02d}"
    return text if decimal_mark is None else f"{text}{decimal_mark}{ms % 1000:03d}"
