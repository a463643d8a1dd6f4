"""A transcript in every format apps read, as deterministic UTF-8 bytes.

Timed transcripts give WebVTT (Apple ingests it, with `<v>` speakers), SRT, Podcasting 2.0 JSON and
HTML. Plain text gives text, HTML and a JSON of one segment spanning the whole episode: apps that keep
only a timed format (AntennaPod reads JSON, WebVTT or SRT, nothing else) then show it too, and no
timing is invented, since every word is said between the start and the end. JSON, not a one-cue
WebVTT or SRT: the spec lets JSON be of any fidelity, while players take those two for captions, and
a caption of the whole transcript at once is none.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from feed_builder.formats import timecode
from feed_builder.core.model import Segment, Transcript
from feed_builder.formats.sourcefile import dump_json

JSON_VERSION = "1.0.0"
# The type each published form is declared with in the feed, and served with.
MIME = {"txt": "text/plain", "html": "text/html", "json": "application/json", "srt": "application/x-subrip",
        "vtt": "text/vtt"}


@dataclass(frozen=True)
class Rendered:
    """One file to publish: `captions` says whether its `podcast:transcript` gets rel="captions"."""

    extension: str
    mime: str
    data: bytes
    captions: bool


def render(t: Transcript, *, language: str, title: str, duration: float) -> dict[str, Rendered]:
    """Outputs keyed by file extension, in the order the feed should list them; `duration` is the
    audio's, which a plain transcript's one segment spans.

    A timed format comes last: feedparser, and so the apps built on it, keeps only the last
    `podcast:transcript` of an item. For a timed transcript that is WebVTT, the spec's choice where
    a reader takes one format only; for plain text, its JSON, the one timed format it has.
    """
    page = _html(t, language, title)
    if not t.timed:
        return {
            "txt": _rendered("txt", (t.text + "\n").encode(), False),
            "html": _rendered("html", page, False),
            "json": _rendered("json", _json((Segment(t.text, 0.0, duration),)), False),
        }
    return {
        "html": _rendered("html", page, False),
        "srt": _rendered("srt", _srt(t.segments), True),
        "json": _rendered("json", _json(t.segments), True),
        "vtt": _rendered("vtt", _vtt(t.segments), True),
    }


def _rendered(extension: str, data: bytes, captions: bool) -> Rendered:
    return Rendered(extension, MIME[extension], data, captions)


def _vtt(segments: tuple[Segment, ...]) -> bytes:
    """A voice tag on every cue, not only on a change, so a player showing one cue still names its speaker."""
    cues = []
    for s in segments:
        voice = "" if s.speaker is None else f"<v {_vtt_escape(s.speaker)}>"
        cues.append(f"{timecode.vtt(_t(s.start))} --> {timecode.vtt(_t(s.end))}\n{voice}{_vtt_escape(s.text)}\n")
    return "\n".join(["WEBVTT\n", *cues]).encode()


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _srt(segments: tuple[Segment, ...]) -> bytes:
    """Speakers as "Name: " where the speaker changes, the Podcasting 2.0 convention for SRT."""
    cards = []
    previous = None
    for number, s in enumerate(segments, 1):
        name = f"{s.speaker}: " if s.speaker is not None and s.speaker != previous else ""
        previous = s.speaker
        cards.append(f"{number}\n{timecode.srt(_t(s.start))} --> {timecode.srt(_t(s.end))}\n{name}{s.text}\n")
    return "\n".join(cards).encode()


def _json(segments: tuple[Segment, ...]) -> bytes:
    items = []
    for s in segments:
        item: dict[str, object] = {"startTime": timecode.json_seconds(_t(s.start)), "endTime": timecode.json_seconds(_t(s.end))}
        if s.speaker is not None:
            item["speaker"] = s.speaker
        item["body"] = s.text
        items.append(item)
    return dump_json({"version": JSON_VERSION, "segments": items})


def _html(t: Transcript, language: str, title: str) -> bytes:
    """The spec's low-fidelity form: `<cite>` speaker and `<time>` start per monologue, then `<p>`."""
    body = []
    for run in _monologues(t.segments):
        if run[0].speaker is not None:
            body.append(f"<cite>{html.escape(run[0].speaker)}:</cite>")
        if run[0].start is not None:
            body.append(f"<time>{timecode.clock(run[0].start)}</time>")
        body.append(f"<p>{html.escape(' '.join(s.text for s in run) if t.timed else run[0].text)}</p>")
    head = (f'<!DOCTYPE html>\n<html lang="{html.escape(language)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n</head>\n<body>\n<h1>{html.escape(title)}</h1>\n")
    return (head + "\n".join(body) + "\n</body>\n</html>\n").encode()


def _monologues(segments: tuple[Segment, ...]) -> list[list[Segment]]:
    """Runs of one named speaker; a segment without a speaker stands alone, or it would all be one run."""
    runs: list[list[Segment]] = []
    for s in segments:
        if runs and s.speaker is not None and runs[-1][-1].speaker == s.speaker:
            runs[-1].append(s)
        else:
            runs.append([s])
    return runs


def _t(seconds: float | None) -> float:
    """A time of a timed segment; only timed transcripts reach the timed writers."""
    assert seconds is not None
    return seconds
