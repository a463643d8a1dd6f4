"""The feed documents around their items: the show's channel, rendered by feedgen, and the pages.

A feed page is the channel's bytes with the items' bytes (`item.py`) between its head and its
tail. That is what feedgen itself would write for the whole feed, but it lets a re-publish reuse
the bytes of every unchanged item instead of rendering them all again. feed.xml holds the newest
items, and archive pages (RFC 5005) the rest when the show sets `feed_limit`.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator

from feed_builder import __version__
from feed_builder.core.files import Part
from feed_builder.core.model import Show
from feed_builder.rss.extension import ChannelExtras, Podcast_indexEntryExtension, Podcast_indexExtension

PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
_CHANNEL_END = b"  </channel>"


def podcast_guid(feed_url: str) -> str:
    """Podcasting 2.0: UUIDv5 of the feed URL without its scheme and trailing slashes."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def render_channel(show: Show, *, last_build: datetime, image_url: str, page: str = "feed.xml",
                   links: tuple[tuple[str, str], ...] = ()) -> tuple[bytes, bytes]:
    """The feed document around its items: everything before the first and after the last."""
    fg = FeedGenerator()
    fg.load_extension("podcast", atom=False)
    fg.register_extension("podcast_index", Podcast_indexExtension, Podcast_indexEntryExtension, atom=False)
    fg.title(show.title)
    fg.link(href=show.url(page), rel="self", type="application/rss+xml")
    fg.link(href=show.link, rel="alternate")  # feedgen makes the last link the RSS <link>
    fg.description(show.description)
    fg.language(show.language)
    fg.copyright(show.copyright)
    fg.generator("feed_builder", __version__)
    fg.lastBuildDate(last_build)
    fg.podcast.itunes_author(show.author)
    fg.podcast.itunes_owner(name=show.owner.name, email=show.owner.email)
    fg.podcast.itunes_image(image_url)
    fg.podcast.itunes_category([{"cat": c.name, **({"sub": c.subcategory} if c.subcategory else {})}
                                for c in show.categories])
    fg.podcast.itunes_type(show.type.value)
    if show.moved_from and show.moved_from != show.feed_url:  # Apple: the new feed names itself
        fg.podcast.itunes_new_feed_url(show.feed_url)
    fg.podcast_index.extras = ChannelExtras(
        guid=show.guid or podcast_guid(show.feed_url),
        explicit=show.explicit,
        medium=show.medium,
        locked_owner=show.owner.email if show.locked else None,
        funding=tuple((f.url, f.text) for f in show.funding),
        people=show.people,
        links=links,
        podroll=show.site.podroll,
        hubs=show.deploy.notify.websub_hubs,
        podping=show.deploy.notify.podping,
    )
    channel = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    cut = channel.rindex(_CHANNEL_END)
    return channel[:cut], channel[cut:]


def page_name(number: int) -> str:
    """feed.xml holds the newest `feed_limit` items; older ones go to feed-2.xml, feed-3.xml, …"""
    return "feed.xml" if number == 0 else f"feed-{number + 1}.xml"


def page_names(items: int, limit: int | None) -> list[str]:
    return [page_name(n) for n in range(1 if not limit else max(1, -(-items // limit)))]


@dataclass(frozen=True)
class Page:
    """One feed document as its parts, written piece by piece: the items of a large feed are
    never joined in memory."""

    name: str
    head: bytes
    items: Sequence[Part]
    tail: bytes

    def parts(self) -> list[Part]:
        return [self.head, *self.items, self.tail]


def render_pages(show: Show, items: Sequence[Part], *, last_build: datetime,
                 image_url: str) -> list[Page]:
    """The feed, paged as RFC 5005 says when the show sets `feed_limit`: every item in exactly one
    page, each page linking to the first, last, previous and next."""
    names = page_names(len(items), show.feed_limit)
    limit = show.feed_limit or len(items)
    pages = []
    for n, name in enumerate(names):
        links = [("first", names[0]), ("last", names[-1])] if len(names) > 1 else []
        links += [("previous", names[n - 1])] if n > 0 else []
        links += [("next", names[n + 1])] if n + 1 < len(names) else []
        head, tail = render_channel(show, last_build=last_build, image_url=image_url, page=name,
                                    links=tuple((rel, show.url(target)) for rel, target in links))
        pages.append(Page(name, head, items[n * limit:(n + 1) * limit], tail))
    return pages
