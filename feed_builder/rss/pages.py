"""The feed as pages: feed.xml with the newest items, and archive pages (RFC 5005) when the show
sets `feed_limit`."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from feed_builder.core.files import Part
from feed_builder.core.model import Show
from feed_builder.rss.channel import render_channel


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
