"""The pipeline as plain calls: load, probe, render, write, feed. Returns a report, prints nothing.

Everything that can be wrong with the inputs is found before the first byte is written, so a bad
input leaves `public/` exactly as it was.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .errors import PodcastError, Problem
from .feed import render_feed, render_item
from .files import copy_if_missing, write_if_changed
from .images import artwork_problems
from .loader import load_catalogue
from .model import AudioInfo, Episode, PublishedEpisode, PublishedFile, Show
from .notes import render_notes
from .probe import probe
from .transcripts import render as render_transcript

FEED_FILE = "feed.xml"


@dataclass
class Writes:
    """What a run wrote or kept, for the report and for removing what is no longer published."""

    written: list[str] = field(default_factory=list)
    kept: set[str] = field(default_factory=set)
    bytes: int = 0

    def record(self, relpath: str, size: int, wrote: bool) -> None:
        self.kept.add(relpath)
        if wrote:
            self.written.append(relpath)
            self.bytes += size


@dataclass(frozen=True)
class PublishReport:
    episodes: int
    written: tuple[str, ...]
    removed: tuple[str, ...]
    bytes_written: int


def publish(root: Path, out: Path) -> PublishReport:
    catalogue = load_catalogue(root)
    show, episodes = catalogue.show, catalogue.episodes
    infos = _probe_all(show, episodes)
    writes = Writes()
    cover = _publish_file(show, out, show.image, "images", "cover", writes)
    published = [_publish_episode(show, e, infos[e.guid], out, writes) for e in episodes]
    published.sort(key=lambda p: (p.episode.date, p.episode.number or 0, p.episode.guid), reverse=True)
    if not published:
        raise PodcastError([Problem("episodes", None, "episodes", "none found (expected at least one episode folder)")])
    feed = render_feed(show, (render_item(show, p) for p in published),
                       last_build=published[0].episode.date, image_url=cover.url)
    writes.record(FEED_FILE, len(feed), write_if_changed(out / FEED_FILE, feed))
    removed = _remove_stale(out, writes.kept)
    return PublishReport(len(published), tuple(writes.written), removed, writes.bytes)


def _probe_all(show: Show, episodes: tuple[Episode, ...]) -> dict[str, AudioInfo]:
    """Probe every master and check the artwork before anything is written."""
    problems: list[Problem] = artwork_problems(show.image, "image")
    infos = {}
    for episode in episodes:
        if episode.image is not None:
            problems += artwork_problems(episode.image, "image")
        try:
            infos[episode.guid] = probe(episode.audio)
        except PodcastError as e:
            problems += e.problems
    if problems:
        raise PodcastError(problems)
    return infos


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()[:12]


def _publish_file(show: Show, out: Path, source: Path, folder: str, stem: str, writes: Writes,
                  mime: str = "") -> PublishedFile:
    """A copy named by its content: a URL never serves other bytes than it first did."""
    data = source.read_bytes()
    relpath = f"{folder}/{stem}-{_digest(data)}{source.suffix.lower()}"
    writes.record(relpath, len(data), write_if_changed(out / relpath, data))
    return PublishedFile(relpath, show.url(relpath), len(data), mime)


def _publish_episode(show: Show, e: Episode, info: AudioInfo, out: Path, writes: Writes) -> PublishedEpisode:
    master_hash = _file_digest(e.audio)
    relpath = f"audio/{e.slug}-{_digest(master_hash.encode(), __version__.encode())}.{info.container.extension}"
    wrote = copy_if_missing(e.audio, out / relpath)
    size = (out / relpath).stat().st_size
    writes.record(relpath, size, wrote)
    audio = PublishedFile(relpath, show.url(relpath), size, info.mime)
    transcripts = []
    if e.transcript is not None:
        for r in render_transcript(e.transcript, language=show.language, title=e.title).values():
            rel = f"transcripts/{e.slug}.{r.extension}"
            writes.record(rel, len(r.data), write_if_changed(out / rel, r.data))
            transcripts.append((PublishedFile(rel, show.url(rel), len(r.data), r.mime), r.captions))
    image = _publish_file(show, out, e.image, "images", e.slug, writes) if e.image else None
    return PublishedEpisode(
        episode=e,
        audio=audio,
        audio_info=probe(out / relpath),
        notes_html=render_notes(e.notes, allow_html=show.build.allow_html),
        transcripts=tuple(transcripts),
        image=image,
    )


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _remove_stale(out: Path, kept: set[str]) -> tuple[str, ...]:
    """Files of episodes deleted, renamed or re-tagged since the last run; apps fetch the feed's URLs only."""
    removed = []
    for folder in ("audio", "transcripts", "chapters", "images"):
        for path in sorted((out / folder).glob("*")) if (out / folder).is_dir() else []:
            relpath = f"{folder}/{path.name}"
            if path.is_file() and relpath not in kept and not path.name.startswith("."):
                path.unlink()
                removed.append(relpath)
    return tuple(removed)
