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
from ..values import duration_seconds, positive_int, url_extension
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


def _image(view: View, required: bool) -> list[Hit]:
    image = view.first(_IMAGE)
    href = (image.get("href") or "").strip() if image is not None else ""
    if not href:
        return [(IMAGE, line_of(image, view.line), "channel has no <itunes:image href=...>")] if required else []
    if url_extension(href) not in _IMAGE_EXTENSIONS:
        return [(IMAGE_EXTENSION, line_of(image), f"artwork {href!r} does not end in .jpg or .png")]
    return []


def _explicit(view: View, required: bool) -> list[Hit]:
    el = view.first(_EXPLICIT)
    value = (el.text or "").strip() if el is not None else None
    if value in ("true", "false") or (value is None and not required):
        return []
    if value is None:
        return [(EXPLICIT, view.line, "channel has no <itunes:explicit>")]
    if value.lower() in _EXPLICIT_LEGACY:
        return [(EXPLICIT_LEGACY, line_of(el), f"itunes:explicit {value!r}; write 'true' or 'false'")]
    return [(EXPLICIT, line_of(el), f"itunes:explicit {value!r} is not 'true' or 'false'")]


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


@check(Scope.CHANNEL, IMAGE, IMAGE_EXTENSION, CATEGORY, EXPLICIT, EXPLICIT_LEGACY, LANGUAGE, AUTHOR,
       OWNER_EMAIL, SHOW_TYPE, DESCRIPTION_LENGTH)
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
    if owner is None or not View.of(owner).text(_EMAIL):
        yield OWNER_EMAIL, line_of(owner, channel.line), "no <itunes:owner><itunes:email>"
    show_type = channel.text(_TYPE)
    if show_type is not None and show_type not in ("episodic", "serial"):
        yield SHOW_TYPE, line_of(channel.first(_TYPE)), f"itunes:type {show_type!r}; use episodic or serial"
    yield from _description_length(channel)


@check(Scope.ITEM, IMAGE_EXTENSION, EXPLICIT, EXPLICIT_LEGACY, EPISODE_TYPE, EPISODE_NUMBER, SERIAL_NUMBERS,
       DURATION, DESCRIPTION_LENGTH)
def item_tags(ctx: Context, item: View) -> list[Hit]:
    kids = item.kids
    hits = _image(item, required=False) if _IMAGE in kids else []
    if _EXPLICIT in kids:
        hits += _explicit(item, required=False)
    episode_type = item.text(_EPISODE_TYPE)
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
