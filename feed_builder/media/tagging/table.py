"""Where each plain `TagSet` value goes in each container: one row per field, one column per format.

mediafile's lesson: declaring a field once with its per-format keys keeps the formats from drifting
apart, and adding a field is one line. Values with structure (dates, art, chapters, the podcast flag,
frames that need a language) are written by small functions in each writer instead.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TagField:
    """A `TagSet` attribute and its key per format; `None` where a format has no such field."""

    attr: str
    id3: str | None  # frame ID; a URL frame (W...) is written as a URL, any other as text
    mp4: str | None  # atom name
    vorbis: str | None  # Vorbis comment name, also used by FLAC


TEXT_FIELDS = (
    TagField("title", "TIT2", "©nam", "TITLE"),
    TagField("artist", "TPE1", "©ART", "ARTIST"),
    TagField("album", "TALB", "©alb", "ALBUM"),
    TagField("album", None, "tvsh", None),  # Apple shows an episode under its show name
    TagField("genre", "TCON", "©gen", "GENRE"),
    TagField("description", None, "desc", "DESCRIPTION"),  # ID3: COMM, which needs a language
    TagField("long_description", "TDES", "ldes", "COMMENT"),
    TagField("lyrics", None, "©lyr", "LYRICS"),  # ID3: USLT, which needs a language
    TagField("copyright", "TCOP", "cprt", "COPYRIGHT"),
    TagField("category", "TCAT", "catg", None),
    TagField("keywords", "TKWD", "keyw", None),
    TagField("guid", "TGID", "egid", None),
    TagField("feed_url", None, "purl", None),  # ID3: WFED, a text frame despite its W name
    TagField("episode_url", "WOAF", None, "URL"),  # WOAF: "official audio file webpage"
)

# Episode and season numbers: text in ID3 and Vorbis, (number, total) pairs in MP4.
NUMBER_FIELDS = (
    TagField("track", "TRCK", "trkn", "TRACKNUMBER"),
    TagField("disc", "TPOS", "disk", "DISCNUMBER"),
)


def present(tags: object, table: tuple[TagField, ...], column: str) -> list[tuple[str, object]]:
    """(key, value) for every row with a key in `column` whose value is set on `tags`."""
    rows = ((getattr(row, column), getattr(tags, row.attr)) for row in table)
    return [(key, value) for key, value in rows if key is not None and value not in (None, "")]
