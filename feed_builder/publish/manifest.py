"""The build manifest: what each episode was built from and what it produced.

With it, an unchanged episode costs a few stats instead of a parse, probe, render and tag, and the
feed is re-assembled from the kept items of unchanged episodes (`items.py`). Anything unexpected
about it (missing, unreadable, another format, made by other code) means "no manifest": the build
is then full, and so always correct. It lives in `public/.build/`, which static hosts and our
stale-file sweep skip.
"""
from __future__ import annotations

import json
from datetime import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple
from pathlib import Path

from feed_builder.publish.inputs import Stamp
from feed_builder.core.digest import code_digest

BUILD_DIR = ".build"
MANIFEST = f"{BUILD_DIR}/manifest.json"
FORMAT = 5  # 5: records as arrays, in field order; items kept in files of their own
_CHUNK = 1000  # records per call of the C encoder


class EpisodeRecord(NamedTuple):
    """One episode as last built. `inputs` and `outputs` map relative paths to stamps. A tuple,
    not a dataclass: 10,000 of them are loaded by every publish, a no-op one included, and JSON
    keeps them as arrays, which the C encoder writes and the decoder reads without key strings."""

    guid: str
    number: int | None
    date: str  # ISO 8601, sorts like the dates it encodes once all share UTC
    inputs: dict[str, Stamp | None]  # None: an input that has gone, so a rebuild is due
    outputs: dict[str, Stamp]  # its kept item included

    @property
    def order(self) -> tuple[str, int, str]:
        """Newest first in the feed: by date, then number, then GUID, so ties are stable."""
        return (self.date, self.number or 0, self.guid)


@dataclass(frozen=True)
class Manifest:
    settings: str  # digest of the show settings that episodes depend on
    channel: str  # digest of everything the channel depends on
    episodes: dict[str, EpisodeRecord] = field(default_factory=dict)
    feeds: dict[str, Stamp] = field(default_factory=dict)  # the feed pages as written
    code: str = field(default_factory=code_digest)
    format: int = FORMAT


def load_manifest(out: Path) -> Manifest | None:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("code") != code_digest():
            return None
        episodes = {name: EpisodeRecord._make(e) for name, e in data["episodes"].items()}
        manifest = Manifest(data["settings"], data["channel"], episodes, data["feeds"])
        if not (_stamps(manifest.feeds) and all(map(_well_formed, episodes.values()))):
            return None
        return manifest
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None


def _well_formed(record: EpisodeRecord) -> bool:
    """A record damaged on disk is distrusted with the whole manifest, never half-used: the build
    is then full, where a wrong type or date would have failed it or written a wrong feed."""
    datetime.fromisoformat(record.date)  # a ValueError or TypeError here distrusts it too
    return (isinstance(record.guid, str) and (record.number is None or type(record.number) is int)
            and _stamps(record.inputs, missing=True) and _stamps(record.outputs))


def _stamps(stamps: object, missing: bool = False) -> bool:
    return isinstance(stamps, dict) and all(
        isinstance(path, str) and (isinstance(value, str) or (missing and value is None))
        for path, value in stamps.items())


def manifest_json(manifest: Manifest) -> Iterator[bytes]:
    """The manifest as JSON, a thousand records at a time: a large catalogue's whole text, twice
    over once encoded, would be held at the moment a cold publish holds the most. Each chunk goes
    through the C encoder in one call; `iterencode` would stream too, but in pure Python."""
    def dumps(value: object) -> str:
        return json.dumps(value, sort_keys=True, separators=(",", ":"))

    # keys around "episodes" in the order json.dumps(sort_keys=True) puts them
    head = {"channel": manifest.channel, "code": manifest.code}
    tail = {"feeds": manifest.feeds, "format": manifest.format, "settings": manifest.settings}
    names = sorted(manifest.episodes)
    yield (dumps(head)[:-1] + ',"episodes":{').encode()
    for start in range(0, len(names), _CHUNK):
        chunk = {name: manifest.episodes[name] for name in names[start:start + _CHUNK]}
        yield ("," * bool(start) + dumps(chunk)[1:-1]).encode()
    yield ("}," + dumps(tail)[1:] + "\n").encode()
