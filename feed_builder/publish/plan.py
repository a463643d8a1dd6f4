"""What a publish decided to do and what it did: light values shared by `decide` and `rebuild`."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from feed_builder.publish.inputs import Stamp
from feed_builder.publish.manifest import EpisodeRecord, Manifest
from feed_builder.core.model import Show


@dataclass(frozen=True)
class PublishReport:
    episodes: int
    built: int
    skipped: int
    dropped: int  # episodes published last time whose folders are gone (deleted or renamed)
    removed: tuple[str, ...]  # files removed from the output
    written: tuple[str, ...]
    bytes_written: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """What the cheap stat pass found: every episode's inputs, and which records are still valid."""

    show: Show
    root: Path
    out: Path
    names: list[str]  # episode folders
    masters: dict[str, list[str]]  # files in audio/ by stem
    inputs: dict[str, dict[str, Stamp | None]]
    keep: dict[str, EpisodeRecord]
    settings: str
    channel: str
    previous: Manifest | None  # its output stamps say which existing files can be trusted
