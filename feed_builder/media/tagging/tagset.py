"""The one mapping from the show and episode models to tag values, shared by every container.

The feed and the tags are built from the same `Show` and `Episode`, and every container writer reads
only a `TagSet`, so what a car stereo shows can never disagree with what an app reads in the feed,
and what differs between MP3, M4A and Ogg is only where each value goes, never what it is.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from feed_builder.formats.chapters import chapter_ends
from feed_builder.core.errors import PodcastError, problem
from feed_builder.core.model import AudioInfo, Chapter, Episode, Show
from feed_builder.formats.notes import plain_summary, render_notes
from feed_builder.media.artwork import embedded_art, scaled_jpeg
from feed_builder.media.tagging.language import iso_639_2
from feed_builder.media.tagging.plaintext import plain_text

ID3_VERSIONS = (3, 4)


@dataclass(frozen=True)
class TagChapter:
    """A chapter as tags store it: whole milliseconds, an explicit end, art already scaled."""

    start_ms: int
    end_ms: int
    title: str
    url: str | None = None
    image_jpeg: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class TagSet:
    """Format-neutral tag values; a field that is `None` or empty is not written at all."""

    title: str
    artist: str
    album: str
    track: int | None
    disc: int | None
    date: datetime
    description: str
    long_description: str
    lyrics: str | None
    language: str  # ISO 639-2, for the lyrics and comment frames that require one
    cover_jpeg: bytes | None = field(repr=False)
    category: str | None
    guid: str
    feed_url: str
    keywords: str
    copyright: str
    episode_url: str
    chapters: tuple[TagChapter, ...]
    id3_version: int = 3
    genre: str = "Podcast"
    podcast: bool = True

    def fingerprint(self) -> str:
        """A sha256 hex digest of every field, art included: equal tags, equal digest, always."""
        canonical = json.dumps(_canonical(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def build_tagset(
    show: Show, episode: Episode, info: AudioInfo, cover_jpeg: bytes | None, episode_url: str
) -> TagSet:
    """Tag values for one episode; `cover_jpeg` is the already scaled episode or show art."""
    if show.build.id3_version not in ID3_VERSIONS:
        raise PodcastError([problem(show.root / "podcast.toml", None, "build.id3_version",
                                    f"is {show.build.id3_version!r} (expected 3 or 4)")])
    html = episode.notes_format == "html"
    return TagSet(
        title=episode.title,
        artist=show.author,
        album=show.title,
        track=episode.number,
        disc=episode.season.number if episode.season else None,
        date=episode.date,
        description=episode.summary or plain_summary(episode.notes, as_html=html),  # exactly the feed's
        long_description=plain_text(render_notes(episode.notes, allow_html=show.build.allow_html, as_html=html)),
        lyrics=episode.transcript.text if episode.transcript else None,
        language=iso_639_2(show.language),
        cover_jpeg=cover_jpeg,
        category=show.categories[0].name if show.categories else None,
        guid=episode.guid,
        feed_url=show.feed_url,
        keywords=",".join(episode.keywords),
        copyright=show.copyright,
        episode_url=episode_url,
        chapters=_chapters(episode, info.duration, show.build.artwork_size),
        id3_version=show.build.id3_version,
    )


def _chapters(episode: Episode, duration: float, art_size: int) -> tuple[TagChapter, ...]:
    if not episode.chapters:
        return ()
    ends = chapter_ends(episode.chapters, duration)
    return tuple(
        TagChapter(
            start_ms=_ms(chapter.start),
            end_ms=_ms(end),
            title=chapter.title,
            url=chapter.url,
            image_jpeg=_chapter_art(episode, chapter, art_size),
        )
        for chapter, end in zip(episode.chapters, ends, strict=True)
    )


def _chapter_art(episode: Episode, chapter: Chapter, size: int) -> bytes | None:
    """Art from the episode folder is embedded; a web URL stays a link for the feed's chapters JSON."""
    if chapter.image is None or chapter.image.startswith(("https://", "http://")):
        return None
    return scaled_jpeg(episode.folder / chapter.image, size)


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


@lru_cache(maxsize=8)
def _sha256(data: bytes) -> str:
    """The show's cover is in every episode's tags: hashed once per process, not per episode."""
    return hashlib.sha256(data).hexdigest()


def _canonical(value: Any) -> Any:
    """JSON-ready form; bytes become their hash so the digest covers them without embedding them."""
    if is_dataclass(value):
        return {f.name: _canonical(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, bytes):
        return {"sha256": _sha256(value)}
    if isinstance(value, tuple):
        return [_canonical(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def episode_tagset(show: Show, episode: Episode, info: AudioInfo, cache: Path | None = None) -> TagSet:
    """The tags publish writes and `podcast tag` shows. The show's page stands in for an episode
    page, which the show has not got; `cache` keeps the show's scaled cover between runs."""
    return build_tagset(show, episode, info, embedded_art(show, episode.image or show.image, cache), show.link)
