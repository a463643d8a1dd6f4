"""`--files DIR`: do the files the feed promises exist, and are they what the feed says?

URLs under the base URL (the feed URL's directory) map to paths under DIR.
Media are probed with mutagen, artwork with Pillow, chapters and transcripts
parsed, and their times compared with the episode's real duration.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .document import ItemFacts, FeedFacts, Link
from .findings import Severity
from .media import Media, MediaError, cue_times, format_for_extension, json_times, probe_artwork, probe_media
from .registry import Hit, Source, define
from .values import clock, url_extension

BASE_URL = define(
    "files-base-url", Severity.ERROR, Source.SUBSCRIBERS, "Cannot tell which URLs are local files",
    """--files maps URLs under the feed's directory to files; that directory
    comes from atom:link rel="self" (or --feed-url), which is missing.""",
)
OUTSIDE = define(
    "files-outside-base", Severity.INFO, Source.SUBSCRIBERS, "URL not under the feed's base URL",
    """URLs outside the feed's directory are hosted elsewhere and are not
    checked against DIR (use --online for them).""",
)
MISSING = define(
    "files-missing", Severity.ERROR, Source.SUBSCRIBERS, "Referenced file does not exist",
    """The feed links a file that the published directory does not contain:
    a 404 for every listener.""",
)
ENCLOSURE_LENGTH = define(
    "files-enclosure-length", Severity.ERROR, Source.APPLE, "Enclosure length differs from the file size",
    """The enclosure's length (and each podcast:alternateEnclosure's) must be
    the file's size in bytes; apps use it to check downloads and Apple flags
    mismatches.""",
)
MEDIA_TYPE = define(
    "files-media-type", Severity.ERROR, Source.APPLE, "Enclosure type differs from the file's content",
    """The MIME type must describe the real content (MP3 audio/mpeg; MP4/M4A
    audio/x-m4a or audio/mp4; Ogg audio/ogg; FLAC audio/flac): players pick a
    decoder from it.""",
)
MEDIA_UNREADABLE = define(
    "files-media-unreadable", Severity.ERROR, Source.APPLE, "Media file cannot be decoded",
    """The enclosure file is not audio or video that mutagen can read: apps
    will fail to play it.""",
)
ENCLOSURE_CODEC = define(
    "files-enclosure-codec", Severity.ERROR, Source.APPLE, "Enclosure holds audio Apple does not play",
    """For RSS feeds Apple Podcasts accepts MP3 or AAC audio. An .m4a or .mp4
    file may hold Apple Lossless (ALAC), AC-3 or MP3 audio instead: its type
    and extension look right, but Apple Podcasts does not play it. Alternate
    enclosures may hold any codec; apps choose among them.""",
)
DURATION = define(
    "files-duration", Severity.ERROR, Source.APPLE, "itunes:duration differs from the media",
    """itunes:duration must be within 1 second of the file's real duration;
    apps show it before download and use it for progress.""",
)
ARTWORK_SIZE = define(
    "files-artwork-size", Severity.ERROR, Source.APPLE, "Artwork not square 1400-3000 px",
    """Apple requires artwork of 1400x1400 to 3000x3000 pixels, square.""",
)
ARTWORK_FORMAT = define(
    "files-artwork-format", Severity.ERROR, Source.APPLE, "Artwork not RGB JPEG/PNG as its extension says",
    """Apple requires RGB colour space (no CMYK, no palette or greyscale), in
    the format the extension names (.jpg JPEG, .png PNG).""",
)
CHAPTERS = define(
    "files-chapters", Severity.ERROR, Source.P20, "Chapters file invalid or beyond the duration",
    """The JSON chapters file must parse, have a "chapters" list with numeric
    startTime, and every time must lie within the episode.""",
)
TRANSCRIPT = define(
    "files-transcript", Severity.ERROR, Source.P20, "Transcript invalid or beyond the duration",
    """WebVTT and SRT transcripts need cue timings, JSON transcripts a
    "segments" list with startTime/endTime, and every time must lie within the
    episode; text files must be UTF-8.""",
)

_TOLERANCE = 1.0
_JSON_TYPES = frozenset({"application/json"})
_CUE_TYPES = frozenset({"text/vtt", "application/x-subrip", "application/srt"})


def base_url_of(feed_url: str) -> str:
    return feed_url.rsplit("/", 1)[0] + "/"


def _local(link: Link, base: str, root: Path) -> Path | None:
    """The file for a URL under base, or None; never a path outside root."""
    if not link.url.startswith(base):
        return None
    relative = unquote(urlsplit(link.url).path[len(urlsplit(base).path):])
    candidate = (root / relative).resolve()
    return candidate if candidate.is_relative_to(root) else None


def _media(link: Link, path: Path, length: int | None) -> tuple[list[Hit], Media | None]:
    """An enclosure or an alternate: its stated length, type and that it decodes."""
    hits: list[Hit] = []
    size = path.stat().st_size
    if length is not None and length != size:
        hits.append((ENCLOSURE_LENGTH, link.line, f"{link.kind} length {length} but {path.name} has {size} bytes"))
    try:
        media = probe_media(path)
    except MediaError as error:
        return hits + [(MEDIA_UNREADABLE, link.line, f"{path.name}: {error}")], None
    if link.mime and link.mime.split(";", 1)[0].strip().lower() not in media.mime_types:  # parameters aside (codecs=)
        hits.append((MEDIA_TYPE, link.line, f"type {link.mime!r} but {path.name} is {media.kind} "
                     f"({', '.join(sorted(media.mime_types))})"))
    return hits, media


def _enclosure(episode: ItemFacts, link: Link, path: Path) -> tuple[list[Hit], float | None]:
    """Its checks as media, the codec and the duration; its real duration."""
    hits, media = _media(link, path, episode.enclosure_length)
    if media is None:
        return hits, None
    if not media.apple_plays:
        hits.append((ENCLOSURE_CODEC, link.line, f"{path.name} holds {media.codec} audio (expected MP3, or AAC "
                     "in M4A: encode it, e.g. with `podcast encode`)"))
    if episode.duration is not None and abs(episode.duration - media.duration) > _TOLERANCE:
        hits.append((DURATION, link.line, f"itunes:duration {clock(episode.duration)} but {path.name} "
                     f"plays {media.duration:.1f} s"))
    return hits, media.duration


def _artwork(link: Link, path: Path) -> Iterator[Hit]:
    try:
        art = probe_artwork(path)
    except MediaError as error:
        yield ARTWORK_FORMAT, link.line, f"{path.name}: {error}"
        return
    if art.width != art.height or not 1400 <= art.width <= 3000:
        yield ARTWORK_SIZE, link.line, f"{path.name} is {art.width}x{art.height}; need square 1400-3000 px"
    expected = format_for_extension(url_extension(link.url))
    if art.mode != "RGB" or (expected and art.format != expected):
        yield ARTWORK_FORMAT, link.line, f"{path.name} is {art.format} {art.mode}; need RGB {expected or 'JPEG/PNG'}"


def _timed(link: Link, path: Path, duration: float | None) -> Iterator[Hit]:
    rule = CHAPTERS if link.kind == "chapters" else TRANSCRIPT
    mime = (link.mime or "").strip().lower()
    data = path.read_bytes()
    try:
        if link.kind == "chapters":
            times = json_times(data, "chapters", ("startTime", "endTime"))
        elif mime in _JSON_TYPES:
            times = json_times(data, "segments", ("startTime", "endTime"))
        elif mime in _CUE_TYPES:
            times = cue_times(data.decode("utf-8"))
        else:
            data.decode("utf-8")
            times = []
    except (MediaError, UnicodeDecodeError) as error:
        yield rule, link.line, f"{path.name}: {error}"
        return
    late = [t for t in times if duration is not None and t > duration + _TOLERANCE]
    if late:
        yield rule, link.line, f"{path.name}: time {max(late):.1f} s is past the episode's end at {duration:.1f} s"


def _links(facts: FeedFacts) -> Iterator[tuple[ItemFacts | None, Link]]:
    for link in facts.links:
        yield None, link
    for episode in facts.episodes:
        if episode.enclosure:
            yield episode, episode.enclosure
        for link in episode.links:
            yield episode, link


def check_files(facts: FeedFacts, root: Path, *, feed_url: str | None = None) -> list[Hit]:
    feed = facts.self_url or feed_url
    if not feed:
        return [(BASE_URL, 0, "no atom:link rel=\"self\" and no --feed-url: cannot map URLs to files")]
    base, root = base_url_of(feed), root.resolve()
    hits: list[Hit] = []
    durations: dict[int, float | None] = {}  # episode line -> real duration, for its timed texts
    for episode, link in _links(facts):
        path = _local(link, base, root)
        if path is None:
            hits.append((OUTSIDE, link.line, f"{link.kind} {link.url} is not under {base}; not checked"))
        elif not path.is_file():
            hits.append((MISSING, link.line, f"{link.kind} {link.url} -> {path.relative_to(root)} does not exist"))
        elif link.kind == "enclosure" and episode is not None:
            found, durations[episode.line] = _enclosure(episode, link, path)
            hits += found
        elif link.kind == "alternate":
            hits += _media(link, path, link.length)[0]
        elif link.kind == "image":
            hits += _artwork(link, path)
        elif episode is not None:
            duration = durations.get(episode.line, episode.duration)
            hits += _timed(link, path, float(duration) if duration is not None else None)
    return hits
