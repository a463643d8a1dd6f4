"""`podcast import`: the feed's show and items written into the repository, GUIDs kept.

Idempotent and resumable: an item whose GUID an episode already has is skipped; audio is
downloaded before its folder exists and a complete file is never fetched again; each folder is
assembled in a hidden temp folder and renamed into place whole, so `publish` never sees half of one.
Every destination is checked to stay inside the repository before anything is written.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from feed_builder.core.errors import PodcastError, problem
from feed_builder.core.files import write_if_changed
from feed_builder.core.repository import OUTSIDE, outside
from feed_builder.importer import episode as media
from feed_builder.importer.feed import FeedItem, FeedShow
from feed_builder.importer.fetch import DownloadError, download, fetch_small
from feed_builder.importer.source import is_url, load_source
from feed_builder.importer.write import episode_md, folder_name, newest, show_toml
from feed_builder.media.probe import probe
from feed_builder.rss.feed import podcast_guid
from feed_builder.show.episode import EPISODE_FILE, read_front_matter
from feed_builder.show.layout import AUDIO_DIR, EPISODES_DIR, episode_names
from feed_builder.show.settings import SHOW_FILE, is_uuid5

ARTWORK_DIR = "artwork"
TEMP_SUFFIX = ".import"
# The enclosure's extension when its URL has none of these; publish reads the type from the bytes.
_AUDIO_EXTENSIONS = (".mp3", ".m4a", ".mp4", ".aac", ".opus", ".ogg", ".oga", ".flac", ".wav")
_BY_TYPE = {"audio/mpeg": ".mp3", "audio/mp3": ".mp3", "audio/x-m4a": ".m4a", "audio/mp4": ".m4a", "audio/aac": ".m4a",
            "audio/ogg": ".ogg", "audio/opus": ".opus", "audio/flac": ".flac", "audio/x-flac": ".flac"}


@dataclass(frozen=True)
class ImportReport:
    feed_title: str
    show_file: str  # "written" or "kept"
    imported: tuple[str, ...]  # folder names
    skipped: int  # GUIDs the repository already has
    transcripts: int
    chapters: int
    images: int
    audio_bytes: int
    resumed: int
    dropped: tuple[str, ...]  # what could not be carried over
    failed: tuple[str, ...]  # downloads to resume with another import


@dataclass
class _Tally:
    """The report while the run adds to it; handed on frozen."""

    feed_title: str
    show_file: str
    imported: list[str] = field(default_factory=list)
    skipped: int = 0
    transcripts: int = 0
    chapters: int = 0
    images: int = 0
    audio_bytes: int = 0
    resumed: int = 0
    dropped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def import_feed(root: Path, source: str, *, audio: bool = True, dry_run: bool = False) -> ImportReport:
    show = load_source(source)
    _refuse_outside(root)
    report = _Tally(show.title, "kept" if (root / SHOW_FILE).exists() else "written")
    if not dry_run:
        if report.show_file == "written":
            _write_show(root, show, source, report)
        _sweep(root / EPISODES_DIR)
    present, taken, numbers = _present(root)
    seen: set[str] = set()
    fallback = newest(show.items)
    for position, item in _oldest_first(show.items):
        if item.enclosure is None:  # a post, not an episode: apps list none, and publish needs audio
            report.dropped.append(f"item {item.title or item.guid!r} (line {item.line}): no enclosure, so not an episode")
            continue
        if item.guid in seen:  # apps show one of the two: the first, oldest, is the one imported
            report.dropped.append(f"item {item.title!r} (line {item.line}): guid {item.guid!r} repeats an earlier item's")
            continue
        seen.add(item.guid)
        if item.guid in present:
            report.skipped += 1
            continue
        if item.number is not None and item.number in numbers:  # a show here numbers its episodes once
            report.dropped.append(f"item {item.title!r} (line {item.line}): episode number {item.number} "
                                  "repeats an earlier episode's (numbers are unique in a show); left without one")
            item = replace(item, number=None)
        numbers.add(item.number)
        name = _unique(folder_name(item.number or position, item.title or item.guid), taken)
        report.imported.append(name)
        if not dry_run:
            _write_episode(root, name, item, audio, fallback, report)
    return ImportReport(report.feed_title, report.show_file, tuple(report.imported), report.skipped, report.transcripts,
                        report.chapters, report.images, report.audio_bytes, report.resumed, tuple(report.dropped),
                        tuple(report.failed))


def _refuse_outside(root: Path) -> None:
    """A repository whose episodes/, audio/ or artwork/ is a symlink out of it gets nothing."""
    for name in (SHOW_FILE, EPISODES_DIR, AUDIO_DIR, ARTWORK_DIR):
        path = root / name
        if (path.exists() or path.is_symlink()) and outside(root, path):
            raise PodcastError([problem(path, None, "file", OUTSIDE)])


def _sweep(episodes: Path) -> None:
    """Temp folders of a killed import: the next one starts each folder afresh."""
    if episodes.is_dir():
        for entry in episodes.iterdir():
            if entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX) and not entry.is_symlink():
                shutil.rmtree(entry)


def _present(root: Path) -> tuple[set[str], set[str], set[int | None]]:
    """GUIDs and numbers of the episodes already here (read leniently: one broken file must not
    make its episode imported twice), and the folder names taken."""
    guids, names, numbers = set(), set(episode_names(root)), set()
    for name in names:
        try:
            data = read_front_matter(root / EPISODES_DIR / name / EPISODE_FILE)[0]
        except PodcastError:
            continue
        if data.get("guid") is not None:
            guids.add(str(data["guid"]))
        numbers.add(data.get("number"))
    return guids, names, numbers


def _oldest_first(items: tuple[FeedItem, ...]) -> list[tuple[int, FeedItem]]:
    """By date, the same instant in any offset; feeds list the newest first, so when any date is
    missing the feed's own order, reversed, is all there is to go by."""
    ordered = list(reversed(items))
    if all(i.date is not None for i in items):
        ordered.sort(key=lambda i: i.date.timestamp() if i.date else 0.0)
    return list(enumerate(ordered, 1))


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}-{n}"
    taken.add(candidate)
    return candidate


def _write_show(root: Path, show: FeedShow, source: str, report: _Tally) -> None:
    image = None
    if show.image:
        try:
            data = fetch_small(show.image)
        except DownloadError as error:
            report.dropped.append(f"channel: artwork {show.image}: {error}")
        else:
            found = sorted(p for p in (root / ARTWORK_DIR).glob("cover.*") if p.suffix in (".jpg", ".png"))
            if found:  # the repository's own: kept, and named in podcast.toml
                image = f"{ARTWORK_DIR}/{found[0].name}"
                report.dropped.append(f"channel: artwork {show.image}: {image} exists already and is kept")
            else:
                dropped: list[str] = []
                name = media.artwork(data, root / ARTWORK_DIR, "cover", show.image, dropped)
                image = f"{ARTWORK_DIR}/{name}" if name else None
                report.dropped += [f"channel: {d}" for d in dropped]
    feed_url = show.self_url or (source if is_url(source) else None)
    base_url = feed_url.rsplit("/", 1)[0] if feed_url and feed_url.startswith("https://") \
        and feed_url.endswith("/feed.xml") else None
    guid = show.podcast_guid if show.podcast_guid and is_uuid5(show.podcast_guid) else None
    if show.podcast_guid and guid is None:
        report.dropped.append(f"channel: podcast:guid {show.podcast_guid!r} (not a UUIDv5, which apps match); "
                              "the one the old feed URL gives is kept instead")
    guid = guid or (podcast_guid(feed_url) if feed_url else None)
    written = show_toml(show, image=image or "", base_url=base_url, guid=guid,
                        moved_from=feed_url if base_url is None else None)
    report.dropped += written.dropped
    write_if_changed(root / SHOW_FILE, written.text.encode())


def _audio_name(name: str, item: FeedItem) -> str:
    assert item.enclosure is not None
    path = item.enclosure.url.split("?", 1)[0].split("#", 1)[0].lower()
    extension = next((e for e in _AUDIO_EXTENSIONS if path.endswith(e)), _BY_TYPE.get(item.enclosure.type, ".mp3"))
    return f"{name}{extension}"


class _NotFetched(Exception):
    pass


def _audio(root: Path, name: str, item: FeedItem, where: str, report: _Tally) -> float | None:
    """The master downloaded (unless a complete one is here) and its duration, which the
    transcript and chapters must fit; raises _NotFetched when the download cannot finish."""
    assert item.enclosure is not None
    dest = root / AUDIO_DIR / _audio_name(name, item)
    if not dest.exists():
        dest.parent.mkdir(exist_ok=True)
        try:
            done = download(item.enclosure.url, dest)
        except DownloadError as error:
            report.failed.append(f"{where}: {error}")
            raise _NotFetched from error
        report.audio_bytes += done.size
        report.resumed += done.resumed
        if item.enclosure.length and item.enclosure.length != done.size:
            report.dropped.append(f"{where}: the enclosure said {item.enclosure.length:,} bytes, the server "
                                  f"sent {done.size:,} (publish writes the exact length)")
    try:
        return probe(dest).duration
    except PodcastError as error:
        report.dropped.append(f"{where}: {error.problems[0].message}; publish needs another master")
        return None


def _write_episode(root: Path, name: str, item: FeedItem, audio: bool, fallback: datetime,
                   report: _Tally) -> None:
    where = f"item {item.title or item.guid!r}"
    duration = None
    if audio:
        try:
            duration = _audio(root, name, item, where, report)
        except _NotFetched:
            report.imported.remove(name)
            return
    temp = root / EPISODES_DIR / f".{name}{TEMP_SUFFIX}"
    temp.mkdir(parents=True)
    dropped: list[str] = []
    report.transcripts += media.transcript(item, temp, dropped, duration) is not None
    report.chapters += media.chapters(item, temp, dropped, duration) is not None
    image = media.image(item, temp, dropped)
    report.images += image is not None
    written = episode_md(item, image=image, fallback_date=fallback)
    report.dropped += [f"{where}: {d}" for d in dropped] + list(written.dropped)
    write_if_changed(temp / EPISODE_FILE, written.text.encode())
    temp.rename(root / EPISODES_DIR / name)


def summary(report: ImportReport, source: str, *, dry_run: bool) -> list[str]:
    """What was carried over, what could not be, and the migration steps, for the terminal."""
    verb = "would import" if dry_run else "imported"
    lines = [f"{report.feed_title!r}: {verb} {len(report.imported)} episode(s), {report.skipped} already here "
             f"(same GUID); podcast.toml {'would be ' if dry_run and report.show_file == 'written' else ''}"
             f"{report.show_file}."]
    if not dry_run:
        lines.append(f"carried over: every GUID, date (with its offset), title, number, season, type, explicit, "
                     f"notes (HTML, as published), summary, keywords, people; {report.transcripts} transcript(s), "
                     f"{report.chapters} chapter list(s), {report.images} episode image(s), "
                     f"{report.audio_bytes:,} bytes of audio ({report.resumed} download(s) resumed).")
    lines += [f"not carried over: {d}" for d in report.dropped]
    lines += [f"not finished (import again to resume): {f}" for f in report.failed]
    lines += [
        "next steps:",
        "  1. Check podcast.toml: replace every EXAMPLE value, and set base_url to where public/ will be served.",
        f"  2. podcast publish, then: podcast validate --previous {source}",
        "  3. Put public/ on the new host, then at the old host redirect the old feed URL with HTTP 301 to "
        "<base_url>/feed.xml, or, where no redirect is possible, add <itunes:new-feed-url> with the new URL "
        "to the old feed. Keep the old feed answering until the apps have moved (weeks, not days).",
    ]
    return lines
