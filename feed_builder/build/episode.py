"""One episode's work, run in a worker process: `process` reads and checks it (`inspect`), then
stages its files (tagged audio, transcripts, chapters, images) and renders its feed item (`build`).

Files are only staged (temps beside their destinations): the parent renames them once every
episode is known to be good, so a bad input anywhere leaves `public/` as it was, and an episode's
models never have to be held, for all episodes at once, between a checking and a writing pass.
Results are plain frozen values (problems instead of exceptions), so they cross process boundaries
unchanged and a parallel run gives exactly the serial run's result.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import timezone
from functools import lru_cache
from pathlib import Path

from feed_builder import __version__
from feed_builder.formats.chapters import JSON_MIME, check_chapters, find_chapters, notes_timestamps, to_json, with_image_urls
from feed_builder.show.episode import load_episode
from feed_builder.core.errors import PodcastError, Problem
from feed_builder.rss.feed import render_item
from feed_builder.core.files import FileRange, Staging, write_if_changed
from feed_builder.media.artwork import artwork_problems
from feed_builder.build.inputs import Stamp, stamp, stat_stamp
from feed_builder.show.catalogue import Identity
from feed_builder.build.manifest import BUILD_DIR, EpisodeRecord
from feed_builder.core.model import AudioInfo, Chapter, Episode, PublishedEpisode, PublishedFile, Show
from feed_builder.formats.notes import render_notes
from feed_builder.media.probe import probe
from feed_builder.media.embedded_art import scaled_jpeg
from feed_builder.media.tagging.tagset import TagSet, build_tagset
from feed_builder.media.tagging.write import write_tagged
from feed_builder.formats.transcripts import check_transcript
from feed_builder.formats.transcripts import render as render_transcript


@dataclass(frozen=True)
class Inspected:
    folder: Path
    episode: Episode | None
    info: AudioInfo | None
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Failed:
    """An episode with problems; its identity, when it has one, still takes part in the
    cross-episode checks, so that every problem is reported in one run."""

    folder: Path
    problems: tuple[Problem, ...]
    identity: Identity | None


@dataclass(frozen=True)
class Built:
    """Only what the manifest and the feed need: an episode's models stay in its worker."""

    folder: Path
    record: EpisodeRecord  # inputs holds the master only: the caller knows the folder's stamps
    item: bytes | FileRange  # the parent moves the bytes to a spool file as they arrive
    written: tuple[tuple[str, int], ...]  # (relpath, size) of each file this run wrote
    staged: tuple[tuple[str, str], ...]  # (temp, destination): the parent renames them


def process(show: Show, out: Path, work: tuple[Path, list[str], dict[str, Stamp]]) -> Built | Failed:
    """`work` is the folder, the masters named after it, and the outputs it had last time."""
    folder, masters, trusted = work
    i = inspect(show, folder, masters)
    identity = Identity(folder.name, i.episode.guid, i.episode.number) if i.episode else None
    if i.problems or i.episode is None or i.info is None:
        return Failed(folder, i.problems, identity)
    try:
        return build(show, i.episode, i.info, out, trusted)
    except PodcastError as e:  # the container refused its tags
        return Failed(folder, e.problems, identity)


def inspect(show: Show, folder: Path, masters: list[str]) -> Inspected:
    try:
        episode = load_episode(show, folder, masters)
    except PodcastError as e:
        return Inspected(folder, None, None, e.problems)
    problems = artwork_problems(episode.image, "image") if episode.image else []
    try:
        info = probe(episode.audio)
    except PodcastError as e:
        return Inspected(folder, episode, None, tuple(problems) + e.problems)
    if episode.transcript:
        problems += check_transcript(episode.transcript, info.duration)
    if episode.chapters:
        problems += check_chapters(episode.chapters, info.duration, find_chapters(folder) or folder)
    return Inspected(folder, episode, info, tuple(problems))


def digest(*parts: bytes) -> str:
    """A short name-safe digest: 12 hex digits, 48 bits, ample for one show's files."""
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()[:12]


def file_sha256(path: Path) -> bytes:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.digest()


@lru_cache(maxsize=4)
def _embedded_art(path: Path, version: Stamp | None, size: int) -> bytes:
    """Scaled once per worker process: every episode without its own art shares the show's.
    `version` (the file's stamp) is part of the key, so a replaced image is never served stale."""
    return scaled_jpeg(path, size)


_COVER_PREFIX = "cover-"


@lru_cache(maxsize=1)
def _kept_art(path: Path, version: Stamp | None, size: int, cache: Path) -> bytes:
    """The show's cover as embedded, kept in `cache` between runs: scaling a 3000 px cover takes
    longer than tagging an episode, and one edited episode would otherwise pay for it each time.
    One file, named by what it was made from; a cover of another stamp or size replaces it."""
    made_from = (os.fspath(path), str(version), str(size), __version__)
    name = f"{_COVER_PREFIX}{digest(*(part.encode() for part in made_from))}.jpg"
    try:
        return (cache / name).read_bytes()
    except OSError:
        pass
    data = _embedded_art(path, version, size)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        for old in cache.glob(f"{_COVER_PREFIX}*.jpg"):
            old.unlink(missing_ok=True)
        write_if_changed(cache / name, data)
    except OSError:
        pass  # only a cache: the outputs' own writes report an unwritable public/, with its path
    return data


class _Output:
    """Stages one episode's files and records what it produced and wrote.

    Stamps of staged files are taken from their temps: the rename that puts them in place keeps
    size and mtime, so the manifest can trust them afterwards.
    """

    def __init__(self, show: Show, out: Path):
        self.show, self.out = show, out
        self.staging = Staging()
        self.outputs: dict[str, Stamp] = {}
        self.written: list[tuple[str, int]] = []

    def file(self, relpath: str, mime: str, temp: Path | None) -> PublishedFile:
        st = os.stat(temp or self.out / relpath)
        self.outputs[relpath] = stat_stamp(st)
        if temp is not None:
            self.written.append((relpath, st.st_size))
        return PublishedFile(relpath, self.show.url(relpath), st.st_size, mime)

    def data(self, relpath: str, mime: str, data: bytes) -> PublishedFile:
        return self.file(relpath, mime, self.staging.write(self.out / relpath, data))

    def copy_named_by_content(self, source: Path, stem: str, mime: str = "") -> PublishedFile:
        """A URL never serves other bytes than it first did: changed content gets a new name."""
        data = source.read_bytes()
        return self.data(f"images/{stem}-{digest(data)}{source.suffix.lower()}", mime, data)


def _art(show: Show, image: Path, cache: Path | None) -> bytes:
    if cache is not None and image == show.image:
        return _kept_art(image, stamp(image), show.build.artwork_size, cache)
    return _embedded_art(image, stamp(image), show.build.artwork_size)


def prepare(show: Show, cache: Path) -> None:
    """Scales the show's art for embedding before the workers fork, so that each inherits it:
    decoding a 3000 px cover peaks at 34 MB, and every worker did it at the same moment. A broken
    image is left to the episodes, which report it with their other problems."""
    try:
        _art(show, show.image, cache)
    except PodcastError:
        pass


def tagset(show: Show, episode: Episode, info: AudioInfo, cache: Path | None = None) -> TagSet:
    """The episode's tags; the show's page stands in for an episode page, which the show has not got.
    `cache`: where the show's scaled cover is kept between runs (publish's build directory)."""
    return build_tagset(show, episode, info, _art(show, episode.image or show.image, cache), show.link)


def build(show: Show, episode: Episode, info: AudioInfo, out: Path, trusted: dict[str, Stamp]) -> Built:
    """`trusted` are the stamps of outputs recorded by the last build: an existing audio file is
    reused only if it still has one (its name says what it should hold, its stamp that it does)."""
    o = _Output(show, out)
    try:
        return _build(show, episode, info, out, trusted, o)
    except BaseException:
        o.staging.discard()
        raise


def _build(show: Show, episode: Episode, info: AudioInfo, out: Path, trusted: dict[str, Stamp],
           o: _Output) -> Built:
    tags = tagset(show, episode, info, out / BUILD_DIR)
    name = digest(tags.fingerprint().encode(), file_sha256(episode.audio), __version__.encode())
    relpath = f"audio/{episode.slug}-{name}.{info.container.extension}"
    written = None
    if relpath not in trusted or stamp(out / relpath) != trusted[relpath]:
        with o.staging.temp(out / relpath) as temp:
            write_tagged(episode.audio, temp, tags, info.container)
        written = Path(temp.name)
    audio = o.file(relpath, info.mime, written)
    transcripts: tuple[tuple[PublishedFile, bool], ...] = ()
    if episode.transcript:
        rendered = render_transcript(episode.transcript, language=show.language, title=episode.title)
        transcripts = tuple((o.data(f"transcripts/{episode.slug}.{r.extension}", r.mime, r.data), r.captions)
                            for r in rendered.values())
    chapters: tuple[Chapter, ...] = ()
    chapters_file = None
    if episode.chapters:
        chapters = with_image_urls(episode.chapters, lambda image: o.copy_named_by_content(
            episode.folder / image, f"{episode.slug}-chapter").url)
        chapters_file = o.data(f"chapters/{episode.slug}.json", JSON_MIME, to_json(chapters, info.duration))
    notes = render_notes(episode.notes, allow_html=show.build.allow_html)
    if show.build.chapters_in_notes and chapters:
        notes += "\n" + notes_timestamps(chapters)
    published = PublishedEpisode(
        episode=episode,
        audio=audio,
        audio_info=probe(written or out / relpath),  # the enclosure describes the published file
        notes_html=notes,
        transcripts=transcripts,
        chapters_file=chapters_file,
        chapters=chapters,
        image=o.copy_named_by_content(episode.image, episode.slug) if episode.image else None,
    )
    master = episode.audio.relative_to(show.root) if episode.audio.is_relative_to(show.root) else episode.audio
    record = EpisodeRecord(
        guid=episode.guid,
        number=episode.number,
        date=episode.date.astimezone(timezone.utc).isoformat(),  # one zone, so ISO strings sort as dates
        inputs={master.as_posix(): stamp(episode.audio) or ""},
        outputs=o.outputs,
        item=(0, 0, 0),
    )
    return Built(episode.folder, record, render_item(show, published), tuple(o.written),
                 tuple(o.staging.staged))
