"""The build manifest: what each episode was built from and what it produced.

With it, an unchanged episode costs a few stats instead of a parse, probe, render and tag, and the
feed is re-assembled from the bytes of unchanged items, sliced from the feed pages themselves. Anything unexpected about it (missing,
unreadable, another format or tool version) means "no manifest": the build is then full, and so
always correct. It lives in `public/.build/`, which static hosts and our stale-file sweep skip.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple
from pathlib import Path

from feed_builder import __version__
from feed_builder.build.inputs import Stamp

BUILD_DIR = ".build"
MANIFEST = f"{BUILD_DIR}/manifest.json"
FORMAT = 4  # 4: records as arrays, in field order
_CHUNK = 1000  # records per call of the C encoder


class EpisodeRecord(NamedTuple):
    """One episode as last built. `inputs` and `outputs` map relative paths to stamps. A tuple,
    not a dataclass: 10,000 of them are loaded by every publish, a no-op one included, and JSON
    keeps them as arrays, which the C encoder writes and the decoder reads without key strings."""

    guid: str
    number: int | None
    date: str  # ISO 8601, sorts like the dates it encodes once all share UTC
    inputs: dict[str, Stamp | None]  # None: an input that has gone, so a rebuild is due
    outputs: dict[str, Stamp]
    item: tuple[int, int, int]  # (page, offset, length): where the item's bytes are in the feed

    @property
    def order(self) -> tuple[str, int, str]:
        """Newest first in the feed: by date, then number, then GUID, so ties are stable."""
        return (self.date, self.number or 0, self.guid)


@dataclass(frozen=True)
class Manifest:
    settings: str  # digest of the show settings that episodes depend on
    channel: str  # digest of everything the channel depends on
    episodes: dict[str, EpisodeRecord] = field(default_factory=dict)
    feeds: dict[str, Stamp] = field(default_factory=dict)  # the feed pages, which cache the items
    format: int = FORMAT
    tool: str = __version__


def load_manifest(out: Path) -> Manifest | None:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("tool") != __version__:
            return None
        episodes = {name: EpisodeRecord._make((*e[:5], tuple(e[5]))) for name, e in data["episodes"].items()}
        return Manifest(data["settings"], data["channel"], episodes, data["feeds"])
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None


def manifest_json(manifest: Manifest) -> Iterator[bytes]:
    """The manifest as JSON, a thousand records at a time: at 10,000 episodes the whole text is
    ~5 MB, twice over once encoded, at the moment a cold publish holds the most. Each chunk goes
    through the C encoder in one call; `iterencode` would stream too, but in pure Python (0.8 s)."""
    def dumps(value: object) -> str:
        return json.dumps(value, sort_keys=True, separators=(",", ":"))

    head = {"channel": manifest.channel}
    tail = {"feeds": manifest.feeds, "format": manifest.format, "settings": manifest.settings, "tool": manifest.tool}
    names = sorted(manifest.episodes)
    yield (dumps(head)[:-1] + ',"episodes":{').encode()
    for start in range(0, len(names), _CHUNK):
        chunk = {name: manifest.episodes[name] for name in names[start:start + _CHUNK]}
        yield ("," * bool(start) + dumps(chunk)[1:-1]).encode()
    yield ("}," + dumps(tail)[1:] + "\n").encode()
