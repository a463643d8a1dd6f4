"""Parsers for the value formats feeds use; each returns None when the text is not valid."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache

_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # in date.weekday() order
_ZONES = {"UT": 0, "GMT": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}
_RFC2822 = re.compile(
    r"(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?(\d{1,2})\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+"
    r"(\d{4}|\d{2})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+([+-]\d{4}|UT|GMT|[ECMP][SD]T|[A-IK-Za-ik-z])"
)
_WEB_URL = re.compile(r"https?://[^\s/?#]+(?:[/?#]\S*)?", re.IGNORECASE)
_DURATION_CLOCK = re.compile(r"(?:(\d+):)?([0-5]?\d):([0-5]\d)")
# The domain needs a dot with a character on each side. Written as "one character, no dots, a dot"
# rather than "[^@\s]+\." so that a run of dots can be split only one way: with the looser form a
# long run is retried at every split, in time that grows with the square of its length.
_EMAIL = re.compile(r"[^@\s]+@[^@\s][^@\s.]*\.[^@\s]+")


@lru_cache(maxsize=64)  # few distinct zones per feed; each timezone object is built once
def _zone(zone: str) -> timezone:
    """Raises ValueError for an offset of a day or more; rfc2822 reports that as not a real date."""
    if zone[0] in "+-":
        offset = (int(zone[1:3]) * 60 + int(zone[3:5])) * (-1 if zone[0] == "-" else 1)
    else:
        offset = _ZONES.get(zone, 0) * 60  # military single letters mean -0000 per RFC 2822
    return timezone(timedelta(minutes=offset))


@lru_cache(maxsize=8)  # rss-date and consistency-future-date ask about the same text in turn
def rfc2822(text: str) -> tuple[datetime | None, str | None]:
    """(aware datetime, problem). RSS 2.0 dates are RFC 822 with 2- or 4-digit years."""
    text = text.strip()
    match = _RFC2822.fullmatch(text)
    if match is None:
        return None, f"{text!r} is not an RFC 2822 date (e.g. 'Tue, 10 Jun 2025 04:00:00 +0000')"
    dow, day, month, year, hour, minute, second, zone = match.groups()
    full_year = int(year) if len(year) == 4 else int(year) + (1900 if int(year) >= 50 else 2000)
    try:
        when = datetime(full_year, _MONTHS[month], int(day), int(hour), int(minute), int(second or 0),
                        tzinfo=_zone(zone))
    except ValueError:
        return None, f"{text!r} is not a real calendar date"
    if dow and _DAYS[when.weekday()] != dow:
        return when, f"{text!r}: {when:%d %b %Y} is a {_DAYS[when.weekday()]}, not a {dow}"
    return when, None


def iso8601(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def duration_seconds(text: str) -> int | None:
    """Apple's formats: total seconds, or [H]H:MM:SS, [M]M:SS."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    clock = _DURATION_CLOCK.fullmatch(text)
    if clock is None:
        return None
    hours, minutes, seconds = clock.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)


def positive_int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


def number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def url_extension(url: str) -> str:
    """Lower-case extension of the URL path, query and fragment ignored ('' if none)."""
    name = url.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def is_web_url(url: str) -> bool:
    return _WEB_URL.fullmatch(url.strip()) is not None


def is_email(text: str) -> bool:
    return _EMAIL.fullmatch(text.strip()) is not None


def clock(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds)))
