"""Tagged copies of masters, written so that no crash or full disk leaves a broken file.

Masters are only ever opened for reading. Every output is built in a temp file beside its
destination and renamed over it (`files.replacing`): readers see the old file or the new one, never
a mix. Every container is written in one pass (splice.py): the new tag rendered in memory, the
master's audio streamed once. mutagen's errors become a `PodcastError` naming the file here, where
mutagen is called.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import BinaryIO

from mutagen import MutagenError
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from feed_builder.core.errors import PodcastError, problem
from feed_builder.core.files import replacing
from feed_builder.core.model import Container
from feed_builder.media.tagging import flac, id3, mp4, ogg
from feed_builder.media.tagging.splice import Part
from feed_builder.media.tagging.tagset import TagSet

# (master, its size, tags) -> the tagged file's parts, ready to write.
_WRITERS: dict[Container, Callable[[BinaryIO, int, TagSet], Part]] = {
    Container.MP3: id3.splice,
    Container.FLAC: flac.splice,
    Container.M4A: mp4.splice,
    Container.OPUS: partial(ogg.splice, OggOpus),
    Container.VORBIS: partial(ogg.splice, OggVorbis),
}


def write_tagged_copy(master: Path, dest: Path, tags: TagSet, container: Container) -> int:
    """Write `dest` as `master` carrying exactly `tags`, atomically; returns the bytes written."""
    with replacing(dest) as out:
        size = write_tagged(master, out, tags, container)
        shutil.copymode(master, out.name)  # re-tagging in place keeps the master's permissions
        return size


def write_tagged(master: Path, out: BinaryIO, tags: TagSet, container: Container) -> int:
    """Write `master` carrying exactly `tags` to `out`, a fresh temp file that the caller puts in
    place; returns the bytes written."""
    try:
        with master.open("rb") as source:
            size = os.fstat(source.fileno()).st_size
            return _WRITERS[container](source, size, tags).write(source, out)
    except MutagenError as error:
        raise PodcastError([problem(master, None, "tags",
                                    f"cannot write {container} tags: {error} (expected a {container} file that can be tagged)")]) from error


def tag_in_place(path: Path, tags: TagSet, container: Container) -> None:
    """Re-tag `path` itself, by the same copy, fsync and rename, so it is never half-written."""
    write_tagged_copy(path, path, tags, container)
