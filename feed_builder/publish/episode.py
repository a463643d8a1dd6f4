"""One episode's work, run in a worker process: `process` reads and checks it (`inspect`), then
stages its files (tagged audio, transcripts, chapters, images, its kept item) and renders its feed
item (`build`).

Files are only staged (temps beside their destinations): the parent renames them once every
episode is known to be good, so a bad input anywhere leaves `public/` as it was, and an episode's
models never have to be held, for all episodes at once, between a checking and a writing pass.
Results are plain frozen values (problems instead of exceptions), so they cross process boundaries
unchanged and a parallel run gives exactly the serial run's result.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import NamedTuple
from datetime import timezone
from pathlib import Path

from feed_builder.publish.inputs import Stamp, stamp, stat_stamp
from feed_builder.publish.items import item_relpath
from feed_builder.publish.manifest import BUILD_DIR, EpisodeRecord
from feed_builder.core.digest import digest, file_sha256
from feed_builder.core.errors import PodcastError, Problem, problem
from feed_builder.core.files import Staging, writing
from feed_builder.core.model import AudioInfo, Chapter, Episode, PublishedEpisode, PublishedFile, Show
from feed_builder.formats.chapters import JSON_MIME, check_chapters, find_chapters, notes_timestamps, to_json, with_image_urls
from feed_builder.formats.notes import render_notes
from feed_builder.formats.transcripts import check_transcript
from feed_builder.formats.transcripts import render as render_transcript
from feed_builder.media.artwork import artwork_problems
from feed_builder.media.encode.stage import CACHE_DIR, Prepared, prepare_if_needed
from feed_builder.media.probe import probe
from feed_builder.media.tagging.tagset import TagSet, episode_tagset
from feed_builder.media.tagging.write import write_tagged
from feed_builder.rss.item import render_item
from feed_builder.show.catalogue import Identity
from feed_builder.show.episode import load_episode
from feed_builder.site.assets import SiteNames
from feed_builder.site.pages import card_relpath, page_relpath, render_episode


@dataclass(frozen=True)
class Inspected:
    folder: Path
    episode: Episode | None
    info: AudioInfo | None  # of the published file: the enclosure's rendition when the master is encoded
    problems: tuple[Problem, ...] = ()
    prepared: Prepared | None = None


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
    written: tuple[tuple[str, int], ...]  # (relpath, size) of each file this run wrote
    staged: tuple[tuple[str, str], ...]  # (temp, destination): the parent renames them


@dataclass(frozen=True)
class Rendered:
    """A built episode and its rendered item: the item is for the validator, while the feed copies
    it from the item cache; the caller keeps only `built`, so items are not held for the whole run."""

    built: Built
    item: bytes


def process(show: Show, out: Path, site: SiteNames | None,
            work: tuple[Path, list[str], dict[str, Stamp]]) -> Rendered | Failed:
    """`site` is what the episode's page links to, when the show has a site; `work` the folder,
    the masters named after it, and the outputs it had last time."""
    folder, masters, trusted = work
    i = inspect(show, folder, masters, out)
    identity = Identity(folder.name, i.episode.guid, i.episode.number) if i.episode else None
    if i.problems or i.episode is None or i.info is None:
        return Failed(folder, i.problems, identity)
    try:
        return build(show, i.episode, i.info, out, trusted, site, i.prepared)
    except PodcastError as e:  # the container refused its tags
        return Failed(folder, e.problems, identity)


def inspect(show: Show, folder: Path, masters: list[str], out: Path) -> Inspected:
    try:
        episode = load_episode(show, folder, masters)
    except PodcastError as e:
        return Inspected(folder, None, None, e.problems)
    problems = artwork_problems(episode.image, "image") if episode.image else []
    try:
        prepared = prepare_if_needed(show.encode, out, episode.audio)
        info = probe(prepared.path(prepared.renditions[0]) if prepared else episode.audio)
    except PodcastError as e:
        return Inspected(folder, episode, None, tuple(problems) + e.problems)
    if episode.transcript:
        problems += check_transcript(episode.transcript, info.duration)
    if episode.chapters:
        problems += check_chapters(episode.chapters, info.duration, find_chapters(folder) or folder)
    return Inspected(folder, episode, info, tuple(problems), prepared)


class TaggedAudio(NamedTuple):
    file: PublishedFile
    readable: Path  # where its bytes are now: the staged temp, or the file already in place
    master: Stamp  # the master's stamp when it was read


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

    def tagged_audio(self, episode: Episode, info: AudioInfo, trusted: dict[str, Stamp],
                     source: Path | None = None) -> TaggedAudio:
        """The master tagged, named by the digest of the tagged file itself: the same bytes keep
        their URL whatever made them (a new version of this code included), and other bytes never
        take it over. A master replaced while it is read is read again, once. `source` is an encoded
        rendition to tag instead of the master."""
        source = source or episode.audio
        tags = episode_tagset(self.show, episode, info, self.out / BUILD_DIR)
        for _ in range(2):
            before = stamp(source)
            temp = self._tagged_temp(episode, source, info, tags)
            if stamp(source) == before:
                break
            os.unlink(temp)
        else:
            raise PodcastError([problem(episode.audio, None, "audio", "changed while it was being read, twice "
                                        "(expected it to stay unchanged during a publish: run publish again)")])
        sha256 = file_sha256(temp)
        relpath = f"audio/{episode.slug}-{digest(sha256)}.{info.container.extension}"
        dest = self.out / relpath
        if (relpath in trusted and trusted[relpath] == stamp(dest)) or _holds(dest, sha256):  # kept, mtime and all
            os.unlink(temp)
            return TaggedAudio(self.file(relpath, info.mime, None), dest, before or "")
        self.staging.stage(temp, dest)
        return TaggedAudio(self.file(relpath, info.mime, Path(temp)), Path(temp), before or "")

    def _tagged_temp(self, episode: Episode, source: Path, info: AudioInfo, tags: TagSet) -> str:
        with writing(self.out / f"audio/{episode.slug}.{info.container.extension}") as temp:
            write_tagged(source, temp, tags, info.container)
        return temp.name

    def encoded(self, episode: Episode, prepared: Prepared, trusted: dict[str, Stamp]) -> tuple[TaggedAudio, ...]:
        """Each rendition tagged, the enclosure's first; the cache entries they came from are
        recorded among the outputs, so that the stale sweep keeps exactly the entries in use."""
        tagged = []
        for encoded in prepared.renditions:
            path = prepared.path(encoded)
            self.outputs[f"{CACHE_DIR}/{encoded.file}"] = stat_stamp(os.stat(path))
            done = self.tagged_audio(episode, probe(path), trusted, path)
            tagged.append(done._replace(master=prepared.master_stamp))
        record = prepared.path(prepared.renditions[0]).with_suffix(".json")
        self.outputs[f"{CACHE_DIR}/{record.name}"] = stat_stamp(os.stat(record))
        return tuple(tagged)

    def kept_item(self, episode: Episode, item: bytes) -> None:
        """Into the item cache, with its stamp among the outputs: not a published file."""
        self.kept(item_relpath(episode.slug), item)

    def kept(self, relpath: str, data: bytes) -> None:
        temp = self.staging.write(self.out / relpath, data)
        self.outputs[relpath] = stat_stamp(os.stat(temp or self.out / relpath))


def _holds(path: Path, sha256: bytes) -> bool:
    """Whether `path` holds the bytes of that digest: without a manifest to trust, a file already
    published under the right name is checked rather than replaced."""
    try:
        return file_sha256(path) == sha256
    except FileNotFoundError:
        return False


def build(show: Show, episode: Episode, info: AudioInfo, out: Path, trusted: dict[str, Stamp],
          site: SiteNames | None = None, prepared: Prepared | None = None) -> Rendered:
    """`trusted` are the stamps of outputs recorded by the last build: an existing audio file is
    kept only if it still has one (its name says what it should hold, its stamp that it does)."""
    o = _Output(show, out)
    try:
        return _build(show, episode, info, out, trusted, o, site, prepared)
    except BaseException:
        o.staging.discard()
        raise


def _build(show: Show, episode: Episode, info: AudioInfo, out: Path, trusted: dict[str, Stamp],
           o: _Output, site: SiteNames | None, prepared: Prepared | None) -> Rendered:
    tagged, *alternates = o.encoded(episode, prepared, trusted) if prepared else (o.tagged_audio(episode, info, trusted),)
    transcripts: tuple[tuple[PublishedFile, bool], ...] = ()
    if episode.transcript:
        rendered = render_transcript(episode.transcript, language=show.language, title=episode.title,
                                     duration=info.duration)
        transcripts = tuple((o.data(f"transcripts/{episode.slug}.{r.extension}", r.mime, r.data), r.captions)
                            for r in rendered.values())
    chapters: tuple[Chapter, ...] = ()
    chapters_file = None
    if episode.chapters:
        chapters = with_image_urls(episode.chapters, lambda image: o.copy_named_by_content(
            episode.folder / image, f"{episode.slug}-chapter").url)
        chapters_file = o.data(f"chapters/{episode.slug}.json", JSON_MIME, to_json(chapters, info.duration))
    notes = render_notes(episode.notes, allow_html=show.build.allow_html, as_html=episode.notes_format == "html")
    if show.build.chapters_in_notes and chapters:
        notes += "\n" + notes_timestamps(chapters)
    published = PublishedEpisode(
        episode=episode,
        audio=tagged.file,
        audio_info=probe(tagged.readable),  # the enclosure describes the published file
        notes_html=notes,
        transcripts=transcripts,
        chapters_file=chapters_file,
        chapters=chapters,
        image=o.copy_named_by_content(episode.image, episode.slug) if episode.image else None,
        alternates=tuple((a.file, probe(a.readable)) for a in alternates),
    )
    item = render_item(show, published)
    o.kept_item(episode, item)
    if site is not None:
        page, card = render_episode(show, published, site)
        o.data(page_relpath(episode.slug), "text/html", page)
        o.kept(card_relpath(episode.slug), card)
    master = episode.audio.relative_to(show.root) if episode.audio.is_relative_to(show.root) else episode.audio
    record = EpisodeRecord(
        guid=episode.guid,
        number=episode.number,
        date=episode.date.astimezone(timezone.utc).isoformat(),  # one zone, so ISO strings sort as dates
        inputs={master.as_posix(): tagged.master},  # as read: a later change rebuilds
        outputs=o.outputs,
    )
    return Rendered(Built(episode.folder, record, tuple(o.written), tuple(o.staging.staged)), item)
