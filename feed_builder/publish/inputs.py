"""The stat stamps of a show's inputs and of published files: the cheap view of what changed.

This module imports nothing heavy, and its hot paths use plain strings rather than pathlib, whose
object overhead dominated a no-op check: a no-op publish of thousands of episodes must decide
"nothing changed" from stats alone, before YAML, lxml, feedgen, mutagen or Pillow are imported.
"""
from __future__ import annotations

import os
from stat import S_ISDIR
from pathlib import Path

from feed_builder.show.layout import AUDIO_DIR, EPISODES_DIR

# "size:mtime_ns": what make and rsync trust, at the cost of one stat. A string, because the
# manifest's 50,000 of them then load from JSON and compare with no conversion.
Stamp = str


def stamp(path: Path | str) -> Stamp | None:
    try:
        return stat_stamp(os.stat(path))
    except FileNotFoundError:
        return None


def stat_stamp(st: os.stat_result) -> Stamp:
    return f"{st.st_size}:{st.st_mtime_ns}"


def input_stamps(root: Path, name: str, masters: dict[str, list[str]], also: list[str]) -> dict[str, Stamp | None]:
    """Every input an episode depends on, by path relative to the show: its folder's visible files
    (a new chapters file counts as a change), the masters named after it, and `also` (the master
    its front matter named last time)."""
    base = os.fspath(root)
    rel = f"{EPISODES_DIR}/{name}"
    stamps: dict[str, Stamp | None] = {}
    with os.scandir(f"{base}/{rel}") as entries:
        for entry in entries:
            if not entry.name.startswith("."):
                try:
                    st = entry.stat()
                except OSError:  # a broken or looping link: the loader names it if the episode needs it
                    stamps[f"{rel}/{entry.name}"] = None
                    continue
                if not S_ISDIR(st.st_mode):
                    stamps[f"{rel}/{entry.name}"] = stat_stamp(st)
    for master in masters.get(name, []):
        stamps[f"{AUDIO_DIR}/{master}"] = stamp(f"{base}/{AUDIO_DIR}/{master}")
    for path in also:
        if path not in stamps:
            stamps[path] = stamp(f"{base}/{path}")
    return stamps
