"""Apple Podcasts rules: the tags and values Apple's directory requires or rejects."""
from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from .. import namespaces as ns
from ..context import Context
from ..document import View, line_of
from ..findings import Severity
from ..registry import Hit, Scope, Source, check, define
from ..values import duration_seconds, is_email, is_web_url, positive_int, url_extension
from ..apple_categories import APPLE_CATEGORIES as CATEGORIES

IMAGE = define(
    "apple-image", Severity.ERROR, Source.APPLE, "Show has no itunes:image",
    """Apple Podcasts requires show artwork: <itunes:image href="..."/> in the
    channel, 1400x1400 to 3000x3000 pixels, JPEG or PNG.""",
)
IMAGE_EXTENSION = define(
    "apple-image-extension", Severity.ERROR, Source.APPLE, "Artwork URL does not end in .jpg or .png",
    """Apple reads the artwork type from the URL: the href of itunes:image must
    end in .jpg, .jpeg or .png (a query string after it is fine).""",
)
CATEGORY = define(
    "apple-category", Severity.ERROR, Source.APPLE, "Missing or unknown Apple category",
    """The show needs at least one <itunes:category text="..."/> whose text,
    and any nested subcategory, is spelled exactly as in Apple's current list
    (e.g. "Religion & Spirituality" > "Religion", "Health & Fitness" > "Mental
    Health"). Retired names such as "Games & Hobbies" or "Podcasting" are
    refused by Apple Podcasts Connect.""",
)
EXPLICIT = define(
    "apple-explicit", Severity.ERROR, Source.APPLE, "itunes:explicit missing or not true/false",
    """The show must carry <itunes:explicit> with "true" or "false" (episodes may
    override it). Any other value is not understood.""",
)
EXPLICIT_LEGACY = define(
    "apple-explicit-legacy", Severity.WARNING, Source.APPLE, "itunes:explicit uses a retired value",
    """Apple documents only "true" and "false". The older "yes", "no", "clean"
    and "explicit" (and other capitalisations) are still read by Apple and most
    apps, so this is a warning rather than an error; write "true"/"false".""",
)
LANGUAGE = define(
    "apple-language", Severity.ERROR, Source.APPLE, "Channel <language> missing or not a language code",
    """Apple requires the show's language as an ISO 639 code, optionally with
    a region (e.g. "en", "en-us", "pt-BR").""",
)
AUTHOR = define(
    "apple-author", Severity.WARNING, Source.APPLE, "Show has no itunes:author",
    """Apple recommends <itunes:author>: it is the name shown under the show
    title; without it apps show nothing or the owner's name.""",
)
OWNER_EMAIL = define(
    "apple-owner-email", Severity.WARNING, Source.APPLE, "itunes:owner has no email",
    """Apple recommends <itunes:owner><itunes:email>: it is how Apple and
    hosting platforms verify ownership when the show moves.""",
)
SHOW_TYPE = define(
    "apple-type", Severity.ERROR, Source.APPLE, "itunes:type is not episodic or serial",
    """<itunes:type> takes "episodic" (newest first) or "serial" (oldest first).""",
)
EPISODE_TYPE = define(
    "apple-episode-type", Severity.ERROR, Source.APPLE, "itunes:episodeType is not full, trailer or bonus",
    """<itunes:episodeType> takes "full", "trailer" or "bonus".""",
)
EPISODE_NUMBER = define(
    "apple-episode-number", Severity.ERROR, Source.APPLE, "itunes:episode or itunes:season not a positive integer",
    """Apple accepts only non-zero positive integers in <itunes:episode> and
    <itunes:season>; anything else is dropped and the episode loses its place.""",
)
SERIAL_NUMBERS = define(
    "apple-serial-episode-number", Severity.WARNING, Source.APPLE, "Serial show episode without a number",
    """In a serial show (itunes:type serial) Apple orders episodes by
    itunes:season and itunes:episode; full episodes without a number are
    listed out of order.""",
)
DURATION = define(
    "apple-duration", Severity.WARNING, Source.APPLE, "itunes:duration not in seconds, MM:SS or HH:MM:SS",
    """Apple documents the duration as total seconds (recommended), or
    H:MM:SS / MM:SS. Other forms (decimals, '1h 5m') are misread; apps then show
    a wrong length until the file is downloaded.""",
)
DESCRIPTION_LENGTH = define(
    "apple-description-length", Severity.ERROR, Source.APPLE, "Description longer than 4000 bytes",
    """Apple truncates or rejects a <description> or <itunes:summary> over
    4000 bytes (UTF-8).""",
)
ENCLOSURE_FORMAT = define(
    "apple-enclosure-format", Severity.ERROR, Source.APPLE, "Enclosure format Apple does not play",
    """Apple Podcasts plays .m4a, .mp3, .mov, .mp4, .m4v and .pdf enclosures
    with types audio/x-m4a, audio/mp4, audio/mpeg, video/quicktime, video/mp4,
    video/x-m4v and application/pdf; the type must also fit the extension.""",
)

DUPLICATE = define(
    "apple-duplicate", Severity.ERROR, Source.W3C_VALIDATOR, "itunes: tag that holds one value is repeated",
    """itunes:explicit, itunes:image, itunes:duration, itunes:episode, itunes:block and the
    other tags that hold one value may appear once per channel or item. Given twice,
    apps keep one of them, not necessarily the one Apple keeps; the W3C Feed
    Validation Service reports the second as a duplicate.""",
)
PARENT = define(
    "apple-parent", Severity.ERROR, Source.APPLE, "itunes: tag where Apple does not read it",
    """Apple reads itunes:duration, itunes:episode, itunes:season and
    itunes:episodeType in an <item>, and itunes:category, itunes:type,
    itunes:owner, itunes:new-feed-url and itunes:complete in the <channel>.
    Elsewhere they are ignored: a duration in the channel sets no episode's
    length.""",
)
IMAGE_URL = define(
    "apple-image-url", Severity.ERROR, Source.APPLE, "itunes:image without an absolute http(s) href",
    """Artwork is named by the href attribute of <itunes:image>, as an absolute
    http(s) URL. An episode's itunes:image without href (or with the url
    attribute of <image> instead), or with a relative URL, is ignored and the
    show's artwork shown in its place.""",
)
BLOCK = define(
    "apple-block", Severity.WARNING, Source.APPLE, "itunes:block is neither Yes nor No",
    """Apple documents one value, "Yes", which hides the show or episode from
    Apple Podcasts; any other value has no effect. "No" says so plainly; other
    values (an empty tag, "true", "Absolutely") suggest a block that does not
    happen.""",
)
OWNER_EMAIL_ADDRESS = define(
    "apple-owner-email-address", Severity.WARNING, Source.W3C_VALIDATOR, "itunes:owner email is not an address",
    """<itunes:email> in <itunes:owner> is where Apple and hosting platforms
    write to verify who owns the show; a value that is not an e-mail address
    (a name, a URL) cannot be written to.""",
)
PADDED = define(
    "apple-padded", Severity.WARNING, Source.W3C_VALIDATOR, "itunes: value with surrounding whitespace",
    """The values of itunes:explicit, itunes:block, itunes:type and
    itunes:episodeType are compared as written by strict readers: the W3C Feed
    Validation Service refuses " true ". Write them without spaces or line
    breaks around them.""",
)
HTML = define(
    "apple-html", Severity.WARNING, Source.W3C_VALIDATOR, "HTML in itunes:keywords, subtitle or summary",
    """itunes:keywords, itunes:subtitle and itunes:summary are plain text: apps
    show markup such as <b> as written. Apple no longer documents these tags,
    hence a warning; formatted show notes belong in <description> or
    <content:encoded>.""",
)

_EXPLICIT_LEGACY = frozenset({"yes", "no", "clean", "explicit", "true", "false"})
_LANGUAGE = re.compile(r"[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{1,8})*")
_IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png"})
# extension -> MIME types Apple accepts for it
_ENCLOSURE_TYPES = {
    "mp3": frozenset({"audio/mpeg"}),
    "m4a": frozenset({"audio/x-m4a", "audio/mp4"}),
    "mp4": frozenset({"video/mp4", "audio/mp4", "audio/x-m4a"}),
    "m4v": frozenset({"video/x-m4v", "video/mp4"}),
    "mov": frozenset({"video/quicktime"}),
    "pdf": frozenset({"application/pdf"}),
}
_ALL_TYPES = frozenset().union(*_ENCLOSURE_TYPES.values())
_DESCRIPTIONS = ("description", ns.itunes("summary"))
_MAX_DESCRIPTION = 4000

_IMAGE, _CATEGORY, _EXPLICIT = ns.itunes("image"), ns.itunes("category"), ns.itunes("explicit")
_AUTHOR, _OWNER, _EMAIL, _TYPE = ns.itunes("author"), ns.itunes("owner"), ns.itunes("email"), ns.itunes("type")
_EPISODE, _SEASON, _EPISODE_TYPE = ns.itunes("episode"), ns.itunes("season"), ns.itunes("episodeType")
_DURATION = ns.itunes("duration")
_BLOCK = ns.itunes("block")
_SINGLE = frozenset(ns.itunes(local) for local in (
    "explicit", "image", "author", "title", "type", "owner", "new-feed-url", "block", "complete", "duration",
    "episode", "season", "episodeType"))
_ITEM_ONLY = frozenset(ns.itunes(local) for local in ("duration", "episode", "season", "episodeType"))
_CHANNEL_ONLY = frozenset(ns.itunes(local) for local in ("category", "type", "owner", "new-feed-url", "complete"))
_PLAIN_TEXT = frozenset(ns.itunes(local) for local in ("keywords", "subtitle", "summary"))
# A tag of HTML's that show notes use, opening or closing. Linear: after the name, [^<>]* stops at the
# next angle bracket, so no stretch of text is scanned from more than one "<".
_HTML_TAG = re.compile(r"</?(?:a|b|blockquote|br|code|div|em|font|h[1-6]|hr|i|iframe|img|li|ol|p|pre|script|"
                       r"small|span|strong|style|sub|sup|table|td|th|tr|u|ul)(?:\s[^<>]*)?/?>", re.IGNORECASE)


def _image(view: View, required: bool) -> list[Hit]:
    image = view.first(_IMAGE)
    href = (image.get("href") or "").strip() if image is not None else ""
    if not href:
        if required:
            return [(IMAGE, line_of(image, view.line), "channel has no <itunes:image href=...>")]
        return [(IMAGE_URL, line_of(image), "itunes:image has no href")] if image is not None else []
    hits = [] if is_web_url(href) else \
        [(IMAGE_URL, line_of(image), f"artwork {href!r} is not an absolute http(s) URL")]
    if url_extension(href) not in _IMAGE_EXTENSIONS:
        hits.append((IMAGE_EXTENSION, line_of(image), f"artwork {href!r} does not end in .jpg or .png"))
    return hits


def _tag_name(tag: str) -> str:
    return "itunes:" + tag.rsplit("}", 1)[-1]


def _value(view: View, tag: str, hits: list[Hit]) -> str | None:
    """The stripped value of a tag with enumerated values (None when absent), its padding reported:
    read here once for the checks of the value that follow, as .text costs a string each call."""
    el = view.first(tag)
    if el is None:
        return None
    raw = el.text or ""
    value = raw.strip()
    if value != raw:
        hits.append((PADDED, line_of(el), f"{_tag_name(tag)} {raw!r} has whitespace around its value"))
    return value


def _itunes_values(view: View, parent: str, misplaced: frozenset[str]) -> list[Hit]:
    """What the W3C Feed Validation Service finds in itunes: tags besides their own values: tags
    out of place or repeated, itunes:block, and HTML in plain-text tags. This runs for every item,
    so set intersections pick the few tags there are to look at, and repeats are looked for only
    where the view saw one."""
    hits: list[Hit] = []
    kids = view.kids
    for tag in kids.keys() & misplaced:
        hits += [(PARENT, line_of(el), f"{_tag_name(tag)} is not read in <{parent}>") for el in kids[tag]]
    if view.repeats:
        for tag in kids.keys() & (_SINGLE - misplaced):
            hits += [(DUPLICATE, line_of(el), f"{_tag_name(tag)} given again in one <{parent}>")
                     for el in kids[tag][1:]]
    for tag in kids.keys() & _PLAIN_TEXT:
        text = kids[tag][0].text
        markup = _HTML_TAG.search(text) if text and "<" in text else None
        if markup:
            hits.append((HTML, line_of(kids[tag][0]), f"{_tag_name(tag)} holds HTML ({markup.group()[:40]!r}); "
                                                      "it is plain text"))
    block = _value(view, _BLOCK, hits)
    if block is not None and block.lower() not in ("yes", "no"):
        hits.append((BLOCK, line_of(view.first(_BLOCK)), f"itunes:block {block!r} has no effect; "
                                                          "only 'Yes' hides from Apple Podcasts"))
    return hits


def _explicit(view: View, required: bool) -> list[Hit]:
    hits: list[Hit] = []
    value = _value(view, _EXPLICIT, hits)
    if value in ("true", "false") or (value is None and not required):
        return hits
    if value is None:
        return [(EXPLICIT, view.line, "channel has no <itunes:explicit>")]
    el = view.first(_EXPLICIT)
    if value.lower() in _EXPLICIT_LEGACY:
        return hits + [(EXPLICIT_LEGACY, line_of(el), f"itunes:explicit {value!r}; write 'true' or 'false'")]
    return hits + [(EXPLICIT, line_of(el), f"itunes:explicit {value!r} is not 'true' or 'false'")]


def _description_length(view: View) -> list[Hit]:
    hits = []
    for tag in _DESCRIPTIONS:
        el = view.first(tag)
        text = el.text if el is not None else None
        # Character count bounds byte count from below: only encode when it might matter.
        if el is not None and text and len(text) > _MAX_DESCRIPTION // 4 and len(text.strip().encode()) > _MAX_DESCRIPTION:
            hits.append((DESCRIPTION_LENGTH, line_of(el),
                         f"{el.prefix + ':' if el.prefix else ''}{el.tag.rsplit('}', 1)[-1]} is "
                         f"{len(text.strip().encode())} bytes; Apple allows {_MAX_DESCRIPTION}"))
    return hits


def _categories(channel: View) -> Iterator[Hit]:
    categories = channel.all(_CATEGORY)
    if not categories:
        yield CATEGORY, channel.line, "channel has no <itunes:category>"
    for category in categories:
        name = category.get("text")
        if name not in CATEGORIES:
            yield CATEGORY, line_of(category), f"{name!r} is not an Apple Podcasts category"
            continue
        for sub in category.iterchildren(_CATEGORY):
            sub_name = sub.get("text")
            if sub_name not in CATEGORIES[name]:
                yield CATEGORY, line_of(sub), f"{sub_name!r} is not a subcategory of {name!r}"
            elif len(sub):
                yield CATEGORY, line_of(sub), "categories nest only one level deep"


@check(Scope.CHANNEL, IMAGE, IMAGE_EXTENSION, IMAGE_URL, CATEGORY, EXPLICIT, EXPLICIT_LEGACY, LANGUAGE, AUTHOR,
       OWNER_EMAIL, OWNER_EMAIL_ADDRESS, SHOW_TYPE, DESCRIPTION_LENGTH, DUPLICATE, PARENT, PADDED, BLOCK, HTML)
def channel_tags(ctx: Context, channel: View) -> Iterator[Hit]:
    yield from _image(channel, required=True)
    yield from _categories(channel)
    yield from _explicit(channel, required=True)
    language = channel.first("language")
    if language is None or not _LANGUAGE.fullmatch((language.text or "").strip()):
        yield LANGUAGE, line_of(language, channel.line), \
            "channel <language> is missing" if language is None else \
            f"<language> {(language.text or '').strip()!r} is not an ISO 639 code"
    if not channel.text(_AUTHOR):
        yield AUTHOR, channel.line, "channel has no <itunes:author>"
    owner = channel.first(_OWNER)
    email = View.of(owner).first(_EMAIL) if owner is not None else None
    address = (email.text or "").strip() if email is not None else ""
    if not address:
        yield OWNER_EMAIL, line_of(owner, channel.line), "no <itunes:owner><itunes:email>"
    elif not is_email(address):
        yield OWNER_EMAIL_ADDRESS, line_of(email), f"itunes:email {address!r} is not an e-mail address"
    padded: list[Hit] = []
    show_type = _value(channel, _TYPE, padded)
    yield from padded
    if show_type is not None and show_type not in ("episodic", "serial"):
        yield SHOW_TYPE, line_of(channel.first(_TYPE)), f"itunes:type {show_type!r}; use episodic or serial"
    yield from _description_length(channel)
    yield from _itunes_values(channel, "channel", _ITEM_ONLY)


@check(Scope.ITEM, IMAGE_EXTENSION, IMAGE_URL, EXPLICIT, EXPLICIT_LEGACY, EPISODE_TYPE, EPISODE_NUMBER,
       SERIAL_NUMBERS, DURATION, DESCRIPTION_LENGTH, DUPLICATE, PARENT, PADDED, BLOCK, HTML)
def item_tags(ctx: Context, item: View) -> list[Hit]:
    kids = item.kids
    hits = _image(item, required=False) if _IMAGE in kids else []
    hits += _itunes_values(item, "item", _CHANNEL_ONLY)
    if _EXPLICIT in kids:
        hits += _explicit(item, required=False)
    episode_type = _value(item, _EPISODE_TYPE, hits)
    if episode_type is not None and episode_type not in ("full", "trailer", "bonus"):
        hits.append((EPISODE_TYPE, line_of(item.first(_EPISODE_TYPE)),
                     f"itunes:episodeType {episode_type!r}; use full, trailer or bonus"))
    for tag in (_EPISODE, _SEASON):
        el = item.first(tag)
        if el is not None and positive_int(el.text or "") is None:
            hits.append((EPISODE_NUMBER, line_of(el), f"{el.text!r} is not a positive integer"))
    if _EPISODE not in kids and ctx.channel.text(_TYPE) == "serial" and episode_type in (None, "full"):
        hits.append((SERIAL_NUMBERS, item.line, "full episode of a serial show has no <itunes:episode>"))
    duration = item.first(_DURATION)
    if duration is not None and duration_seconds(duration.text or "") is None:
        hits.append((DURATION, line_of(duration),
                     f"itunes:duration {duration.text!r} is not seconds, MM:SS or HH:MM:SS"))
    hits += _description_length(item)
    enclosure = item.first("enclosure")
    if enclosure is not None:
        hits += _enclosure_format(enclosure)
    return hits


def _enclosure_format(enclosure: etree._Element) -> list[Hit]:
    url, mime = enclosure.get("url") or "", (enclosure.get("type") or "").strip().lower()
    if not mime:
        return []  # rss-enclosure-attributes reports it
    extension = url_extension(url)
    allowed = _ENCLOSURE_TYPES.get(extension)
    if allowed is None:
        return [(ENCLOSURE_FORMAT, line_of(enclosure), f"extension {('.' + extension) if extension else '(none)'} "
                 "is not one Apple plays (.m4a .mp3 .mov .mp4 .m4v .pdf)")]
    if mime not in _ALL_TYPES:
        return [(ENCLOSURE_FORMAT, line_of(enclosure), f"type {mime!r} is not one Apple plays")]
    if mime not in allowed:
        return [(ENCLOSURE_FORMAT, line_of(enclosure), f"type {mime!r} does not fit extension .{extension}")]
    return []
