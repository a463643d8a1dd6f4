"""Consistency rules: problems no single element shows, only the feed as a whole."""
from __future__ import annotations

from collections.abc import Iterator
from ..context import Context
from ..document import FeedFacts, View, line_of, repeats
from ..findings import Severity
from ..registry import Hit, Scope, Source, check, define
from ..values import is_web_url, rfc2822

DUPLICATE_TITLE = define(
    "consistency-duplicate-title", Severity.WARNING, Source.APPLE, "Two episodes share a title",
    """Listeners (and Apple's review) cannot tell episodes with the same title
    apart; some apps also deduplicate by title.""",
)
DUPLICATE_ENCLOSURE = define(
    "consistency-duplicate-enclosure", Severity.ERROR, Source.SUBSCRIBERS, "Two episodes share an enclosure URL",
    """Apps that key downloads on the media URL keep one of the episodes and
    drop the other, or play the wrong file.""",
)
EPISODE_NUMBER = define(
    "consistency-episode-number", Severity.WARNING, Source.APPLE, "Episode number repeated within a season",
    """Full episodes are ordered by itunes:season and itunes:episode; a
    repeated number makes the order ambiguous (trailers and bonus episodes may
    share the number of the episode they belong to).""",
)
FUTURE_DATE = define(
    "consistency-future-date", Severity.WARNING, Source.APPLE, "Episode dated in the future",
    """Apps hide or mis-sort episodes whose pubDate lies in the future; Apple
    treats the pubDate as the release time.""",
)
SELF_LINK = define(
    "consistency-self-link", Severity.WARNING, Source.RSS, "No atom:link rel=\"self\"",
    """The feed should state its own URL with <atom:link rel="self"
    type="application/rss+xml" href="..."/> so that copies and proxies lead
    apps back to the real feed (RSS Advisory Board best practice).""",
)
SELF_LINK_MISMATCH = define(
    "consistency-self-link-mismatch", Severity.ERROR, Source.SUBSCRIBERS, "atom:link self differs from the fetched URL",
    """The feed was fetched from one URL but names another as its own: apps
    that follow the self link move subscribers to that URL.""",
)
FEED_SIZE = define(
    "consistency-feed-size", Severity.WARNING, Source.W3C_VALIDATOR, "Feed larger than 5,000,000 bytes",
    """The W3C Feed Validation Service refuses feeds above 5,000,000 bytes and
    several directories stop reading large feeds; trim old episodes or
    paginate.""",
)
_MAX_FEED = 5_000_000


@check(Scope.ITEM, FUTURE_DATE)
def future_date(ctx: Context, item: View) -> list[Hit]:
    pub = item.first("pubDate")
    if pub is None or not pub.text:
        return []
    when, _ = rfc2822(pub.text)  # a bad date is rss-date's to report
    if when is not None and when > ctx.now:
        return [(FUTURE_DATE, line_of(pub), f"pubDate {pub.text.strip()!r} is after {ctx.now:%Y-%m-%d %H:%M} UTC")]
    return []


@check(Scope.FEED, DUPLICATE_TITLE, DUPLICATE_ENCLOSURE, EPISODE_NUMBER)
def duplicates(ctx: Context, facts: FeedFacts) -> Iterator[Hit]:
    episodes = facts.episodes
    for title, line, first in repeats([(e.title, e.line) for e in episodes if e.title]):
        yield DUPLICATE_TITLE, line, f"title {title!r} already used by the item at line {first}"
    for url, line, first in repeats([(e.enclosure.url, e.line) for e in episodes if e.enclosure]):
        yield DUPLICATE_ENCLOSURE, line, f"enclosure {url} already used by the item at line {first}"
    numbered = [(f"{e.season or '-'}/{e.episode}", e.line) for e in episodes
                if e.episode and e.episode_type in (None, "full")]
    for key, line, first in repeats(numbered):
        season, number = key.split("/", 1)
        where = f"season {season}" if season != "-" else "the show"
        yield EPISODE_NUMBER, line, f"episode {number} of {where} already used by the item at line {first}"


@check(Scope.FEED, SELF_LINK, SELF_LINK_MISMATCH, FEED_SIZE)
def feed_identity(ctx: Context, facts: FeedFacts) -> Iterator[Hit]:
    if facts.self_url is None:
        yield SELF_LINK, ctx.channel.line, "channel has no <atom:link rel=\"self\" href=...>"
    elif ctx.feed_url and is_web_url(ctx.feed_url) and facts.self_url != ctx.feed_url:
        yield SELF_LINK_MISMATCH, facts.self_line, f"self link {facts.self_url} but fetched from {ctx.feed_url}"
    if ctx.size > _MAX_FEED:
        yield FEED_SIZE, 0, f"feed is {ctx.size:,} bytes; the W3C validator refuses more than {_MAX_FEED:,}"
