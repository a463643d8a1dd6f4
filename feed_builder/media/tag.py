"""`podcast tag`: the tags publish would write, shown, or written into the masters on request."""
from __future__ import annotations

from pathlib import Path

from feed_builder.core.errors import PodcastError, problem
from feed_builder.core.files import sweep_temps
from feed_builder.show.layout import AUDIO_DIR
from feed_builder.show.catalogue import load_catalogue
from feed_builder.core.model import Episode
from feed_builder.media.probe import probe
from feed_builder.media.tagging.tagset import TagSet, episode_tagset
from feed_builder.media.tagging.write import tag_in_place


def select(episodes: tuple[Episode, ...], selectors: tuple[str, ...]) -> list[Episode]:
    """Episodes by folder name or number; none given means all of them."""
    if not selectors:
        return list(episodes)
    chosen = []
    for s in selectors:
        match = [e for e in episodes if s in (e.slug, str(e.number))]
        if not match:
            raise PodcastError([problem("episodes", None, "episode",
                                        f"{s!r} matches no episode (expected a folder name or an episode number)")])
        chosen += match
    return chosen


def tag_masters(root: Path, selectors: tuple[str, ...], *, in_place: bool) -> list[tuple[Path, TagSet]]:
    """Each selected master with its tags; with `in_place`, the master is re-tagged (copy, tag,
    fsync, rename), the one case where a master in audio/ is modified, because the user asked."""
    catalogue = load_catalogue(root)
    if in_place:
        sweep_temps(root / AUDIO_DIR)
    done = []
    for episode in select(catalogue.episodes, selectors):
        info = probe(episode.audio)
        tags = episode_tagset(catalogue.show, episode, info)
        if in_place:
            tag_in_place(episode.audio, tags, info.container)
        done.append((episode.audio, tags))
    return done
