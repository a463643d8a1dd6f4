"""Chapters: read from chapters.txt or Podcasting 2.0 JSON, checked, and given to every consumer.

Apps read chapters in different places (JSON for Podcasting 2.0 apps, `psc:chapters` for gPodder and
Spotify, ID3/Vorbis tags for car stereos, timestamps in the notes for Apple), so all of them come
from one tuple of `Chapter`s. Each chapter keeps its line for
`check_chapters`, run once the audio's duration is known.
"""
from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from feed_builder.formats import timecode
from feed_builder.core.errors import PodcastError, Problem, problem
from feed_builder.core.printable import unprintable
from feed_builder.core.repository import outside
from feed_builder.core.urls import NOT_HTTPS, is_https_url
from feed_builder.core.model import Chapter
from feed_builder.formats.sourcefile import LocatedDict, dump_json, find_one, is_seconds, json_repr, load_json, read_text

FIELD = "chapters"
NAMES = ("chapters.txt", "chapters.json")
JSON_VERSION = "1.2.0"
JSON_MIME = "application/json+chapters"

_URL = re.compile(r"[A-Za-z][\w+.-]*://\S*")
_CLOCK_FORMAT = "HH:MM:SS or MM:SS, e.g. 01:02:03 or 02:03"


def find_chapters(folder: Path) -> Path | None:
    return find_one(folder, NAMES, FIELD, "chapters")


def read_chapters(path: Path) -> tuple[Chapter, ...]:
    """The chapters in `path` (.txt or .json); raises PodcastError with every problem in it."""
    parse = {".txt": _parse_txt, ".json": _parse_json}.get(path.suffix.lower())
    if parse is None:
        raise PodcastError([problem(path, None, FIELD, f"unknown format {path.suffix!r} (expected .txt or .json)")])
    text, problems = read_text(path, FIELD)
    chapters: tuple[Chapter, ...] = ()
    if text is not None:
        chapters, problems = parse(path, text)
        problems += _check_order(path, chapters)
        if not chapters and not problems:
            problems.append(problem(path, None, FIELD, "the file has no chapters (expected lines like '00:00 Intro')"))
    if problems:
        raise PodcastError(problems)
    return chapters


def _parse_txt(path: Path, text: str) -> tuple[tuple[Chapter, ...], list[Problem]]:
    """`TIME Title [https://link]` per line; blank lines and `#` comments are for the author."""
    chapters: list[Chapter] = []
    problems: list[Problem] = []
    for line, raw in enumerate(text.split("\n"), 1):
        words = raw.strip().split(None, 1)
        if not words or words[0].startswith("#"):
            continue
        start = timecode.parse_clock(words[0])
        rest = words[1] if len(words) > 1 else ""
        # A link is the last word: split off, not searched for, so a long run of spaces stays linear.
        *head, last = rest.rsplit(None, 1) or [""]
        url = last if _URL.fullmatch(last) else None
        title = (head[0] if head else "") if url else rest
        found = [
            problem(path, line, "start", f"{words[0]!r} is not a time (expected {_CLOCK_FORMAT})") if start is None else None,
            problem(path, line, "title", "missing (expected a title after the time)") if not title else None,
            _printable(path, line, "title", title),
            _https(path, line, "url", url) if url is not None else None,
        ]
        problems += [p for p in found if p is not None]
        if start is not None and not any(found):
            chapters.append(Chapter(start, title, url, line=line))
    return tuple(chapters), problems


def _parse_json(path: Path, text: str) -> tuple[tuple[Chapter, ...], list[Problem]]:
    """Podcasting 2.0 JSON chapters; `endTime` is ignored, as ends follow from the next start."""
    data, problems = load_json(path, text, FIELD)
    if problems:
        return (), problems
    if not isinstance(data, LocatedDict) or not isinstance(data.get("version"), str):
        return (), [problem(path, 1, "version", f'missing or not a string (expected "version": "{JSON_VERSION}")')]
    if not isinstance(data.get("chapters"), list):
        return (), [problem(path, data.line, "chapters", "missing or not a list (expected a list of chapters)")]
    chapters: list[Chapter] = []
    for i, item in enumerate(data["chapters"]):
        name = f"chapters[{i}]"
        if not isinstance(item, LocatedDict):
            problems.append(problem(path, data.line, name, "not an object (expected {startTime, title})"))
            continue
        found = _json_chapter(path, item, name)
        if isinstance(found, Chapter):
            chapters.append(found)
        else:
            problems += found
    return tuple(chapters), problems


def _json_chapter(path: Path, item: LocatedDict, name: str) -> Chapter | list[Problem]:
    line = item.line
    start, title, url, img = (item.get(key) for key in ("startTime", "title", "url", "img"))
    found = [
        None if is_seconds(start) else problem(
            path, line, f"{name}.startTime", ("missing" if "startTime" not in item else f"{json_repr(start)} is not valid")
            + f" (expected {timecode.SECONDS})"),
        None if isinstance(title, str) and title.strip() else problem(
            path, line, f"{name}.title", "missing or empty (expected the chapter's title)"),
        _printable(path, line, f"{name}.title", title) if isinstance(title, str) else None,
        None if item.get("toc", True) is not False else problem(
            path, line, f"{name}.toc", "silent chapters are not supported (expected visible chapters, toc absent or true)"),
        None if url is None else _https(path, line, f"{name}.url", url),
        None if img is None else _image(path, line, f"{name}.img", img),
    ]
    problems = [p for p in found if p is not None]
    if problems:
        return problems
    return Chapter(float(item["startTime"]), item["title"].strip(), url, img, line=line)


def _printable(path: Path, line: int | None, name: str, title: str) -> Problem | None:
    found = unprintable(title)
    return problem(path, line, name, found[1]) if found else None


def _https(path: Path, line: int | None, name: str, value: Any) -> Problem | None:
    return None if is_https_url(value) else problem(path, line, name, f"{json_repr(value)} {NOT_HTTPS}")


def _image(path: Path, line: int | None, name: str, value: Any) -> Problem | None:
    """An https URL, or a file in the episode folder, which publish copies next to the audio; the
    folder is where it must stay, `..` and symlinks followed."""
    if isinstance(value, str) and "://" in value:
        return _https(path, line, name, value)
    image = path.parent / value if isinstance(value, str) and value else None
    if image is None or not image.is_file() or outside(path.parent, image):
        return problem(path, line, name, f"{json_repr(value)} is not a file in the episode folder "
                       "(expected a file name next to the chapters file, or an https URL)")
    return None


def _check_order(path: Path, chapters: tuple[Chapter, ...]) -> list[Problem]:
    """The first chapter at 0 (Apple and Spotify drop the list otherwise), then strictly later starts."""
    if not chapters:
        return []
    problems = []
    if chapters[0].start != 0:
        problems.append(problem(path, chapters[0].line, "start", f"the first chapter starts at "
                                f"{_shown(chapters[0].start)} (expected 00:00:00)"))
    for previous, c in itertools.pairwise(chapters):
        if c.start <= previous.start:
            problems.append(problem(path, c.line, "start", f"{_shown(c.start)} is not after the previous chapter at "
                                    f"{_shown(previous.start)} (expected chapters in strictly ascending order)"))
    return problems


def check_chapters(chapters: tuple[Chapter, ...], duration: float, source: Path) -> list[Problem]:
    """Chapters that start at or after the end of the audio, where no player can seek."""
    return [
        problem(source, getattr(c, "line", None), "start", f"{_shown(c.start)} is not before the end of the audio "
                f"at {_shown(duration)} (expected chapters within the audio)")
        for c in chapters
        if c.start >= duration
    ]


def _shown(seconds: float) -> str:
    """A time as the author wrote it: whole seconds unless they gave a fraction."""
    return timecode.clock(seconds) if round(seconds * 1000) % 1000 == 0 else timecode.vtt(seconds)


def chapter_ends(chapters: tuple[Chapter, ...], duration: float) -> tuple[float, ...]:
    """Each chapter ends where the next begins, the last where the audio does (ID3 CHAP needs ends)."""
    return tuple(c.start for c in chapters[1:]) + ((duration,) if chapters else ())


def with_image_urls(chapters: tuple[Chapter, ...], url_for: Callable[[str], str]) -> tuple[Chapter, ...]:
    """Chapters whose episode-folder images are replaced by `url_for(image)`, the published URL.

    The writers below put `image` in the outputs as it is, so publish calls this first.
    """
    return tuple(
        replace(c, image=url_for(c.image)) if c.image is not None and "://" not in c.image else c for c in chapters
    )


def to_json(chapters: tuple[Chapter, ...], duration: float) -> bytes:
    """Podcasting 2.0 JSON chapters, version 1.2.0, served as `application/json+chapters`."""
    items = []
    for c, end in zip(chapters, chapter_ends(chapters, duration), strict=True):
        item: dict[str, object] = {
            "startTime": timecode.json_seconds(c.start),
            "endTime": timecode.json_seconds(end),
            "title": c.title,
        }
        if c.image is not None:
            item["img"] = c.image
        if c.url is not None:
            item["url"] = c.url
        items.append(item)
    return dump_json({"version": JSON_VERSION, "chapters": items})


def psc_entries(chapters: tuple[Chapter, ...]) -> tuple[tuple[str, str, str | None, str | None], ...]:
    """Podlove Simple Chapters as (start, title, href, image); start in normal play time HH:MM:SS.mmm."""
    return tuple((timecode.vtt(c.start), c.title, c.url, c.image) for c in chapters)


def notes_timestamps(chapters: tuple[Chapter, ...]) -> str:
    """An HTML list of `HH:MM:SS Title` lines for the show notes.

    Apple makes chapters from a description with three or more such timestamps starting at 00:00:00;
    reading guarantees the start, and fewer chapters still make a useful table of contents.
    """
    if not chapters:
        return ""
    items = []
    for c in chapters:
        title = html.escape(c.title)
        linked = title if c.url is None else f'<a href="{html.escape(c.url)}">{title}</a>'
        items.append(f"<li>{timecode.clock(c.start)} {linked}</li>")
    return "<ul>\n" + "\n".join(items) + "\n</ul>\n"
