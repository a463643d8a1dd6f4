"""FLAC in one pass: the metadata blocks re-rendered in memory, then the frames streamed after them.

STREAMINFO, SEEKTABLE, CUESHEET and APPLICATION blocks are kept as they are (they describe the
audio); VORBIS_COMMENT, PICTURE and PADDING blocks are replaced. mutagen does the rendering on an
in-memory copy of the metadata alone, so block sizes, flags and its padding rule are its own.
"""
from __future__ import annotations

import io
from typing import BinaryIO, cast

from mutagen.flac import FLAC, VCFLACDict

from feed_builder.core.errors import PodcastError, problem
from feed_builder.media.tagging.id3 import id3v2_end
from feed_builder.media.tagging.padding import for_audio_of
from feed_builder.media.tagging.splice import Splice
from feed_builder.media.tagging.tagset import TagSet
from feed_builder.media.tagging.vorbis import comments, picture

_MAGIC = b"fLaC"


def splice(master: BinaryIO, size: int, tags: TagSet) -> Splice:
    """The tagged FLAC: new metadata, then the master's frames (a leading ID3v2 tag is dropped)."""
    start = id3v2_end(master)
    end = _metadata_end(master, start)
    master.seek(start)
    metadata = io.BytesIO(master.read(end - start))
    flac = FLAC(metadata)
    flac.clear_pictures()
    if flac.tags is None:
        flac.add_tags()
    vorbis = cast(VCFLACDict, flac.tags)  # add_tags made them if there were none
    vorbis.clear()
    vorbis.extend(comments(tags))
    if tags.cover_jpeg:
        flac.add_picture(picture(tags.cover_jpeg))
    metadata.seek(0)  # mutagen reads the header from the current position
    flac.save(metadata, padding=for_audio_of(size - end))
    return Splice(metadata.getvalue(), end, size)


def _metadata_end(master: BinaryIO, start: int) -> int:
    """Offset of the first audio frame: past the magic and every metadata block up to the last."""
    master.seek(start)
    if master.read(4) != _MAGIC:
        raise PodcastError([problem(getattr(master, "name", "?"), None, "audio",
                                    "not a FLAC stream: no fLaC marker (expected a FLAC file)")])
    position = start + 4
    while True:
        header = master.read(4)
        if len(header) < 4:
            raise PodcastError([problem(getattr(master, "name", "?"), None, "audio",
                                        "FLAC metadata ends before the audio (expected a complete FLAC file)")])
        position += 4 + int.from_bytes(header[1:], "big")
        if header[0] & 0x80:  # last-metadata-block flag
            return position
        master.seek(position)
