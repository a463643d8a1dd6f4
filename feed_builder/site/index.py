"""The index pages: the show, then its episodes' cards, newest first, 50 a page.

An index page is its head and tail rendered from the show, with the kept cards of its episodes
between them, copied as the feed pages copy kept items: one edited episode changes one card, and
so the bytes of the one page that lists it.
"""
from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from feed_builder.core.errors import PodcastError, problem
from feed_builder.core.files import Part
from feed_builder.core.model import Show
from feed_builder.rss.feed import Page
from feed_builder.site.assets import SiteNames
from feed_builder.site.pages import head
from feed_builder.site.render import render, template_path

PER_PAGE = 50
_CARDS = "<!-- episodes: the cards of this page go here -->"


def index_relpath(number: int) -> str:
    """Page 1 is the site's front page; the rest are page/2/, page/3/, …"""
    return "index.html" if number == 1 else f"page/{number}/index.html"


def index_pages(show: Show, cards: Sequence[Part], names: SiteNames) -> list[Page]:
    count = max(1, -(-len(cards) // PER_PAGE))
    pages = []
    for number in range(1, count + 1):
        relpath = index_relpath(number)
        text = render(
            show.root, show.site.theme, "index.html",
            show=show,
            head=head(show, names, title=show.title if number == 1 else f"{show.title} – page {number}",
                      description=show.description, relpath=relpath, root=""),
            base="../" * relpath.count("/"),  # the cards link from public/: page/N/ says so once
            cover=names.cover,
            number=number,
            previous=_link(number - 1) if number > 1 else None,
            next=_link(number + 1) if number < count else None,
            episodes=Markup(_CARDS),
        )
        parts = text.split(_CARDS)
        if len(parts) != 2:
            raise PodcastError([problem(template_path(show.root, show.site.theme, "index.html"), None, "template",
                                        f"writes {{{{ episodes }}}} {len(parts) - 1} times (expected once: "
                                        "it is where the page's episodes go)")])
        pages.append(Page(relpath, parts[0].encode(), cards[(number - 1) * PER_PAGE:number * PER_PAGE],
                          parts[1].encode()))
    return pages


def _link(number: int) -> str:
    """From public/, which is where relative links on every index page start (`base`)."""
    return index_relpath(number).removesuffix("index.html") or "./"
