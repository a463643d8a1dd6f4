"""The work behind a publish that has something to do: check, build and validate the changed
episodes in parallel, then assemble and write the feed pages and the manifest.

Unchanged episodes are never re-read: their identity comes from the manifest and their items from
the item cache, so one edited episode in 10,000 costs one episode's work plus copying bytes.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import cast

from feed_builder.publish.check import FeedCheck
from feed_builder.publish.encoding import encode_changed
from feed_builder.media.encode.stage import CACHE_DIR
from feed_builder.publish.episode import Built, Failed, Rendered, process
from feed_builder.publish.inputs import Stamp, stat_stamp
from feed_builder.publish.items import ITEMS_DIR, item_relpath, kept_item
from feed_builder.publish.manifest import BUILD_DIR, MANIFEST, EpisodeRecord, Manifest, manifest_json
from feed_builder.publish.parallel import map_jobs
from feed_builder.publish.plan import Plan, PublishReport
from feed_builder.publish.progress import Progress
from feed_builder.core.digest import digest
from feed_builder.core.errors import PodcastError, Problem, problem
from feed_builder.core.files import Staging, StoredFile, is_temp
from feed_builder.media.artwork import artwork_problems, prepare_cover
from feed_builder.rss.feed import Page, render_pages
from feed_builder.show.catalogue import Identity, cross_episode_problems
from feed_builder.show.layout import EPISODES_DIR
from feed_builder.site.assets import SiteAssets, site_assets
from feed_builder.site.index import index_pages
from feed_builder.site.pages import CARDS_DIR, card_relpath
from feed_builder.site.sweep import sweep_site

OUTPUT_DIRS = ("audio", "transcripts", "chapters", "images", ITEMS_DIR, CARDS_DIR, CACHE_DIR)
FEED_SIZE_WARNING = 5_000_000  # the W3C validator refuses larger feeds; some apps time out


def rebuild(plan: Plan, jobs: int, progress: Progress) -> PublishReport:
    if not plan.names:  # before anything is built: a feed without episodes is refused by Apple
        raise PodcastError([problem(plan.root / EPISODES_DIR, None, "episodes",
                                    "none found (expected at least one episode folder)")])
    try:  # the cover is read before the build: its published name goes into every item
        cover_data = plan.show.image.read_bytes()
    except OSError as e:
        raise PodcastError([problem(plan.show.image, None, "image",
                                    f"cannot be read: {e.strerror} (expected a JPEG or PNG)")]) from e
    cover = f"images/cover-{digest(cover_data)}{plan.show.image.suffix.lower()}"
    check = FeedCheck(plan.show, plan.show.url(cover), len(plan.names) - len(plan.keep))
    site = site_assets(plan.show, plan.out / BUILD_DIR) if plan.show.site.enabled else None
    if site is not None:  # a broken index template stops the run before anything is written
        index_pages(plan.show, [], site.names)
    encoded = encode_changed(plan.show, plan.out, [plan.masters.get(name, []) for name in plan.names
                                                   if name not in plan.keep], jobs, progress)
    built, newest, written = _build_episodes(plan, jobs, progress, check, (cover, cover_data), site)
    progress.stage("feed", 1)
    records = _records(plan, built)
    order = sorted(records, key=lambda name: records[name].order, reverse=True)
    items = [kept_item(plan.out, name, _size(records[name].outputs[item_relpath(name)])) for name in order]
    pages = render_pages(plan.show, items, last_build=newest, image_url=plan.show.url(cover))
    kept = {p for name in order for p in records[name].outputs} | {cover}
    site_pages = [] if site is None else index_pages(plan.show, [
        StoredFile(os.path.join(plan.out, card_relpath(name)), _size(records[name].outputs[card_relpath(name)]))
        for name in order], site.names)
    site_files = tuple(relpath for relpath, _ in site.files) if site is not None else ()
    page_written, removed = _write_feed(plan, site_pages + pages, records, kept | set(site_files), site_files)
    written += page_written
    progress.step("feed.xml")
    progress.end()
    warnings = check.warnings + encoded  # a new list, which the size warning joins
    size = sum(len(part) for part in pages[0].parts())
    if size > FEED_SIZE_WARNING:
        warnings.append(f"feed.xml is {size:,} bytes (expected under {FEED_SIZE_WARNING:,}: set feed_limit "
                        "in podcast.toml to page older episodes out)")
    dropped = len(set(plan.previous.episodes) - set(plan.names)) if plan.previous else 0
    return PublishReport(len(order), len(built), len(plan.names) - len(built), dropped, removed,
                         tuple(p for p, _ in written), sum(s for _, s in written), tuple(warnings))


def _size(stamp: Stamp) -> int:
    return int(stamp.split(":", 1)[0])


def _build_episodes(plan: Plan, jobs: int, progress: Progress, check: FeedCheck, cover: tuple[str, bytes],
                    site: SiteAssets | None) -> tuple[list[Built], datetime, list[tuple[str, int]]]:
    """Every changed episode checked, built and its item validated, and the show's cover; their
    files put in place only if nothing anywhere has a problem. Returns the builds, the newest
    episode's date and what was written.

    Media go in place before the feed: they are content-named (or transcripts), so the feed that
    still stands references none of them, and the new feed is renamed only once they all exist.
    """
    show, out = plan.show, plan.out
    work = [(plan.root / EPISODES_DIR / name, plan.masters.get(name, []), _trusted(plan, name))
            for name in plan.names if name not in plan.keep]
    media = Staging()
    arrived: list[tuple[int, Built | Failed]] = []
    site_written = []
    try:
        for relpath, data in site.files if site is not None else ():  # staged first: pages name them
            if media.write(out / relpath, data) is not None:
                site_written.append((relpath, len(data)))
        if work:
            prepare_cover(show, out / BUILD_DIR)
        progress.stage("build", len(work))
        process_one = partial(process, show, out, site.names if site is not None else None)
        for index, outcome in map_jobs(process_one, work, jobs, progress, lambda w: w[0].name):
            if isinstance(outcome, Rendered):
                check.add(index, outcome.built.folder, outcome.item)
                media.staged += outcome.built.staged
                arrived.append((index, outcome.built))
            else:
                check.add(index, outcome.folder, None)
                arrived.append((index, outcome))
        progress.end()
        outcomes = [outcome for _, outcome in sorted(arrived, key=itemgetter(0))]  # however they arrived
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
    written = site_written + [w for b in built for w in b.written] + ([(path, len(data))] if cover_written else [])
    return built, cast(datetime, newest), written  # not None: with no episode built, problems were raised


def _write_feed(plan: Plan, pages: list[Page], records: dict[str, EpisodeRecord], kept: set[str],
                site_files: tuple[str, ...]) -> tuple[list[tuple[str, int]], tuple[str, ...]]:
    """The pages, then what they no longer reference is removed, then the manifest is written:
    a crash anywhere leaves pages whose every URL resolves, and a manifest that trusts nothing the
    crash left unfinished. Archive pages go in before feed.xml, so an episode moving from feed.xml
    into an archive page may briefly be listed twice (apps merge it by GUID), never nowhere.
    Returns what was written and what was removed."""
    feeds = Staging()
    written, stamps = [], {}
    try:
        for page in reversed(pages):
            temp = feeds.write(plan.out / page.name, *page.parts())  # written piece by piece, never joined
            st = os.stat(temp or plan.out / page.name)
            if temp is not None:
                written.append((page.name, st.st_size))
            stamps[page.name] = stat_stamp(st)
        feeds.commit()
        for relpath in site_files:  # in place since the media went in; a no-op publish checks them with the pages
            stamps[relpath] = stat_stamp(os.stat(plan.out / relpath))
        removed = _remove_stale(plan.out, kept, stamps)
        feeds.write_stream(plan.out / MANIFEST, manifest_json(Manifest(plan.settings, plan.channel, records, stamps)))
        feeds.commit()
    finally:
        feeds.discard()
    return written[::-1], removed


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


def _records(plan: Plan, built: list[Built]) -> dict[str, EpisodeRecord]:
    """Every episode's record: the kept ones as they were, the built ones with their folder's stamps."""
    records = dict(plan.keep)
    for b in built:
        name = b.folder.name
        records[name] = b.record._replace(inputs={**plan.inputs[name], **b.record.inputs})
    return records


def _remove_stale(out: Path, kept: set[str], pages: Iterable[str]) -> tuple[str, ...]:
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
                    if not folder.startswith(BUILD_DIR):
                        removed.append(relpath)
    keep_pages = set(pages)
    for entry in os.scandir(out):
        page = entry.name.startswith("feed-") and entry.name.endswith(".xml") and entry.name not in keep_pages
        if entry.is_file() and (page or is_temp(entry.name)):
            os.unlink(entry.path)
            removed.append(entry.name)
    removed += sweep_site(out, kept | keep_pages)
    for entry in os.scandir(out / BUILD_DIR):  # a killed run's manifest temp
        if entry.is_file() and is_temp(entry.name):
            os.unlink(entry.path)
    return tuple(sorted(removed))  # in a stable order for the report, without sorting every file kept
