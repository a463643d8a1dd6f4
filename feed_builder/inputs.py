"""Where a show's inputs are, and their stat stamps: the cheap view of the repository.

This module imports nothing heavy on purpose: a no-op publish of 10,000 episodes must decide
"nothing changed" from stats alone, before YAML, lxml, feedgen, mutagen or Pillow are imported.
"""
from __future__ import annotations

import os
from pathlib import Path

EPISODES_DIR = "episodes"
AUDIO_DIR = "audio"

Stamp = tuple[int, int]  # (size, mtime_ns): what make and rsync trust, at the cost of one stat


def episode_folders(root: Path) -> list[Path]:
    """Every folder under episodes/, sorted by name so that runs are deterministic."""
    base = root / EPISODES_DIR
    if not base.is_dir():
        return []
    return sorted(Path(e.path) for e in os.scandir(base) if e.is_dir() and not e.name.startswith("."))


def stamp(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_size, st.st_mtime_ns)


def folder_stamps(folder: Path) -> dict[str, Stamp]:
    """Every visible file of an episode folder: a new chapters file or image counts as a change."""
    stamps = {}
    for entry in os.scandir(folder):
        if entry.is_file() and not entry.name.startswith("."):
            st = entry.stat()
            stamps[entry.name] = (st.st_size, st.st_mtime_ns)
    return stamps


def audio_names(root: Path) -> dict[str, list[str]]:
    """Masters in audio/ by stem: a second master appearing for an episode must rebuild it."""
    names: dict[str, list[str]] = {}
    base = root / AUDIO_DIR
    if base.is_dir():
        for entry in os.scandir(base):
            if entry.is_file() and not entry.name.startswith("."):
                names.setdefault(entry.name.rsplit(".", 1)[0], []).append(entry.name)
    return {stem: sorted(files) for stem, files in names.items()}


def input_stamps(root: Path, folder: Path, masters: dict[str, list[str]], also: list[str]) -> dict[str, Stamp | None]:
    """Every input an episode depends on, by path relative to the show: its folder's files, the
    masters named after it, and `also` (the master its front matter named last time)."""
    rel = f"{EPISODES_DIR}/{folder.name}"
    stamps: dict[str, Stamp | None] = {f"{rel}/{name}": s for name, s in folder_stamps(folder).items()}
    for name in masters.get(folder.name, []):
        stamps[f"{AUDIO_DIR}/{name}"] = stamp(root / AUDIO_DIR / name)
    for path in also:
        if path not in stamps:
            stamps[path] = stamp(root / path)
    return stamps
