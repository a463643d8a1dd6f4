"""One parser per transcript format, each turning a file's text into located segments.

Parsers only read; the rules every format shares (order, overlap, speakers) live in `rules.py`, so
a VTT and an SRT with the same mistake get the same message. Cue problems point at the timing line.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from feed_builder.formats import timecode
from feed_builder.core.errors import Problem, problem
from feed_builder.core.model import Segment
from feed_builder.formats.sourcefile import LocatedDict, is_seconds, json_repr, load_json

FIELD = "transcript"


Parsed = tuple[tuple[Segment, ...], list[Problem]]
Parser = Callable[[Path, str], Parsed]

_TIMING = re.compile(r"\s*(\S+)\s+-->\s+(\S+)(?:\s.*)?")
# Class names hold no dot, so each dot starts one: with a dot allowed inside as well, `<v` and
# thirty dots took a minute to refuse.
_VOICE = re.compile(r"<v(?:\.[^\s>.]*)*[ \t]+([^>]*)>")
_VTT_TAG = re.compile(r"<[^>\n]*>")
_SRT_TAG = re.compile(r"</?(?:b|i|u|font)(?:\s[^>]*)?>", re.IGNORECASE)
# The Podcasting 2.0 convention for SRT speakers: "Name: words", on the card where the speaker changes.
_SRT_SPEAKER = re.compile(r"([^\W\d_][\w.'’()&-]*(?: [\w.'’()&-]+){0,3}):[ \t]+(?=\S)")


def parse_plain(path: Path, text: str) -> Parsed:
    """Paragraphs kept verbatim: a hand-wrapped transcript stays wrapped as its author wrote it."""
    return tuple(Segment("\n".join(lines), line=first) for first, lines in _blocks(text)), []


def parse_srt(path: Path, text: str) -> Parsed:
    return _cues(path, _blocks(text), timecode.parse_srt, "HH:MM:SS,mmm", _srt_text)


def parse_vtt(path: Path, text: str) -> Parsed:
    blocks = _blocks(text)
    header = next(blocks, None)
    if header is None or not re.fullmatch(r"WEBVTT(?:[ \t].*)?", header[1][0]):
        return (), [problem(path, 1, FIELD, "the file does not start with WEBVTT (expected a WebVTT header)")]
    if any("-->" in line for line in header[1]):
        return (), [problem(path, 2, FIELD, "a cue right after WEBVTT (expected a blank line after the header)")]
    cues = (b for b in blocks if not re.match(r"(?:NOTE|STYLE|REGION)(?:\s|$)", b[1][0]))
    return _cues(path, cues, timecode.parse_vtt, "HH:MM:SS.mmm or MM:SS.mmm", _vtt_text)


def parse_json(path: Path, text: str) -> Parsed:
    """Podcasting 2.0 JSON; every segment must be timed, as a VTT or SRT written from it needs both ends."""
    data, problems = load_json(path, text, FIELD)
    if problems:
        return (), problems
    if not isinstance(data, LocatedDict) or not isinstance(data.get("version"), str):
        return (), [problem(path, 1, "version", 'missing or not a string (expected "version": "1.0.0")')]
    if not isinstance(data.get("segments"), list):
        return (), [problem(path, data.line, "segments", "missing or not a list (expected a list of segments)")]
    segments: list[Segment] = []
    for i, item in enumerate(data["segments"]):
        name = f"segments[{i}]"
        if not isinstance(item, LocatedDict):
            problems.append(problem(path, data.line, name, "not an object (expected {startTime, endTime, body})"))
            continue
        found = {key: _json_field(path, item, name, key, check) for key, check in _SEGMENT_FIELDS.items()}
        problems += [p for p in found.values() if isinstance(p, Problem)]
        if not any(isinstance(p, Problem) for p in found.values()):
            body = _tidy(found["body"].split("\n"))
            segments.append(Segment(body, found["startTime"], found["endTime"], found["speaker"], item.line))
    return tuple(segments), problems


# key -> (required, test, expected)
_SEGMENT_FIELDS: dict[str, tuple[bool, Callable[[Any], bool], str]] = {
    "startTime": (True, is_seconds, timecode.SECONDS),
    "endTime": (True, is_seconds, timecode.SECONDS),
    "body": (True, lambda v: isinstance(v, str), "a string"),
    "speaker": (False, lambda v: isinstance(v, str), "a string"),
}


def _json_field(path: Path, item: LocatedDict, name: str, key: str,
                check: tuple[bool, Callable[[Any], bool], str]) -> Any:
    required, test, expected = check
    if key not in item:
        return problem(path, item.line, f"{name}.{key}", f"missing (expected {expected})") if required else None
    value = item[key]
    if not test(value):
        return problem(path, item.line, f"{name}.{key}", f"{json_repr(value)} is not valid (expected {expected})")
    return float(value) if key.endswith("Time") else value


def _blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """Runs of non-blank lines, each with the number of its first line."""
    block: list[str] = []
    first = 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not block:
                first = number
            block.append(line)
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def _cues(path: Path, blocks: Iterator[tuple[int, list[str]]], parse_time: Callable[[str], float | None],
          expected: str, read_text: Callable[[list[str]], tuple[str | None, str]]) -> Parsed:
    """Cues of SRT or VTT; a cue without a speaker continues the previous speaker, as both conventions say."""
    segments: list[Segment] = []
    problems: list[Problem] = []
    speaker = None
    for first, lines in blocks:
        found = _timing(path, first, lines, parse_time, expected)
        if isinstance(found, list):
            problems += found
            continue
        line, start, end = found
        named, text = read_text(lines[line - first + 1:])
        speaker = named if named is not None else speaker
        segments.append(Segment(text, start, end, speaker, line))
    return tuple(segments), problems


def _timing(path: Path, first: int, lines: list[str], parse_time: Callable[[str], float | None],
            expected: str) -> tuple[int, float, float] | list[Problem]:
    """The line number, start and end of a cue's timing line, or every problem with its timing."""
    form = f"'{expected} --> {expected}'"
    arrows = [i for i, text in enumerate(lines) if "-->" in text]
    if not arrows:
        return [problem(path, first, "cue", f"no timing line (expected {form}, then the text)")]
    line = first + arrows[0]
    problems = [problem(path, first + i, "cue", "a second timing line in one cue (expected a blank line between cues)")
                for i in arrows[1:]]
    m = _TIMING.fullmatch(lines[arrows[0]])
    if m is None:
        return [*problems, problem(path, line, "cue", f"{lines[arrows[0]].strip()!r} is not a timing line (expected {form})")]
    start, end = parse_time(m[1]), parse_time(m[2])
    problems += [problem(path, line, name, f"{token!r} is not a timestamp (expected {expected})")
                 for name, token, value in (("start", m[1], start), ("end", m[2], end)) if value is None]
    if problems or start is None or end is None:
        return problems
    return line, start, end


def _vtt_text(lines: list[str]) -> tuple[str | None, str]:
    voice = _VOICE.match(lines[0].strip()) if lines else None
    speaker = html.unescape(voice[1]).strip() if voice else None
    return speaker, _tidy(html.unescape(_VTT_TAG.sub("", line)) for line in lines)


def _srt_text(lines: list[str]) -> tuple[str | None, str]:
    lines = [_SRT_TAG.sub("", line) for line in lines]
    named = _SRT_SPEAKER.match(lines[0].strip()) if lines else None
    if named is None:
        return None, _tidy(lines)
    return named[1], _tidy([lines[0].strip()[named.end():], *lines[1:]])


def _tidy(lines: Iterator[str] | list[str]) -> str:
    """Cue text as lines without edge spaces or blank lines, which would end a cue in VTT and SRT."""
    return "\n".join(s for s in (line.strip() for line in lines) if s)


PARSERS: dict[str, Parser] = {".txt": parse_plain, ".srt": parse_srt, ".vtt": parse_vtt, ".json": parse_json}
