"""MP3: a `TagSet` as an ID3v2 tag rendered in memory, and where a master's audio frames lie.

Rendering to bytes instead of tagging a file lets `write.py` write the tag and stream the audio once.
ID3v2.3 is the default because many car stereos and older players still cannot read v2.4;
`update_to_v23()` runs before saving so no v2.4-only frame (TDRC, ...) survives into a v2.3 tag.
Podcast frames (PCST, TCAT, TDES, TGID, TKWD, WFED) are Apple's additions. mutagen models WFED as a
URL frame, but iTunes writes it as a text frame (an encoding byte, then the URL), and iTunes, TagLib,
eyeD3 and lofty read it so; we write what iTunes writes.

A publish renders thousands of tags that share about half their frames, the cover (most of the
bytes) among them: those are rendered once per show and process and merged with each episode's own
frames in the order `ID3.save` gives them, so a tag is byte for byte what `ID3.save` writes for all
its frames at once (the tests hold it to that), in 60-65% of the time.
"""
from __future__ import annotations

import struct
from functools import lru_cache
from typing import BinaryIO, NamedTuple

from mutagen import PaddingInfo
from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    PCST,
    TDRC,
    TIT2,
    USLT,
    WXXX,
    BitPaddedInt,
    CTOCFlags,
    Encoding,
    Frame,
    Frames,
    ID3TimeStamp,
    PictureType,
    TextFrame,
    UrlFrame,
)
from mutagen.id3._tags import save_frame  # private: see _rendered
from mutagen.id3._util import ID3SaveConfig

from feed_builder.media.tagging.table import NUMBER_FIELDS, TEXT_FIELDS, present
from feed_builder.media.tagging.padding import for_audio_of
from feed_builder.media.tagging.splice import Splice
from feed_builder.media.tagging.tagset import TagChapter, TagSet

_UTF8 = Encoding.UTF8  # mutagen writes UTF-16 instead when saving v2.3, which has no UTF-8
_LATIN1 = Encoding.LATIN1  # for empty descriptions: iTunes misreads an empty UTF-16 one (beets #899)
_NO_OFFSET = 0xFFFFFFFF  # CHAP byte offsets unused: players seek by time
_TOC_ID = "toc"
_V23_SEPARATOR = "/"  # what ID3.save joins several v2.3 text values with, by default
_FIRST = ("TIT2", "TPE1", "TRCK", "TALB", "TPOS", "TDRC", "TCON")  # ID3Tags._write puts these first


class _ShowValues(NamedTuple):
    """What every episode of a show shares, as the key of its rendered frames: a changed value, or
    another show in the same process, gets frames of its own, never another's."""

    artist: str
    album: str
    genre: str
    copyright: str
    category: str | None
    feed_url: str
    podcast: bool
    cover_jpeg: bytes | None  # hashed once per bytes object, and publish passes one to every episode
    id3_version: int


_SHOW_FIELDS = tuple(row for row in TEXT_FIELDS if row.attr in _ShowValues._fields)
_EPISODE_FIELDS = tuple(row for row in TEXT_FIELDS + NUMBER_FIELDS
                        if row.attr not in _ShowValues._fields and row.id3 is not None)
_EPISODE_URLS = tuple(row for row in _EPISODE_FIELDS if issubclass(Frames[row.id3 or ""], UrlFrame))
_EPISODE_TEXTS = tuple(row for row in _EPISODE_FIELDS if row not in _EPISODE_URLS)
# (encoding byte, codec, terminator) of a text value as save_frame writes it: v2.3 has no UTF-8, so
# mutagen writes UTF-16 with a little-endian BOM there.
_TEXT_ENCODINGS = {3: (b"\x01", "utf-16-le", b"\xff\xfe", b"\x00\x00"), 4: (b"\x03", "utf-8", b"", b"\x00")}


class _Rendered(NamedTuple):
    """A frame's bytes behind the key `ID3Tags._write` sorts frames by, so that these sort as it does.
    `hash_key` is unique within a tag, so sorting never gets as far as comparing `data`."""

    priority: int
    size: int
    hash_key: str
    data: bytes


def render(tags: TagSet, audio_size: int) -> bytes:
    """The complete ID3v2 tag (header, frames, padding) to put in front of `audio_size` bytes,
    laid out as `ID3.save` lays out a tag saved into an empty file object."""
    show = _rendered_show(_ShowValues(*(getattr(tags, name) for name in _ShowValues._fields)))
    frames = sorted(show + _texts(tags) + _rendered(_episode_frames(tags), tags.id3_version))
    size = sum(frame.size for frame in frames)
    padding = for_audio_of(audio_size)(PaddingInfo(-(10 + size), 0))  # as ID3.save asks for an empty file
    header = struct.pack(">3sBBB4s", b"ID3", tags.id3_version, 0, 0, BitPaddedInt.to_str(size + padding, width=4))
    return b"".join([header, *(frame.data for frame in frames), bytes(padding)])


@lru_cache(maxsize=4)
def _rendered_show(values: _ShowValues) -> tuple[_Rendered, ...]:
    """Small: one show per process in a publish; an episode with art of its own only misses."""
    return _rendered(_show_frames(values), values.id3_version)


def _show_frames(values: _ShowValues) -> list[Frame]:
    frames = [_plain(key, value) for key, value in present(values, _SHOW_FIELDS, "id3")]
    if values.cover_jpeg:
        frames.append(_picture(values.cover_jpeg))
    if values.feed_url:
        frames.append(WFED(encoding=_LATIN1 if values.feed_url.isascii() else _UTF8, text=[values.feed_url]))
    if values.podcast:
        frames.append(PCST(value=0))  # its presence is the flag; iTunes writes four zero bytes
    return frames


def _texts(tags: TagSet) -> tuple[_Rendered, ...]:
    """The episode's one-value text frames (title, numbers, notes, GUID, keywords), encoded here.

    mutagen builds, converts and renders a frame object for each at ~18 µs a frame, a third of
    a tag's time at 10,000 episodes, for what is a header and one encoded string. The bytes are
    the ones `save_frame` writes (the tests compare every tag with mutagen's whole-tag save).
    """
    encoding, codec, bom, end = _TEXT_ENCODINGS[tags.id3_version]
    bits = 8 if tags.id3_version == 3 else 7  # v2.4 frame sizes are syncsafe
    rendered = []
    for frame_id, value in present(tags, _EPISODE_TEXTS, "id3"):
        body = encoding + bom + str(value).encode(codec) + end
        data = struct.pack(">4s4sH", frame_id.encode("ascii"), BitPaddedInt.to_str(len(body), width=4, bits=bits), 0)
        rendered.append(_Rendered(_priority(frame_id), len(data) + len(body), frame_id, data + body))
    return tuple(rendered)


def _episode_frames(tags: TagSet) -> list[Frame]:
    frames = [_plain(key, value) for key, value in present(tags, _EPISODE_URLS, "id3")]
    frames.append(TDRC(encoding=_UTF8, text=[ID3TimeStamp(tags.date.strftime("%Y-%m-%dT%H:%M:%S"))]))
    if tags.description:
        frames.append(COMM(encoding=_UTF8, lang=tags.language, desc="", text=[tags.description]))
    if tags.lyrics:
        frames.append(USLT(encoding=_UTF8, lang=tags.language, desc="", text=tags.lyrics))
    if tags.chapters:
        frames += _chapters(tags.chapters)
    return frames


def _rendered(frames: list[Frame], version: int) -> tuple[_Rendered, ...]:
    """`frames` converted and rendered as `ID3.save` would within a whole tag.

    The show's and the episode's frames go through `update_to_v23` apart: its rules that look at
    other frames relate date frames (TDRC, TYER, TDAT, TIME, TDOR, TORY) and people lists, all of them
    the episode's or unused, so converting the halves apart converts each frame as the whole tag would.
    `save_frame` and `ID3SaveConfig` are private: mutagen has no public call that renders one frame,
    and this is the call `ID3Tags._write` renders each frame with, so the bytes are mutagen's own.
    """
    tag = ID3()
    for frame in frames:
        tag.add(frame)
    if version == 3:
        tag.update_to_v23()
    config = ID3SaveConfig(version, _V23_SEPARATOR)
    saved = ((frame, save_frame(frame, config=config)) for frame in tag.values())
    return tuple(_Rendered(_priority(frame.FrameID), len(data), frame.HashKey, data) for frame, data in saved)


def _priority(frame_id: str) -> int:
    """`ID3Tags._write`'s rank: its first frames in order, then the rest, then pictures. It keeps
    pictures in the order added rather than by size, which is the same here: the cover is the only
    picture at the top level (chapter art is inside CHAP frames, which mutagen renders whole)."""
    if frame_id in _FIRST:
        return _FIRST.index(frame_id)
    return len(_FIRST) + (frame_id == "APIC")


class WFED(TextFrame):
    """iTunes' podcast feed URL frame, as iTunes writes it; mutagen takes the frame ID from the name."""


def _plain(key: str, value: object) -> Frame:
    """A frame for a field of the table, as text (numbers too) or, for a W... frame, as a URL."""
    frame = Frames[key]
    if issubclass(frame, UrlFrame):
        return frame(url=str(value))
    return frame(encoding=_UTF8, text=[str(value)])


def _picture(jpeg: bytes) -> APIC:
    return APIC(encoding=_LATIN1, mime="image/jpeg", type=PictureType.COVER_FRONT, desc="", data=jpeg)


def _chapters(chapters: tuple[TagChapter, ...]) -> list[Frame]:
    """CHAP frames plus the top-level, ordered CTOC that players need to list them in order."""
    ids = [f"chp{index}" for index in range(len(chapters))]
    toc = CTOC(element_id=_TOC_ID, flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
               child_element_ids=ids, sub_frames=[TIT2(encoding=_UTF8, text=["Chapters"])])
    return [toc] + [_chapter(element_id, chapter) for element_id, chapter in zip(ids, chapters, strict=True)]


def _chapter(element_id: str, chapter: TagChapter) -> CHAP:
    sub_frames: list[Frame] = [TIT2(encoding=_UTF8, text=[chapter.title])]
    if chapter.url:
        sub_frames.append(WXXX(encoding=_LATIN1, desc="", url=chapter.url))
    if chapter.image_jpeg:
        sub_frames.append(_picture(chapter.image_jpeg))
    return CHAP(element_id=element_id, start_time=chapter.start_ms, end_time=chapter.end_ms,
                start_offset=_NO_OFFSET, end_offset=_NO_OFFSET, sub_frames=sub_frames)


def audio_span(master: BinaryIO, size: int) -> tuple[int, int]:
    """(start, end) of the MPEG frames: after any ID3v2 tags, before any APEv2 and ID3v1 tags.

    Old tags are dropped, not kept: a stale title or cover in an APE or v1 tag is exactly the
    disagreement with the feed that tagging exists to prevent, and the new ID3v2 tag carries it all.
    Trailing tags are peeled in whatever order they were appended (taggers disagree on it).
    """
    start = id3v2_end(master)
    end = size
    while (shorter := _before_trailing_tag(master, start, end)) < end:
        end = shorter
    return start, end


def _before_trailing_tag(master: BinaryIO, start: int, end: int) -> int:
    """Where an ID3v1 or APEv2 tag ending at `end` begins; `end` itself if there is none."""
    if end - start >= 128:
        master.seek(end - 128)
        if master.read(3) == b"TAG":
            return end - 128
    if end - start >= 32:
        master.seek(end - 32)
        footer = master.read(32)
        if footer[:8] == b"APETAGEX":
            tag_size, _, flags = struct.unpack("<III", footer[12:24])
            begin = end - tag_size - (32 if flags & 0x80000000 else 0)  # the size excludes the header
            return begin if start <= begin else end
    return end


def id3v2_end(master: BinaryIO) -> int:
    """Offset just past the ID3v2 tags at the start of a file (0 if none; several are skipped)."""
    start = 0
    while True:
        master.seek(start)
        header = master.read(10)
        if len(header) < 10 or header[:3] != b"ID3":
            return start
        body = (header[6] << 21) | (header[7] << 14) | (header[8] << 7) | header[9]
        start += 10 + body + (10 if header[5] & 0x10 else 0)  # 0x10: a footer follows


def splice(master: BinaryIO, size: int, tags: TagSet) -> Splice:
    """The tagged MP3: the new tag, then the master's frames without its old tags."""
    start, end = audio_span(master, size)
    return Splice(render(tags, end - start), start, end)
