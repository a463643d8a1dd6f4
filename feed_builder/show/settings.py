"""podcast.toml -> Show.

tomllib gives values but no line numbers, so each key's line is found in the text: good enough to
point the user at the right place, which is all a line number is for.
"""
from __future__ import annotations

import re
import tomllib
import uuid
from pathlib import Path
from typing import Any

from feed_builder.validate.apple_categories import APPLE_CATEGORIES
from feed_builder.core.errors import PodcastError, problem
from feed_builder.core.repository import OUTSIDE, outside
from feed_builder.formats.sourcefile import not_utf8
from feed_builder.media.encode.read import read_encode
from feed_builder.show.fields import Fields
from feed_builder.site.settings import PODROLL_FIELDS, SITE_FIELDS, SUBSCRIBE_FIELDS, read_site
from feed_builder.deploy.settings import DEPLOY_FIELDS, NOTIFY_FIELDS, read_deploy
from feed_builder.media.encode.read import ENCODE_FIELDS
from feed_builder.show.spec import Field, Kind, Section
from feed_builder.core.model import BuildSettings, Category, Funding, Owner, Person, Show, ShowType

SHOW_FILE = "podcast.toml"
MEDIUMS = ("podcast", "music", "video", "film", "audiobook", "newsletter", "blog")
LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
# The domain is matched label by label: with dots allowed inside a label, a long run of them
# backtracked quadratically.
EMAIL = re.compile(r"[^@\s]+@(?:[^@\s.]+\.)+[^@\s.]+")


def load_show(root: Path) -> Show:
    """Read the show settings; raises PodcastError with every problem in the file."""
    path = root / SHOW_FILE
    if outside(root, path):
        raise PodcastError([problem(path, None, "file", OUTSIDE)])
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM, as Windows editors write, is not content
    except FileNotFoundError:
        raise PodcastError([problem(path, None, "file", "not found (expected the show's settings file)")]) from None
    except OSError as e:
        raise PodcastError([problem(path, None, "file", f"cannot be read: {e.strerror} (expected a text file)")]) from None
    except UnicodeDecodeError as e:
        raise PodcastError([not_utf8(path, "file", e)]) from e
    return _read(root, path, _toml(path, text), _key_lines(text))


def _toml(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(e))) else None
        raise PodcastError([problem(path, line, "toml", f"{e} (expected valid TOML)")]) from e
    except ValueError as e:  # Python's, let through by tomllib without a line: an int of thousands of digits
        raise PodcastError([problem(path, None, "toml", f"cannot be read: {e} (expected valid TOML)")]) from e
    except RecursionError as e:  # arrays nested deeper than tomllib's recursion can go; no line either
        raise PodcastError([problem(path, None, "toml", "is nested too deep to read "
                                    "(expected arrays and tables a few levels deep)")]) from e


def _key_lines(text: str) -> dict[str, int]:
    """First line where each key or table name appears; nested keys as 'table.key'."""
    lines: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), 1):
        if m := re.match(r"\s*\[\[?\s*([\w.-]+)\s*\]\]?", line):
            table = m.group(1)
            lines.setdefault(table, number)
        elif m := re.match(r"\s*\"?([\w-]+)\"?\s*=", line):
            lines.setdefault(f"{table}.{m.group(1)}" if table else m.group(1), number)
    return lines


def _read(root: Path, path: Path, data: dict[str, Any], lines: dict[str, int]) -> Show:
    f = Fields(path, data, lines, SHOW_FIELDS)
    title = f.text("title")
    description = f.text("description")
    language = f.text("language")
    base_url = f.https_url("base_url")
    link = f.https_url("link") or base_url
    image = f.file("image", root, root, "a JPEG or PNG in the repository")
    medium = f.text("medium") or "podcast"
    if medium not in MEDIUMS:
        f.fail("medium", f"{medium!r} is not allowed (expected one of: {', '.join(MEDIUMS)})")
    show = Show(
        root=root,
        title=title or "",
        description=description or "",
        language=language or "",
        base_url=(base_url or "").rstrip("/"),
        link=link or "",
        author=f.text("author") or "",
        owner=_owner(f),
        categories=_categories(f),
        explicit=f.flag("explicit", False),
        type=f.choice("type", ShowType, [t.value for t in ShowType], ShowType.EPISODIC),
        image=image or root,
        copyright=f.text("copyright") or "",
        medium=medium,
        locked=f.flag("locked", True),
        feed_limit=f.integer("feed_limit"),
        funding=_funding(f),
        people=read_people(f, "people"),
        build=_build(f),
        site=read_site(f, root),
        guid=_guid(f),
        moved_from=f.text("moved_from"),
        deploy=read_deploy(f),
        encode=read_encode(f),
    )
    if f.problems:
        raise PodcastError(f.problems)
    return show


def is_uuid5(value: str) -> bool:
    try:
        return uuid.UUID(value).version == 5 and len(value) == 36
    except ValueError:
        return False


def _guid(f: Fields) -> str | None:
    """Apps and the Podcast Index match podcast:guid only as a UUIDv5 (the validator refuses others)."""
    guid = f.text("guid")
    if guid and not is_uuid5(guid):
        f.fail("guid", f"{guid!r} is not a UUIDv5 (expected the show's podcast:guid, such as "
                       "917393e3-1b1e-5cef-ace4-edaa54e1f810)")
        return None
    return guid


OWNER_FIELDS: Section = {
    "name": Field(Kind.TEXT, "The owner's name (itunes:owner).", required=True),
    # The domain is matched label by label: with dots allowed inside a label, a long run of them
    # backtracked quadratically.
    "email": Field(Kind.TEXT, "Where Apple and Podcasting 2.0 `locked` send ownership mail.", required=True,
                   pattern=EMAIL.pattern, mismatch="is not an e-mail address (expected name@domain)"),
}


def _owner(f: Fields) -> Owner:
    data = f.data.get("owner")
    if not isinstance(data, dict):
        f.fail("owner", "missing (expected an [owner] table with name and email)")
        return Owner("", "")
    o = f.sub("owner", data, OWNER_FIELDS)
    return Owner(o.text("name") or "", o.text("email") or "")


CATEGORY_FIELDS: Section = {
    "name": Field(Kind.CHOICE, "An Apple Podcasts category, spelled as Apple spells it.", required=True,
                  options=tuple(APPLE_CATEGORIES)),
    "subcategory": Field(Kind.CHOICE, "One of the category's subcategories.", options_by=("name", APPLE_CATEGORIES)),
}


def _categories(f: Fields) -> tuple[Category, ...]:
    entries = f.table("categories")
    if not entries and "categories" not in f.data:
        f.fail("categories", "missing (expected at least one Apple category)")
    result = []
    for entry in entries:
        c = f.sub("categories", entry, CATEGORY_FIELDS)
        name, sub = c.text("name"), c.text("subcategory")
        if name is None:
            continue
        if name not in APPLE_CATEGORIES:
            c.fail("name", f"{name!r} is not an Apple Podcasts category (expected one of: {', '.join(APPLE_CATEGORIES)})")
        elif sub is not None and sub not in APPLE_CATEGORIES[name]:
            options = ", ".join(sorted(APPLE_CATEGORIES[name])) or "none"
            c.fail("subcategory", f"{sub!r} is not a subcategory of {name!r} (expected one of: {options})")
        result.append(Category(name, sub))
    return tuple(result)


FUNDING_FIELDS: Section = {
    "url": Field(Kind.URL, "The page where listeners support the show (podcast:funding).", required=True),
    "text": Field(Kind.TEXT, "The link's words, such as \"Support the show\".", required=True, max_bytes=128),
}


def _funding(f: Fields) -> tuple[Funding, ...]:
    result = []
    for entry in f.table("funding"):
        c = f.sub("funding", entry, FUNDING_FIELDS)
        url, text = c.https_url("url"), c.text("text")
        if url and text:
            result.append(Funding(url, text))
    return tuple(result)


PERSON_FIELDS: Section = {
    "name": Field(Kind.TEXT, "The person's name (podcast:person).", required=True, max_bytes=128),
    "role": Field(Kind.TEXT, "Their role, from the Podcast Taxonomy Project (default: host)."),
    "group": Field(Kind.TEXT, "Their role's group (default: cast)."),
    "href": Field(Kind.URL, "A page about them."),
    "img": Field(Kind.URL, "A picture of them."),
}


def read_people(f: Fields, key: str) -> tuple[Person, ...]:
    """Podcasting 2.0 persons; shared with the episode front matter, which has the same shape."""
    result = []
    for entry in f.table(key):
        c = f.sub(key, entry, PERSON_FIELDS)
        name = c.text("name")
        role = (c.text("role") or "host").lower()
        group = (c.text("group") or "cast").lower()
        href = c.https_url("href")
        img = c.https_url("img")
        if name:
            result.append(Person(name, role, group, href, img))
    return tuple(result)


BUILD_FIELDS: Section = {
    "allow_html": Field(Kind.FLAG, "Keep raw HTML in show notes (default false: escaped)."),
    "id3_version": Field(Kind.INTEGER, "ID3 version of MP3 tags: 3 (default, widest player support) or 4.",
                         minimum=3, options=(3, 4)),
    "artwork_size": Field(Kind.INTEGER, "Pixels of the cover embedded in audio files (default 1400).",
                          minimum=300, maximum=3000),
    "chapters_in_notes": Field(Kind.FLAG, "Add a chapter timestamp list to the show notes (default false)."),
}


def _build(f: Fields) -> BuildSettings:
    data = f.data.get("build") or {}
    if not isinstance(data, dict):
        f.fail("build", f"{data!r:.60} is not a table (expected a [build] table)")
        data = {}
    b = f.sub("build", data, BUILD_FIELDS)
    version = b.integer("id3_version") or 3
    if version not in (3, 4):
        b.fail("id3_version", f"{version} is not allowed (expected 3 or 4)")
    size = b.integer("artwork_size") or 1400
    return BuildSettings(
        allow_html=b.flag("allow_html", False),
        id3_version=version,
        artwork_size=size,
        chapters_in_notes=b.flag("chapters_in_notes", False),
    )


SHOW_FIELDS: Section = {
    "title": Field(Kind.TEXT, "The show's name, as podcast apps list it.", required=True),
    "description": Field(Kind.TEXT, "What the show is about, for directories and apps.", required=True,
                         max_bytes=4000),
    "language": Field(Kind.TEXT, "Language code of the spoken audio, such as en or en-US.", required=True,
                      pattern=LANGUAGE.pattern,
                      mismatch="is not a language code (expected e.g. en or en-US)"),
    "author": Field(Kind.TEXT, "The show's author (itunes:author).", required=True),
    "copyright": Field(Kind.TEXT, "The feed's copyright line.", required=True),
    "explicit": Field(Kind.FLAG, "Whether the show is explicit (default false)."),
    "type": Field(Kind.CHOICE, "episodic (newest first, default) or serial (in order).",
                  options=tuple(t.value for t in ShowType)),
    "medium": Field(Kind.CHOICE, "podcast:medium (default podcast).", options=MEDIUMS),
    "locked": Field(Kind.FLAG, "podcast:locked: other platforms may not import the show (default true)."),
    "image": Field(Kind.FILE, "The cover: a 1400-3000 px square RGB JPEG (.jpg) or PNG (.png) in the repository.",
                   required=True),
    "categories": Field(Kind.TABLES, "Apple Podcasts categories, the first one the main one.", required=True,
                        fields=CATEGORY_FIELDS),
    # Every published URL is base_url + "/" + a path: no query, no fragment.
    "base_url": Field(Kind.URL, "https URL where public/ is served; the feed is <base_url>/feed.xml. For a test on "
                      "this machine, http://127.0.0.1:PORT/... or http://localhost:PORT/... too.", required=True,
                      pattern=r"[^?#]*", mismatch="has a query or fragment (expected the address public/ is served "
                      "from, such as https://example.com/podcast)", loopback=True),
    "link": Field(Kind.URL, "The show's web page (default: base_url)."),
    "owner": Field(Kind.SECTION, "Who apps and directories contact about the show (itunes:owner).", required=True,
                   fields=OWNER_FIELDS),
    "funding": Field(Kind.TABLES, "Support links (podcast:funding).", fields=FUNDING_FIELDS),
    "people": Field(Kind.TABLES, "The show's people (podcast:person).", fields=PERSON_FIELDS),
    "build": Field(Kind.SECTION, "How publish builds the files.", fields=BUILD_FIELDS),
    "feed_limit": Field(Kind.INTEGER, "Keep the newest N items in feed.xml, older ones in feed-2.xml, ... "
                        "(default: all in feed.xml)."),
    "site": Field(Kind.SECTION, "The show's web site, built beside the feed.", fields=SITE_FIELDS),
    "subscribe": Field(Kind.TABLES, "Subscribe buttons on the site: an app's name and the show's page there.",
                       fields=SUBSCRIBE_FIELDS),
    "podroll": Field(Kind.TABLES, "Other shows the podcaster recommends (podcast:podroll, and on the site).",
                     fields=PODROLL_FIELDS),
    # Apps and the Podcast Index match podcast:guid only as a UUIDv5: the reader checks it is one.
    "guid": Field(Kind.TEXT, "The show's podcast:guid, a UUIDv5 (default: made from the feed's URL)."),
    # An old feed may have been plain http: it is only named, never published.
    "moved_from": Field(Kind.TEXT, "The feed's previous address, when the show moved here from another host.",
                        pattern=r"https?://[^\s/]+/\S*",
                        mismatch="is not a feed URL (expected the old feed's http(s) address)"),
    "deploy": Field(Kind.SECTION, "Where `podcast deploy` puts public/ (an S3-compatible bucket).",
                    fields=DEPLOY_FIELDS),
    "notify": Field(Kind.SECTION, "Whom `podcast deploy` tells about a new feed.", fields=NOTIFY_FIELDS),
    "encode": Field(Kind.SECTION, "How masters are levelled and encoded for publishing.", fields=ENCODE_FIELDS),
}
