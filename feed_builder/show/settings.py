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
from feed_builder.site.settings import read_site
from feed_builder.deploy.settings import read_deploy
from feed_builder.core.model import BuildSettings, Category, Funding, Owner, Person, Show, ShowType

SHOW_FILE = "podcast.toml"
MEDIUMS = ("podcast", "music", "video", "film", "audiobook", "newsletter", "blog")
_KEYS = {
    "title", "description", "language", "author", "copyright", "explicit", "type", "medium", "locked",
    "image", "categories", "base_url", "link", "owner", "funding", "people", "build", "feed_limit",
    "site", "subscribe", "podroll", "guid", "moved_from",
    "deploy", "notify", "encode",
}
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
    f = Fields(path, data, lines, _KEYS)
    title = f.text("title")
    description = f.text("description", max_bytes=4000)
    language = f.text("language")
    if language and not LANGUAGE.fullmatch(language):
        f.fail("language", f"{language!r} is not a language code (expected e.g. en or en-US)")
    base_url = f.https_url("base_url")
    if base_url and ("?" in base_url or "#" in base_url):  # every published URL is base_url + "/" + a path
        f.fail("base_url", f"{base_url!r} has a query or fragment (expected the address public/ is served "
                           "from, such as https://example.com/podcast)")
        base_url = None
    link = f.https_url("link", required=False) or base_url
    image = f.file("image", root, root, "a JPEG or PNG in the repository", required=True)
    medium = f.text("medium", required=False) or "podcast"
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
        moved_from=_moved_from(f),
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
    guid = f.text("guid", required=False)
    if guid and not is_uuid5(guid):
        f.fail("guid", f"{guid!r} is not a UUIDv5 (expected the show's podcast:guid, such as "
                       "917393e3-1b1e-5cef-ace4-edaa54e1f810)")
        return None
    return guid


def _moved_from(f: Fields) -> str | None:
    """An old feed may have been plain http: it is only named, never published."""
    url = f.text("moved_from", required=False)
    if url and not re.fullmatch(r"https?://[^\s/]+/\S*", url):
        f.fail("moved_from", f"{url!r} is not a feed URL (expected the old feed's http(s) address)")
        return None
    return url


def _owner(f: Fields) -> Owner:
    data = f.data.get("owner")
    if not isinstance(data, dict):
        f.fail("owner", "missing (expected an [owner] table with name and email)")
        return Owner("", "")
    o = f.sub("owner", data, {"name", "email"})
    email = o.text("email") or ""
    if email and not EMAIL.fullmatch(email):
        o.fail("email", f"{email!r} is not an e-mail address (expected name@domain)")
    return Owner(o.text("name") or "", email)


def _categories(f: Fields) -> tuple[Category, ...]:
    entries = f.table("categories")
    if not entries and "categories" not in f.data:
        f.fail("categories", "missing (expected at least one Apple category)")
    result = []
    for entry in entries:
        c = f.sub("categories", entry, {"name", "subcategory"})
        name, sub = c.text("name"), c.text("subcategory", required=False)
        if name is None:
            continue
        if name not in APPLE_CATEGORIES:
            c.fail("name", f"{name!r} is not an Apple Podcasts category (expected one of: {', '.join(APPLE_CATEGORIES)})")
        elif sub is not None and sub not in APPLE_CATEGORIES[name]:
            options = ", ".join(sorted(APPLE_CATEGORIES[name])) or "none"
            c.fail("subcategory", f"{sub!r} is not a subcategory of {name!r} (expected one of: {options})")
        result.append(Category(name, sub))
    return tuple(result)


def _funding(f: Fields) -> tuple[Funding, ...]:
    result = []
    for entry in f.table("funding"):
        c = f.sub("funding", entry, {"url", "text"})
        url, text = c.https_url("url"), c.text("text", max_bytes=128)
        if url and text:
            result.append(Funding(url, text))
    return tuple(result)


def read_people(f: Fields, key: str) -> tuple[Person, ...]:
    """Podcasting 2.0 persons; shared with the episode front matter, which has the same shape."""
    result = []
    for entry in f.table(key):
        c = f.sub(key, entry, {"name", "role", "group", "href", "img"})
        name = c.text("name", max_bytes=128)
        role = (c.text("role", required=False) or "host").lower()
        group = (c.text("group", required=False) or "cast").lower()
        href = c.https_url("href", required=False)
        img = c.https_url("img", required=False)
        if name:
            result.append(Person(name, role, group, href, img))
    return tuple(result)


def _build(f: Fields) -> BuildSettings:
    data = f.data.get("build") or {}
    b = f.sub("build", data, {"allow_html", "id3_version", "artwork_size", "chapters_in_notes"})
    version = b.integer("id3_version", minimum=3) or 3
    if version not in (3, 4):
        b.fail("id3_version", f"{version} is not allowed (expected 3 or 4)")
    size = b.integer("artwork_size", minimum=300) or 1400
    if size > 3000:
        b.fail("artwork_size", f"{size} is too large (expected at most 3000 pixels)")
    return BuildSettings(
        allow_html=b.flag("allow_html", False),
        id3_version=version,
        artwork_size=size,
        chapters_in_notes=b.flag("chapters_in_notes", False),
    )
