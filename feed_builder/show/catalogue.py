"""The whole show: settings, every episode folder, and the rules that span episodes.

Every problem of every file is collected before anything is raised, so one run shows the user all
they have to fix, and nothing downstream ever sees a half-valid show.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple
from pathlib import Path

from feed_builder.show.episode import EPISODE_FILE, load_episode
from feed_builder.core.errors import PodcastError, Problem, problem
from feed_builder.show.layout import EPISODES_DIR, audio_names, episode_folders
from feed_builder.core.model import Episode, Show
from feed_builder.show.settings import load_show


@dataclass(frozen=True)
class Catalogue:
    show: Show
    episodes: tuple[Episode, ...]


def load_catalogue(root: Path) -> Catalogue:
    show = load_show(root)
    return Catalogue(show, load_episodes(show, episode_folders(root)))


def load_episodes(show: Show, folders: list[Path]) -> tuple[Episode, ...]:
    episodes: list[Episode] = []
    problems: list[Problem] = []
    masters = audio_names(show.root)
    for folder in folders:
        try:
            episodes.append(load_episode(show, folder, masters.get(folder.name, [])))
        except PodcastError as e:
            problems += e.problems
    problems += cross_episode_problems(show.root, [Identity(e.slug, e.guid, e.number) for e in episodes])
    if problems:
        raise PodcastError(problems)
    return tuple(episodes)


class Identity(NamedTuple):
    """What must be unique across episodes; the manifest keeps it for episodes not re-read.
    A tuple, not a dataclass: a publish builds one per episode, 10,000 of them."""

    folder: str  # the episode folder's name
    guid: str
    number: int | None


def cross_episode_problems(root: Path, episodes: list[Identity]) -> list[Problem]:
    """GUIDs identify episodes in every app, and numbers identify them to listeners: both unique."""
    problems = []
    for key, label in ((lambda e: e.guid, "guid"), (lambda e: e.number, "number")):
        seen: dict[object, list[Identity]] = defaultdict(list)
        for episode in episodes:
            if key(episode) is not None:
                seen[key(episode)].append(episode)
        for value, same in seen.items():
            if len(same) > 1:
                names = ", ".join(e.folder for e in same)
                for episode in same:
                    path = root / EPISODES_DIR / episode.folder / EPISODE_FILE
                    problems.append(problem(
                        path, _key_line(path, label), label,
                        f"{value!r} is used by several episodes ({names}) (expected each episode to have its own)",
                    ))
    return problems


def _key_line(path: Path, key: str) -> int | None:
    """The line of a top-level front-matter key, looked up only for a problem: episodes kept from
    the last run are known by their manifest record, which has no lines."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((n for n, line in enumerate(lines, 1) if re.match(rf"{key}\s*:", line)), None)
