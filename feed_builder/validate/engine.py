"""One walk over the tree: channel checks, then item checks per item, then feed-wide checks."""
from __future__ import annotations

from datetime import datetime

from lxml import etree

from . import namespaces as ns
from . import rules  # noqa: F401  (importing registers every check)
from .context import Context
from .document import ItemFacts, FeedFacts, View, Wanted, episode_facts, feed_facts
from .findings import Severity
from .registry import Scope, Source, Tally, checks_for, define

NOT_RSS = define(
    "rss-root", Severity.ERROR, Source.RSS, "Root is not <rss> with a <channel>",
    """Podcast apps and directories read RSS 2.0: an <rss> root element holding
    exactly one <channel>. Atom or RDF documents are not podcast feeds for
    Apple Podcasts, so no further rules run.""",
)


def _uses_legacy_namespace(root: etree._Element) -> bool:
    return ns.PODCAST_LEGACY in root.nsmap.values()


def walk(root: etree._Element, hits: Tally, *, size: int, now: datetime, feed_url: str | None,
         wanted: Wanted) -> FeedFacts | None:
    """Adds the hits; returns the facts unless none are `wanted` (the feed-wide rules read them here)."""
    channel_el = root.find("channel") if root.tag == "rss" else None
    if channel_el is None:
        hits.add([(NOT_RSS, root.sourceline or 0, f"root element is <{root.tag}>, not <rss><channel>")])
        return None
    legacy = _uses_legacy_namespace(root)
    channel = View.of(channel_el, legacy)
    ctx = Context(root=root, channel=channel, now=now, feed_url=feed_url, size=size)
    for fn in checks_for(Scope.CHANNEL):
        hits.add(fn(ctx, channel))
    tags = ctx.tags
    tags.update(channel.kids)
    item_checks = checks_for(Scope.ITEM)
    links = wanted is Wanted.LINKS
    episodes: list[ItemFacts] = []
    for item_el in channel.all("item"):
        item = View.of(item_el, legacy)
        tags.update(item.kids)
        for fn in item_checks:
            hits.add(fn(ctx, item))
        episodes.append(episode_facts(item, links))
    hits.items = len(episodes)
    facts = feed_facts(channel, episodes, links)
    for fn in checks_for(Scope.FEED):
        hits.add(fn(ctx, facts))
    return facts if wanted is not Wanted.NONE else None
