"""The only module that knows RSS and iTunes element names.

Items are rendered one at a time to bytes and the feed is the channel's bytes with the items'
bytes spliced in. That is what feedgen itself would write for the whole feed, but it lets a
re-publish reuse the bytes of every unchanged item instead of rebuilding 10,000 of them.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from feed_builder import __version__
from feed_builder.formats.chapters import psc_entries
from feed_builder.core.files import Part
from feed_builder.rss.extension import (
    ITUNES_NS,
    NAMESPACES,
    ChannelExtras,
    ItemExtras,
    Podcast_indexEntryExtension,
    Podcast_indexExtension,
    PscChapter,
    TranscriptLink,
)
from feed_builder.core.model import PublishedEpisode, Show
from feed_builder.formats.notes import plain_summary

PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
_ITEM_NSMAP = {"itunes": ITUNES_NS, "content": "http://purl.org/rss/1.0/modules/content/", **NAMESPACES}
_CHANNEL_END = b"  </channel>"


def podcast_guid(feed_url: str) -> str:
    """Podcasting 2.0: UUIDv5 of the feed URL without its scheme and trailing slashes."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def render_item(show: Show, pe: PublishedEpisode) -> bytes:
    """One <item>, indented as it sits in the feed, ending with a newline."""
    e = pe.episode
    fe = FeedEntry()
    fe.load_extension("podcast", atom=False)
    fe.register_extension("podcast_index", Podcast_indexEntryExtension, atom=False)
    fe.title(e.title)
    fe.guid(e.guid, permalink=False)
    fe.pubDate(e.date)
    fe.description(e.summary or plain_summary(e.notes))
    fe.content(pe.notes_html, type="CDATA")
    fe.enclosure(pe.audio.url, str(pe.audio.size), pe.audio.mime)
    fe.podcast.itunes_duration(str(round(pe.audio_info.duration)))
    fe.podcast.itunes_episode_type(e.type.value)
    if e.number is not None:
        fe.podcast.itunes_episode(e.number)
    if e.season is not None:
        fe.podcast.itunes_season(e.season.number)
    if pe.image is not None:
        fe.podcast.itunes_image(pe.image.url)
    fe.podcast_index.extras = ItemExtras(
        explicit=e.explicit,
        season=(e.season.number, e.season.name) if e.season else None,
        episode=e.number,
        transcripts=tuple(TranscriptLink(f.url, f.mime, show.language, captions) for f, captions in pe.transcripts),
        chapters_url=pe.chapters_file.url if pe.chapters_file else None,
        psc_chapters=tuple(PscChapter(*entry) for entry in psc_entries(pe.chapters)),
        people=e.people,
    )
    holder = etree.Element("channel", nsmap=_ITEM_NSMAP)
    holder.append(fe.rss_entry())
    etree.indent(holder, space="  ", level=1)
    text = etree.tostring(holder, encoding="UTF-8", xml_declaration=False)
    return b"    " + text[text.index(b"<item>"):text.rindex(b"</item>") + len(b"</item>")] + b"\n"


def page_name(number: int) -> str:
    """feed.xml holds the newest `feed_limit` items; older ones go to feed-2.xml, feed-3.xml, …"""
    return "feed.xml" if number == 0 else f"feed-{number + 1}.xml"


def page_names(items: int, limit: int | None) -> list[str]:
    return [page_name(n) for n in range(1 if not limit else max(1, -(-items // limit)))]


@dataclass(frozen=True)
class Page:
    """One feed document as its parts, so that the caller knows where each item's bytes sit:
    the next publish reuses them from the file instead of rendering the item again."""

    name: str
    head: bytes
    items: Sequence[Part]
    tail: bytes

    def parts(self) -> list[Part]:
        return [self.head, *self.items, self.tail]

    def spans(self) -> list[tuple[int, int]]:
        """(offset, length) of each item in `data()`."""
        spans, offset = [], len(self.head)
        for item in self.items:
            spans.append((offset, len(item)))
            offset += len(item)
        return spans


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
