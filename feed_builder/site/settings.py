"""The site's settings in `podcast.toml`: `[site]`, `[[subscribe]]`, `[[podroll]]`, and the show's
`theme/` folder.

The podroll is one model for two outputs, the site's list and the feed's `<podcast:podroll>`, so
the two never disagree. Theme files are read here, with the settings, so that what is rendered is
exactly what went into the cache key: an edited template rebuilds the pages it shapes.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from feed_builder.core.errors import Problem, problem
from feed_builder.core.repository import OUTSIDE, outside
from feed_builder.show.fields import Fields
from feed_builder.show.spec import Field, Kind, Section

THEME_DIR = "theme"
_THEME_MAX_BYTES = 1_000_000  # a template is a few kilobytes; a large file here is a mistake


@dataclass(frozen=True)
class Subscribe:
    name: str
    url: str


@dataclass(frozen=True)
class PodrollEntry:
    """Another show the podcaster recommends (Podcasting 2.0 `podcast:remoteItem`)."""

    feed_guid: str
    feed_url: str
    title: str


@dataclass(frozen=True)
class SiteSettings:
    enabled: bool = True
    subscribe: tuple[Subscribe, ...] = ()
    podroll: tuple[PodrollEntry, ...] = ()
    theme: tuple[tuple[str, str], ...] = ()  # (file name, text): templates overriding the package's


SITE_FIELDS: Section = {
    "enabled": Field(Kind.FLAG, "Build the site (index.html and a page per episode) beside the feed (default true)."),
}
SUBSCRIBE_FIELDS: Section = {
    "name": Field(Kind.TEXT, "The app or directory, as the button names it.", required=True, max_bytes=128),
    "url": Field(Kind.URL, "The show's page in that app or directory.", required=True),
}
PODROLL_FIELDS: Section = {
    "feed_guid": Field(Kind.TEXT, "The other show's podcast:guid, a UUID.", required=True, max_bytes=128),
    "feed_url": Field(Kind.URL, "The other show's feed.", required=True),
    "title": Field(Kind.TEXT, "The other show's title, as the site lists it.", required=True, max_bytes=128),
}


def read_site(f: Fields, root: Path) -> SiteSettings:
    """Problems go to `f`, with the rest of podcast.toml's."""
    data = f.data.get("site") or {}
    s = f.sub("site", data if isinstance(data, dict) else {}, SITE_FIELDS)
    if not isinstance(data, dict):
        f.fail("site", f"{data!r} is not a table (expected [site] with enabled = true or false)")
    subscribe = []
    for entry in f.table("subscribe"):
        c = f.sub("subscribe", entry, SUBSCRIBE_FIELDS)
        name, url = c.text("name"), c.https_url("url")
        if name and url:
            subscribe.append(Subscribe(name, url))
    podroll = []
    for entry in f.table("podroll"):
        c = f.sub("podroll", entry, PODROLL_FIELDS)
        guid, url, title = c.text("feed_guid"), c.https_url("feed_url"), c.text("title")
        if guid and not _is_uuid(guid):
            c.fail("feed_guid", f"{guid!r} is not a podcast GUID (expected the other show's podcast:guid, a UUID)")
        elif guid and url and title:
            podroll.append(PodrollEntry(guid, url, title))
    return SiteSettings(s.flag("enabled", True), tuple(subscribe), tuple(podroll), _theme(f, root))


def _theme(f: Fields, root: Path) -> tuple[tuple[str, str], ...]:
    folder = root / THEME_DIR
    if not folder.is_dir():
        return ()
    files = []
    for path in sorted(folder.iterdir()):
        name = f"{THEME_DIR}/{path.name}"
        if path.name.startswith("."):
            continue
        if outside(root, path) or outside(root, folder):
            f.problems.append(_problem(path, f"{name!r} {OUTSIDE}"))
        elif not path.is_file():
            f.problems.append(_problem(path, f"{name!r} is not a file (expected templates directly in {THEME_DIR}/)"))
        elif path.stat().st_size > _THEME_MAX_BYTES:
            f.problems.append(_problem(path, f"{name!r} is {path.stat().st_size} bytes "
                                             f"(expected a template of at most {_THEME_MAX_BYTES})"))
        else:
            try:
                files.append((path.name, path.read_text(encoding="utf-8")))
            except UnicodeDecodeError:
                f.problems.append(_problem(path, f"{name!r} is not UTF-8 text (expected a Jinja2 template)"))
            except OSError as e:
                f.problems.append(_problem(path, f"{name!r} cannot be read: {e.strerror} (expected a template)"))
    return tuple(files)


def _problem(path: Path, message: str) -> Problem:
    return problem(path, None, "theme", message)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
