"""Parse untrusted feed bytes once, safely, and report why a document is unusable.

Nothing here touches the network or the file system: external entities and
DTDs are never loaded, a DOCTYPE that declares entities is refused before
libxml2 sees it (XXE, "billion laughs"), the size is capped before parsing and
the nesting depth is capped by libxml2 (256 levels without XML_PARSE_HUGE) and the number of
elements is capped before the tree is built.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .findings import Severity
from .registry import Hit, Source, define

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_ELEMENTS = 500_000

TOO_LARGE = define(
    "xml-too-large", Severity.ERROR, Source.SECURITY, "Document exceeds the size cap",
    """Feeds are untrusted input. Documents above the cap (50 MB by default,
    `--max-bytes`) are not parsed at all, so a hostile or runaway feed cannot
    exhaust memory.""",
)
ENTITY_DECL = define(
    "xml-entity-declaration", Severity.ERROR, Source.SECURITY, "DOCTYPE declares entities",
    """Entity declarations are how XXE (reading local files or URLs through
    external entities) and "billion laughs" (exponential entity expansion)
    attacks work. No podcast feed needs them, apps refuse them, and the
    document is not parsed.""",
)
DOCTYPE = define(
    "xml-doctype", Severity.WARNING, Source.SECURITY, "DOCTYPE present; DTD ignored",
    """RSS 2.0 has no DTD. An external DTD (e.g. the old Netscape RSS 0.91 one)
    is never fetched, so whatever it would define is not available to apps
    either.""",
)
WELL_FORMED = define(
    "xml-well-formed", Severity.ERROR, Source.XML, "Document is not well-formed XML",
    """A feed that is not well-formed XML is rejected by Apple Podcasts and by
    every strict XML parser; lenient apps guess and show garbage. Each error
    the parser reports is listed with its line.""",
)
ENCODING = define(
    "xml-encoding", Severity.ERROR, Source.APPLE, "Document is not UTF-8",
    """Apple Podcasts requires UTF-8. Other encodings, a UTF-16 byte order mark
    or bytes that are not valid UTF-8 make titles unreadable in many apps.""",
)
FORBIDDEN_CHAR = define(
    "xml-forbidden-char", Severity.ERROR, Source.XML, "Character that XML 1.0 forbids",
    """XML 1.0 allows only #x9, #xA, #xD, #x20-#xD7FF, #xE000-#xFFFD and
    #x10000-#x10FFFF. Control characters (often pasted from word processors)
    make the whole feed unparseable. Each stretch of text between two tags that
    holds them is reported once, with their count and where the first one is;
    the rest of the feed is then checked as if they were removed.""",
)
TOO_DEEP = define(
    "xml-too-deep", Severity.ERROR, Source.SECURITY, "Elements nested too deeply",
    """Nesting is capped at 256 levels (libxml2's limit without XML_PARSE_HUGE)
    to protect against stack and memory exhaustion; no feed needs more than a
    handful.""",
)
TOO_MANY = define(
    "xml-too-many-elements", Severity.ERROR, Source.SECURITY, "Document holds too many elements",
    """Every element costs memory in the parsed tree and time in every rule, so
    fifty megabytes of `<item/>` would take gigabytes and minutes. Documents
    with more elements than the cap (500,000 by default, `--max-elements`) are
    not checked. A full episode takes about twenty elements, so the default
    admits some 25,000 episodes.""",
)
UNDECLARED_PREFIX = define(
    "xml-namespace-undeclared", Severity.ERROR, Source.XML, "Namespace prefix is not declared",
    """A prefix such as `itunes:` must be bound with `xmlns:itunes="..."`.
    Strict parsers reject the document; apps that match namespace URIs do not
    see the element at all.""",
)

# Atomic group: once a comment or PI is matched it is never re-extended, so a miss costs O(prolog).
_PROLOG_DOCTYPE = re.compile(rb"\A(?:\xef\xbb\xbf)?(?>\s+|<\?.*?\?>|<!--.*?-->)*(<!DOCTYPE)", re.S)
_ELEMENT_START = re.compile(rb"<[A-Za-z_:]")
_EXTERNAL_ID = re.compile(rb"<!DOCTYPE\s+[^\s\[>]+\s+(?:SYSTEM|PUBLIC)\b")
_XML_DECL_ENCODING = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)")
_FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
_FORBIDDEN_BYTES = bytes(range(0x20)).translate(None, b"\t\n\r")
_NONCHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")  # U+FFFE, U+FFFF in UTF-8
_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))
_TAG = re.compile(rb"<(/?)([^\s/>!?\x00-\x1f]+)")  # a start or end tag; not <!-- <![CDATA[ <?


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_elements: int = DEFAULT_MAX_ELEMENTS


@dataclass
class Parsed:
    """The tree (None when the document is unusable) and what parsing found."""

    root: etree._Element | None
    hits: list[Hit] = field(default_factory=list)


def _line_of(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def _prolog(data: bytes) -> tuple[list[Hit], bytes | None]:
    """DOCTYPE and encoding checks on raw bytes; returns the bytes to parse, or None to refuse.

    A DOCTYPE without entity declarations is blanked out (newlines kept, so
    line numbers stay true): with entity resolution off libxml2 would still
    try to fetch an external DTD."""
    hits: list[Hit] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [(ENCODING, 1, "document is UTF-16 (byte order mark); use UTF-8")], data
    declared = _XML_DECL_ENCODING.match(data)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        hits.append((ENCODING, 1, f"declared encoding {declared.group(1).decode()!r}; use UTF-8"))
    doctype = _PROLOG_DOCTYPE.match(data)
    if doctype is None:
        return hits, data
    start = doctype.start(1)
    root_start = _ELEMENT_START.search(data, start + 9)
    region = data[start : root_start.start() if root_start else len(data)]
    line = _line_of(data, start)
    if b"<!ENTITY" in region:
        hits.append((ENTITY_DECL, line, "DOCTYPE declares entities; document refused unparsed"))
        return hits, None
    detail = "external DTD not loaded" if _EXTERNAL_ID.match(region) else "internal DTD ignored"
    hits.append((DOCTYPE, line, f"DOCTYPE in a feed; {detail}"))
    blank = bytes(b if b == 0x0A else 0x20 for b in region)
    return hits, data[:start] + blank + data[start + len(region):]


def _count_forbidden(text: bytes) -> int:
    return len(text) - len(text.translate(None, _FORBIDDEN_BYTES)) + sum(text.count(c) for c in _NONCHARACTERS)


def _without_forbidden(data: bytes) -> bytes:
    data = data.translate(None, _FORBIDDEN_BYTES)
    for character in _NONCHARACTERS:
        data = data.replace(character, b"")
    return data


def _field(data: bytes, start: int, floor: int) -> str | None:
    """What holds the text at `start`, named by the last tag after `floor`; None if no tag is there."""
    pos = data.rfind(b"<", floor, start)
    while pos >= 0:
        tag = _TAG.match(data, pos)
        if tag is not None:
            name = tag.group(2).decode("utf-8", "replace")
            if tag.group(1):
                return f"text after </{name}>"
            close = data.find(b">", tag.end(), start)
            return f"text after <{name}/>" if close > 0 and data[close - 1] == ord("/") else f"<{name}>"
        pos = data.rfind(b"<", floor, pos)
    return None


def _forbidden_fields(data: bytes) -> list[Hit]:
    """One hit per stretch of text between two tags that holds forbidden characters, with their
    count and the first one's line and column: a hit per character would let a few megabytes of
    control bytes become millions of findings. Lines, columns and names are found by scanning
    forward from the previous hit, never again from the start."""
    hits: list[Hit] = []
    line, column, pos = 1, 1, 0  # where the previous hit is (column in characters), then its line's start
    name = "text before the first tag"
    found = _FORBIDDEN.search(data)
    while found is not None:
        start = found.start()
        end = data.find(b"<", start)
        end = len(data) if end < 0 else end
        name = _field(data, start, pos) or name
        newlines = data.count(b"\n", pos, start)
        if newlines:
            line += newlines
            pos, column = data.rindex(b"\n", pos, start) + 1, 1
        column += len(data[pos:start].translate(None, _CONTINUATION_BYTES))
        pos = start
        count = _count_forbidden(data[start:end])
        first = ord(found.group().decode("utf-8")) if len(found.group()) > 1 else found.group()[0]
        hits.append((FORBIDDEN_CHAR, line, f"{name} contains {count:,} character{'s' if count > 1 else ''} "
                                           f"XML 1.0 forbids (first U+{first:04X} at column {column})"))
        found = _FORBIDDEN.search(data, end)
    return hits


def _parser(recover: bool, target: object = None) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        dtd_validation=False, recover=recover, collect_ids=False, target=target,
    )


class _TooMany(Exception):
    pass


class _ElementCounter:
    """A parser target that builds nothing and stops once the elements pass the cap."""

    def __init__(self, cap: int) -> None:
        self.left = cap

    def start(self, tag: str, attrib: dict[str, str], nsmap: dict[str, str] | None = None) -> None:
        self.left -= 1
        if self.left < 0:
            raise _TooMany

    def close(self) -> None:
        return None


_CDATA_SECTIONS_READ = 100_000  # far more than a feed's notes need; past it, a parser counts


def _too_many_elements(data: bytes, cap: int) -> bool:
    """Whether the document holds more than `cap` elements. Each element starts with a `<` outside
    CDATA, so one with no more of those than the cap is under it: found at the speed of
    `bytes.count` for any feed a publisher writes, HTML notes sitting in CDATA sections. Only a
    document still over is counted by a parser, as leniently as the last parse below."""
    bound = data.count(b"<")
    start, sections = data.find(b"<![CDATA["), 0
    while bound > cap and start >= 0 and sections < _CDATA_SECTIONS_READ:
        end = data.find(b"]]>", start)
        if end < 0:
            break
        bound -= data.count(b"<", start + 9, end)
        start, sections = data.find(b"<![CDATA[", end), sections + 1
    if bound <= cap:
        return False
    try:
        etree.fromstring(data, _parser(recover=True, target=_ElementCounter(cap)))
    except _TooMany:
        return True
    except etree.XMLSyntaxError:
        pass
    return False


def _classify(entry: etree._LogEntry) -> str:
    if entry.type_name == "NS_ERR_UNDEFINED_NAMESPACE":
        return UNDECLARED_PREFIX
    message = entry.message
    if "Excessive depth" in message:
        return TOO_DEEP
    if "Invalid bytes in character encoding" in message or "not proper UTF-8" in message:
        return ENCODING
    return WELL_FORMED


def parse(data: bytes, limits: Limits = Limits()) -> Parsed:
    if len(data) > limits.max_bytes:
        return Parsed(None, [(TOO_LARGE, 0, f"more than the cap of {limits.max_bytes:,} bytes; not parsed")])
    hits, parseable = _prolog(data)
    if parseable is None:
        return Parsed(None, hits)
    data = parseable
    if _too_many_elements(data, limits.max_elements):
        return Parsed(None, hits + [(TOO_MANY, 0, f"more than the cap of {limits.max_elements:,} elements; not checked")])
    try:
        return Parsed(etree.fromstring(data, _parser(recover=False)), hits)
    except etree.XMLSyntaxError:
        pass
    forbidden = _forbidden_fields(data)
    if forbidden:
        hits += forbidden
        data = _without_forbidden(data)
    parser = _parser(recover=False)
    try:
        return Parsed(etree.fromstring(data, parser), hits)
    except etree.XMLSyntaxError:
        entries = [(_classify(e), e.line, e.message.strip()) for e in parser.error_log]
    hits += entries or [(WELL_FORMED, 0, "document could not be parsed")]
    if entries and all(rule == UNDECLARED_PREFIX for rule, _, _ in entries):
        # Only namespace errors: the tree is still meaningful, so the other rules can run.
        return Parsed(etree.fromstring(data, _parser(recover=True)), hits)
    return Parsed(None, hits)
