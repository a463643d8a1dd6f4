"""Items proven clean by their layout, so that the item rules run only on the others.

Running every item check on every item visits each child several times
through lxml's per-access proxies; on a 10,000-item feed that cost three to
seven parses. `screen` matches the raw bytes against the layouts of a few
sample items (see layout.py) in one regex pass, finishes the few checks a
pattern cannot express (weekday, future date, enclosure type against its
extension), and returns an item's Episode facts when no item rule could
report anything about it. Every other item is left to the rules, which decide
and word the findings; tests compare both paths on every case feed.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import NamedTuple

from lxml import etree

from . import namespaces as ns
from .document import Episode, Link
from .layout import CDATA, COMMENT, PI, Layout, compile_layout
from .rules import apple, consistency, podcasting20, rss
from .rules.apple import _ENCLOSURE_TYPES, _IMAGE_EXTENSIONS
from .values import DAYS, MONTHS, duration_seconds, is_web_url, url_extension

# The item checks whose every finding the screen rules out; the engine runs any other on all items.
SCREENED = frozenset({rss.item_core, rss.item_enclosure, consistency.future_date, apple.item_tags,
                      podcasting20.item_tags})

_MONTHS = {name.encode(): number for name, number in MONTHS.items()}
_DAYS = tuple(day.encode() for day in DAYS)
_MAX_DESCRIPTION = 4000  # bytes; raw bytes never decode to more
_MAX_PERSON = 128  # characters
_ENTITY = re.compile(r"&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _entity(m: re.Match) -> str:
    hex_code, code, name = m.groups()
    return chr(int(hex_code, 16)) if hex_code else chr(int(code)) if code else _NAMED[name]


def _decode(raw: bytes, *, attribute: bool = False, cdata: bool = False) -> str:
    """What lxml would hand the rules for these raw bytes: line ends and, in attributes, white
    space normalized, then references replaced (XML 1.0 sections 2.11 and 3.3.3)."""
    text = raw.decode()
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if attribute and ("\n" in text or "\t" in text):
        text = text.replace("\n", " ").replace("\t", " ")
    return _ENTITY.sub(_entity, text) if "&" in text and not cdata else text


class _Reader(NamedTuple):
    """Where one layout's values sit in m.groups() of the combined pattern (None: no such child);
    m.start takes a mark's index + 1, as group numbers count from 1."""

    mark: int  # the end of the item's start tag
    title: int | None  # generic text: the CDATA group; the plain-text group follows it
    description: int | None
    summary: int | None
    guid: int | None
    permalink: int | None
    date: int | None  # weekday; day, month, year and time follow
    enclosure: tuple[int, int, int, int]  # url, length, type, mark
    image: tuple[int, int] | None  # href, mark
    episode_type: int | None
    episode: int | None
    season: int | None
    duration: int | None
    transcripts: tuple[tuple[int, int, int], ...]  # url, type, mark
    chapters: tuple[int, int, int] | None
    persons: tuple[int, ...]


def _reader(layout: Layout, offset: int) -> _Reader:
    found: dict[str, list[tuple[dict[str, int], int]]] = {}
    for slot in layout.slots:
        found.setdefault(slot.tag, []).append(({name: offset + g for name, g in slot.values}, offset + slot.mark))

    def one(tag: str, name: str = "") -> int | None:
        return found[tag][0][0].get(name) if tag in found else None

    def links(tag: str) -> list[tuple[int, int, int]]:
        return [(values["url"], values["type"], mark) for values, mark in found.get(tag, ())]

    enclosure_values, enclosure_mark = found["enclosure"][0]
    image = found.get(ns.itunes("image"))
    chapters = links(ns.podcast("chapters"))
    return _Reader(
        offset + 1, one("title"), one("description"), one(ns.itunes("summary")), one("guid"),
        one("guid", "isPermaLink"), one("pubDate"),
        (enclosure_values["url"], enclosure_values["length"], enclosure_values["type"], enclosure_mark),
        (image[0][0]["href"], image[0][1]) if image else None,
        one(ns.itunes("episodeType")), one(ns.itunes("episode")), one(ns.itunes("season")),
        one(ns.itunes("duration")), tuple(links(ns.podcast("transcript"))), chapters[0] if chapters else None,
        tuple(values[""] for values, _ in found.get(ns.podcast("person"), ())),
    )


def _text(raw: bytes | None, cdata: bool = False) -> str:
    """Stripped text as lxml would give it; the common plain case without a second pass."""
    if raw is None:
        return ""
    text = raw.decode()
    return (_decode(raw, cdata=cdata) if "&" in text or "\r" in text else text).strip()


def _generic(v: tuple, index: int | None) -> str | None:
    """A generic text value (CDATA at `index`, else plain text after it); None when there is no such child."""
    if index is None:
        return None
    cdata = v[index]
    return _text(cdata, cdata=True) if cdata is not None else _text(v[index + 1])


def _long(v: tuple, index: int | None) -> bool:
    return index is not None and len(v[index] or v[index + 1] or b"") > _MAX_DESCRIPTION


class _Screen:
    def __init__(self, data: bytes, layouts: list[Layout], now: datetime, serial: bool) -> None:
        parts, self.readers = [CDATA, COMMENT, PI], {}
        groups = 0
        for k, layout in enumerate(layouts):
            parts.append(b"(?P<L%d>" % k + layout.pattern + b")")
            self.readers[f"L{k}"] = (layout, _reader(layout, groups))  # its groups, 0-based in m.groups()
            groups += 1 + layout.groups
        parts.append(rb"(?P<item><item(?=[ \t\r\n/>]))")
        self.lexer = re.compile(b"|".join(parts))
        self.data, self.now, self.serial = data, now, serial
        self.recent = (now - timedelta(days=2)).date()  # no time zone moves an earlier day past `now`
        self.pos, self.line = 0, 1

    def line_at(self, pos: int) -> int:
        """Counted on from the previous item's start: items come in document order."""
        self.line += self.data.count(b"\n", self.pos, pos)
        self.pos = pos
        return self.line

    def episodes(self, tags: set[str]) -> list[Episode | None]:
        """Per <item> start, in document order; `tags` gets the children's tags of those cleared."""
        found: list[Episode | None] = []
        for m in self.lexer.finditer(self.data):
            kind = m.lastgroup
            if kind == "item":
                found.append(None)
            elif kind is not None:
                layout, reader = self.readers[kind]
                episode = self.episode(m, reader)
                if episode is not None:
                    tags |= layout.tags
                found.append(episode)
        return found

    def date_ok(self, v: tuple, index: int) -> bool:
        weekday, day, month, year = v[index:index + 4]
        try:
            when = date(int(year), _MONTHS[month], int(day))
        except ValueError:
            return False
        return (weekday is None or _DAYS[when.weekday()] == weekday) and when < self.recent

    def episode(self, m: re.Match, r: _Reader) -> Episode | None:
        v = m.groups()
        title, guid = _generic(v, r.title), _generic(v, r.guid)
        if not guid or not (title or _generic(v, r.description)):
            return None
        if (r.permalink is None or v[r.permalink] == b"true") and not is_web_url(guid):
            return None
        if r.date is not None and not self.date_ok(v, r.date):
            return None
        if _long(v, r.description) or _long(v, r.summary):
            return None
        u, n, t, mark = r.enclosure
        url, mime = v[u].decode(), v[t].decode()
        tail = url.rpartition("/")[2]
        extension = tail.rpartition(".")[2].lower() if "." in tail and "?" not in url and "#" not in url \
            else url_extension(url)
        if mime.lower() not in _ENCLOSURE_TYPES.get(extension, ()):
            return None
        episode_type = v[r.episode_type].decode() if r.episode_type is not None else None
        if self.serial and r.episode is None and episode_type in (None, "full"):
            return None
        if r.persons and any(len(_text(v[p])) > _MAX_PERSON for p in r.persons):
            return None
        image: str | None = None
        if r.image:
            image = _decode(v[r.image[0]], attribute=True).strip() or None
            if image and url_extension(image) not in _IMAGE_EXTENSIONS:
                return None

        # Lines as lxml counts them: where each start tag ends; children counted from their item.
        start, count = m.start, self.data.count
        at = start(r.mark + 1)
        item_line = self.line_at(at)
        enclosure = Link(url, item_line + count(b"\n", at, start(mark + 1)), "enclosure", mime)
        links = [Link(v[u].decode(), item_line + count(b"\n", at, start(mark + 1)), "transcript", v[t].decode())
                 for u, t, mark in r.transcripts]
        if r.chapters:
            u, t, mark = r.chapters
            links.append(Link(v[u].decode(), item_line + count(b"\n", at, start(mark + 1)), "chapters",
                              v[t].decode()))
        if image and r.image:
            links.append(Link(image, item_line + count(b"\n", at, start(r.image[1] + 1)), "image"))
        duration = v[r.duration] if r.duration is not None else None
        return Episode(
            item_line, title, guid, enclosure, int(v[n]), duration_seconds(duration.decode()) if duration else None,
            v[r.season].decode() if r.season is not None else None,
            v[r.episode].decode() if r.episode is not None else None,
            episode_type, tuple(links),
        )


def screen(data: bytes, items: list[etree._Element], now: datetime, serial: bool,
           tags: set[str]) -> list[Episode | None] | None:
    """Per channel item, its facts when no item rule could fault it, else None; None for all when
    the raw items cannot be paired with the parsed ones. Adds the children's tags to `tags`."""
    if not items:
        return None
    samples = dict.fromkeys((items[0], items[len(items) // 2], items[-1]))
    layouts = list({layout.pattern: layout for layout in map(compile_layout, samples) if layout}.values())
    if not layouts:
        return None
    seen: set[str] = set()
    found = _Screen(data, layouts, now, serial).episodes(seen)
    # Every <item> start outside CDATA and comments is an item element: if there are as many as the
    # channel has items, none lies elsewhere and the n-th start is the n-th item.
    if len(found) != len(items):
        return None
    tags |= seen
    return found
