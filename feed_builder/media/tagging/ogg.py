"""Ogg Opus and Ogg Vorbis in one pass: the header pages re-rendered in memory, the audio streamed.

The comments are the second header packet, so they sit in the first pages, before any audio (which
always starts on a fresh page). mutagen tags an in-memory copy of just the header pages, so the page
layout, a Vorbis setup header sharing a page with the comments, Opus' binary data after the comments
and the padding rule are all its own. If the new header pages are as many as the old, the audio pages
follow byte for byte. If not, as on the first tag of an untagged master (the cover alone fills ~180
of mutagen's 4 KiB pages), each later page of the stream is copied with its sequence number shifted
and its CRC recomputed (`Renumbered`, by mutagen's `OggPage`). Each byte is written about once,
where copying then tagging in place writes the file twice (bench/bench_tagging.py measures both).
Renumbering costs about what mutagen's in-place renumbering does, so the comment packet is not
padded to keep the page count (no padding could, on a first tag), and mutagen's own padding already
keeps it for a re-tag of similar size, which then copies the audio pages as they are.
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import BinaryIO, cast

from mutagen.ogg import OggFileType, OggPage
from mutagen.oggopus import OggOpus, OggOpusVComment
from mutagen.oggvorbis import OggVCommentDict, OggVorbis

from feed_builder.core.errors import PodcastError, problem
from feed_builder.media.tagging.padding import for_audio_of
from feed_builder.media.tagging.splice import Joined, Span, copy_range
from feed_builder.media.tagging.tagset import TagSet
from feed_builder.media.tagging.vorbis import comments, picture

# How each codec's stream starts (its first packet) and how many header packets it has.
_HEADERS: dict[type[OggFileType], tuple[bytes, int]] = {
    OggOpus: (b"OpusHead", 2),  # OpusHead, OpusTags
    OggVorbis: (b"\x01vorbis", 3),  # identification, comment, setup
}


@dataclass(frozen=True)
class Renumbered:
    """The master's Ogg pages from `start` to `end`, those of stream `serial` renumbered by `shift`."""

    start: int
    end: int
    serial: int
    shift: int

    def write(self, master: BinaryIO, out: BinaryIO) -> int:
        master.seek(self.start)
        written = 0
        while (offset := master.tell()) < self.end:
            try:
                page = OggPage(master)
            except EOFError:  # trailing zero bytes (kept, as mutagen keeps them) or a shrunk master
                master.seek(offset)
                copy_range(master, out, self.end - offset)
                return written + self.end - offset
            if page.serial == self.serial:
                page.sequence += self.shift
            written += out.write(page.write())
        return written


def splice(kind: type[OggFileType], master: BinaryIO, size: int, tags: TagSet) -> Joined:
    """The tagged Ogg file: new header pages, then the master's audio pages."""
    end, serial, last = _headers(kind, master)
    master.seek(0)
    header = io.BytesIO(master.read(end))
    audio = kind(header)
    # Opus and Vorbis streams always carry a comment header
    vorbis = cast(OggOpusVComment | OggVCommentDict, audio.tags)
    vorbis.clear()
    vorbis.extend(comments(tags))
    if tags.cover_jpeg:
        encoded = base64.b64encode(picture(tags.cover_jpeg).write()).decode("ascii")
        vorbis["METADATA_BLOCK_PICTURE"] = [encoded]
    audio.save(header, padding=for_audio_of(size - end))
    shift = _last_sequence(header, serial) - last
    return Joined((header.getvalue(), Renumbered(end, size, serial, shift) if shift else Span(end, size)))


def _headers(kind: type[OggFileType], master: BinaryIO) -> tuple[int, int, int]:
    """(end, serial, sequence) of the page that completes the stream's last header packet."""
    magic, count = _HEADERS[kind]
    master.seek(0)
    page = _page(master)
    while not (page.first and page.packets and page.packets[0].startswith(magic)):
        page = _page(master)  # another stream's first page, in a multiplexed file
    serial, finished = page.serial, 0
    while True:
        if page.serial == serial:
            finished += len(page.packets) - (not page.complete)  # packets ending on this page
            if finished >= count:
                return master.tell(), serial, page.sequence
        page = _page(master)


def _page(master: BinaryIO) -> OggPage:
    try:
        return OggPage(master)
    except EOFError:
        raise PodcastError([problem(getattr(master, "name", "?"), None, "audio",
                                    "the Ogg stream ends before its header packets do (expected a complete Ogg file)")]) from None


def _last_sequence(header: io.BytesIO, serial: int) -> int:
    """The sequence number of the stream's last page in `header`."""
    header.seek(0)
    last = -1
    while True:
        try:
            page = OggPage(header)
        except EOFError:
            return last
        if page.serial == serial:
            last = page.sequence
