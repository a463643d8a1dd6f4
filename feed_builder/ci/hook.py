"""`podcast check`, the pre-commit hook: the show and the episodes a commit touches, loaded as
publish loads them, without probing, tagging or encoding audio, so a commit waits for YAML and
TOML, not for media.

pre-commit passes the changed files; each names its episode by its folder under `episodes/` or
by its master's stem under `audio/`. No files means every episode: run by hand, it checks all.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from feed_builder.core.errors import PodcastError
from feed_builder.media.artwork import artwork_problems
from feed_builder.show.catalogue import load_episodes
from feed_builder.show.layout import AUDIO_DIR, EPISODES_DIR, episode_folders
from feed_builder.show.settings import load_show


@dataclass(frozen=True)
class Checked:
    episodes: int


def changed_folders(root: Path, files: tuple[str, ...]) -> list[Path]:
    """The episode folders that `files` (paths relative to `root`, as git names them) belong to."""
    names = set()
    for name in files:
        parts = PurePosixPath(name.replace(os.sep, "/")).parts
        if len(parts) >= 2 and parts[0] == EPISODES_DIR:
            names.add(parts[1])
        elif len(parts) == 2 and parts[0] == AUDIO_DIR:
            names.add(parts[1].rsplit(".", 1)[0])
    return [root / EPISODES_DIR / name for name in sorted(names) if (root / EPISODES_DIR / name).is_dir()]


def check(root: Path, files: tuple[str, ...]) -> Checked:
    """Raises PodcastError with every problem of the show file, its cover and the episodes."""
    show = load_show(root)
    cover = artwork_problems(show.image, "image")
    folders = changed_folders(root, files) if files else episode_folders(root)
    try:
        load_episodes(show, folders)
    except PodcastError as e:
        raise PodcastError([*cover, *e.problems]) from None
    if cover:
        raise PodcastError(cover)
    return Checked(len(folders))
