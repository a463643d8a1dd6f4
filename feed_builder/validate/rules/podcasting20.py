"""Podcasting 2.0 rules: every podcast: tag checked against the table in p20_spec."""
from __future__ import annotations

import difflib
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urljoin

from lxml import etree

from .. import namespaces as ns
from ..context import Context
from ..document import FeedFacts, View, atom_link, line_of
from ..findings import Severity
from ..registry import Hit, Scope, Source, check, define
from ..values import is_email, number
from .p20_spec import CHAPTERS_TYPE, DEPRECATED, PERSON_ROLES, TAGS, TEXT, TRANSCRIPT_TYPES, TagSpec

GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

GUID = define(
    "p20-guid", Severity.WARNING, Source.P20, "podcast:guid is not the UUIDv5 of the feed URL",
    """podcast:guid is the UUIDv5 (namespace ead4c236-bf58-58c6-a2c6-a6b28d128cb6)
    of the feed URL without scheme and trailing slashes, assigned once. It is
    recomputed here from the main feed's URL: atom:link rel="first" in a paged
    feed (RFC 5005), whose archive pages carry the main feed's guid, else
    rel="self", else itunes:new-feed-url, else the URL the feed was fetched
    from. A mismatch is legitimate only after the feed moved, hence a warning;
    check it was not copied from another show.""",
)
GUID_FORMAT = define(
    "p20-guid-format", Severity.ERROR, Source.P20, "podcast:guid is not a UUIDv5",
    """The node value must be a UUID version 5 string: 36 characters, four
    hyphens. Anything else cannot be matched by apps and the Podcast Index.""",
)
PARENT = define(
    "p20-parent", Severity.ERROR, Source.P20, "podcast: tag in a place the spec does not allow",
    """Each tag has a defined parent (e.g. podcast:guid and podcast:medium only
    in <channel>, podcast:transcript only in <item>); apps do not look for it
    elsewhere.""",
)
COUNT = define(
    "p20-count", Severity.ERROR, Source.P20, "Single podcast: tag repeated",
    """Tags whose count is "single" (guid, locked, medium, chapters, season,
    episode, ...) may appear once per parent; apps use one and ignore the rest.""",
)
REQUIRED = define(
    "p20-required", Severity.ERROR, Source.P20, "Required attribute or value missing",
    """The spec marks attributes such as podcast:funding url, podcast:transcript
    url and type, podcast:chapters url and type as required, and some node
    values (podcast:person name, podcast:season number) as not blank.""",
)
VALUE = define(
    "p20-value", Severity.ERROR, Source.P20, "Value outside what the spec allows",
    """Enumerated values (podcast:medium, podcast:locked yes/no, liveItem
    status, ...), numeric values (podcast:episode is decimal, podcast:season an
    integer) and e-mail addresses (podcast:locked owner) must have the form
    the spec gives.""",
)
LENGTH = define(
    "p20-length", Severity.WARNING, Source.P20, "Text longer than the spec's limit",
    """The spec asks not to exceed a length (128 characters for funding,
    person, season name, trailer, location; 32 for episode display; 4000 for
    txt): aggregators truncate longer text.""",
)
HTTPS = define(
    "p20-https", Severity.ERROR, Source.P20, "URL is not https",
    """docs/1.0.md: "Anywhere the url of a hyper-text based resource is
    specified, it must be given as https: and not http:".""",
)
PERSON_ROLE = define(
    "p20-person-role", Severity.WARNING, Source.P20, "podcast:person role or group not in the taxonomy",
    """role and group should come from the Podcast Taxonomy Project list
    (case-insensitive), e.g. group "cast" with role "host" or "guest"; apps
    translate and group people by these values.""",
)
TRANSCRIPT_TYPE = define(
    "p20-transcript-type", Severity.WARNING, Source.P20, "Transcript type apps do not know",
    """Apps support text/plain, text/html, text/vtt, application/json and
    application/x-subrip (SRT) transcripts; others are ignored.""",
)
CHAPTERS_TYPE_RULE = define(
    "p20-chapters-type", Severity.WARNING, Source.P20, "Chapters type is not application/json+chapters",
    """The JSON chapters format is announced as type="application/json+chapters";
    apps that match the type skip other values.""",
)
UNKNOWN_TAG = define(
    "p20-unknown-tag", Severity.WARNING, Source.P20, "Unknown or deprecated podcast: tag",
    """An element in the podcast namespace that the spec does not define is
    ignored by apps; usually a misspelling (podcast:transcripts,
    podcast:Funding) or a deprecated tag.""",
)

_PREFIX = "{" + ns.PODCAST + "}"
_PREFIX_LEN = len(_PREFIX)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def guid_for_url(feed_url: str) -> str:
    """The spec's recipe: drop the scheme and trailing slashes, UUIDv5 in the podcast namespace."""
    stripped = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(GUID_NAMESPACE, stripped))


def _name(key: str) -> str:
    return "node value" if key == TEXT else f"attribute {key}"


class _Value(NamedTuple):
    """All the spec demands of one value of a tag: its node value (TEXT) or one attribute."""

    key: str
    required: bool
    https: bool
    allowed: frozenset[str] | None
    number: bool
    integer: bool
    email: bool
    max_len: int | None


def _person(el: etree._Element, hits: list[Hit]) -> None:
    group = (el.get("group") or "cast").strip().lower()
    role = (el.get("role") or "host").strip().lower()
    if group not in PERSON_ROLES:
        hits.append((PERSON_ROLE, line_of(el), f"group {el.get('group')!r} is not in the podcast taxonomy"))
    elif role not in PERSON_ROLES[group]:
        hits.append((PERSON_ROLE, line_of(el), f"role {el.get('role')!r} is not in group {group!r} of the taxonomy"))


def _transcript(el: etree._Element, hits: list[Hit]) -> None:
    mime = (el.get("type") or "").strip()
    if mime and mime not in TRANSCRIPT_TYPES:
        hits.append((TRANSCRIPT_TYPE, line_of(el), f"transcript type {mime!r} is not one apps support"))


def _chapters(el: etree._Element, hits: list[Hit]) -> None:
    mime = (el.get("type") or "").strip()
    if mime and mime != CHAPTERS_TYPE:
        hits.append((CHAPTERS_TYPE_RULE, line_of(el), f"chapters type {mime!r}; use {CHAPTERS_TYPE!r}"))


# Rules that need more than the table: taxonomy and media types.
_SPECIAL: dict[str, Callable[[etree._Element, list[Hit]], None]] = {
    "person": _person, "transcript": _transcript, "chapters": _chapters,
}


@dataclass(frozen=True)
class _Tag:
    local: str
    spec: TagSpec
    values: tuple[_Value, ...]
    special: Callable[[etree._Element, list[Hit]], None] | None


def _tag(local: str, spec: TagSpec) -> _Tag:
    """The spec's constraints regrouped by value, once: an element then costs one read of each
    value its tag constrains and a few tests inline, with no call per constraint, and a long feed
    has several podcast: elements in every item."""
    keys = dict.fromkeys([*spec.required, *spec.urls, *spec.enums, *spec.numbers, *spec.integers,
                          *spec.emails, *spec.max_len])
    values = tuple(_Value(key, key in spec.required, key in spec.urls, spec.enums.get(key), key in spec.numbers,
                          key in spec.integers, key in spec.emails, spec.max_len.get(key)) for key in keys)
    return _Tag(local, spec, values, _SPECIAL.get(local))


_TAGS = {_PREFIX + local: _tag(local, spec) for local, spec in TAGS.items()}  # by Clark name


def _check_element(el: etree._Element, tag: _Tag, hits: list[Hit]) -> None:
    problems: list[tuple[str, str]] = []
    # A value is the stripped node value for TEXT, else the raw attribute; None when absent.
    for key, required, https, allowed, numeric, integer, email, max_len in tag.values:
        value = (el.text or "").strip() if key == TEXT else el.get(key)
        if not value:
            if required:
                problems.append((REQUIRED, f"{_name(key)} is required"))
            continue
        if required and not value.strip():
            problems.append((REQUIRED, f"{_name(key)} is required"))
        if https and not value.startswith("https://") and not value.strip().lower().startswith("https://"):
            problems.append((HTTPS, f"{key} {value!r} must be https"))
        if allowed is not None and value not in allowed:
            problems.append((VALUE, f"{_name(key)} {value!r} not one of {', '.join(sorted(allowed))}"))
        if numeric and not value.isdigit() and number(value) is None:
            problems.append((VALUE, f"{_name(key)} {value!r} is not a number"))
        if integer and not value.strip().lstrip("-").isdigit():
            problems.append((VALUE, f"{_name(key)} {value!r} is not an integer"))
        if email and not is_email(value):
            problems.append((VALUE, f"{key} {value!r} is not an e-mail address"))
        if max_len is not None and len(value) > max_len:
            problems.append((LENGTH, f"{_name(key)} is {len(value)} characters; keep to {max_len}"))
    if problems:
        line = line_of(el)
        hits += [(rule, line, f"podcast:{tag.local} {problem}") for rule, problem in problems]
    if tag.special is not None:
        tag.special(el, hits)


def _podcast_children(view: View, parent: str, hits: list[Hit]) -> list[Hit]:
    for clark, elements in view.kids.items():
        tag = _TAGS.get(clark)
        if tag is None:
            if clark.startswith(_PREFIX):
                local = clark[_PREFIX_LEN:]
                hint = f"; {DEPRECATED[local]}" if local in DEPRECATED else _suggest(local)
                hits.append((UNKNOWN_TAG, line_of(elements[0]), f"podcast:{local} is not in the namespace spec{hint}"))
            continue
        local, spec = tag.local, tag.spec
        if parent not in spec.parents:
            hits += [(PARENT, line_of(el), f"podcast:{local} is not allowed in <{parent}>") for el in elements]
            continue
        if spec.single and len(elements) > 1:
            hits += [(COUNT, line_of(el), f"podcast:{local} may appear only once in <{parent}>")
                     for el in elements[1:]]
        for el in elements:
            _check_element(el, tag, hits)
            if len(el):
                _podcast_children(View.of(el), local, hits)
    return hits


@lru_cache(maxsize=64)  # a tag misspelt by a feed's generator is misspelt in every item
def _suggest(local: str) -> str:
    close = difflib.get_close_matches(local, TAGS, n=1, cutoff=0.75)
    return f"; did you mean podcast:{close[0]}?" if close else ""


@check(Scope.CHANNEL, PARENT, COUNT, REQUIRED, VALUE, LENGTH, HTTPS, PERSON_ROLE, UNKNOWN_TAG)
def channel_tags(ctx: Context, channel: View) -> list[Hit]:
    return _podcast_children(channel, "channel", [])


@check(Scope.ITEM, PARENT, COUNT, REQUIRED, VALUE, LENGTH, HTTPS, PERSON_ROLE, TRANSCRIPT_TYPE,
       CHAPTERS_TYPE_RULE, UNKNOWN_TAG)
def item_tags(ctx: Context, item: View) -> list[Hit]:
    return _podcast_children(item, "item", [])


@check(Scope.FEED, GUID, GUID_FORMAT)
def podcast_guid(ctx: Context, facts: FeedFacts) -> Iterator[Hit]:
    guid = facts.podcast_guid
    if not guid:
        return
    parsed = uuid.UUID(guid) if _UUID.fullmatch(guid) else None
    if parsed is None or parsed.version != 5:
        yield GUID_FORMAT, facts.podcast_guid_line, f"podcast:guid {guid!r} is not a UUIDv5"
        return
    first = atom_link(ctx.channel, "first")
    feed_url = facts.self_url or facts.new_feed_url or ctx.feed_url
    if first is not None:  # a page of a paged feed: the guid is the main feed's, named relative to this page
        feed_url = urljoin(feed_url or "", first.get("href").strip())
    if feed_url and guid_for_url(feed_url) != guid.lower():
        yield GUID, facts.podcast_guid_line, \
            f"podcast:guid {guid} differs from {guid_for_url(feed_url)}, the UUIDv5 of {feed_url!r}"
