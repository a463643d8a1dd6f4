"""Transcripts as AntennaPod takes them from a feed, for tests: which one it keeps, and what it shows.

Written after AntennaPod's own code (FeedItem.updateTranscriptPreferredFormat, TranscriptType and
parser/transcript's JsonTranscriptParser), since the app itself cannot run here. It keeps ONE
`podcast:transcript` per episode, of a type it parses: a later one replaces the kept one only if its
type ranks higher (JSON, then WebVTT, then SRT), so it keeps the first of the best type and never
fetches any other type at all (no plain text, no HTML).

Only the JSON parser is ported: it is the type AntennaPod prefers, and our feeds always offer it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

PODCAST = "https://podcastindex.org/namespace/1.0"
JSON = "application/json"
_RANK = {JSON: 4, "text/vtt": 3, "application/srt": 2, "application/srr": 2, "application/x-subrip": 2}
MIN_SPAN_MS = 5000  # AntennaPod joins a speaker's short segments up to this span...
MAX_SPAN_MS = 8000  # ...or this one, while the next segment starts mid-sentence


@dataclass(frozen=True)
class Segment:
    start_ms: int
    end_ms: int
    text: str
    speaker: str


def kept_transcript(item: Any) -> tuple[str, str] | None:
    """(url, type) of the one transcript AntennaPod keeps for an lxml <item>, or None."""
    kept, rank = None, 0
    for element in item.iter(f"{{{PODCAST}}}transcript"):
        url, mime = element.get("url"), element.get("type")
        if url and mime and _RANK.get(mime, 0) > rank:
            kept, rank = (url, mime), _RANK[mime]
    return kept


def json_segments(data: bytes) -> list[Segment]:
    """What AntennaPod lists for a Podcasting 2.0 JSON transcript: runs of one speaker's segments,
    each closed when the speaker changes or the run spans `MIN_SPAN_MS`."""
    segments = json.loads(data)["segments"]
    shown: list[Segment] = []
    run_start, run_end, end, duration = -1, -1, -1, 0
    speaker, body = "", ""
    for index, segment in enumerate(segments):
        run_end = end
        start, end = _ms(segment.get("startTime", -1)), _ms(segment.get("endTime", -1))
        if start < 0 or end < 0:
            continue
        if run_start == -1:
            run_start = start
        duration += end - start
        previous, speaker = speaker, segment.get("speaker", "") or speaker
        text = segment.get("body", "")
        if previous != speaker and body:
            shown.append(Segment(run_start, run_end, body.strip(), previous))
            run_start, body, duration = start, text, 0
            continue
        body += " " + text
        if duration >= MIN_SPAN_MS:
            punctuation_next = index + 1 < len(segments) and not segments[index + 1].get("body", "")[:1].isalnum()
            if punctuation_next and duration < MAX_SPAN_MS:
                continue
            shown.append(Segment(run_start, end, body.strip(), speaker))
            run_start, body, duration = -1, "", 0
    if body.strip():
        shown.append(Segment(run_start, end, body.strip(), speaker))
    return shown


def _ms(seconds: float) -> int:
    """AntennaPod's `(long) (seconds * 1000)`: truncated, not rounded."""
    return int(seconds * 1000)
