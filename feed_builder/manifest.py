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

from . import __version__
from .inputs import Stamp

BUILD_DIR = ".build"
MANIFEST = f"{BUILD_DIR}/manifest.json"
FORMAT = 3


class EpisodeRecord(NamedTuple):
    """One episode as last built. `inputs` and `outputs` map relative paths to stamps. A tuple,
    not a dataclass: 10,000 of them are loaded by every publish, a no-op one included."""

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
        episodes = {name: EpisodeRecord(**{**e, "item": tuple(e["item"])}) for name, e in data["episodes"].items()}
        return Manifest(data["settings"], data["channel"], episodes, data["feeds"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def manifest_json(manifest: Manifest) -> Iterator[bytes]:
    """The manifest as JSON, in pieces: at 10,000 episodes the whole text is ~10 MB, twice over
    once encoded, at the moment a cold publish holds the most. (`asdict` also deep-copied every
    value and took 0.8 s.)"""
    data = {
        "format": manifest.format, "tool": manifest.tool, "settings": manifest.settings,
        "channel": manifest.channel, "feeds": manifest.feeds,
        "episodes": {name: r._asdict() for name, r in manifest.episodes.items()},
    }
    for chunk in json.JSONEncoder(sort_keys=True, separators=(",", ":")).iterencode(data):
        yield chunk.encode()
    yield b"\n"

