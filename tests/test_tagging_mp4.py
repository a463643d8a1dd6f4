"""M4A: iTunes atoms as mutagen and ffmpeg read them, for both atom layouts."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mutagen.mp4 import MP4, MP4Cover

from feed_builder.core.model import Container
from feed_builder.media.tagging import TagSet, write_tagged_copy
from tests.tagging_factories import decodes, ffmetadata, master, tagset

# moov after mdat (ffmpeg's default), moov first; and both with 64-bit mdat size and co64 offsets
LAYOUTS = ["tone.m4a", "tone-faststart.m4a", "tone-wide.m4a", "tone-faststart-wide.m4a"]


def _tagged(tmp_path: Path, fixture: str = "tone.m4a", **changes: object) -> Path:
    dest = tmp_path / "out.m4a"
    write_tagged_copy(master(tmp_path, Container.M4A, fixture), dest, tagset(**changes), Container.M4A)
    return dest


# Read-back: what a tag set must read back as, stated from the `TagSet` alone, against what mutagen and
# ffmpeg find in the written file. A reader that cannot see a value leaves it out.

def _expected(tags: TagSet) -> dict[str, Any]:
    values = {
        "title": tags.title, "artist": tags.artist, "album": tags.album, "show": tags.album, "genre": tags.genre,
        "track": tags.track, "disc": tags.disc, "date": tags.date.isoformat(timespec="seconds"),
        "description": tags.description, "long_description": tags.long_description, "lyrics": tags.lyrics,
        "copyright": tags.copyright, "category": tags.category, "keywords": tags.keywords, "guid": tags.guid,
        "feed_url": tags.feed_url, "cover": tags.cover_jpeg, "podcast": tags.podcast or None,
        "media_type": 21 if tags.podcast else None,  # 21: a podcast episode
    }
    return {key: value for key, value in values.items() if value not in (None, "")}


_TEXT_ATOMS = {
    "title": "©nam", "artist": "©ART", "album": "©alb", "show": "tvsh", "genre": "©gen", "date": "©day",
    "description": "desc", "long_description": "ldes", "lyrics": "©lyr", "copyright": "cprt", "category": "catg",
    "keywords": "keyw", "guid": "egid", "feed_url": "purl",
}
_OTHER_ATOMS = {"trkn", "disk", "covr", "pcst", "stik"}


def _by_mutagen(path: Path) -> dict[str, Any]:
    """Also lists any atom no field asked for."""
    atoms = MP4(path).tags
    read: dict[str, Any] = {key: _one(atoms[atom]) for key, atom in _TEXT_ATOMS.items() if atom in atoms}
    for key, atom in (("track", "trkn"), ("disc", "disk")):
        if atom in atoms:
            (read[key], _), = atoms[atom]  # (number, total); no total is written
    if "covr" in atoms:
        cover = _one(atoms["covr"])
        assert cover.imageformat == MP4Cover.FORMAT_JPEG
        read["cover"] = bytes(cover)
    if atoms.get("pcst"):
        read["podcast"] = True
    if "stik" in atoms:
        read["media_type"] = _one(atoms["stik"])
    if others := set(atoms) - set(_TEXT_ATOMS.values()) - _OTHER_ATOMS:
        read["atoms no field asked for"] = others
    return read


_FFMPEG_KEYS = {key: key for key in ("title", "artist", "album", "show", "genre", "date", "description", "lyrics",
                                     "copyright", "category", "keywords")} | {"long_description": "synopsis"}


def _by_ffmpeg(path: Path) -> dict[str, Any]:
    """Not the cover, which ffmpeg shows as a video stream, not a tag; not `egid`, see
    `test_ffmpeg_reads_the_episode_guid_as_a_number`; and no `purl`, which FFmpeg's MP4 reader maps
    to no key at all."""
    found, _ = ffmetadata(path)
    read: dict[str, Any] = {key: found[name] for key, name in _FFMPEG_KEYS.items() if name in found}
    read |= {key: int(found[key]) for key in ("track", "disc", "media_type") if key in found}
    if found.get("podcast") == "1":
        read["podcast"] = True
    return read


def _one(values: list[Any]) -> Any:
    (value,) = values
    return value


_NO_OPTIONAL_FIELDS = {
    "lyrics": None, "cover_jpeg": None, "track": None, "disc": None, "category": None, "keywords": "",
    "description": "", "copyright": "", "feed_url": "", "genre": "", "podcast": False,
}
_NON_ASCII = {
    "title": "Эпизод 1: 東京 🎙️", "artist": "Ана Автор", "album": "Hörspiel Wöchentlich",
    "description": "Ünïcödé — “quoted”", "long_description": "Заметки\n\n📝 notes", "lyrics": "Привет 👋\n\nこんにちは",
    "feed_url": "https://example.com/подкаст/feed.xml", "keywords": "история,地図", "guid": "эпизод-1",
}
_VARIANTS = {"every field": {}, "no optional fields": _NO_OPTIONAL_FIELDS, "non-ASCII": _NON_ASCII}
_READ_BACK = pytest.mark.parametrize(("variant", "fixture"), [(v, f) for v in _VARIANTS for f in LAYOUTS],
                                     ids=[f"{v}, {f}" for v in _VARIANTS for f in LAYOUTS])


@_READ_BACK
def test_mutagen_reads_back_every_value_and_nothing_else(tmp_path: Path, variant: str, fixture: str) -> None:
    tags = tagset(**_VARIANTS[variant])
    assert _by_mutagen(_tagged(tmp_path, fixture, **_VARIANTS[variant])) == _expected(tags)


@_READ_BACK
def test_ffmpeg_reads_back_every_value_it_shows_and_decodes_the_audio(tmp_path: Path, variant: str,
                                                                      fixture: str) -> None:
    tags = tagset(**_VARIANTS[variant])
    dest = _tagged(tmp_path, fixture, **_VARIANTS[variant])
    expected = {key: value for key, value in _expected(tags).items() if key not in {"cover", "guid", "feed_url"}}
    assert _by_ffmpeg(dest) == expected
    assert decodes(dest)


def test_ffmpeg_reads_the_episode_guid_as_a_number(tmp_path: Path) -> None:
    """The one value ffmpeg shows, and shows wrong: FFmpeg's MP4 reader takes `egid` for a one-byte
    integer whatever type the atom declares, so the GUID "b3a0c3a2-…" shows as 98, its first byte.
    No bytes can satisfy it and iTunes (whose atom it is) and mutagen, which keep the GUID as text:
    we keep the text. If this fails, FFmpeg reads the text now: expect `guid` from it above."""
    found, _ = ffmetadata(_tagged(tmp_path))
    assert found["episode_uid"] == str(tagset().guid.encode()[0])


def test_existing_atoms_are_replaced_not_merged(tmp_path: Path) -> None:
    source = master(tmp_path, Container.M4A)
    old = MP4(source)
    old["©cmt"] = ["stale comment"]
    old["©nam"] = ["stale title"]
    old.save()
    dest = tmp_path / "out.m4a"
    write_tagged_copy(source, dest, tagset(), Container.M4A)
    read = MP4(dest).tags
    assert "©cmt" not in read and read["©nam"] == [tagset().title]


def test_empty_values_write_no_atoms(tmp_path: Path) -> None:
    read = MP4(_tagged(tmp_path, lyrics=None, cover_jpeg=None, track=None, disc=None, category=None,
                       keywords="")).tags
    assert not {"©lyr", "covr", "trkn", "disk", "catg", "keyw"} & set(read)
