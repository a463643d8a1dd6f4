"""The work behind a publish that has something to do: inspect and build the changed episodes in
parallel, then assemble, check and write the feed, the items cache and the manifest.

Unchanged episodes are never re-read: their identity and item bytes come from the manifest and
the items cache, so one edited episode in 10,000 costs one episode's work plus splicing bytes.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

from .episode_build import Built, Inspected, build, digest, inspect
from .errors import PodcastError, Problem, problem
from .feed import render_pages
from .files import is_temp, write_if_changed
from .images import artwork_problems
from .inputs import Stamp, stamp
from .loader import Identity, cross_episode_problems
from .manifest import ITEMS, MANIFEST, EpisodeRecord, Manifest, dump_manifest
from .model import Show
from .plan import Plan, PublishReport
from .progress import Progress

T = TypeVar("T")
R = TypeVar("R")
OUTPUT_DIRS = ("audio", "transcripts", "chapters", "images")
FEED_SIZE_WARNING = 5_000_000  # the W3C validator refuses larger feeds; some apps time out


def _map(fn: Callable[[T], R], args: list[T], jobs: int, progress: Progress, label: Callable[[T], str]) -> Iterator[R]:
    """`map` over processes when there is enough work to pay for them; same results either way."""
    if jobs > 1 and len(args) >= 4 * jobs:
        with ProcessPoolExecutor(jobs) as pool:
            for arg, result in zip(args, pool.map(fn, args, chunksize=max(1, len(args) // (jobs * 32)))):
                progress.step(label(arg))
                yield result
    else:
        for arg in args:
            result = fn(arg)
            progress.step(label(arg))
            yield result


def rebuild(plan: Plan, jobs: int, progress: Progress) -> PublishReport:
    show, out = plan.show, plan.out
    changed = [f for f in plan.folders if f.name not in plan.keep]
    progress.stage("inspect", len(changed))
    work = [(f, plan.masters.get(f.name, [])) for f in changed]
    inspected = list(_map(partial(inspect, show), work, jobs, progress, lambda w: w[0].name))
    progress.end()
    _stop_on_problems(plan, inspected)
    progress.stage("build", len(inspected))
    built = list(_map(partial(_build, show, out), [(i, _trusted(plan, i.folder.name)) for i in inspected],
                      jobs, progress, lambda w: w[0].folder.name))
    progress.end()

    written: list[tuple[str, int]] = [w for b in built for w in b.written]
    cover_data = show.image.read_bytes()
    cover = f"images/cover-{digest(cover_data)}{show.image.suffix.lower()}"
    if write_if_changed(out / cover, cover_data):
        written.append((cover, len(cover_data)))

    records, items = _assemble(plan, built)
    order = sorted(records, key=lambda name: records[name].order, reverse=True)
    if not order:
        raise PodcastError([problem(plan.root / "episodes", None, "episodes",
                                    "none found (expected at least one episode folder)")])
    newest = datetime.fromisoformat(records[order[0]].date)
    progress.stage("feed", 1)
    pages = render_pages(show, [items[name] for name in order], last_build=newest, image_url=show.url(cover))
    _check_feed(show, out, pages[0][1], built)
    progress.step("feed.xml")
    progress.end()

    blob, offsets = bytearray(), {}
    for name in order:
        offsets[name] = (len(blob), len(items[name]))
        blob += items[name]
    feeds: dict[str, Stamp] = {}
    for relpath, data in [*pages, (ITEMS, bytes(blob))]:
        if write_if_changed(out / relpath, data):
            written.append((relpath, len(data)))
        feeds[relpath] = stamp(out / relpath) or (0, 0)
    manifest = Manifest(plan.settings, plan.channel,
                        {name: replace(records[name], item=offsets[name]) for name in order}, feeds)
    write_if_changed(out / MANIFEST, dump_manifest(manifest))
    removed = _remove_stale(out, {p for r in manifest.episodes.values() for p in r.outputs} | {cover},
                            [name for name, _ in pages])
    size = len(pages[0][1])
    warnings = (f"feed.xml is {size:,} bytes (expected under {FEED_SIZE_WARNING:,}: set feed_limit "
                "in podcast.toml to page older episodes out)",) if size > FEED_SIZE_WARNING else ()
    return PublishReport(len(order), len(built), len(plan.folders) - len(built), removed,
                         tuple(p for p, _ in written), sum(s for _, s in written), warnings)


def _trusted(plan: Plan, name: str) -> dict[str, Stamp]:
    """Outputs this episode had last time: an existing file with the recorded stamp is known good."""
    record = plan.previous.episodes.get(name) if plan.previous else None
    return record.outputs if record else {}


def _build(show: Show, out: Path, work: tuple[Inspected, dict[str, Stamp]]) -> Built:
    i, trusted = work
    assert i.episode is not None and i.info is not None  # _stop_on_problems ran first
    return build(show, i.episode, i.info, out, trusted)


def _stop_on_problems(plan: Plan, inspected: list[Inspected]) -> None:
    """Every problem of every file, the cross-episode ones included, before anything is written."""
    problems: list[Problem] = [p for i in inspected for p in i.problems]
    problems += artwork_problems(plan.show.image, "image")
    identities = [Identity(plan.root / "episodes" / name, r.guid, r.number) for name, r in plan.keep.items()]
    identities += [Identity(i.folder, i.episode.guid, i.episode.number) for i in inspected if i.episode]
    problems += cross_episode_problems(identities)
    if problems:
        raise PodcastError(problems)


def _assemble(plan: Plan, built: list[Built]) -> tuple[dict[str, EpisodeRecord], dict[str, bytes]]:
    """Records and item bytes for every episode: kept ones from the cache, built ones fresh."""
    items: dict[str, bytes] = {}
    records = dict(plan.keep)
    if plan.keep:
        cache = (plan.out / ITEMS).read_bytes()
        items = {name: cache[r.item[0]:r.item[0] + r.item[1]] for name, r in plan.keep.items()}
    for b in built:
        name = b.folder.name
        records[name] = replace(b.record, inputs={**plan.inputs[name], **b.record.inputs})
        items[name] = b.item
    return records, items


def _check_feed(show: Show, out: Path, feed: bytes, built: list[Built]) -> None:
    """The validator's errors stop the run and the previous feed stays. Files behind the feed are
    checked for what this run built; unchanged ones were checked when they were built."""
    from .validate import Severity, validate_bytes

    findings = validate_bytes(feed, source=str(out / "feed.xml"), feed_url=show.feed_url)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        raise PodcastError([problem(f.path, f.line, f.rule_id, f.message) for f in errors])


def _remove_stale(out: Path, kept: set[str], pages: Iterable[str]) -> tuple[str, ...]:
    """Files of episodes deleted, renamed or changed since the last run, and surplus feed pages."""
    removed = []
    for folder in OUTPUT_DIRS:
        base = out / folder
        if base.is_dir():
            for entry in sorted(os.scandir(base), key=lambda e: e.name):
                relpath = f"{folder}/{entry.name}"
                stale = relpath not in kept and not entry.name.startswith(".") or is_temp(entry.name)
                if entry.is_file() and stale:  # a temp file here was left by a killed run: we hold the lock
                    os.unlink(entry.path)
                    removed.append(relpath)
    keep_pages = set(pages)
    for entry in sorted(os.scandir(out), key=lambda e: e.name):
        if entry.name.startswith("feed-") and entry.name.endswith(".xml") and entry.name not in keep_pages:
            os.unlink(entry.path)
            removed.append(entry.name)
    return tuple(removed)
