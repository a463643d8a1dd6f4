"""`podcast publish`: decide from stats what changed, then hand the work to `rebuild`.

This module stays light on purpose: a no-op publish of 10,000 episodes must finish in well under
a second, interpreter start included, so YAML, lxml, feedgen, mutagen and Pillow are imported (via
`rebuild`) only when an episode, the settings or the feed actually need work.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import fields, replace
from pathlib import Path

from feed_builder.core.errors import PodcastError, problem
from feed_builder.core.files import sweep_temps
from feed_builder.publish.inputs import input_stamps, stamp
from feed_builder.publish.items import item_relpath
from feed_builder.show.layout import AUDIO_DIR, EPISODES_DIR, audio_names, episode_names
from feed_builder.publish.lock import publish_lock
from feed_builder.publish.manifest import EpisodeRecord, Manifest, load_manifest
from feed_builder.core.model import Show
from feed_builder.core.urls import is_loopback_http_url
from feed_builder.publish.plan import Plan, PublishReport
from feed_builder.publish.progress import Progress, Silent
from feed_builder.show.settings import SHOW_FILE, load_show


def publish(root: Path, out: Path, *, jobs: int | None = None, progress: Progress = Silent(),
            base_url: str | None = None) -> PublishReport:
    """Build `out` from the show at `root`. `base_url` stands in for the show's own after it is
    loaded and checked (`podcast serve`'s local address), whatever the show file says."""
    show = load_show(root)
    if base_url is not None:  # a `link` left to its default follows the base URL, as when loaded
        show = replace(show, base_url=base_url, link=base_url if show.link == show.base_url else show.link)
    _refuse_overlap(show, out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:  # a file where the folder should be, no permission, ...
        raise PodcastError([problem(out, None, "out", f"cannot be created: {e.strerror} (expected a writable folder)")]) from e
    sweep_temps(root / AUDIO_DIR)
    with publish_lock(out):
        report = _publish(show, root, out, jobs or os.cpu_count() or 1, progress)
    if base_url is None and is_loopback_http_url(show.base_url):
        report = replace(report, warnings=(f"{SHOW_FILE}: base_url: {show.base_url} is a server on this machine, "
                                           "fine for a test: no app elsewhere can fetch this feed (expected an https "
                                           "URL before listeners subscribe)", *report.warnings))
    return report


def _refuse_overlap(show: Show, out: Path) -> None:
    """The build replaces and deletes what is in `out`: an output folder that is, holds or sits
    among the show's sources would delete masters and episode folders."""
    sources = [show.root / SHOW_FILE, show.root / EPISODES_DIR, show.root / AUDIO_DIR, show.image]
    target = out.resolve()
    for source in (s.resolve() for s in sources):
        if target == source or source.is_relative_to(target) or target.is_relative_to(source):
            raise PodcastError([problem(out, None, "out", f"overlaps the show's sources at {source} "
                                        "(expected a folder apart from them, such as public/)")])


# Show settings that only the channel carries. Every other setting is in every episode's tags or
# item, so it rebuilds them all: a new field is safe by default, and costs a rebuild until it is
# listed here. The tests hold every field of `Show` to this split.
# `site` is not: its theme and `enabled` shape every episode's page.
CHANNEL_ONLY = frozenset({
    "description", "owner", "type", "medium", "locked", "feed_limit", "funding", "people", "guid",
    "moved_from",
    "deploy",  # where the build goes and whom deploy tells; the channel advertises the hubs and podping
})
LOCATION = frozenset({"root"})  # where the show is, not what it publishes: a moved clone rebuilds nothing


def settings_digests(show: Show) -> tuple[str, str]:
    """What episodes depend on, and what the channel depends on: a new description re-renders the
    channel only; a new author or cover re-tags every episode, since both are inside every file."""
    values = {f.name: _portable(show, getattr(show, f.name)) for f in fields(show) if f.name not in LOCATION}
    values["cover"] = stamp(show.image)
    episodes = {name: value for name, value in values.items() if name not in CHANNEL_ONLY}
    # Of the site's settings, the lists only the index pages and the channel show: a new subscribe
    # link or podroll entry re-renders those alone.
    episodes["site"] = replace(show.site, subscribe=(), podroll=())
    return _digest(episodes), _digest(values)


def _portable(show: Show, value: object) -> object:
    """A path inside the show as it is written in the show's files, not where the clone is."""
    if isinstance(value, Path) and value.is_relative_to(show.root):
        return value.relative_to(show.root).as_posix()
    return value


def _digest(values: dict[str, object]) -> str:
    return hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest()


def _publish(show: Show, root: Path, out: Path, jobs: int, progress: Progress) -> PublishReport:
    previous = load_manifest(out)
    settings, channel = settings_digests(show)
    names = episode_names(root)
    masters = audio_names(root)
    usable = previous if previous is not None and previous.settings == settings else None
    inputs, keep = {}, {}
    for name in names:
        record = usable.episodes.get(name) if usable else None
        inputs[name] = input_stamps(root, name, masters, list(record.inputs) if record else [])
        if record is not None and record.inputs == inputs[name] and _outputs_intact(out, name, record):
            keep[name] = record
    if (usable is not None and usable.channel == channel and len(keep) == len(names) == len(usable.episodes)
            and _feeds_intact(out, usable)):
        return PublishReport(len(names), 0, len(names), 0, (), (), 0)
    from feed_builder.publish.rebuild import rebuild  # the heavy libraries, only now that there is work

    return rebuild(Plan(show, root, out, names, masters, inputs, keep, settings, channel, previous), jobs, progress)


def _outputs_intact(out: Path, name: str, record: EpisodeRecord) -> bool:
    """A published file deleted or edited by hand is rebuilt, not trusted; so is a record that
    has lost its kept item."""
    base = os.fspath(out)
    return item_relpath(name) in record.outputs and all(
        stamp(f"{base}/{relpath}") == s for relpath, s in record.outputs.items())


def _feeds_intact(out: Path, manifest: Manifest) -> bool:
    return all(stamp(out / relpath) == s for relpath, s in manifest.feeds.items())
