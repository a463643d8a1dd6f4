"""Where a show's sources are: the folder names of the repository's conventions, listed cheaply.

Plain strings and `os.scandir` rather than pathlib on purpose: a no-op publish lists 10,000 episode
folders and must decide "nothing changed" before any heavy library is imported.
"""
from __future__ import annotations

import os
from pathlib import Path

EPISODES_DIR = "episodes"
AUDIO_DIR = "audio"


def episode_names(root: Path) -> list[str]:
    """Every folder name under episodes/, sorted so that runs are deterministic."""
    try:
        entries = os.scandir(os.path.join(root, EPISODES_DIR))
    except FileNotFoundError:
        return []
    with entries:
        return sorted(e.name for e in entries if e.is_dir() and not e.name.startswith("."))


def episode_folders(root: Path) -> list[Path]:
    return [root / EPISODES_DIR / name for name in episode_names(root)]


def audio_names(root: Path) -> dict[str, list[str]]:
    """Masters in audio/ by stem: a second master appearing for an episode must rebuild it."""
    names: dict[str, list[str]] = {}
    try:
        entries = os.scandir(os.path.join(root, AUDIO_DIR))
    except FileNotFoundError:
        return {}
    with entries:
        for entry in entries:
            if entry.is_file() and not entry.name.startswith("."):
                names.setdefault(entry.name.rsplit(".", 1)[0], []).append(entry.name)
    return {stem: sorted(files) for stem, files in names.items()}
