"""`podcast tag`: the tags publish would write, shown, or written into the masters on request."""
from __future__ import annotations

from pathlib import Path

from feed_builder.core.errors import PodcastError, problem
from feed_builder.core.files import sweep_temps
from feed_builder.show.layout import AUDIO_DIR
from feed_builder.show.catalogue import load_catalogue
from feed_builder.core.model import AudioInfo, Container, Episode, Show
from feed_builder.media.encode.master import ONLY_ENCODED, read_master
from feed_builder.media.encode.stage import renditions
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
    fsync, rename), the one case where a master in audio/ is modified, because the user asked.
    Every master is read before any is written: a refusal leaves them all as they were."""
    catalogue = load_catalogue(root)
    chosen = [(e, _published_audio(catalogue.show, e.audio, in_place)) for e in select(catalogue.episodes, selectors)]
    if in_place:
        sweep_temps(root / AUDIO_DIR)
    done = []
    for episode, info in chosen:
        tags = episode_tagset(catalogue.show, episode, info)
        if in_place:
            tag_in_place(episode.audio, tags, info.container)
        done.append((episode.audio, tags))
    return done


def _published_audio(show: Show, path: Path, in_place: bool) -> AudioInfo:
    """The audio the tags go into: the master itself, or for WAV and AIFF, which carry no tags of
    ours and are only ever encoded, the enclosure publish encodes from them."""
    master = read_master(path)
    if master.kind not in ONLY_ENCODED:
        return probe(path)
    if in_place:
        raise PodcastError([problem(path, None, "audio", f"is a {master.kind.upper()} master, which carries no tags: "
                                    "publish writes them into the audio it encodes from it (expected an MP3, M4A, "
                                    "Opus, Vorbis or FLAC master for --in-place; without it, the tags are shown)")])
    enclosure = renditions(master, show.encode)[0]
    return AudioInfo(Container(enclosure.extension), master.duration, enclosure.bitrate * 1000, enclosure.channels,
                     enclosure.sample_rate)
