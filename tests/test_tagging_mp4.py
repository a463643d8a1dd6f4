"""M4A: iTunes atoms as mutagen and ffmpeg read them, for both atom layouts."""
from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.mp4 import MP4, MP4Cover

from feed_builder.core.model import Container
from feed_builder.media.tagging import write_tagged_copy
from tests.tagging_factories import decodes, ffmetadata, master, tagset

# moov after mdat (ffmpeg's default), moov first; and both with 64-bit mdat size and co64 offsets
LAYOUTS = ["tone.m4a", "tone-faststart.m4a", "tone-wide.m4a", "tone-faststart-wide.m4a"]


def _tagged(tmp_path: Path, fixture: str = "tone.m4a", **changes: object) -> Path:
    dest = tmp_path / "out.m4a"
    write_tagged_copy(master(tmp_path, Container.M4A, fixture), dest, tagset(**changes), Container.M4A)
    return dest


@pytest.mark.parametrize("fixture", LAYOUTS)
def test_every_atom_reads_back_with_mutagen(tmp_path: Path, fixture: str) -> None:
    tags = tagset()
    read = MP4(_tagged(tmp_path, fixture)).tags
    assert {key: read[key] for key in ("©nam", "©ART", "©alb", "tvsh", "©gen", "desc", "ldes", "©lyr", "cprt",
                                       "catg", "keyw", "purl", "egid", "©day")} == {
        "©nam": [tags.title], "©ART": [tags.artist], "©alb": [tags.album], "tvsh": [tags.album],
        "©gen": ["Podcast"], "desc": [tags.description], "ldes": [tags.long_description],
        "©lyr": [tags.lyrics], "cprt": [tags.copyright], "catg": ["History"], "keyw": ["history,russia"],
        "purl": [tags.feed_url], "egid": [tags.guid], "©day": ["2024-05-01T06:30:15"]}
    assert (read["trkn"], read["disk"], read["pcst"], read["stik"]) == ([(113, 0)], [(4, 0)], True, [21])
    (cover,) = read["covr"]
    assert (bytes(cover), cover.imageformat) == (tags.cover_jpeg, MP4Cover.FORMAT_JPEG)


@pytest.mark.parametrize("fixture", LAYOUTS)
def test_ffmpeg_reads_the_tags_and_decodes_the_audio(tmp_path: Path, fixture: str) -> None:
    tags = tagset()
    dest = _tagged(tmp_path, fixture)
    found, _ = ffmetadata(dest)
    assert {key: found[key] for key in ("title", "artist", "album", "show", "genre", "track", "disc", "date",
                                        "podcast", "media_type", "category", "keywords", "copyright",
                                        "description", "synopsis", "lyrics")} == {
        "title": tags.title, "artist": tags.artist, "album": tags.album, "show": tags.album,
        "genre": "Podcast", "track": "113", "disc": "4", "date": "2024-05-01T06:30:15", "podcast": "1",
        "media_type": "21", "category": "History", "keywords": "history,russia",
        "copyright": tags.copyright, "description": tags.description,
        "synopsis": tags.long_description, "lyrics": tags.lyrics}
    assert decodes(dest)


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
