"""The feed document around its items: the show's channel, rendered by feedgen.

The feed is the channel's bytes with the items' bytes (`item.py`) between its head and its tail.
That is what feedgen itself would write for the whole feed, but it lets a re-publish reuse the
bytes of every unchanged item instead of rendering them all again.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from feedgen.feed import FeedGenerator

from feed_builder import __version__
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
    fg.podcast_index.extras = ChannelExtras(
        guid=podcast_guid(show.feed_url),
        explicit=show.explicit,
        medium=show.medium,
        locked_owner=show.owner.email if show.locked else None,
        funding=tuple((f.url, f.text) for f in show.funding),
        people=show.people,
        links=links,
    )
    channel = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    cut = channel.rindex(_CHANNEL_END)
    return channel[:cut], channel[cut:]
