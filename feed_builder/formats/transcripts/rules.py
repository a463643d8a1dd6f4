"""The rules a transcript keeps whatever its format: order, no overlap, real speakers, within the audio."""
from __future__ import annotations

import unicodedata
from pathlib import Path

from feed_builder.formats import timecode
from feed_builder.core.errors import Problem, problem
from feed_builder.core.printable import unprintable
from feed_builder.core.model import Segment, Transcript

MAX_SPEAKER = 128
# A probed duration is an estimate for VBR audio and encoders pad or trim the end, so a last cue may
# end a little after it; more than half a second means a transcript made for another cut.
END_SLACK = 0.5


def check_cues(path: Path, segments: tuple[Segment, ...]) -> list[Problem]:
    """Every problem of the segments that needs no audio to see."""
    problems: list[Problem] = []
    previous: Segment | None = None
    for s in segments:
        line = s.line
        if not s.text:
            problems.append(problem(path, line, "text", "the cue has no text (expected the words spoken)"))
        if found := unprintable(s.text):
            problems.append(problem(path, line, "text", found[1]))
        if s.speaker is not None:
            problems += _speaker(path, line, s.speaker)
        if s.start is None or s.end is None:
            continue
        if s.end <= s.start:
            problems.append(problem(path, line, "end", f"{timecode.vtt(s.end)} is not after the start "
                                    f"{timecode.vtt(s.start)} (expected a cue that lasts)"))
        if previous is not None and previous.start is not None and previous.end is not None:
            if s.start < previous.start:
                problems.append(problem(path, line, "start", f"{timecode.vtt(s.start)} is before the previous cue's "
                                        f"start {timecode.vtt(previous.start)} (expected cues in time order)"))
            elif s.start < previous.end:
                problems.append(problem(path, line, "start", f"{timecode.vtt(s.start)} is before the previous cue's "
                                        f"end {timecode.vtt(previous.end)} (expected cues that do not overlap)"))
        previous = s
    return problems


def _speaker(path: Path, line: int | None, speaker: str) -> list[Problem]:
    if not speaker.strip():
        return [problem(path, line, "speaker", "the name is empty (expected a speaker's name)")]
    if len(speaker) > MAX_SPEAKER:
        return [problem(path, line, "speaker", f"the name has {len(speaker)} characters (expected at most {MAX_SPEAKER})")]
    if any(unicodedata.category(c) == "Cc" for c in speaker):
        return [problem(path, line, "speaker", f"{speaker!r} has control characters (expected a name on one line)")]
    if found := unprintable(speaker):
        return [problem(path, line, "speaker", found[1])]
    return []


def check_transcript(t: Transcript, duration: float) -> list[Problem]:
    """Cues that end after the audio does; plain text has no times and so nothing to check."""
    return [
        problem(t.source, s.line, "end", f"{timecode.vtt(s.end)} is after the end of the audio at "
                f"{timecode.vtt(duration)} (expected cues within the audio)")
        for s in t.segments
        if s.end is not None and s.end > duration + END_SLACK
    ]
