"""Views over the parsed tree, built once, and the facts later passes need.

A View indexes an element's children by tag so that every rule looks its
elements up in a dict instead of walking the tree again; the facts (ItemFacts,
FeedFacts) are what the files, online and previous passes compare.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

from . import namespaces as ns
from .values import duration_seconds, number

_ELEMENT = etree.Element  # iterchildren filter: skips comments and processing instructions


@dataclass(slots=True)  # not frozen: one is built per item, and a frozen dataclass is slow to build
class View:
    el: etree._Element
    kids: dict[str, list[etree._Element]]
    repeats: bool  # whether some tag occurs twice: rules that look for repeats may skip the rest

    @classmethod
    def of(cls, el: etree._Element, legacy_podcast: bool = False) -> View:
        kids: dict[str, list[etree._Element]] = {}
        repeats = False
        for child in el.iterchildren(_ELEMENT):
            tag = child.tag
            found = kids.get(tag)
            if found is None:
                kids[tag] = [child]
            else:
                found.append(child)
                repeats = True
        if legacy_podcast:  # the spec says clients must treat the old URI as identical
            kids = {_CANON_PREFIX + t[len(_LEGACY_PREFIX):] if t.startswith(_LEGACY_PREFIX) else t: v
                    for t, v in kids.items()}
        return cls(el, kids, repeats)

    @property
    def line(self) -> int:
        return self.el.sourceline or 0

    def first(self, tag: str) -> etree._Element | None:
        found = self.kids.get(tag)
        return found[0] if found else None

    def all(self, tag: str) -> list[etree._Element]:
        return self.kids.get(tag, [])

    def text(self, tag: str) -> str | None:
        """Stripped text of the first such child; None when absent, '' when empty."""
        found = self.kids.get(tag)
        if not found:
            return None
        return (found[0].text or "").strip()


_LEGACY_PREFIX = "{" + ns.PODCAST_LEGACY + "}"
_CANON_PREFIX = "{" + ns.PODCAST + "}"


def line_of(el: etree._Element | None, fallback: int = 0) -> int:
    return (el.sourceline or fallback) if el is not None else fallback


# Link and ItemFacts are NamedTuples, not frozen dataclasses: one ItemFacts and several Links are
# built per item, and a frozen dataclass's __init__ (one object.__setattr__ per field) costs
# about three times as much, which on a 10,000-item feed is a sizeable share of the walk.
class Link(NamedTuple):
    """A URL the feed points at, with where it is and what the feed claims about it."""

    url: str
    line: int
    kind: str  # enclosure, alternate (a podcast:alternateEnclosure source), transcript, chapters, image
    mime: str | None = None
    length: int | None = None  # bytes, as an alternate enclosure states them (the enclosure's are in ItemFacts)


class ItemFacts(NamedTuple):
    """What the later passes need of one <item>: named apart from the builder's `Episode`, which
    this package never sees."""

    line: int
    title: str | None
    guid: str | None
    enclosure: Link | None
    enclosure_length: int | None
    duration: int | None
    season: str | None
    episode: str | None
    episode_type: str | None
    links: tuple[Link, ...]  # transcripts, chapters, images of this item, if gathered (episode_facts)


@dataclass(frozen=True)
class FeedFacts:
    self_url: str | None
    self_line: int
    new_feed_url: str | None
    podcast_guid: str | None
    podcast_guid_line: int
    links: tuple[Link, ...]  # channel-level images, if gathered (episode_facts)
    episodes: tuple[ItemFacts, ...]


class Wanted(enum.Enum):
    """Which facts the walk hands back, by what the passes after it read. Facts nobody reads end
    with the walk: a long feed's are many small objects, costly to keep and to free."""

    NONE = "none"  # the document rules alone
    EPISODES = "episodes"  # --previous compares the episodes
    LINKS = "links"  # --files and --online open or fetch every media link as well


def _attr_link(el: etree._Element | None, attr: str, kind: str, mime_attr: str | None = None) -> Link | None:
    if el is None:
        return None
    url = (el.get(attr) or "").strip()
    if not url:
        return None
    return Link(url, el.sourceline or 0, kind, el.get(mime_attr) if mime_attr else None)


def _int_or_none(text: str | None) -> int | None:
    if not text:
        return None
    if text.isdigit():  # the usual byte count, without the float round trip
        return int(text)
    value = number(text)
    return int(value) if value is not None and value == int(value) else None


_TRANSCRIPT, _CHAPTERS, _IMAGE = ns.podcast("transcript"), ns.podcast("chapters"), ns.itunes("image")
_ALTERNATE, _SOURCE = ns.podcast("alternateEnclosure"), ns.podcast("source")
_DURATION, _SEASON, _EPISODE, _EPISODE_TYPE = (
    ns.itunes("duration"), ns.itunes("season"), ns.itunes("episode"), ns.itunes("episodeType"))


def _media_links(item: View, enclosure: Link | None) -> tuple[Link, ...]:
    """Besides the enclosure: each alternate's sources but the enclosure itself (the primary
    rendition is listed among the alternates too), transcripts, chapters, the episode's image."""
    links: list[Link | None] = [
        Link(link.url, link.line, "alternate", alternate.get("type"), _int_or_none(alternate.get("length")))
        for alternate in item.all(_ALTERNATE) for source in alternate.iterfind(_SOURCE)
        if (link := _attr_link(source, "uri", "alternate")) and (enclosure is None or link.url != enclosure.url)]
    links += [_attr_link(el, "url", "transcript", "type") for el in item.all(_TRANSCRIPT)]
    links.append(_attr_link(item.first(_CHAPTERS), "url", "chapters", "type"))
    links.append(_attr_link(item.first(_IMAGE), "href", "image"))
    return tuple(link for link in links if link is not None)


def episode_facts(item: View, links: bool) -> ItemFacts:
    """`links`: whether to gather the media links besides the enclosure (Wanted.LINKS)."""
    enclosure = item.first("enclosure")
    enclosure_link = _attr_link(enclosure, "url", "enclosure", "type")
    duration = item.text(_DURATION)
    return ItemFacts(
        item.el.sourceline or 0,
        item.text("title"),
        item.text("guid"),
        enclosure_link,
        _int_or_none(enclosure.get("length")) if enclosure is not None else None,
        duration_seconds(duration) if duration else None,
        item.text(_SEASON),
        item.text(_EPISODE),
        item.text(_EPISODE_TYPE),
        _media_links(item, enclosure_link) if links else (),
    )


def atom_link(channel: View, rel: str) -> etree._Element | None:
    for link in channel.all(f"{{{ns.ATOM}}}link"):
        if link.get("rel") == rel and link.get("href"):
            return link
    return None


def feed_facts(channel: View, episodes: list[ItemFacts], links: bool) -> FeedFacts:
    """`links`: as for episode_facts."""
    self_el = atom_link(channel, "self")
    guid_el = channel.first(ns.podcast("guid"))
    image = _attr_link(channel.first(ns.itunes("image")), "href", "image")
    rss_image = channel.first("image")
    rss_image_url = View.of(rss_image).first("url") if rss_image is not None else None
    rss_link = Link(rss_image_url.text.strip(), rss_image_url.sourceline or 0, "image") \
        if rss_image_url is not None and rss_image_url.text and rss_image_url.text.strip() else None
    return FeedFacts(
        self_url=self_el.get("href").strip() if self_el is not None else None,
        self_line=line_of(self_el),
        new_feed_url=channel.text(ns.itunes("new-feed-url")) or None,
        podcast_guid=(guid_el.text or "").strip() if guid_el is not None else None,
        podcast_guid_line=line_of(guid_el),
        links=tuple(link for link in (image, rss_link) if link is not None) if links else (),
        episodes=tuple(episodes),
    )


def repeats(keyed_lines: list[tuple[str, int]]) -> list[tuple[str, int, int]]:
    """(key, line, first line) for every occurrence of a key after its first."""
    first: dict[str, int] = {}
    found = []
    for key, line in keyed_lines:
        if key in first:
            found.append((key, line, first[key]))
        else:
            first[key] = line
    return found
