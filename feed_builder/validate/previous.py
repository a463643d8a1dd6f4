"""`--previous OLD_FEED`: what would hurt existing subscribers between two versions of a feed."""
from __future__ import annotations

from collections.abc import Iterator

from .document import ItemFacts, FeedFacts
from .findings import Severity
from .registry import Hit, Source, define

UNREADABLE = define(
    "previous-unreadable", Severity.WARNING, Source.SUBSCRIBERS, "Previous feed could not be read",
    """The --previous feed is not a parseable RSS feed, so no comparison ran.""",
)
GUID_CHANGED = define(
    "previous-guid-changed", Severity.ERROR, Source.SUBSCRIBERS, "An episode's guid changed",
    """Apps know episodes by guid. The same episode (same enclosure URL or same
    title) under a new guid is downloaded again and shown as new to every
    subscriber.""",
)
EPISODE_REMOVED = define(
    "previous-episode-removed", Severity.WARNING, Source.SUBSCRIBERS, "An episode vanished",
    """An episode in the previous feed is gone; apps remove it from
    subscribers' libraries (or keep a dead copy). Intended removals are fine.""",
)
LENGTH_CHANGED = define(
    "previous-enclosure-length", Severity.WARNING, Source.SUBSCRIBERS, "Same enclosure URL, different length",
    """A file replaced under the same URL breaks resumed downloads and caches;
    publish changed media under a new URL.""",
)
FEED_MOVED = define(
    "previous-feed-moved", Severity.ERROR, Source.APPLE, "Feed URL changed without itunes:new-feed-url",
    """When atom:link rel="self" changes, apps and Apple only follow if the
    feed announces the new URL with <itunes:new-feed-url> (and the old URL
    redirects); otherwise subscribers are stranded on the old URL.""",
)
PODCAST_GUID_CHANGED = define(
    "previous-podcast-guid-changed", Severity.ERROR, Source.P20, "podcast:guid changed",
    """podcast:guid is assigned once and follows the show for life, even when
    the feed moves; changing it makes the Podcast Index and apps see a new show.""",
)


def _describe(episode: ItemFacts) -> str:
    return repr(episode.title or episode.guid or (episode.enclosure.url if episode.enclosure else "untitled"))


def _episodes(old: FeedFacts, new: FeedFacts, previous_source: str) -> Iterator[Hit]:
    new_guids = {e.guid for e in new.episodes if e.guid}
    by_url = {e.enclosure.url: e for e in new.episodes if e.enclosure}
    by_title = {e.title: e for e in new.episodes if e.title}
    for before in old.episodes:
        if not before.guid or before.guid in new_guids:
            continue
        now = (by_url.get(before.enclosure.url) if before.enclosure else None) or by_title.get(before.title or "")
        if now is not None:
            yield GUID_CHANGED, now.line, f"episode {_describe(now)} had guid {before.guid!r}, now {now.guid!r}"
        else:
            yield EPISODE_REMOVED, 0, f"episode {_describe(before)} ({previous_source}:{before.line}) is gone"
    for before in old.episodes:
        url = before.enclosure.url if before.enclosure else None
        after = by_url.get(url) if url is not None else None
        if after is not None and None not in (before.enclosure_length, after.enclosure_length) \
                and before.enclosure_length != after.enclosure_length:
            yield LENGTH_CHANGED, after.line, f"{url} was {before.enclosure_length} bytes, now {after.enclosure_length}"


def compare(old: FeedFacts | None, new: FeedFacts, *, previous_source: str) -> list[Hit]:
    if old is None:
        return [(UNREADABLE, 0, f"{previous_source} is not a parseable RSS feed")]
    hits = list(_episodes(old, new, previous_source))
    if old.self_url and new.self_url and old.self_url != new.self_url and new.new_feed_url != new.self_url:
        hits.append((FEED_MOVED, new.self_line, f"feed moved from {old.self_url} to {new.self_url} "
                     "without <itunes:new-feed-url>"))
    if old.podcast_guid and old.podcast_guid != new.podcast_guid:
        hits.append((PODCAST_GUID_CHANGED, new.podcast_guid_line,
                     f"podcast:guid was {old.podcast_guid}, now {new.podcast_guid or 'missing'}"))
    return hits
