"""feedgen extensions for what feedgen lacks: the Podcasting 2.0 `podcast:` namespace, Podlove
Simple Chapters, and Apple's current `itunes:explicit` values (feedgen only writes yes/no/clean).

feedgen's contract (see feedgen/ext/podcast.py): a feed-level and an entry-level class, registered
with `register_extension`; `extend_ns` declares our prefixes on <rss> once, so lxml never invents
`ns0:` prefixes that apps matching `podcast:` literally would miss. The name `podcast` is taken by
feedgen's iTunes extension, hence `podcast_index`.

`podcast:` is declared on <rss>: the channel itself uses it. `psc:` is declared on each
`psc:chapters`, not on <rss>: only items with chapters use it, and an item is rendered once and then
spliced into every channel it is published in (each feed page, each validator batch), so only the
item itself knows whether it needs the declaration, and an unused one is a W3C validator warning.
"""
from __future__ import annotations

from dataclasses import dataclass

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from lxml import etree

from feed_builder.core.model import Person
from feed_builder.site.settings import PodrollEntry

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PSC_NS = "http://podlove.org/simple-chapters"
ATOM_NS = "http://www.w3.org/2005/Atom"
NAMESPACES = {"podcast": PODCAST_NS}  # ours on <rss>; psc: on each psc:chapters (see above)


@dataclass(frozen=True)
class TranscriptLink:
    url: str
    type: str
    language: str
    captions: bool


@dataclass(frozen=True)
class AlternateEnclosure:
    """One rendition for `podcast:alternateEnclosure`; `default` marks the one in <enclosure>."""

    url: str
    type: str
    length: int
    bitrate: int  # bits per second
    title: str
    default: bool = False


@dataclass(frozen=True)
class PscChapter:
    start: str
    title: str
    href: str | None = None
    image: str | None = None


@dataclass(frozen=True)
class ChannelExtras:
    guid: str
    explicit: bool
    medium: str
    locked_owner: str | None
    funding: tuple[tuple[str, str], ...] = ()
    people: tuple[Person, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (rel, href): RFC 5005 paging
    podroll: tuple[PodrollEntry, ...] = ()  # the site lists the same entries
    hubs: tuple[str, ...] = ()  # WebSub hubs that deploy pings: only those are advertised
    podping: bool = False


@dataclass(frozen=True)
class ItemExtras:
    explicit: bool
    season: tuple[int, str | None] | None = None
    episode: int | None = None
    transcripts: tuple[TranscriptLink, ...] = ()
    chapters_url: str | None = None
    psc_chapters: tuple[PscChapter, ...] = ()
    people: tuple[Person, ...] = ()
    alternates: tuple[AlternateEnclosure, ...] = ()


def _el(parent, ns: str, tag: str, text: str | None = None, **attrs: str | None):
    element = etree.SubElement(parent, f"{{{ns}}}{tag}")
    for key, value in attrs.items():
        if value is not None:
            element.attrib[key] = value
    if text is not None:
        element.text = text
    return element


def _people(parent, people: tuple[Person, ...]) -> None:
    for p in people:
        _el(parent, PODCAST_NS, "person", p.name, role=p.role, group=p.group, href=p.href, img=p.img)


def _explicit(parent, explicit: bool) -> None:
    _el(parent, ITUNES_NS, "explicit", "true" if explicit else "false")


class Podcast_indexExtension(BaseExtension):  # noqa: N801 (feedgen derives the class name)
    def __init__(self) -> None:
        self.extras: ChannelExtras | None = None

    def extend_ns(self) -> dict[str, str]:
        return dict(NAMESPACES)

    def extend_rss(self, rss_feed):
        channel = rss_feed[0]
        x = self.extras
        if x is None:
            return rss_feed
        for rel, href in x.links:
            _el(channel, ATOM_NS, "link", rel=rel, href=href, type="application/rss+xml")
        for hub in x.hubs:
            _el(channel, ATOM_NS, "link", rel="hub", href=hub)
        _explicit(channel, x.explicit)
        _el(channel, PODCAST_NS, "guid", x.guid)
        _el(channel, PODCAST_NS, "medium", x.medium)
        if x.locked_owner is not None:
            _el(channel, PODCAST_NS, "locked", "yes", owner=x.locked_owner)
        for url, text in x.funding:
            _el(channel, PODCAST_NS, "funding", text, url=url)
        _people(channel, x.people)
        if x.podroll:
            podroll = _el(channel, PODCAST_NS, "podroll")
            for p in x.podroll:
                _el(podroll, PODCAST_NS, "remoteItem", feedGuid=p.feed_guid, feedUrl=p.feed_url, title=p.title)
        if x.podping:
            _el(channel, PODCAST_NS, "podping", usesPodping="true")
        return rss_feed


class Podcast_indexEntryExtension(BaseEntryExtension):  # noqa: N801
    def __init__(self) -> None:
        self.extras: ItemExtras | None = None

    def extend_rss(self, item):
        x = self.extras
        if x is None:
            return item
        _explicit(item, x.explicit)
        if x.season is not None:
            number, name = x.season
            _el(item, PODCAST_NS, "season", str(number), name=name)
        if x.episode is not None:
            _el(item, PODCAST_NS, "episode", str(x.episode))
        for t in x.transcripts:
            _el(item, PODCAST_NS, "transcript", url=t.url, type=t.type, language=t.language,
                rel="captions" if t.captions else None)
        if x.chapters_url:
            _el(item, PODCAST_NS, "chapters", url=x.chapters_url, type="application/json+chapters")
        _people(item, x.people)
        for a in x.alternates:
            alternate = _el(item, PODCAST_NS, "alternateEnclosure", type=a.type, length=str(a.length),
                            bitrate=str(a.bitrate), default="true" if a.default else None, title=a.title)
            _el(alternate, PODCAST_NS, "source", uri=a.url)
        if x.psc_chapters:
            chapters = etree.SubElement(item, f"{{{PSC_NS}}}chapters", nsmap={"psc": PSC_NS}, version="1.2")
            for c in x.psc_chapters:
                _el(chapters, PSC_NS, "chapter", start=c.start, title=c.title, href=c.href, image=c.image)
        return item
