"""episode.md -> Episode: YAML front matter (with line numbers kept) and Markdown show notes."""
from __future__ import annotations

import itertools
import re
from pathlib import Path
from collections.abc import Callable
from typing import Any, TypeVar

import yaml

from feed_builder.formats.chapters import FIELD as CHAPTERS, find_chapters, read_chapters
from feed_builder.core.errors import PodcastError, Problem, problem
from feed_builder.core.printable import unprintable
from feed_builder.core.repository import OUTSIDE, outside
from feed_builder.formats.sourcefile import not_utf8
from feed_builder.show.fields import Fields
from feed_builder.show.layout import AUDIO_DIR
from feed_builder.core.model import Episode, EpisodeType, NotesFormat, Season, Show
from feed_builder.show.settings import PERSON_FIELDS, read_people
from feed_builder.show.spec import Field, Kind, Section
from feed_builder.formats.notes import unprintable_notes
from feed_builder.formats.transcripts import FIELD as TRANSCRIPT, find_transcript, read_transcript

TAG_NUMBER_MAX = 65535
EPISODE_FILE = "episode.md"
# M4A keeps number and season in 16 bits (trkn, disk): a larger number could not be tagged as it is published
FIELDS: Section = {
    "title": Field(Kind.TEXT, "The episode's title.", required=True),
    "number": Field(Kind.INTEGER, "Episode number (itunes:episode, podcast:episode), unique in the show.",
                    maximum=TAG_NUMBER_MAX),
    "season": Field(Kind.INTEGER, "Season number; a special series is a season with a name.", maximum=TAG_NUMBER_MAX),
    "season_name": Field(Kind.TEXT, "The season's name (podcast:season name=...).", max_bytes=128),
    "date": Field(Kind.MOMENT, "Publication date: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+00:00 (UTC if no offset).",
                  required=True),
    # Any text: `podcast new` writes a UUID, other hosts wrote `1234` or URLs (kept as is when imported)
    "guid": Field(Kind.TEXT, "The episode's permanent identity in every app; `podcast new` writes a UUID.",
                  required=True),
    "audio": Field(Kind.FILE, "The master's path (default: the one file audio/<folder name>.<ext>)."),
    "explicit": Field(Kind.FLAG, "Whether the episode is explicit (default: the show's)."),
    "type": Field(Kind.CHOICE, "full (default), trailer or bonus.", options=tuple(t.value for t in EpisodeType)),
    "summary": Field(Kind.TEXT, "Plain-text description for app lists (default: the notes' first paragraph).",
                     max_bytes=4000),
    "keywords": Field(Kind.WORDS, "Keywords, as a list or one comma-separated string."),
    "image": Field(Kind.FILE, "The episode's own artwork, in its folder."),
    "people": Field(Kind.TABLES, "The episode's people (podcast:person).", fields=PERSON_FIELDS),
    "notes_format": Field(Kind.CHOICE, "How the notes below the front matter are written: markdown (default) "
                          "or html.", options=tuple(n.value for n in NotesFormat)),
    "guid_permalink": Field(Kind.FLAG, "The guid is the episode's web address (isPermaLink=\"true\"; "
                            "default false)."),
}
T = TypeVar("T")
_FENCE = re.compile(r"^---[ \t]*$", re.M)
# A folder's name is a segment of its files' URLs (audio/<folder>-<digest>.mp3, transcripts/<folder>.vtt):
# only characters a URL carries as they are, and lowercase, so that a case-insensitive host or file
# system cannot merge two episodes.
_FOLDER_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML that leaves dates as text: PyYAML's own date parsing raises a bare ValueError
    on 2025-02-30, and `Fields.moment` gives the user a better message for it."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def load_episode(show: Show, folder: Path, masters: list[str]) -> Episode:
    """Read one episode folder; raises PodcastError with every problem of its files. `masters`
    are the files in audio/ named after the folder (`inputs.audio_names`, one scan for all)."""
    path = folder / EPISODE_FILE
    if outside(show.root, path):  # the folder itself may be a symlink
        raise PodcastError([problem(path, None, "file", OUTSIDE)])
    data, lines, notes, notes_line = read_front_matter(path)
    f = Fields(path, data, lines, FIELDS)
    episode = _episode(show, folder, f, notes, notes_line, masters)
    problems = [*f.problems, *_folder_name(folder)]
    transcript = _optional(show.root, folder, TRANSCRIPT, find_transcript, read_transcript, problems)
    chapters = _optional(show.root, folder, CHAPTERS, find_chapters, read_chapters, problems)
    if problems:
        raise PodcastError(problems)
    return Episode(**episode, transcript=transcript, chapters=chapters or ())


def _optional(root: Path, folder: Path, field: str, find: Callable[[Path], Path | None], read: Callable[[Path], T],
              problems: list[Problem]) -> T | None:
    """An optional file of the episode, read if present and inside the repository; its problems
    join the others."""
    try:
        source = find(folder)
        if source is None:
            return None
        if outside(root, source):
            problems.append(problem(source, None, field, OUTSIDE))
            return None
        return read(source)
    except PodcastError as e:
        problems += e.problems
        return None


def _folder_name(folder: Path) -> list[Problem]:
    if _FOLDER_NAME.fullmatch(folder.name):
        return []
    return [problem(folder.parent, None, "folder", f"{folder.name!r} cannot be part of a URL (expected lowercase "
                    "letters a-z, digits, '.', '_' and '-', starting with a letter or digit)")]


def read_front_matter(path: Path) -> tuple[dict[str, Any], dict[str, int], str, int]:
    """Front matter values, each key's line, the notes, and the line where the notes start."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM, as Windows editors write, is not content
    except FileNotFoundError:
        raise PodcastError([problem(path, None, "file", "not found (expected front matter and show notes)")]) from None
    except OSError as e:  # a folder named episode.md, no permission, ...
        raise PodcastError([problem(path, None, "file", f"cannot be read: {e.strerror} (expected a text file)")]) from None
    except UnicodeDecodeError as e:
        raise PodcastError([not_utf8(path, "file", e)]) from e
    if not text.startswith("---"):
        raise PodcastError([problem(path, 1, "front matter", "missing (expected the file to start with a --- line)")])
    fences = list(itertools.islice(_FENCE.finditer(text), 2))
    if len(fences) < 2:
        raise PodcastError([problem(path, 1, "front matter", "not closed (expected a second --- line)")])
    head = text[fences[0].end():fences[1].start()]
    if found := unprintable(head):  # before YAML, whose own rule is narrower
        offset, message = found
        line = head.count("\n", 0, offset) + 1
        key = m.group(1) if (m := re.match(r"\s*([\w-]+):", head.splitlines()[line - 1])) else "front matter"
        raise PodcastError([problem(path, line, key, message)])
    data, lines = _yaml_mapping(path, head)
    body = text[fences[1].end():].lstrip("\n")
    notes_line = text.count("\n", 0, len(text) - len(body)) + 1
    return data, lines, body, notes_line


def _yaml_mapping(path: Path, head: str) -> tuple[dict[str, Any], dict[str, int]]:
    loader = _Loader(head)
    try:
        node = loader.get_single_node()
        return _values(path, loader, node) if node is not None else ({}, {})
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        reason = getattr(e, "problem", None) or str(e)
        raise PodcastError([problem(path, line, "front matter", f"{reason} (expected valid YAML)")]) from e
    finally:
        loader.dispose()


def _values(path: Path, loader: _Loader, node: yaml.Node) -> tuple[dict[str, Any], dict[str, int]]:
    """Each top-level key's value and line. The nodes are checked before any value is built, and
    each value is built on its own, so that a problem names its key."""
    if not isinstance(node, yaml.MappingNode):
        raise PodcastError([problem(path, 2, "front matter", "is not a mapping (expected key: value lines)")])
    problems = _graph_problems(path, node)
    if problems:
        raise PodcastError(problems)
    data, lines = {}, {}
    for key_node, value_node in node.value:
        key, line = str(key_node.value), key_node.start_mark.line + 1
        lines[key] = line
        try:
            data[key] = loader.construct_object(value_node, deep=True)
        except ValueError as e:  # Python's own: an int of thousands of digits, a !!timestamp on 30 February
            problems.append(problem(path, line, key, f"cannot be read: {e} (expected a plain YAML value)"))
    if problems:
        raise PodcastError(problems)
    return data, lines


def _graph_problems(path: Path, root: yaml.Node) -> list[Problem]:
    """Aliases and repeated keys. A kilobyte of aliases can stand for a billion values, and of a
    repeated key's values all but the last would be dropped without a word."""
    problems: list[Problem] = []
    seen: set[int] = set()
    stack = [(root, "front matter", 1)]  # a node, and the key and line that hold it
    while stack:
        node, key, line = stack.pop()
        if id(node) in seen:
            return [problem(path, line, key, "repeats a value by a YAML alias (expected every value written out, "
                            "without & anchors and * aliases)")]
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            problems += _repeated_keys(path, node)
            for key_node, value_node in node.value:
                at = (str(key_node.value), key_node.start_mark.line + 1)
                stack += [(key_node, *at), (value_node, *at)]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(item, key, line) for item in node.value]
    return problems


def _repeated_keys(path: Path, mapping: yaml.MappingNode) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for key_node, _ in mapping.value:
        key, line = str(key_node.value), key_node.start_mark.line + 1
        if key in first:
            problems.append(problem(path, line, key, f"is given twice, on lines {first[key]} and {line} "
                                    "(expected each key once)"))
        first.setdefault(key, line)
    return problems


def _episode(show: Show, folder: Path, f: Fields, notes: str, notes_line: int, masters: list[str]) -> dict[str, Any]:
    number, season = f.integer("number"), f.integer("season")
    season_name = f.text("season_name")
    if season_name and season is None:
        f.fail("season_name", "is given without a season (expected a season number too)")
    guid = f.text("guid")
    if found := unprintable_notes(notes):
        offset, message = found
        f.fail("notes", message, line=notes_line + notes.count("\n", 0, offset))
    return dict(
        folder=folder,
        title=f.text("title") or "",
        number=number,
        season=Season(season, season_name) if season else None,
        date=f.moment("date"),
        guid=guid or "",
        audio=_audio(show, folder, f, masters),
        explicit=f.flag("explicit", show.explicit),
        type=f.choice("type", EpisodeType, [t.value for t in EpisodeType], EpisodeType.FULL),
        summary=f.text("summary"),
        keywords=f.strings("keywords"),
        image=f.file("image", show.root, folder, "an image file in the episode folder"),
        people=read_people(f, "people"),
        notes=notes,
        notes_line=notes_line,
        notes_format=f.choice("notes_format", NotesFormat, [n.value for n in NotesFormat], NotesFormat.MARKDOWN),
        guid_permalink=f.flag("guid_permalink", False),
    )


def _audio(show: Show, folder: Path, f: Fields, masters: list[str]) -> Path:
    """The named master, else the one file in audio/ named after the folder, whatever its extension."""
    default = show.root / AUDIO_DIR / folder.name
    if f.data.get("audio") is not None:
        return f.file("audio", show.root, show.root, "an audio file in the repository") or default
    if len(masters) == 1:
        relpath = f"{AUDIO_DIR}/{masters[0]}"
        if outside(show.root, show.root / relpath):
            f.fail("audio", f"{relpath!r} {OUTSIDE}", line=1)
        return show.root / relpath
    expected = f"{AUDIO_DIR}/{folder.name}.mp3 (or .m4a, .opus, .ogg, .flac, .wav, .aiff), or an `audio:` key"
    if masters:
        names = ", ".join(masters)
        f.fail("audio", f"several masters match ({names}) (expected one, or an `audio:` key naming it)")
    else:
        f.fail("audio", f"no master found (expected {expected})", line=1)
    return default
