"""M4A/AAC: a `TagSet` as iTunes atoms, written in one pass whichever side of `mdat` `moov` is on.

The tag lives inside `moov`, which also holds the chunk offsets into `mdat`, so it cannot be rendered
apart from the file; but `moov` is small and `mdat` is not. mutagen tags a `Window` (window.py):
`moov` and the small atoms after it up to the next `mdat`, held in memory at their offsets in the
master, so the chunk offsets (`stco`, `co64`) it shifts when a faststart `moov` grows are right for
the output. The output is the master before `moov`, the re-tagged window, and the master after it,
each byte written once for either layout, where copying then tagging in place would write a
faststart file twice (mutagen moves all the audio); bench/bench_tagging.py measures both.
`stik` 21 marks a podcast episode.

`purl` (feed URL) and `egid` (episode GUID) hold text, as iTunes writes them and mutagen reads them.
FFmpeg (so VLC, mpv) shows no `purl`, and takes `egid` for a one-byte number whatever type the atom
declares; no bytes could satisfy it without breaking iTunes, so it shows a wrong episode_uid.

Fragmented files (`moof`) are refused: their fragment headers may hold absolute offsets into the
audio after the window, which mutagen would fix only in a file it sees whole. Chapters are not
written: mutagen cannot write MP4 chapters (neither a chapter track nor Nero `chpl`), so M4A chapters
reach listeners only through the feed's chapters JSON.
"""
from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from typing import BinaryIO, cast

from mutagen import PaddingInfo
from mutagen.mp4 import MP4, MP4Cover, MP4Tags

from feed_builder.core.errors import PodcastError, problem
from feed_builder.media.tagging.table import NUMBER_FIELDS, TEXT_FIELDS, present
from feed_builder.media.tagging.padding import for_audio_of
from feed_builder.media.tagging.splice import Joined, Span, ended_early
from feed_builder.media.tagging.tagset import TagSet
from feed_builder.media.tagging.window import Window

_PODCAST_MEDIA_KIND = 21


def splice(master: BinaryIO, size: int, tags: TagSet) -> Joined:
    """The tagged M4A: the master before `moov`, the re-tagged window, the master after it."""
    start, end = _window(master, size)
    master.seek(start)
    data = master.read(end - start)
    if len(data) < end - start:
        raise ended_early(master)
    window = Window(master, start, data)
    audio = MP4(window)
    if audio.tags is None:
        audio.add_tags()
    mp4_tags = cast(MP4Tags, audio.tags)  # add_tags made them if there were none
    mp4_tags.clear()
    mp4_tags.update(atoms(tags))
    audio.save(window, padding=_padding(size - end))
    return Joined((Span(0, start), window.getvalue(), Span(end, size)))


def atoms(tags: TagSet) -> dict[str, object]:
    """Atom name -> value as mutagen takes it (lists, except the `pcst` flag, a plain bool)."""
    values: dict[str, object] = {key: [value] for key, value in present(tags, TEXT_FIELDS, "mp4")}
    values.update((key, [(value, 0)]) for key, value in present(tags, NUMBER_FIELDS, "mp4"))
    values["©day"] = [tags.date.isoformat(timespec="seconds")]
    if tags.cover_jpeg:
        values["covr"] = [MP4Cover(tags.cover_jpeg, imageformat=MP4Cover.FORMAT_JPEG)]
    if tags.podcast:
        values["pcst"] = True
        values["stik"] = [_PODCAST_MEDIA_KIND]
    return values


def _padding(streamed: int) -> Callable[[PaddingInfo], int]:
    """mutagen's padding rule for what follows the tag: the rest of the window and the bytes after it."""
    return lambda info: for_audio_of(info.size + streamed)(info)


def _window(master: BinaryIO, size: int) -> tuple[int, int]:
    """(start, end) of `moov` and the atoms after it up to the next `mdat` or the end of the file."""
    atoms = list(_top_level(master, size))
    names = [name for name, _ in atoms]
    if b"moof" in names:
        raise _unsupported(master, "fragmented MP4 (moof atoms) cannot be tagged")
    if b"moov" not in names:
        raise _unsupported(master, "not an MP4 file: no moov atom")
    after = names.index(b"moov")
    end = next((offset for name, offset in atoms[after + 1:] if name == b"mdat"), size)
    return atoms[after][1], end


def _top_level(master: BinaryIO, size: int) -> Iterator[tuple[bytes, int]]:
    """(name, offset) of each top-level atom; 64-bit sizes (1) and to-the-end sizes (0) included."""
    offset = 0
    while offset + 8 <= size:
        master.seek(offset)
        header = master.read(16)
        length, name = struct.unpack(">I4s", header[:8])
        smallest = 8
        if length == 1:
            length, smallest = int.from_bytes(header[8:16], "big"), 16
        elif length == 0:
            length = size - offset
        if length < smallest or offset + length > size:
            raise _unsupported(master, f"broken MP4: atom {name!r} at byte {offset} has size {length}")
        yield name, offset
        offset += length


def _unsupported(master: BinaryIO, message: str) -> PodcastError:
    return PodcastError([problem(getattr(master, "name", "?"), None, "audio",
                                 f"{message} (expected a complete, unfragmented MP4 or M4A file)")])
