"""Tagged copies of masters, written so that no crash or full disk leaves a broken file.

Masters are only ever opened for reading. Every output is built in a temp file beside its
destination (same directory, so the rename cannot cross filesystems; a dot name ending `.tmp`, so
static hosts and globs skip it), fsynced, and renamed over the destination: readers see the old
file or the new one, never a mix. On any failure the temp file is removed and the error re-raised;
a killed process cannot do that, so the next write of the same destination removes what it left.
mutagen's errors become a `PodcastError` naming the file here, where mutagen is called.
"""
from __future__ import annotations

import glob
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import BinaryIO

from mutagen import MutagenError
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from feed_builder.errors import PodcastError, problem
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
    """Write `dest` as `master` carrying exactly `tags`; returns the bytes written."""
    try:
        with _replacing(dest) as temp:
            if container in _ONE_PASS:
                with master.open("rb") as source, temp.open("wb") as out:
                    size = os.fstat(source.fileno()).st_size
                    _ONE_PASS[container](source, size, tags).write(source, out)
            else:
                shutil.copyfile(master, temp)
                _ON_COPY[container](temp, tags)
            shutil.copymode(master, temp)
            return temp.stat().st_size
    except MutagenError as error:
        raise PodcastError([problem(master, None, "tags",
                                    f"cannot write {container} tags: {error}")]) from error


def tag_in_place(path: Path, tags: TagSet, container: Container) -> None:
    """Re-tag `path` itself, by the same copy, fsync and rename, so it is never half-written."""
    write_tagged_copy(path, path, tags, container)


@contextmanager
def _replacing(dest: Path) -> Iterator[Path]:
    """A temp path beside `dest` that replaces it durably if the block succeeds, and vanishes if not."""
    for stale in dest.parent.glob(f".{glob.escape(dest.name)}.*.tmp"):
        stale.unlink(missing_ok=True)
    handle, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        _fsync(temp)
        os.replace(temp, dest)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(dest.parent)


def _fsync(path: Path) -> None:
    handle = os.open(path, os.O_RDWR)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _fsync_directory(path: Path) -> None:
    """Make the rename itself durable; Windows can neither open nor needs to sync a directory."""
    if os.name != "posix":
        return
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
