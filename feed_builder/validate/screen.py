"""Items proven clean by their layout, so that the item rules run only on the others.

Running every item check on every item visits each child several times
through lxml's per-access proxies; on a 10,000-item feed that cost three to
seven parses. `scan` reads only the raw bytes, so it runs while lxml parses
the same bytes in another thread: it compiles the layouts of the first items
(see layout.py), matches every item against them in one regex pass, finishes
the few checks a pattern cannot express (weekday, future date, enclosure type
against its extension) and builds the Episode facts of each item no item rule
could fault. `pair` then hands those facts to the walk over the tree; every
other item goes through the rules, which decide and word the findings. Tests
compare both paths on every case feed and on near-miss mutations.

Lines are counted in the bytes. They equal lxml's, except that past line
65,535 libxml2 reports some elements a line late; the counted ones are right.
"""
from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, datetime, timedelta
from typing import NamedTuple

from lxml import etree

from . import namespaces as ns
from .document import Episode, Link
from .layout import CDATA, COMMENT, PI, Layout, compile_layout
from .rules import apple, consistency, podcasting20, rss
from .rules.apple import ENCLOSURE_TYPES, IMAGE_EXTENSIONS
from .values import DAYS, MONTHS, duration_seconds, is_web_url, url_extension
from .xmlparse import safe_parser_options

# The item checks whose every finding the screen rules out; the engine runs any other on all items.
SCREENED = frozenset({rss.item_core, rss.item_enclosure, consistency.future_date, apple.item_tags,
                      podcasting20.item_tags})

# NamedTuple's own __new__ is a Python function; for the few tuples of every item, the tuple's
# constructor itself, with every field given, costs a third as much.
_new = tuple.__new__
# Bytes that are not UTF-8 fail lxml's parse, which discards the scan; decoding them must not raise.
_LENIENT = "replace"
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
    text = raw.decode(errors=_LENIENT)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if attribute and ("\n" in text or "\t" in text):
        text = text.replace("\n", " ").replace("\t", " ")
    return _ENTITY.sub(_entity, text) if "&" in text and not cdata else text


class _Reader(NamedTuple):
    """Which groups of the combined pattern one layout needs (`groups`, fetched in one call) and
    where each value sits in the tuple they come back in (None: the layout has no such child);
    `marks`, the groups whose start is a line wanted, in document order, and where each is in it."""

    groups: tuple[int, ...]
    marks: tuple[int, ...]
    title: int | None  # generic text: CDATA, then plain text in the next position
    description: int | None
    summary: int | None
    guid: int | None
    permalink: int | None
    date: int | None  # weekday, day, month, year
    enclosure: tuple[int, int, int, int]  # url, length, type; its line in `marks`
    image: tuple[int, int] | None  # href, line
    episode_type: int | None
    episode: int | None
    season: int | None
    duration: int | None
    transcripts: tuple[tuple[int, int, int], ...]  # url, type, line
    chapters: tuple[int, int, int] | None
    persons: tuple[int, ...]


_LINKED = frozenset({"enclosure", ns.itunes("image"), ns.podcast("transcript"), ns.podcast("chapters")})


def _reader(layout: Layout, offset: int) -> _Reader:
    """`offset`: the number of the layout's own wrapping group, which its groups count from."""
    groups: list[int] = []
    marks = [offset + layout.mark]
    found: dict[str, list[tuple[dict[str, int], int]]] = {}
    for slot in layout.slots:
        at = {}
        for name, numbers in slot.values:
            at[name] = len(groups)
            groups.extend(offset + number for number in numbers)
        if slot.tag in _LINKED:
            marks.append(offset + slot.mark)
        found.setdefault(slot.tag, []).append((at, len(marks) - 1))

    def one(tag: str, name: str = "") -> int | None:
        return found[tag][0][0].get(name) if tag in found else None

    def links(tag: str) -> list[tuple[int, int, int]]:
        return [(at["url"], at["type"], line) for at, line in found.get(tag, ())]

    enclosure, enclosure_line = found["enclosure"][0]
    image = found.get(ns.itunes("image"))
    if image and "href" not in image[0][0]:
        image = None  # <itunes:image/> without href: no rule reads it, no link comes of it
    chapters = links(ns.podcast("chapters"))
    return _Reader(
        tuple(groups), tuple(marks), one("title"), one("description"), one(ns.itunes("summary")), one("guid"),
        one("guid", "isPermaLink"), one("pubDate"),
        (enclosure["url"], enclosure["length"], enclosure["type"], enclosure_line),
        (image[0][0]["href"], image[0][1]) if image else None,
        one(ns.itunes("episodeType")), one(ns.itunes("episode")), one(ns.itunes("season")),
        one(ns.itunes("duration")), tuple(links(ns.podcast("transcript"))), chapters[0] if chapters else None,
        tuple(at[""] for at, _ in found.get(ns.podcast("person"), ())),
    )


def _text(raw: bytes | None, cdata: bool = False) -> str:
    """Stripped text as lxml would give it; the common plain case without a second pass."""
    if raw is None:
        return ""
    text = raw.decode(errors=_LENIENT)
    return (_decode(raw, cdata=cdata) if "&" in text or "\r" in text else text).strip()


def _url(raw: bytes) -> str:
    """A URL the layout admitted: no white space, and &amp; its only reference."""
    text = raw.decode(errors=_LENIENT)
    return text.replace("&amp;", "&") if "&" in text else text


def _generic(v: tuple, index: int | None) -> str | None:
    """A generic text value (CDATA at `index`, else plain text after it); None when there is no such child."""
    if index is None:
        return None
    cdata = v[index]
    return _text(cdata, cdata=True) if cdata is not None else _text(v[index + 1])


def _long(v: tuple, index: int | None) -> bool:
    return index is not None and len(v[index] or v[index + 1] or b"") > _MAX_DESCRIPTION


class Scan(NamedTuple):
    """Per <item> start in the bytes, in document order: its facts if no item rule can fault it."""

    items: list[Episode | None]
    tags: frozenset[str]  # the children's tags of the items cleared


class _Months(dict):
    """(year, month) as written -> (ordinal of its first day, its length); None for year 0."""

    def __missing__(self, key: tuple[bytes, bytes]) -> tuple[int, int] | None:
        year, month = int(key[0]), _MONTHS[key[1]]
        self[key] = value = (date(year, month, 1).toordinal(), monthrange(year, month)[1]) if year else None
        return value


class _Scanner:
    def __init__(self, data: bytes, layouts: list[Layout], now: datetime) -> None:
        parts, self.readers = [CDATA, COMMENT, PI], {}
        groups = 0
        for k, layout in enumerate(layouts):
            parts.append(b"(?P<L%d>" % k + layout.pattern + b")")
            self.readers[f"L{k}"] = (layout, _reader(layout, groups + 1))  # after the groups before it
            groups += 1 + layout.groups
        parts.append(rb"(?P<item><item(?=[ \t\r\n/>]))")
        self.lexer = re.compile(b"|".join(parts))
        self.data = data
        self.recent = (now - timedelta(days=2)).toordinal()  # no time zone moves an earlier day past `now`
        self.months = _Months()
        self.pos, self.line = 0, 1

    def scan(self) -> Scan:
        found: list[Episode | None] = []
        used: set[str] = set()
        for m in self.lexer.finditer(self.data):
            kind = m.lastgroup
            if kind == "item":
                found.append(None)
            elif kind is not None:
                episode = self.episode(m, self.readers[kind][1])
                if episode is not None:
                    used.add(kind)
                found.append(episode)
        return Scan(found, frozenset().union(*(self.readers[kind][0].tags for kind in used)))

    def date_ok(self, v: tuple, index: int) -> bool:
        weekday, day, month, year = v[index:index + 4]
        known = self.months[year, month]
        if known is None:
            return False
        first, length = known
        number = int(day)
        ordinal = first + number - 1
        return 1 <= number <= length and ordinal < self.recent and \
            (weekday is None or _DAYS[(ordinal + 6) % 7] == weekday)  # ordinal 1 was a Monday

    def lines(self, m: re.Match, marks: tuple[int, ...]) -> list[int]:
        """Counted on from the last line asked for: matches and their marks come in document order."""
        count, start = self.data.count, m.start
        pos, line, found = self.pos, self.line, []
        for mark in marks:
            at = start(mark)
            line += count(b"\n", pos, at)
            pos = at
            found.append(line)
        self.pos, self.line = pos, line
        return found

    def episode(self, m: re.Match, r: _Reader) -> Episode | None:
        v = m.group(*r.groups)
        title, guid = _generic(v, r.title), _generic(v, r.guid)
        if not guid or not (title or _generic(v, r.description)):
            return None
        if (r.permalink is None or v[r.permalink] == b"true") and not is_web_url(guid):
            return None
        if r.date is not None and not self.date_ok(v, r.date):
            return None
        if _long(v, r.description) or _long(v, r.summary):
            return None
        u, n, t, enclosure_line = r.enclosure
        url, mime = _url(v[u]), v[t].decode(errors=_LENIENT)
        if mime.lower() not in ENCLOSURE_TYPES.get(url_extension(url), ()):
            return None
        for person in r.persons:
            if len(_text(v[person])) > _MAX_PERSON:
                return None
        image = None
        if r.image:
            image = _decode(v[r.image[0]], attribute=True).strip() or None
            if image and url_extension(image) not in IMAGE_EXTENSIONS:
                return None

        lines = self.lines(m, r.marks)
        links = [_new(Link, (_url(v[u]), lines[line], "transcript", v[t].decode(errors=_LENIENT)))
                 for u, t, line in r.transcripts]
        if r.chapters:
            u, t, line = r.chapters
            links.append(_new(Link, (_url(v[u]), lines[line], "chapters", v[t].decode(errors=_LENIENT))))
        if image and r.image:
            links.append(_new(Link, (image, lines[r.image[1]], "image", None)))
        duration = v[r.duration] if r.duration is not None else None
        return _new(Episode, (
            lines[0], title, guid, _new(Link, (url, lines[enclosure_line], "enclosure", mime)), int(v[n]),
            duration_seconds(duration.decode(errors=_LENIENT)) if duration else None,
            v[r.season].decode(errors=_LENIENT) if r.season is not None else None,
            v[r.episode].decode(errors=_LENIENT) if r.episode is not None else None,
            v[r.episode_type].decode(errors=_LENIENT) if r.episode_type is not None else None, tuple(links),
        ))


_SAMPLES = 3  # items whose layouts are compiled
_SAMPLE_BYTES = 1 << 20  # how far into the document to look for them


def _samples(data: bytes) -> list[etree._Element]:
    """The first items, parsed from the start of the document while the whole is being parsed."""
    parser = etree.XMLPullParser(events=("end",), tag="item", **safe_parser_options())
    found: list[etree._Element] = []
    try:
        for start in range(0, min(len(data), _SAMPLE_BYTES), 1 << 16):
            parser.feed(data[start:start + (1 << 16)])
            found += [el for _, el in parser.read_events()]
            if len(found) >= _SAMPLES:
                break
    except etree.XMLSyntaxError:
        pass  # the parse proper reports it
    return [] if parser.error_log else found[:_SAMPLES]  # e.g. an undeclared prefix: no safe layout


def scan(data: bytes, now: datetime) -> Scan | None:
    """The items of the raw (UTF-8) document that no item rule can fault; None when no layout fits."""
    layouts = list({layout.pattern: layout for layout in map(compile_layout, _samples(data)) if layout}.values())
    return _Scanner(data, layouts, now).scan() if layouts else None


def pair(scanned: Scan, items: list[etree._Element], serial: bool, tags: set[str]) -> list[Episode | None] | None:
    """The scan's facts per channel item, or None when its items are not the channel's.

    Every <item> start outside CDATA and comments is an item element: if there are as many as the
    channel has items, none lies elsewhere and the n-th start is the n-th item. Serial shows are
    decided here, as only the tree says which type the show is."""
    if len(scanned.items) != len(items):
        return None
    tags |= scanned.tags
    if not serial:
        return scanned.items
    return [None if e is not None and e.episode is None and e.episode_type in (None, "full") else e
            for e in scanned.items]
