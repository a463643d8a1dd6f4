"""The encode stage of a publish: the masters of changed episodes encoded before the build, all
cores busy, with progress, so that the build's workers find them in the cache.

Only masters found by the folder's name (`audio/<folder>.<ext>`) are known before an episode is
read; a master named in the front matter is encoded by the episode's own worker.
"""
from __future__ import annotations

from pathlib import Path

from feed_builder.core.errors import PodcastError
from feed_builder.core.model import Show
from feed_builder.core.repository import outside
from feed_builder.media.encode.master import needs_encoding
from feed_builder.media.encode.stage import Prepared, prepare_all
from feed_builder.publish.progress import Progress
from feed_builder.show.layout import AUDIO_DIR


def encode_changed(show: Show, out: Path, masters: list[list[str]], jobs: int, progress: Progress) -> list[str]:
    """`masters` are the audio/ files named after each changed episode. Returns the warnings;
    a master that fails is left to its episode, which reports the problem with the others."""
    paths = [show.root / AUDIO_DIR / found[0] for found in masters
             if len(found) == 1 and _needs_encoding(show, show.root / AUDIO_DIR / found[0])]
    if not paths:
        return []
    progress.stage("encode", len(paths))
    warnings = []
    for path, result in prepare_all(show.encode, out, paths, jobs):
        progress.step(path.name)
        if isinstance(result, Prepared):
            warnings += [f"{AUDIO_DIR}/{path.name}: {warning}" for warning in result.warnings]
    progress.end()
    return sorted(warnings)


def _needs_encoding(show: Show, path: Path) -> bool:
    if outside(show.root, path):
        return False
    try:
        return needs_encoding(path, show.encode.normalize)
    except PodcastError:
        return False
