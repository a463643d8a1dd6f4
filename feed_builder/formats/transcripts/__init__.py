"""Transcripts: one model read from plain text, SRT, WebVTT or Podcasting 2.0 JSON, and rendered back.

Each segment keeps the line it was read from, so that `check_transcript`, run after probing, still
names the line of a cue past the end of the audio.
"""
from __future__ import annotations

from pathlib import Path

from feed_builder.core.errors import PodcastError, problem
from feed_builder.core.model import Segment, Transcript
from feed_builder.formats.transcripts.parse import FIELD, PARSERS
from feed_builder.formats.transcripts.render import Rendered, render
from feed_builder.formats.transcripts.rules import check_cues, check_transcript
from feed_builder.formats.sourcefile import find_one, read_text

__all__ = ["FIELD", "Rendered", "check_transcript", "find_transcript", "read_transcript", "render"]

NAMES = tuple(f"transcript{extension}" for extension in PARSERS)


def find_transcript(folder: Path) -> Path | None:
    return find_one(folder, NAMES, FIELD, "transcript")


def read_transcript(path: Path) -> Transcript:
    """The transcript in `path`, format by extension; raises PodcastError with every problem in it."""
    parse = PARSERS.get(path.suffix.lower())
    if parse is None:
        known = ", ".join(PARSERS)
        raise PodcastError([problem(path, None, FIELD, f"unknown format {path.suffix!r} (expected one of {known})")])
    text, problems = read_text(path, FIELD)
    segments: tuple[Segment, ...] = ()
    if text is not None:
        segments, problems = parse(path, text)
        problems += check_cues(path, segments)
        if not segments and not problems:
            problems.append(problem(path, None, FIELD, "the file has no text (expected the words spoken)"))
    if problems:
        raise PodcastError(problems)
    return Transcript(path, segments)
