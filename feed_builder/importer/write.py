"""The repository files an imported feed becomes: `podcast.toml` and each episode's `episode.md`.

Front matter is PyYAML's safe dump of plain values, so the loader reads back exactly what was
written: dates as ISO text with their offset, GUIDs as strings even when they look like numbers,
and never an alias (the dumper is told not to make any; the loader refuses them).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

import yaml

from feed_builder.core.urls import is_https_url
from feed_builder.core.model import Person
from feed_builder.importer.feed import FeedItem, FeedShow
from feed_builder.show.new import slugify
from feed_builder.show.settings import EMAIL, LANGUAGE, MEDIUMS
from feed_builder.validate.apple_categories import APPLE_CATEGORIES

EXAMPLE_BASE_URL = "https://example.com/podcast"
_SLUG_MAX = 60


@dataclass(frozen=True)
class Written:
    text: str
    dropped: tuple[str, ...]  # what the feed had that could not be carried over, said for the user


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


def folder_name(number: int, title: str) -> str:
    """`<number>-<slug>`: a URL segment whatever the title (`../../x`, `CON`, ten thousand letters),
    and never a bare device name, since it starts with digits."""
    slug = slugify(title)[:_SLUG_MAX].rstrip("-") or "episode"
    return f"{number:03d}-{slug}"


def _cut(text: str, limit: int) -> str:
    """At most `limit` bytes of UTF-8, the limits publish holds text to, without half a character."""
    return text.encode()[:limit].decode(errors="ignore")


def _string(value: str) -> str:
    """A TOML basic string: JSON's escapes are all TOML's too."""
    return json.dumps(value, ensure_ascii=False)


def _people(people: tuple[Person, ...], where: str, dropped: list[str]) -> list[dict[str, str]]:
    result = []
    for p in people:
        entry = {"name": _cut(p.name, 128), "role": p.role, "group": p.group}
        for key, url in (("href", p.href), ("img", p.img)):
            if url and is_https_url(url):
                entry[key] = url
            elif url:
                dropped.append(f"{where}: person {p.name!r}'s {key} {url!r} (not https)")
        result.append(entry)
    return result


def show_toml(show: FeedShow, *, image: str, base_url: str | None, guid: str | None,
              moved_from: str | None) -> Written:
    dropped: list[str] = []
    lines = ["# Imported from another host's feed by `podcast import`. Reference of every key: README.md.", ""]

    def key(name: str, value: str | None, example: str) -> None:
        if value:
            lines.append(f"{name} = {_string(value)}")
        else:
            lines.append(f"# EXAMPLE: the feed had no {name}. Replace before publishing.")
            lines.append(f"{name} = {_string(example)}")

    key("title", show.title, "Show title")
    description = show.description
    if len(description.encode()) > 4000:
        dropped.append("channel: description beyond 4000 bytes (Apple's limit); cut at a word")
        description = _cut(description, 4000).rsplit(" ", 1)[0]
    key("description", description, "Show description")
    language = show.language.strip().replace("_", "-")  # en_US, as some hosts write it
    language = language[:2].lower() + language[2:]
    key("language", language if LANGUAGE.fullmatch(language) else None, "en")
    key("author", show.author or show.owner_name, "Author")
    key("copyright", show.copyright, f"© {show.author or show.title}")
    if show.explicit is not None:
        lines.append(f"explicit = {'true' if show.explicit else 'false'}")
    if show.type in ("episodic", "serial"):
        lines.append(f'type = "{show.type}"')
    if show.medium in MEDIUMS:
        lines.append(f'medium = "{show.medium}"')
    lines.append("locked = true  # the feed was unlocked at the old host; lock it here, as every new show is")
    if guid:
        lines.append(f"guid = {_string(guid)}  # podcast:guid: the show's identity in Podcast Index apps, kept")
    key("image", image, "artwork/cover.jpg")
    if base_url:
        lines.append(f"base_url = {_string(base_url)}  # where the feed was; change it to where public/ will be served")
    else:
        lines.append("# EXAMPLE: where public/ will be served (https). Replace before publishing.")
        lines.append(f"base_url = {_string(EXAMPLE_BASE_URL)}")
    if moved_from:
        lines.append(f"moved_from = {_string(moved_from)}  # the old feed: the new one says it moved (itunes:new-feed-url)")
    if show.link and is_https_url(show.link):
        lines.append(f"link = {_string(show.link)}")
    lines += _categories(show, dropped)
    lines += ["", "[owner]"]
    key("name", show.owner_name or show.author, "Owner")
    email = show.owner_email if EMAIL.fullmatch(show.owner_email) else None
    key("email", email, "owner@example.com")
    for url, text in show.funding:
        if not is_https_url(url) or not text:
            dropped.append(f"channel: funding {url!r} (expected an https URL with a text)")
            continue
        lines += ["", "[[funding]]", f"url = {_string(url)}", f"text = {_string(_cut(text, 128))}"]
    for person in _people(show.people, "channel", dropped):
        lines += ["", "[[people]]", *(f"{k} = {_string(v)}" for k, v in person.items())]
    return Written("\n".join(lines) + "\n", tuple(dropped))


def _categories(show: FeedShow, dropped: list[str]) -> list[str]:
    entries = []
    for name, sub in show.categories:
        if name not in APPLE_CATEGORIES:
            dropped.append(f"channel: category {name!r} (not one of Apple's)")
            continue
        if sub is not None and sub not in APPLE_CATEGORIES[name]:
            dropped.append(f"channel: subcategory {sub!r} of {name!r} (not one of Apple's)")
            sub = None
        entries.append(f"  {{ name = {_string(name)}" + (f", subcategory = {_string(sub)}" if sub else "") + " },")
    if not entries:
        return ["# EXAMPLE: the feed had no Apple category. Replace before publishing.",
                'categories = [{ name = "Society & Culture" }]']
    return ["categories = [", *entries, "]"]


def episode_md(item: FeedItem, *, image: str | None, fallback_date: datetime) -> Written:
    """Front matter and notes; the notes are the HTML the host published, kept as HTML."""
    dropped: list[str] = []
    where = f"item {item.title or item.guid!r}"
    data: dict[str, object] = {"title": item.title or item.guid, "guid": item.guid}
    if item.guid_permalink:
        data["guid_permalink"] = True
    if item.date is None:
        dropped.append(f"{where}: pubDate {item.date_text!r} (not an RFC 2822 date); the feed's newest date used")
    data["date"] = (item.date or fallback_date).isoformat()
    if item.number is not None and item.number <= 65535:
        data["number"] = item.number
    if item.season is not None and item.season <= 65535:
        data["season"] = item.season
        if item.season_name:
            data["season_name"] = _cut(item.season_name, 128)
    if item.type in ("full", "trailer", "bonus"):
        data["type"] = item.type
    if item.explicit is not None:
        data["explicit"] = item.explicit
    notes = item.notes or item.description or ""
    if item.notes and item.description and item.description != item.notes:
        if len(item.description.encode()) <= 4000:
            data["summary"] = item.description
        else:
            dropped.append(f"{where}: description beyond 4000 bytes (the notes keep the text)")
    if item.keywords:
        data["keywords"] = list(item.keywords)
    if image:
        data["image"] = image
    people = _people(item.people, where, dropped)
    if people:
        data["people"] = people
    data["notes_format"] = "html"
    head = yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=100)
    return Written(f"---\n{head}---\n{notes.strip()}\n", tuple(dropped))


def newest(items: tuple[FeedItem, ...]) -> datetime:
    return max((i.date for i in items if i.date), default=datetime(1970, 1, 1, tzinfo=timezone.utc))
