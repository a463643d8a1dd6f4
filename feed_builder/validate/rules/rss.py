"""RSS 2.0 rules: what the core format requires of a channel and its items."""
from __future__ import annotations

from collections.abc import Iterator

from ..context import Context
from ..document import FeedFacts, View, line_of, repeats
from ..findings import Severity
from ..registry import Hit, Scope, Source, check, define
from ..values import is_web_url, rfc2822

VERSION = define(
    "rss-version", Severity.WARNING, Source.RSS, "<rss version> is not 2.0",
    """Podcast feeds are RSS 2.0; apps key some behaviour on version="2.0".""",
)
CHANNEL_REQUIRED = define(
    "rss-channel-required", Severity.ERROR, Source.RSS, "Channel lacks title, link or description",
    """RSS 2.0 requires <title>, <link> and <description> in <channel>, each
    non-empty; Apple Podcasts rejects a show without title or description.""",
)
ITEM_TITLE = define(
    "rss-item-title-or-description", Severity.ERROR, Source.RSS, "Item has neither title nor description",
    """RSS 2.0: "All elements of an item are optional, however at least one of
    title or description must be present." Apple additionally requires a title.""",
)
DATE = define(
    "rss-date", Severity.ERROR, Source.RSS, "Date is not RFC 2822",
    """pubDate and lastBuildDate must be RFC 822/2822 dates such as
    'Tue, 10 Jun 2025 04:00:00 +0000'. Apps that cannot parse a date sort the
    episode wrongly or treat it as new on every refresh. A weekday that does not
    match the date is reported too.""",
)
GUID_MISSING = define(
    "rss-guid-missing", Severity.WARNING, Source.PSP1, "Item has no <guid>",
    """Apps identify episodes by <guid>; without it they fall back to the
    enclosure URL or title, and any change to those re-delivers the episode to
    every subscriber. PSP-1 requires a guid for each item.""",
)
GUID_UNIQUE = define(
    "rss-guid-unique", Severity.ERROR, Source.RSS, "Two items share a <guid>",
    """A guid identifies one item forever. Apps keep only one of the items that
    share it, so the others never reach subscribers.""",
)
GUID_PERMALINK = define(
    "rss-guid-permalink", Severity.WARNING, Source.RSS, "isPermaLink does not fit the guid",
    """isPermaLink defaults to "true", which claims the guid is a URL to the
    item. A guid that is not an absolute http(s) URL needs isPermaLink="false";
    the attribute itself may only be "true" or "false".""",
)
ENCLOSURE_MISSING = define(
    "rss-enclosure-missing", Severity.ERROR, Source.APPLE, "Item has no <enclosure>",
    """An item without an enclosure is not an episode: Apple Podcasts and most
    apps skip it silently.""",
)
ENCLOSURE_MULTIPLE = define(
    "rss-enclosure-multiple", Severity.WARNING, Source.RSS, "Item has more than one <enclosure>",
    """RSS 2.0 best practice (RSS Advisory Board) is one enclosure per item;
    apps play only the first. Offer alternatives with podcast:alternateEnclosure.""",
)
ENCLOSURE_ATTRIBUTES = define(
    "rss-enclosure-attributes", Severity.ERROR, Source.RSS, "Enclosure lacks url, length or type",
    """RSS 2.0 requires url (absolute http or https), length (bytes, a
    non-negative integer) and type (a MIME type) on <enclosure>.""",
)

_CHANNEL_REQUIRED = ("title", "link", "description")


@check(Scope.CHANNEL, VERSION, CHANNEL_REQUIRED, DATE)
def channel_core(ctx: Context, channel: View) -> Iterator[Hit]:
    if ctx.root.get("version") != "2.0":
        yield VERSION, ctx.root.sourceline or 0, f"version is {ctx.root.get('version')!r}, expected '2.0'"
    for tag in _CHANNEL_REQUIRED:
        if not channel.text(tag):
            yield CHANNEL_REQUIRED, line_of(channel.first(tag), channel.line), f"channel <{tag}> is missing or empty"
    yield from _dates(channel, ("pubDate", "lastBuildDate"))


def _dates(view: View, tags: tuple[str, ...]) -> list[Hit]:
    hits = []
    for tag in tags:
        for el in view.all(tag):
            _, problem = rfc2822(el.text or "")
            if problem:
                hits.append((DATE, line_of(el), f"<{tag}> {problem}"))
    return hits


@check(Scope.ITEM, ITEM_TITLE, DATE, GUID_MISSING, GUID_PERMALINK)
def item_core(ctx: Context, item: View) -> list[Hit]:
    hits: list[Hit] = []
    if not item.text("title") and not item.text("description"):
        hits.append((ITEM_TITLE, item.line, "item has neither <title> nor <description>"))
    hits += _dates(item, ("pubDate",))
    guid = item.first("guid")
    text = (guid.text or "").strip() if guid is not None else ""
    if guid is None or not text:
        hits.append((GUID_MISSING, line_of(guid, item.line), "item has no (or an empty) <guid>"))
        return hits
    permalink = guid.get("isPermaLink", "true")
    if permalink not in ("true", "false"):
        hits.append((GUID_PERMALINK, line_of(guid), f"isPermaLink={permalink!r}; use 'true' or 'false'"))
    elif permalink == "true" and not is_web_url(text):
        hits.append((GUID_PERMALINK, line_of(guid),
                     f"guid {text!r} is not a URL but isPermaLink is (by default) true"))
    return hits


@check(Scope.ITEM, ENCLOSURE_MISSING, ENCLOSURE_MULTIPLE, ENCLOSURE_ATTRIBUTES)
def item_enclosure(ctx: Context, item: View) -> list[Hit]:
    enclosures = item.all("enclosure")
    if not enclosures:
        return [(ENCLOSURE_MISSING, item.line, "item has no <enclosure>")]
    hits = [(ENCLOSURE_MULTIPLE, line_of(extra), "second <enclosure> in one item; apps use only the first")
            for extra in enclosures[1:]]
    for enclosure in enclosures:
        url, length, mime = enclosure.get("url"), enclosure.get("length"), enclosure.get("type")
        problems = []
        if not url or not is_web_url(url):
            problems.append(f"enclosure url {url!r} is not an absolute http(s) URL")
        if length is None or not length.strip().isdigit():
            problems.append(f"enclosure length {length!r} is not a byte count")
        if not mime or "/" not in mime:
            problems.append(f"enclosure type {mime!r} is not a MIME type")
        hits += [(ENCLOSURE_ATTRIBUTES, line_of(enclosure), problem) for problem in problems]
    return hits


@check(Scope.FEED, GUID_UNIQUE)
def guid_unique(ctx: Context, facts: FeedFacts) -> Iterator[Hit]:
    for guid, line, first in repeats([(e.guid, e.line) for e in facts.episodes if e.guid]):
        yield GUID_UNIQUE, line, f"guid {guid!r} already used by the item at line {first}"
