"""`podcast publish`: decide from stats what changed, then hand the work to `build`.

This module stays light on purpose: a no-op publish of 10,000 episodes must finish in well under
a second, interpreter start included, so YAML, lxml, feedgen, mutagen and Pillow are imported (via
`build`) only when an episode, the settings or the feed actually need work.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from feed_builder import __version__
from feed_builder.core.errors import PodcastError, problem
from feed_builder.build.inputs import audio_names, episode_names, input_stamps, stamp
from feed_builder.build.lock import publish_lock
from feed_builder.build.manifest import EpisodeRecord, Manifest, load_manifest
from feed_builder.core.model import Show
from feed_builder.build.plan import Plan, PublishReport
from feed_builder.build.progress import Progress, Silent
from feed_builder.show.settings import load_show


def publish(root: Path, out: Path, *, jobs: int | None = None, progress: Progress = Silent()) -> PublishReport:
    """Build `out` from the show at `root`."""
    show = load_show(root)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:  # a file where the folder should be, no permission, ...
        raise PodcastError([problem(out, None, "out", f"cannot be created: {e.strerror} (expected a writable folder)")]) from e
    with publish_lock(out):
        return _publish(show, root, out, jobs or os.cpu_count() or 1, progress)


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def settings_digests(show: Show) -> tuple[str, str]:
    """What episodes depend on (their tags, URLs, notes), and what the channel depends on.

    A new description re-renders the channel only; a new author or cover re-tags every episode,
    since both are inside every audio file.
    """
    cover = stamp(show.image)
    episodes = _digest(__version__, show.title, show.author, show.language, show.base_url, show.link,
                       show.explicit, show.copyright, show.categories, show.build, cover)
    channel = _digest(__version__, repr(show), cover)  # every parsed setting is in the repr
    return episodes, channel


def _publish(show: Show, root: Path, out: Path, jobs: int, progress: Progress) -> PublishReport:
    previous = load_manifest(out)
    settings, channel = settings_digests(show)
    names = episode_names(root)
    masters = audio_names(root)
    usable = previous if previous is not None and previous.settings == settings and _feeds_intact(out, previous) \
        else None
    inputs, keep = {}, {}
    for name in names:
        record = usable.episodes.get(name) if usable else None
        inputs[name] = input_stamps(root, name, masters, list(record.inputs) if record else [])
        if record is not None and record.inputs == inputs[name] and _outputs_intact(out, record):
            keep[name] = record
    if usable is not None and usable.channel == channel and len(keep) == len(names) == len(usable.episodes):
        return PublishReport(len(names), 0, len(names), 0, (), (), 0)
    from feed_builder.build.rebuild import rebuild  # the heavy libraries, only now that there is work

    return rebuild(Plan(show, root, out, names, masters, inputs, keep, settings, channel, previous), jobs, progress)


def _outputs_intact(out: Path, record: EpisodeRecord) -> bool:
    """A published file deleted or edited by hand is rebuilt, not trusted."""
    base = os.fspath(out)
    return all(stamp(f"{base}/{relpath}") == s for relpath, s in record.outputs.items())


def _feeds_intact(out: Path, manifest: Manifest) -> bool:
    return all(stamp(out / relpath) == s for relpath, s in manifest.feeds.items())
