"""Typed, immutable values passed between the pipeline's stages.

Stages return new values instead of mutating shared ones (beets' lesson), and facts known only
after probing or publishing live in their own objects (`AudioInfo`, `PublishedEpisode`) rather than
as `None` fields filled in later.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from feed_builder.site.settings import SiteSettings
from feed_builder.deploy.settings import DeploySettings
from feed_builder.media.encode.settings import EncodeSettings


class ShowType(StrEnum):
    EPISODIC = "episodic"
    SERIAL = "serial"


class EpisodeType(StrEnum):
    FULL = "full"
    TRAILER = "trailer"
    BONUS = "bonus"


class NotesFormat(StrEnum):
    """What the text under the front matter is: Markdown, or HTML kept as another host published it."""

    MARKDOWN = "markdown"
    HTML = "html"


class Container(StrEnum):
    """Audio container families; each maps to exactly one enclosure MIME type."""

    MP3 = "mp3"
    M4A = "m4a"
    OPUS = "opus"
    VORBIS = "vorbis"
    FLAC = "flac"

    @property
    def mime(self) -> str:
        return _MIME[self]

    @property
    def extension(self) -> str:
        return _EXTENSION[self]


# mutagen says `audio/vorbis` for Ogg Vorbis; apps want the container type, so the map is explicit.
_MIME = {
    Container.MP3: "audio/mpeg",
    Container.M4A: "audio/x-m4a",
    Container.OPUS: "audio/ogg",
    Container.VORBIS: "audio/ogg",
    Container.FLAC: "audio/flac",
}
_EXTENSION = {
    Container.MP3: "mp3",
    Container.M4A: "m4a",
    Container.OPUS: "opus",
    Container.VORBIS: "ogg",
    Container.FLAC: "flac",
}


@dataclass(frozen=True)
class Person:
    name: str
    role: str = "host"
    group: str = "cast"
    href: str | None = None
    img: str | None = None


@dataclass(frozen=True)
class Category:
    name: str
    subcategory: str | None = None


@dataclass(frozen=True)
class Funding:
    url: str
    text: str


@dataclass(frozen=True)
class Owner:
    name: str
    email: str


@dataclass(frozen=True)
class BuildSettings:
    """Settings that change published files but not the feed's meaning."""

    allow_html: bool = False
    id3_version: int = 3
    artwork_size: int = 1400
    chapters_in_notes: bool = False


@dataclass(frozen=True)
class Show:
    root: Path
    title: str
    description: str
    language: str
    base_url: str
    link: str
    author: str
    owner: Owner
    categories: tuple[Category, ...]
    explicit: bool
    type: ShowType
    image: Path
    copyright: str
    medium: str = "podcast"
    locked: bool = True
    feed_limit: int | None = None  # newest N items in feed.xml, the rest in archive pages
    funding: tuple[Funding, ...] = ()
    people: tuple[Person, ...] = ()
    build: BuildSettings = field(default_factory=BuildSettings)
    site: SiteSettings = field(default_factory=SiteSettings)
    guid: str | None = None  # podcast:guid given by a previous host; None: derived from the feed URL
    moved_from: str | None = None  # the feed's previous URL: the feed then says it has moved here
    deploy: DeploySettings = field(default_factory=DeploySettings)  # [deploy] and [notify]
    encode: EncodeSettings = field(default_factory=EncodeSettings)

    @property
    def feed_url(self) -> str:
        return f"{self.base_url}/feed.xml"

    def url(self, relpath: str) -> str:
        """Absolute URL of a file published at `relpath` under `public/`."""
        return f"{self.base_url}/{relpath}"


@dataclass(frozen=True)
class Season:
    number: int
    name: str | None = None


@dataclass(frozen=True)
class Segment:
    """One stretch of transcript; times in seconds, absent for plain text."""

    text: str
    start: float | None = None
    end: float | None = None
    speaker: str | None = None
    line: int | None = field(default=None, compare=False)  # where it was read, for later checks


@dataclass(frozen=True)
class Transcript:
    source: Path
    segments: tuple[Segment, ...]

    @property
    def timed(self) -> bool:
        return bool(self.segments) and all(s.start is not None for s in self.segments)

    @property
    def text(self) -> str:
        return "\n\n".join(s.text for s in self.segments)


@dataclass(frozen=True)
class Chapter:
    """A chapter start in seconds; `image` is a file in the episode folder or an https URL."""

    start: float
    title: str
    url: str | None = None
    image: str | None = None
    line: int | None = field(default=None, compare=False)  # where it was read, for later checks


@dataclass(frozen=True)
class Episode:
    folder: Path
    title: str
    number: int | None
    season: Season | None
    date: datetime
    guid: str
    audio: Path
    explicit: bool
    type: EpisodeType
    summary: str | None
    keywords: tuple[str, ...]
    image: Path | None
    people: tuple[Person, ...]
    notes: str
    notes_line: int
    transcript: Transcript | None = None
    chapters: tuple[Chapter, ...] = ()
    notes_format: NotesFormat = NotesFormat.MARKDOWN
    guid_permalink: bool = False  # the GUID is the episode's web page, as a previous host said

    @property
    def slug(self) -> str:
        return self.folder.name


@dataclass(frozen=True)
class AudioInfo:
    """Facts read from an audio file's content."""

    container: Container
    duration: float
    bitrate: int
    channels: int
    sample_rate: int

    @property
    def mime(self) -> str:
        return self.container.mime


@dataclass(frozen=True)
class PublishedFile:
    """A file under `public/`: where it is, its URL, and its exact size."""

    relpath: str
    url: str
    size: int
    mime: str


@dataclass(frozen=True)
class PublishedEpisode:
    """Everything the feed needs about an episode once its files are published."""

    episode: Episode
    audio: PublishedFile
    audio_info: AudioInfo
    notes_html: str
    transcripts: tuple[tuple[PublishedFile, bool], ...] = ()  # (file, is captions)
    chapters_file: PublishedFile | None = None
    chapters: tuple[Chapter, ...] = ()  # as published: images are URLs
    image: PublishedFile | None = None
    alternates: tuple[tuple[PublishedFile, AudioInfo], ...] = ()  # other renditions, e.g. Opus
