"""M4A/AAC: a `TagSet` as iTunes atoms, written by mutagen into a temp copy of the master.

No one-pass path: the tag lives inside `moov`, which also holds the sample offsets, so a tag cannot
be rendered apart from the file. With `moov` after `mdat` (ffmpeg's default) mutagen rewrites only
the tail: copy and tag write 1.02x a plain copy's bytes (bench/bench_tagging.py, one hour). With
`moov` first (faststart) the first tag write moves all audio and rewrites the whole file: 2.0x;
re-tagging that output then fits its padding again (1.04x). `stik` 21 marks a podcast episode.

Chapters are not written: mutagen cannot write MP4 chapters (neither a chapter track nor Nero
`chpl`), so M4A chapters reach listeners only through the feed's chapters JSON.
"""
from __future__ import annotations

from pathlib import Path

from mutagen.mp4 import MP4, MP4Cover

from feed_builder.tagging.fields import NUMBER_FIELDS, TEXT_FIELDS, present
from feed_builder.tagging.tagset import TagSet

_PODCAST_MEDIA_KIND = 21


def tag_mp4(path: Path, tags: TagSet) -> None:
    """Replace every iTunes atom of the MP4 file at `path` (a temp copy) in place."""
    audio = MP4(path)
    if audio.tags is None:
        audio.add_tags()
    audio.tags.clear()
    audio.tags.update(atoms(tags))
    audio.save()


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
