"""What another host's feed says, read from the parsed tree into frozen values.

lxml, not feedparser: feedparser loses `podcast:locked`'s value, keeps one of several transcripts,
sanitises `content:encoded` and turns dates into UTC, and every one of those is something a moved
show must keep exactly.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from lxml import etree

from feed_builder.core.model import Person

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
# Hosts still write the namespace's first address; its tags mean the same.
PODCAST_OLD = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
PSC = "http://podlove.org/simple-chapters"
ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class Link:
    url: str
    type: str = ""
    length: int | None = None


@dataclass(frozen=True)
class FeedItem:
    guid: str
    guid_permalink: bool
    title: str
    date: datetime | None
    date_text: str
    number: int | None
    season: int | None
    season_name: str | None
    type: str | None
    explicit: bool | None
    description: str | None
    notes: str | None  # content:encoded, HTML as the host published it
    keywords: tuple[str, ...]
    people: tuple[Person, ...]
    image: str | None
    enclosure: Link | None
    transcripts: tuple[Link, ...]
    chapters: Link | None
    psc_chapters: tuple[tuple[str, str, str | None], ...]  # (start, title, href)
    line: int


@dataclass(frozen=True)
class FeedShow:
    title: str
    description: str
    language: str
    author: str
    owner_name: str
    owner_email: str
    categories: tuple[tuple[str, str | None], ...]
    explicit: bool | None
    type: str | None
    medium: str | None
    image: str | None
    link: str | None
    self_url: str | None
    copyright: str | None
    podcast_guid: str | None
    locked: bool
    locked_owner: str | None
    funding: tuple[tuple[str, str], ...]
    people: tuple[Person, ...]
    items: tuple[FeedItem, ...]


class _Node:
    """One element's children looked up by namespace and name; `podcast:` under either address."""

    def __init__(self, element: etree._Element, base: str) -> None:
        self.element, self.base = element, base

    def all(self, ns: str, name: str) -> list[etree._Element]:
        found = self.element.findall(f"{{{ns}}}{name}") if ns else self.element.findall(name)
        if ns == PODCAST:
            found += self.element.findall(f"{{{PODCAST_OLD}}}{name}")
        return found

    def first(self, ns: str, name: str) -> etree._Element | None:
        found = self.all(ns, name)
        return found[0] if found else None

    def text(self, ns: str, name: str) -> str | None:
        element = self.first(ns, name)
        value = (element.text or "").strip() if element is not None else ""
        return value or None

    def attr(self, ns: str, name: str, attribute: str) -> str | None:
        element = self.first(ns, name)
        value = (element.get(attribute) or "").strip() if element is not None else ""
        return value or None

    def url(self, value: str | None) -> str | None:
        """Relative URLs, as some hosts write them, against the feed's own address."""
        return urljoin(self.base, value.strip()) if value and value.strip() else None


def read_feed(root: etree._Element, source_url: str) -> FeedShow:
    """`source_url`: where the feed was fetched from ("" for a file, whose relative URLs then
    resolve against the feed's own `atom:link rel="self"`)."""
    channel = root.find("channel")
    if channel is None:
        raise ValueError("no <channel>")
    self_url = next((link.get("href") for link in channel.findall(f"{{{ATOM}}}link") if link.get("rel") == "self"), None)
    ch = _Node(channel, source_url or (self_url or "").strip())
    owner = ch.first(ITUNES, "owner")
    o = _Node(owner, ch.base) if owner is not None else None
    locked = ch.first(PODCAST, "locked")
    return FeedShow(
        title=ch.text("", "title") or "",
        description=ch.text("", "description") or ch.text(ITUNES, "summary") or "",
        language=ch.text("", "language") or "",
        author=ch.text(ITUNES, "author") or "",
        owner_name=(o.text(ITUNES, "name") if o else None) or "",
        owner_email=(o.text(ITUNES, "email") if o else None) or "",
        categories=_categories(ch),
        explicit=_explicit(ch.text(ITUNES, "explicit")),
        type=ch.text(ITUNES, "type"),
        medium=ch.text(PODCAST, "medium"),
        image=ch.url(ch.attr(ITUNES, "image", "href") or _image_url(ch)),
        link=ch.url(ch.text("", "link")),
        self_url=ch.url(self_url),
        copyright=ch.text("", "copyright"),
        podcast_guid=ch.text(PODCAST, "guid"),
        locked=locked is not None and (locked.text or "").strip().lower() == "yes",
        locked_owner=(locked.get("owner") or "").strip() or None if locked is not None else None,
        funding=tuple((ch.url(f.get("url")) or "", (f.text or "").strip()) for f in ch.all(PODCAST, "funding")),
        people=_people(ch),
        items=tuple(_item(_Node(item, ch.base)) for item in channel.findall("item")),
    )


def _image_url(ch: _Node) -> str | None:
    image = ch.first("", "image")
    return _Node(image, ch.base).text("", "url") if image is not None else None


def _categories(ch: _Node) -> tuple[tuple[str, str | None], ...]:
    result = []
    for category in ch.all(ITUNES, "category"):
        sub = category.find(f"{{{ITUNES}}}category")
        result.append((category.get("text", "").strip(), sub.get("text", "").strip() or None if sub is not None else None))
    return tuple((name, sub) for name, sub in result if name)


def _people(node: _Node) -> tuple[Person, ...]:
    return tuple(Person((p.text or "").strip(), (p.get("role") or "host").lower(), (p.get("group") or "cast").lower(),
                        node.url(p.get("href")), node.url(p.get("img")))
                 for p in node.all(PODCAST, "person") if (p.text or "").strip())


def _explicit(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.lower() in ("yes", "true", "explicit")


def _integer(value: str | None) -> int | None:
    return int(value) if value is not None and value.isascii() and value.isdigit() else None


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)  # "-0000": UTC, origin unknown


def _item(it: _Node) -> FeedItem:
    enclosure = it.first("", "enclosure")
    link = None
    if enclosure is not None and it.url(enclosure.get("url")):
        length = _integer((enclosure.get("length") or "").strip())
        link = Link(it.url(enclosure.get("url")) or "", (enclosure.get("type") or "").strip(), length or None)
    guid_element = it.first("", "guid")
    guid = (guid_element.text or "").strip() if guid_element is not None else ""
    permalink = guid_element is not None and (guid_element.get("isPermaLink") or "true").strip().lower() == "true"
    season = it.first(PODCAST, "season")
    psc = it.first(PSC, "chapters")
    keywords = it.text(ITUNES, "keywords") or ""
    return FeedItem(
        guid=guid or (link.url if link else ""),  # apps fall back to the enclosure URL
        guid_permalink=bool(guid) and permalink and guid.lower().startswith(("http://", "https://")),
        title=it.text("", "title") or it.text(ITUNES, "title") or "",
        date=_date(it.text("", "pubDate")),
        date_text=it.text("", "pubDate") or "",
        number=_integer(it.text(ITUNES, "episode")) or _integer(it.text(PODCAST, "episode")),
        season=_integer(it.text(ITUNES, "season")) or _integer(season.text.strip() if season is not None and season.text else None),
        season_name=(season.get("name") or "").strip() or None if season is not None else None,
        type=it.text(ITUNES, "episodeType"),
        explicit=_explicit(it.text(ITUNES, "explicit")),
        description=it.text("", "description") or it.text(ITUNES, "summary"),
        notes=it.text(CONTENT, "encoded"),
        keywords=tuple(k.strip() for k in keywords.split(",") if k.strip()),
        people=_people(it),
        image=it.url(it.attr(ITUNES, "image", "href")),
        enclosure=link,
        transcripts=tuple(Link(it.url(t.get("url")) or "", (t.get("type") or "").strip().lower())
                          for t in it.all(PODCAST, "transcript") if it.url(t.get("url"))),
        chapters=Link(it.url(it.attr(PODCAST, "chapters", "url")) or "", it.attr(PODCAST, "chapters", "type") or "")
        if it.attr(PODCAST, "chapters", "url") else None,
        psc_chapters=tuple(((c.get("start") or "").strip(), (c.get("title") or "").strip(), it.url(c.get("href")))
                           for c in (psc.findall(f"{{{PSC}}}chapter") if psc is not None else [])),
        line=it.element.sourceline or 0,
    )
