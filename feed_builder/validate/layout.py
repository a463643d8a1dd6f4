"""An item's layout as a regular expression that matches only items no item rule can fault.

Feeds are written by programs, so their items share a few layouts: the same
children, in the same order, with the same attributes. `compile_layout` turns
one parsed item into a pattern over the raw bytes of the document. Where an
item rule reads a value, the pattern admits only values that rule accepts
(and captures what the facts need); every other child is skipped whole.
Python's regex engine then reads a typical item in C, a few times faster than
visiting its elements through lxml.

The pattern is stricter than the rules: an item that does not match is simply
left to them. Soundness rests on the document being well-formed (lxml parsed
it first): outside CDATA, comments and processing instructions every "<"
starts markup, so a pattern that consumes only whole, balanced elements
matches an item from its start tag to its own end tag or not at all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from . import namespaces as ns
from .rules.p20_spec import CHAPTERS_TYPE, PERSON_ROLES, TRANSCRIPT_TYPES
from .values import DAYS, MONTHS

S = rb"[ \t\r\n]"  # XML white space; \s would also admit \f and \v
CDATA = rb"<!\[CDATA\[(?:[^\]]++|\](?!\]>))*+\]\]>"
COMMENT = rb"<!--(?:[^-]++|-(?!->))*+-->"
PI = rb"<\?(?:[^?]++|\?(?!>))*+\?>"
_ATTRIBUTE = rb"(?!xmlns)[^ \t\r\n=/>]++" + S + rb"*+=" + S + rb"""*+(?:"[^"]*+"|'[^']*+')"""
ANY_ATTRIBUTES = rb"(?:" + S + rb"++" + _ATTRIBUTE + rb")*+" + S + rb"*+"  # never a namespace declaration
_ANY_TEXT = rb"[^<]*+"
# Text or one CDATA section, captured in one of two groups (CDATA content is taken literally).
_TEXT = rb"(?:<!\[CDATA\[((?:[^\]]++|\](?!\]>))*+)\]\]>|([^<]*+))"

def _words(values, flags: bytes = b"") -> bytes:
    return rb"(?" + flags + rb":" + rb"|".join(re.escape(v.encode()) for v in sorted(values)) + rb")"


# Value patterns. Each admits a subset of what the rule for that value accepts.
_URL_CHARS = rb"(?:[^ \t\r\n\"<&]++|&amp;)"  # query strings join parameters with &amp;
_WEB_URL = rb"https?://[^ \t\r\n/?#\"<&]++(?:[/?#]" + _URL_CHARS + rb"*+)?"
_HTTPS_URL = rb"https://" + _URL_CHARS + rb"++"
_MIME = rb"[A-Za-z0-9.+-]++/[A-Za-z0-9.+-]++"
_POSITIVE = rb"0*+[1-9][0-9]*+"
_DAYS = _words(DAYS)
_MONTHS = _words(MONTHS)
_ZONES = rb"[+-](?:[01][0-9]|2[0-3])[0-5][0-9]|GMT|UT|[ECMP][SD]T"
# weekday, day, month and year captured; the time and zone need no more than the pattern
_DATE = (rb"(?:(" + _DAYS + rb")," + S + rb"*+)?([0-9]{1,2})" + S + rb"++(" + _MONTHS + rb")" + S
         + rb"++([0-9]{4})" + S + rb"++(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?" + S
         + rb"++(?:" + _ZONES + rb")")


@dataclass(frozen=True)
class Value:
    """How a layout treats one text or attribute value: its pattern, and whether the facts need it."""

    pattern: bytes
    captured: bool = True


_GENERIC_TEXT = Value(_TEXT)
_GENERIC_ATTRIBUTE = Value(rb"[^\"]*+", captured=False)
_ANY_ATTRIBUTE_VALUE = Value(rb"([^\"]*+)")


def _text(pattern: bytes, captured: bool = True) -> Value:
    """A node value: white space around it is allowed, as the rules strip it."""
    return Value(S + (rb"*+(" if captured else rb"*+(?:") + pattern + rb")" + S + rb"*+", captured)


@dataclass(frozen=True)
class Field:
    """What the rules read from one child tag: its node value, its attributes, which attributes
    must be present, and whether the tag may repeat."""

    text: Value | None = None  # None: content not read, but no child elements either
    attributes: tuple[tuple[str, Value], ...] = ()
    required: tuple[str, ...] = ()
    repeats: bool = False


_CAST = PERSON_ROLES["cast"]
FIELDS: dict[str, Field] = {
    "title": Field(_GENERIC_TEXT),
    "description": Field(_GENERIC_TEXT),
    ns.itunes("summary"): Field(_GENERIC_TEXT),
    "guid": Field(_GENERIC_TEXT, (("isPermaLink", Value(rb"(true|false)")),)),
    "pubDate": Field(Value(S + rb"*+" + _DATE + S + rb"*+")),
    "enclosure": Field(None, (("url", Value(rb"(" + _WEB_URL + rb")")), ("length", Value(rb"([0-9]++)")),
                              ("type", Value(rb"(" + _MIME + rb")"))), required=("url", "length", "type")),
    ns.itunes("image"): Field(None, (("href", _ANY_ATTRIBUTE_VALUE),)),
    ns.itunes("explicit"): Field(_text(rb"true|false", captured=False)),
    ns.itunes("episodeType"): Field(_text(rb"full|trailer|bonus")),
    ns.itunes("episode"): Field(_text(_POSITIVE)),
    ns.itunes("season"): Field(_text(_POSITIVE)),
    ns.itunes("duration"): Field(_text(rb"[0-9]++|(?:[0-9]++:)?[0-5]?[0-9]:[0-5][0-9]")),
    ns.podcast("transcript"): Field(None, (("url", Value(rb"(" + _HTTPS_URL + rb")")),
                                           ("type", Value(rb"(" + _words(TRANSCRIPT_TYPES) + rb")"))),
                                    required=("url", "type"), repeats=True),
    ns.podcast("chapters"): Field(None, (("url", Value(rb"(" + _HTTPS_URL + rb")")),
                                         ("type", Value(rb"(" + re.escape(CHAPTERS_TYPE.encode()) + rb")"))),
                                  required=("url", "type")),
    ns.podcast("person"): Field(
        _text(rb"[^<&\t\r\n ][^<&]*?"),  # the 128-character limit is checked on the decoded name
        (("href", Value(_HTTPS_URL, False)), ("img", Value(_HTTPS_URL, False)),
         ("group", Value(S + rb"*+(?i:cast)" + S + rb"*+", False)),
         ("role", Value(S + rb"*+" + _words(_CAST, b"i") + S + rb"*+", False))),
        repeats=True),
    ns.podcast("season"): Field(_text(rb"[0-9]++", captured=False), (("name", Value(rb"[^\"<&]{0,128}+", False)),)),
    ns.podcast("episode"): Field(_text(rb"[0-9]++", captured=False), (("display", Value(rb"[^\"<&]{0,32}+", False)),)),
}
_PODCAST = "{" + ns.PODCAST + "}"
REQUIRED_CHILDREN = frozenset({"enclosure", "guid"})  # without them an item always has a finding


@dataclass(frozen=True)
class Slot:
    """Where a layout keeps one occurrence of a field: the groups of its values, and an empty
    group at the end of its start tag, where lxml takes an element's line from."""

    tag: str
    values: tuple[tuple[str, range], ...]  # (attribute name, or "" for the node value; its groups)
    mark: int


@dataclass(frozen=True)
class Layout:
    pattern: bytes
    groups: int
    mark: int  # the end of the item's start tag
    slots: tuple[Slot, ...]
    tags: frozenset[str]  # Clark names of the item's children, for the namespace rules


def _qname(el: etree._Element) -> bytes | None:
    local = el.tag.rpartition("}")[2]
    if (el.prefix is None and el.tag != local) or ":" in local:
        return None  # a default namespace, or an undeclared prefix: the raw name does not say which
    return re.escape(((el.prefix + ":") if el.prefix else "").encode() + local.encode())


def _skip(qname: bytes) -> bytes:
    """Any element of that name, whatever it holds, up to its end tag."""
    content = rb"(?:[^<]++|" + CDATA + rb"|" + COMMENT + rb"|" + PI + rb"|<(?!/" + qname + S + rb"*+>))*+"
    return rb"<" + qname + ANY_ATTRIBUTES + rb"(?:/>|>" + content + rb"</" + qname + S + rb"*+>)"


class _Builder:
    def __init__(self) -> None:
        self.groups = 0
        self.slots: list[Slot] = []

    def value(self, value: Value) -> tuple[bytes, range]:
        first = self.groups + 1
        self.groups += re.compile(value.pattern).groups
        return value.pattern, range(first, self.groups + 1)

    def mark(self) -> tuple[bytes, int]:
        self.groups += 1
        return rb"()", self.groups

    def field(self, el: etree._Element, qname: bytes, field: Field) -> bytes | None:
        names = el.keys()
        if len(el) or any(name.startswith("{") for name in names) or not set(field.required) <= set(names):
            return None
        specs = dict(field.attributes)
        parts, values = [rb"<" + qname], []
        for name in names:
            pattern, groups = self.value(specs.get(name, _GENERIC_ATTRIBUTE))
            parts.append(S + rb"++" + re.escape(name.encode()) + S + rb"*+=" + S + rb"*+\"" + pattern + rb"\"")
            if name in specs and specs[name].captured:  # else the pattern alone settles the value
                values.append((name, groups))
        mark, mark_group = self.mark()
        parts.append(S + rb"*+" + mark)
        if field.text is None:
            parts.append(rb"(?:/>|>" + _ANY_TEXT + rb"</" + qname + S + rb"*+>)")
        else:
            pattern, groups = self.value(field.text)
            # A value the rules test must be there; a blank generic text may be written <tag/>.
            empty = rb"/>|" if field.text is _GENERIC_TEXT else b""
            parts.append(rb"(?:" + empty + rb">" + pattern + rb"</" + qname + S + rb"*+>)")
            if field.text.captured:
                values.append(("", groups))
        self.slots.append(Slot(el.tag, tuple(values), mark_group))
        return b"".join(parts)


def compile_layout(item: etree._Element) -> Layout | None:
    """The pattern of items laid out like `item`, or None when the rules must see such items."""
    builder = _Builder()
    item_mark, item_group = builder.mark()
    parts = [rb"<item" + ANY_ATTRIBUTES + rb">" + item_mark]
    seen: set[str] = set()
    for child in item.iterchildren():
        if not isinstance(child.tag, str):
            return None  # a comment or processing instruction between children
        qname = _qname(child)
        field = FIELDS.get(child.tag)
        if qname is None or (child.tag in seen and field is not None and not field.repeats):
            return None
        if field is None and child.tag.startswith(_PODCAST):
            return None  # other podcast: tags have rules of their own
        seen.add(child.tag)
        part = _skip(qname) if field is None else builder.field(child, qname, field)
        if part is None:
            return None
        parts.append(S + rb"*+" + part)
    if not REQUIRED_CHILDREN <= seen:
        return None  # the rules fault every such item
    parts.append(S + rb"*+</item" + S + rb"*+>")
    return Layout(b"".join(parts), builder.groups, item_group, tuple(builder.slots), frozenset(seen))
