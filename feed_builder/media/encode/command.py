"""`podcast encode`: the encode stage alone, for chosen episodes, with what it measured.

It fills the same cache as `publish` (the build's private folder), so a publish afterwards encodes
nothing again.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from feed_builder.core.errors import PodcastError, Problem
from feed_builder.media.encode.loudness import Loudness
from feed_builder.media.encode.master import needs_encoding
from feed_builder.media.encode.stage import Prepared, prepare_all
from feed_builder.media.tag import select
from feed_builder.show.catalogue import load_catalogue


def encode_episodes(root: Path, out: Path, selectors: tuple[str, ...], jobs: int) -> Iterator[str]:
    """Lines to print, master by master as each finishes; raises every problem at the end."""
    catalogue = load_catalogue(root)
    s = catalogue.show.encode
    masters = [e.audio for e in select(catalogue.episodes, selectors)]
    todo = [m for m in masters if needs_encoding(m, s.normalize)]
    for m in masters:
        if m not in todo:
            yield f"{_shown(m)}: published as it is (MP3, or AAC in M4A; set normalize = true in [encode] to level it)"
    problems: list[Problem] = []
    for path, result in prepare_all(s, out, todo, jobs):
        if isinstance(result, PodcastError):
            problems += result.problems
        else:
            yield from describe(result)
    if problems:
        raise PodcastError(problems)


def describe(p: Prepared) -> Iterator[str]:
    yield f"{_shown(p.master.path)}: {_loudness(p.measured)}" + (
        f", sample peak {p.measured.sample_peak:.1f} dBFS" if p.measured.sample_peak is not None else "")
    for e in p.renditions:
        yield (f"  -> {e.format}: {_loudness(e.loudness)}; gain {e.gain:+.2f} dB, {e.mode}, "
               f"{e.passes} pass(es)")
    for warning in p.warnings:
        yield f"  warning: {warning}"
    yield f"  by {p.ffmpeg}"


def _loudness(m: Loudness) -> str:
    return (f"{m.integrated:.1f} LUFS ({m.mono_equivalent:.1f} LUFS as mono), true peak {m.true_peak:.1f} dBTP, "
            f"loudness range {m.lra:.1f} LU")


def _shown(path: Path) -> str:
    return os.path.relpath(path)
