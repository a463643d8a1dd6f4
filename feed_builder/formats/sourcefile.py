"""Hand-written text and JSON files in, JSON files out, for transcripts and chapters alike.

The standard JSON decoder keeps no positions, so `load_json` runs the pure-Python scanner with an
object parser that records where each object starts: every problem can then name its line.
"""
from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from feed_builder.core.errors import PodcastError, Problem, problem
from feed_builder.formats import timecode


# The scanner recurses once per level, so a file nested 100,000 deep would exhaust Python's stack;
# transcripts and chapters need a few levels, and the limit leaves room for extensions.
_MAX_NESTING = 32


class LocatedDict(dict[str, Any]):
    """A JSON object that knows the line its `{` is on."""

    line: int


class _TooDeep(json.JSONDecodeError):
    """Valid JSON, refused: its own type, so that the message says what is expected instead."""


def find_one(folder: Path, names: tuple[str, ...], field: str, kind: str) -> Path | None:
    """The episode's `kind` file, whichever of `names` it has; two would leave which one apps get
    to chance, so that is an error. One listing of the folder rather than a stat per name. A name
    that is there but cannot be read (a broken or looping link) is found, so that reading it
    reports it: the episode must not be published without it."""
    present = set(os.listdir(folder))
    found = [folder / name for name in names if name in present and not (folder / name).is_dir()]
    if len(found) > 1:
        listed = " and ".join(p.name for p in found)
        raise PodcastError([problem(folder, None, field, f"found {listed} (expected one {kind} file)")])
    return found[0] if found else None


def read_text(path: Path, field: str) -> tuple[str | None, list[Problem]]:
    """The file's text with a BOM dropped and line ends made `\\n`, or the problem reading it."""
    try:
        data = path.read_bytes()
    except OSError as e:
        return None, [problem(path, None, field, f"cannot read the file: {e.strerror} (expected a readable file)")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return None, [not_utf8(path, field, e)]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def not_utf8(path: Path, field: str, error: UnicodeDecodeError) -> Problem:
    """The problem of a file that does not decode, on the line of its first bad byte."""
    line = error.object[: error.start].count(b"\n") + 1
    return problem(path, line, field, "the file is not UTF-8 text (expected UTF-8)")


def load_json(path: Path, text: str, field: str) -> tuple[Any, list[Problem]]:
    """Parsed JSON whose objects are `LocatedDict`s, or the syntax error with its line."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[LocatedDict, int]:
        obj, end = json.decoder.JSONObject(s_and_end, *args)  # type: ignore[attr-defined]
        located = LocatedDict(obj)
        located.line = bisect.bisect_right(line_starts, s_and_end[1] - 1)
        return located, end

    depth = [0]  # shared by objects and arrays
    decoder = json.JSONDecoder(parse_int=_integer)
    decoder.parse_object = _guarded(parse_object, depth)  # type: ignore[attr-defined]
    decoder.parse_array = _guarded(json.decoder.JSONArray, depth)  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        return decoder.decode(text), []
    except _TooDeep as e:
        return None, [problem(path, e.lineno, field, f"{e.msg} at column {e.colno} (expected at most {_MAX_NESTING} "
                              "levels of [ and {)")]
    except json.JSONDecodeError as e:
        return None, [problem(path, e.lineno, field, f"{e.msg} at column {e.colno} (expected valid JSON)")]


def _guarded(parse: Callable[..., tuple[Any, int]], depth: list[int]) -> Callable[..., tuple[Any, int]]:
    """`parse` for one level of `[` or `{`, refusing to go deeper than `_MAX_NESTING`."""
    def parse_level(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        if depth[0] == _MAX_NESTING:
            raise _TooDeep("nested too deep", *s_and_end)
        depth[0] += 1
        try:
            return parse(s_and_end, *args)
        finally:
            depth[0] -= 1
    return parse_level


def _integer(digits: str) -> int | float:
    """A JSON integer; one too long for any time becomes a float, infinite past 308 digits, which the
    checks refuse with their line, where int() raises on thousands of digits."""
    return int(digits) if len(digits) < 20 else float(digits)


def is_seconds(value: Any) -> bool:
    """A JSON time, as `timecode.SECONDS` says (JSON's `true` is a Python int, so it is excluded)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= timecode.MAX_SECONDS


def json_repr(value: Any) -> str:
    """A value as the user wrote it in JSON, shortened for a message."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def dump_json(data: object) -> bytes:
    """Deterministic, readable JSON: keys in the order given, UTF-8 as is, a final newline."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
