"""The work behind a publish that has something to do: check, build and validate the changed
episodes in parallel, then assemble and write the feed pages and the manifest.

Unchanged episodes are never re-read: their identity comes from the manifest and their item bytes
from the feed pages they sit in, so one edited episode in 10,000 costs one episode's work plus
splicing bytes.
"""
from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TypeVar, cast

from feed_builder.build.allocator import fix_thresholds
from feed_builder.build.episode import Built, Failed, digest, prepare, process
from feed_builder.core.errors import PodcastError, Problem, problem
from feed_builder.rss.feed import Page, page_name, render_pages
from feed_builder.build.check import FeedCheck
from feed_builder.core.files import FileRange, Part, Staging, is_temp, new_temp, writing_back
from feed_builder.media.artwork import artwork_problems
from feed_builder.build.inputs import EPISODES_DIR, Stamp, stat_stamp
from feed_builder.show.catalogue import Identity, cross_episode_problems
from feed_builder.build.manifest import BUILD_DIR, MANIFEST, EpisodeRecord, Manifest, manifest_json
from feed_builder.build.plan import Plan, PublishReport
from feed_builder.build.progress import Progress

T = TypeVar("T")
R = TypeVar("R")
OUTPUT_DIRS = ("audio", "transcripts", "chapters", "images")
FEED_SIZE_WARNING = 5_000_000  # the W3C validator refuses larger feeds; some apps time out
_CHUNK = 32  # episodes, ~0.1 s of work: all processes finish within about that of each other


def _map(fn: Callable[[T], R], args: list[T], jobs: int, progress: Progress,
         label: Callable[[T], str]) -> Iterator[tuple[int, R]]:
    """`fn` over `args` in `jobs` processes, this one among them, when there is enough work to pay
    for them; each result with its argument's index, as soon as it is ready. The same results
    either way: only their arrival order differs.

    Workers take chunks from the front; this process takes them from the back whenever no worker
    result is waiting, so all finish together. (A fixed share left the worker idle at the end while
    this process, which also spools every result, finished its own; a worker process instead of
    this one would cost 40 MB more, and this one would mostly wait on it.)
    """
    if jobs == 1 or len(args) < 4 * jobs:
        yield from _steps(0, map(fn, args), args, progress, label)
        return
    size = max(1, min(_CHUNK, len(args) // (jobs * 32)))
    starts = range(0, len(args), size)
    with ProcessPoolExecutor(jobs - 1) as pool:
        # a chunk leaves `chunks` as it is taken: a future would keep its results alive to the end
        chunks = deque((start, pool.submit(_each, fn, args[start:start + size])) for start in starts)
        while chunks:
            start, future = chunks[0]
            if future.done() or not chunks[-1][1].cancel():  # not cancelled: the rest is theirs
                chunks.popleft()
                results = iter(future.result())
            else:
                start, _ = chunks.pop()
                results = map(fn, args[start:start + size])
            yield from _steps(start, results, args, progress, label)


def _each(fn: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [fn(arg) for arg in chunk]


def _steps(start: int, results: Iterator[R], args: list[T], progress: Progress,
           label: Callable[[T], str]) -> Iterator[tuple[int, R]]:
    for index, result in enumerate(results, start):
        progress.step(label(args[index]))
        yield index, result


def rebuild(plan: Plan, jobs: int, progress: Progress) -> PublishReport:
    if not plan.names:  # before anything is built: a feed without episodes is refused by Apple
        raise PodcastError([problem(plan.root / EPISODES_DIR, None, "episodes",
                                    "none found (expected at least one episode folder)")])
    fix_thresholds()  # before the first large block is freed
    spool = new_temp(plan.out / MANIFEST)  # built items wait on disk, not in memory, for the feed
    try:
        return _rebuild(plan, jobs, progress, spool)
    finally:
        spool.unlink(missing_ok=True)


def _rebuild(plan: Plan, jobs: int, progress: Progress, spool: Path) -> PublishReport:
    try:  # the cover is read before the build: its published name goes into every item
        cover_data = plan.show.image.read_bytes()
    except OSError as e:
        raise PodcastError([problem(plan.show.image, None, "image",
                                    f"cannot be read: {e.strerror} (expected a JPEG or PNG)")]) from e
    cover = f"images/cover-{digest(cover_data)}{plan.show.image.suffix.lower()}"
    check = FeedCheck(plan.show, plan.show.url(cover), len(plan.names) - len(plan.keep))
    built, newest, written = _build_episodes(plan, jobs, progress, spool, check, (cover, cover_data))
    progress.stage("feed", 1)
    records, items = _assemble(plan, built)
    order = sorted(records, key=lambda name: records[name].order, reverse=True)
    pages = render_pages(plan.show, [items[name] for name in order], last_build=newest,
                         image_url=plan.show.url(cover))
    written += _write_feed(plan, pages, records, order)
    progress.step("feed.xml")
    progress.end()
    kept = {p for name in order for p in records[name].outputs} | {cover}
    removed = _remove_stale(plan.out, kept, [page.name for page in pages], spool)
    warnings = check.warnings  # a new list, which the size warning joins
    size = sum(len(part) for part in pages[0].parts())
    if size > FEED_SIZE_WARNING:
        warnings.append(f"feed.xml is {size:,} bytes (expected under {FEED_SIZE_WARNING:,}: set feed_limit "
                        "in podcast.toml to page older episodes out)")
    dropped = len(set(plan.previous.episodes) - set(plan.names)) if plan.previous else 0
    return PublishReport(len(order), len(built), len(plan.names) - len(built), dropped, removed,
                         tuple(p for p, _ in written), sum(s for _, s in written), tuple(warnings))


def _build_episodes(plan: Plan, jobs: int, progress: Progress, spool: Path, check: FeedCheck,
                    cover: tuple[str, bytes]) -> tuple[list[Built], datetime, list[tuple[str, int]]]:
    """Every changed episode checked, built and its item validated, and the show's cover; their
    files put in place only if nothing anywhere has a problem. Returns the builds (their items
    moved to `spool`), the newest episode's date and what was written.

    Media go in place before the feed: they are content-named (or transcripts), so the feed that
    still stands references none of them, and the new feed is renamed only once they all exist.
    """
    show, out = plan.show, plan.out
    work = [(plan.root / EPISODES_DIR / name, plan.masters.get(name, []), _trusted(plan, name))
            for name in plan.names if name not in plan.keep]
    media = Staging()
    arrived: list[Built | Failed | None] = [None] * len(work)
    try:
        if work:
            prepare(show, out / BUILD_DIR)
        progress.stage("build", len(work))
        with spool.open("wb") as items, writing_back():
            for index, outcome in _map(partial(process, show, out), work, jobs, progress, lambda w: w[0].name):
                if isinstance(outcome, Built):
                    item = cast(bytes, outcome.item)  # a worker's item is always bytes
                    check.add(index, outcome.folder, item)
                    media.staged += outcome.staged
                    outcome = replace(outcome, item=FileRange(os.fspath(spool), items.tell(), len(item)), staged=())
                    items.write(item)
                else:
                    check.add(index, outcome.folder, None)
                arrived[index] = outcome
        progress.end()
        outcomes = cast(list[Built | Failed], arrived)  # every index has arrived
        built = [o for o in outcomes if isinstance(o, Built)]
        dates = [r.date for r in plan.keep.values()] + [b.record.date for b in built]  # ISO, one zone
        newest = datetime.fromisoformat(max(dates)) if dates else None  # None: every episode failed
        if newest is not None:
            check.finish(newest)
        _stop_on_problems(plan, outcomes, check.problems)  # which raises if every episode failed
        path, data = cover
        cover_written = media.write(out / path, data) is not None
        media.commit()
    finally:
        media.discard()
    written = [w for b in built for w in b.written] + ([(path, len(data))] if cover_written else [])
    return built, cast(datetime, newest), written


def _write_feed(plan: Plan, pages: list[Page], records: dict[str, EpisodeRecord],
                order: list[str]) -> list[tuple[str, int]]:
    """The pages, then the manifest that says where each item sits in them, renamed in that order."""
    feeds = Staging()
    written, spans, stamps = [], {}, {}
    names = iter(order)
    for number, page in enumerate(pages):
        temp = feeds.write(plan.out / page.name, *page.parts())  # written piece by piece, never joined
        st = os.stat(temp or plan.out / page.name)
        if temp is not None:
            written.append((page.name, st.st_size))
        stamps[page.name] = stat_stamp(st)
        for span in page.spans():
            spans[next(names)] = (number, *span)
    manifest = Manifest(plan.settings, plan.channel,
                        {name: records[name]._replace(item=spans[name]) for name in order}, stamps)
    feeds.write_stream(plan.out / MANIFEST, manifest_json(manifest))
    try:
        feeds.commit()
    finally:
        feeds.discard()
    return written


def _trusted(plan: Plan, name: str) -> dict[str, Stamp]:
    """Outputs this episode had last time: an existing file with the recorded stamp is known good."""
    record = plan.previous.episodes.get(name) if plan.previous else None
    return record.outputs if record else {}


def _stop_on_problems(plan: Plan, outcomes: list[Built | Failed], invalid: list[Problem]) -> None:
    """Every problem of every file, the cross-episode ones and the validator's included, before
    anything is renamed."""
    problems: list[Problem] = [p for o in outcomes if isinstance(o, Failed) for p in o.problems]
    problems += artwork_problems(plan.show.image, "image")
    identities: list[Identity | None] = [Identity(name, r.guid, r.number) for name, r in plan.keep.items()]
    identities += [Identity(o.folder.name, o.record.guid, o.record.number) if isinstance(o, Built) else o.identity
                   for o in outcomes]
    problems += cross_episode_problems(plan.root, [i for i in identities if i is not None])
    problems += invalid
    if problems:
        raise PodcastError(problems)


def _assemble(plan: Plan, built: list[Built]) -> tuple[dict[str, EpisodeRecord], dict[str, Part]]:
    """Records and item bytes for every episode: kept ones as ranges of the feed pages they sit in
    (copied from file to file, never read into memory), built ones fresh."""
    items: dict[str, Part] = {}
    pages: dict[int, str] = {}
    for name, record in plan.keep.items():
        number, offset, length = record.item
        page = pages.get(number) or pages.setdefault(number, os.fspath(plan.out / page_name(number)))
        items[name] = FileRange(page, offset, length)
    records = dict(plan.keep)
    for b in built:
        name = b.folder.name
        records[name] = b.record._replace(inputs={**plan.inputs[name], **b.record.inputs})
        items[name] = b.item
    return records, items


def _remove_stale(out: Path, kept: set[str], pages: Iterable[str], spool: Path) -> tuple[str, ...]:
    """Files of episodes deleted, renamed or changed since the last run, and surplus feed pages."""
    removed = []
    for folder in OUTPUT_DIRS:
        base = out / folder
        if base.is_dir():
            for entry in os.scandir(base):
                relpath = f"{folder}/{entry.name}"
                stale = relpath not in kept and not entry.name.startswith(".") or is_temp(entry.name)
                if entry.is_file() and stale:  # a temp file here was left by a killed run: we hold the lock
                    os.unlink(entry.path)
                    removed.append(relpath)
    keep_pages = set(pages)
    for entry in os.scandir(out):
        page = entry.name.startswith("feed-") and entry.name.endswith(".xml") and entry.name not in keep_pages
        if entry.is_file() and (page or is_temp(entry.name)):
            os.unlink(entry.path)
            removed.append(entry.name)
    for entry in os.scandir(out / BUILD_DIR):  # a killed run's spool or manifest temp
        if entry.is_file() and is_temp(entry.name) and entry.path != os.fspath(spool):
            os.unlink(entry.path)
    return tuple(sorted(removed))  # in a stable order for the report, without sorting every file kept
