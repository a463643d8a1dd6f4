"""MP3: a `TagSet` as an ID3v2 tag rendered in memory, and where a master's audio frames lie.

Rendering to bytes instead of tagging a file lets `write.py` write the tag and stream the audio once.
ID3v2.3 is the default because many car stereos and older players still cannot read v2.4;
`update_to_v23()` runs before saving so no v2.4-only frame (TDRC, ...) survives into a v2.3 tag.
Podcast frames (PCST, TCAT, TDES, TGID, TKWD, WFED) are Apple's additions. mutagen models WFED as a
URL frame, but iTunes writes it as a text frame (an encoding byte, then the URL), and iTunes, TagLib,
eyeD3 and lofty read it so; we write what iTunes writes, which mutagen on its own frame table (so
Picard, Quod Libet) reads as empty: no bytes are both. FFmpeg shows no W... frame at all.

The tag is what `ID3.save` writes into an empty buffer: mutagen's public whole-tag save, so the
frames and the header stay mutagen's own from one release to the next. Only the chapters' order is
ours: `ID3.save` sorts frames by size, and FFmpeg (so VLC, mpv and most players) lists chapters in the
order their CHAP frames lie, ignoring the table of contents.
"""
from __future__ import annotations

import io
import struct
from typing import BinaryIO

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
    CTOCFlags,
    Encoding,
    Frame,
    Frames,
    ID3TimeStamp,
    ID3v1SaveOptions,
    PictureType,
    TextFrame,
    UrlFrame,
)

from feed_builder.media.tagging.table import NUMBER_FIELDS, TEXT_FIELDS, present
from feed_builder.media.tagging.padding import for_audio_of
from feed_builder.media.tagging.splice import Splice
from feed_builder.media.tagging.tagset import TagChapter, TagSet

_UTF8 = Encoding.UTF8  # mutagen writes UTF-16 instead when saving v2.3, which has no UTF-8
_LATIN1 = Encoding.LATIN1  # for empty descriptions: iTunes misreads an empty UTF-16 one (beets #899)
_NO_OFFSET = 0xFFFFFFFF  # CHAP byte offsets unused: players seek by time
_TOC_ID = "toc"


def render(tags: TagSet, audio_size: int) -> bytes:
    """The complete ID3v2 tag (header, frames, padding) to put in front of `audio_size` bytes."""
    tag = ID3()
    for frame in _frames(tags):
        tag.add(frame)
    if tags.id3_version == 3:
        tag.update_to_v23()
    if tags.chapters:
        tag = _chapters_last_in_order(tag, tags.id3_version)
    out = io.BytesIO()
    tag.save(out, v1=ID3v1SaveOptions.REMOVE, v2_version=tags.id3_version, padding=for_audio_of(audio_size))
    return out.getvalue()


def _chapters_last_in_order(tag: ID3, version: int) -> ID3:
    """The tag read back with its CHAP frames last, in the order of the table of contents.

    `ID3.save` writes the frames it knows sorted, then, as they came, the raw frames it did not know
    when it read the tag (`unknown_frames`), if it saves the version it read. Reading the tag back
    with CHAP unknown makes the chapters such frames, whose order is then ours to set.
    """
    saved = io.BytesIO()
    tag.save(saved, v1=ID3v1SaveOptions.REMOVE, v2_version=version, padding=lambda _: 0)
    saved.seek(0)
    read = ID3(saved, known_frames=_ALL_BUT_CHAP, translate=False)
    order = {element_id: index for index, element_id in enumerate(read[f"CTOC:{_TOC_ID}"].child_element_ids)}
    read.unknown_frames.sort(key=lambda raw: order[_element_id(raw)])
    return read


def _element_id(raw: bytes) -> str:
    """A raw CHAP frame's element ID: the Latin-1 text that opens its body, after the 10-byte header."""
    return raw[10:raw.index(b"\x00", 10)].decode("latin-1")


def _frames(tags: TagSet) -> list[Frame]:
    frames = [_plain(key, value) for key, value in present(tags, TEXT_FIELDS + NUMBER_FIELDS, "id3")]
    frames.append(TDRC(encoding=_UTF8, text=[ID3TimeStamp(tags.date.strftime("%Y-%m-%dT%H:%M:%S"))]))
    if tags.description:
        frames.append(COMM(encoding=_UTF8, lang=tags.language, desc="", text=[tags.description]))
    if tags.lyrics:
        frames.append(USLT(encoding=_UTF8, lang=tags.language, desc="", text=tags.lyrics))
    if tags.cover_jpeg:
        frames.append(_picture(tags.cover_jpeg))
    if tags.feed_url:
        frames.append(WFED(encoding=_LATIN1 if tags.feed_url.isascii() else _UTF8, text=[tags.feed_url]))
    if tags.podcast:
        frames.append(PCST(value=0))  # its presence is the flag; iTunes writes four zero bytes
    if tags.chapters:
        frames += _chapters(tags.chapters)
    return frames


class WFED(TextFrame):
    """iTunes' podcast feed URL frame, as iTunes writes it; mutagen takes the frame ID from the name."""


# Our WFED too: read as mutagen's URL frame, the text frame would be saved back as an empty URL.
_ALL_BUT_CHAP = {**{name: frame for name, frame in Frames.items() if name != "CHAP"}, "WFED": WFED}


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
