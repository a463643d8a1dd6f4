"""Tagged copies of masters, written so that no crash or full disk leaves a broken file.

Masters are only ever opened for reading. Every output is built in a temp file beside its
destination and renamed over it (`files.replacing`): readers see the old file or the new one, never
a mix. mutagen's errors become a `PodcastError` naming the file here, where mutagen is called.
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

from feed_builder.errors import PodcastError, problem
from feed_builder.files import replacing
from feed_builder.model import Container
from feed_builder.tagging import flac, id3
from feed_builder.tagging.mp4 import tag_mp4
from feed_builder.tagging.splice import Splice
from feed_builder.tagging.tagset import TagSet
from feed_builder.tagging.vorbis import tag_ogg

# Containers whose tag can be rendered apart from the audio: tag + audio written once.
_ONE_PASS: dict[Container, Callable[[BinaryIO, int, TagSet], Splice]] = {
    Container.MP3: id3.splice,
    Container.FLAC: flac.splice,
}
# The rest: copy the master, then let mutagen tag the copy in place.
_ON_COPY: dict[Container, Callable[[Path, TagSet], None]] = {
    Container.M4A: tag_mp4,
    Container.OPUS: partial(tag_ogg, OggOpus),
    Container.VORBIS: partial(tag_ogg, OggVorbis),
}


def write_tagged_copy(master: Path, dest: Path, tags: TagSet, container: Container) -> int:
    """Write `dest` as `master` carrying exactly `tags`, atomically; returns the bytes written."""
    with replacing(dest) as temp:
        size = write_tagged(master, temp, tags, container)
        shutil.copymode(master, temp)  # re-tagging in place keeps the master's permissions
        return size


def write_tagged(master: Path, temp: Path, tags: TagSet, container: Container) -> int:
    """Write a fresh temp file as `master` carrying exactly `tags`; the caller puts it in place."""
    try:
        if container in _ONE_PASS:
            with master.open("rb") as source, temp.open("wb") as out:
                size = os.fstat(source.fileno()).st_size
                _ONE_PASS[container](source, size, tags).write(source, out)
        else:
            shutil.copyfile(master, temp)
            _ON_COPY[container](temp, tags)
        return temp.stat().st_size
    except MutagenError as error:
        raise PodcastError([problem(master, None, "tags",
                                    f"cannot write {container} tags: {error}")]) from error


def tag_in_place(path: Path, tags: TagSet, container: Container) -> None:
    """Re-tag `path` itself, by the same copy, fsync and rename, so it is never half-written."""
    write_tagged_copy(path, path, tags, container)
