"""Ogg Opus, Ogg Vorbis and FLAC: a `TagSet` as Vorbis comments.

The three formats share the comment names; they differ only in where the cover goes (a FLAC
PICTURE block, or the same block base64-encoded in METADATA_BLOCK_PICTURE inside Ogg) and in how
the file is rewritten (both in one pass: FLAC by `flac.py`, Ogg by `ogg.py`).
Chapters follow the Vorbis chapter extension (CHAPTER001=00:01:02.500, CHAPTER001NAME, ...) that
foobar2000, VLC and ffmpeg read; it has no field for chapter art, so that stays in the feed.
"""
from __future__ import annotations

import io

from mutagen.flac import Picture
from mutagen.id3 import PictureType
from PIL import Image

from feed_builder.media.tagging.table import NUMBER_FIELDS, TEXT_FIELDS, present
from feed_builder.media.tagging.tagset import TagChapter, TagSet


def comments(tags: TagSet) -> list[tuple[str, str]]:
    """Every comment except the cover, as (NAME, value) pairs in a stable order."""
    pairs = [(key, str(value)) for key, value in present(tags, TEXT_FIELDS, "vorbis")]
    pairs += [(key, str(value)) for key, value in present(tags, NUMBER_FIELDS, "vorbis")]
    pairs.append(("DATE", tags.date.isoformat(timespec="seconds")))
    for number, chapter in enumerate(tags.chapters, start=1):
        pairs += _chapter(f"CHAPTER{number:03d}", chapter)
    return pairs


def _chapter(key: str, chapter: TagChapter) -> list[tuple[str, str]]:
    pairs = [(key, _timestamp(chapter.start_ms)), (f"{key}NAME", chapter.title)]
    if chapter.url:
        pairs.append((f"{key}URL", chapter.url))
    return pairs


def _timestamp(ms: int) -> str:
    seconds, ms = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{ms:03d}"


def picture(jpeg: bytes) -> Picture:
    """A front-cover picture block; the sizes are filled in because some players lay out by them."""
    with Image.open(io.BytesIO(jpeg)) as image:
        width, height = image.size
    block = Picture()
    block.type = PictureType.COVER_FRONT
    block.mime = "image/jpeg"
    block.width, block.height, block.depth = width, height, 24
    block.data = jpeg
    return block
