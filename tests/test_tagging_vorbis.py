"""Opus, Ogg Vorbis and FLAC: Vorbis comments, cover and chapters as mutagen and ffmpeg read them."""
from __future__ import annotations

import base64
from pathlib import Path

import mutagen
import pytest
from mutagen.flac import FLAC, Picture

from feed_builder.core.model import Container
from feed_builder.media.tagging import write_tagged_copy
from tests.tagging_factories import decodes, ffmetadata, master, tagset

CONTAINERS = [Container.OPUS, Container.VORBIS, Container.FLAC]


def _audio_start(flac: bytes) -> int:
    """Where the frames start, read as the FLAC format says: after the block with the last-block flag."""
    assert flac[:4] == b"fLaC"
    position = 4
    while True:
        header, length = flac[position], int.from_bytes(flac[position + 1:position + 4], "big")
        position += 4 + length
        if header & 0x80:
            return position


def _tagged(tmp_path: Path, container: Container, **changes: object) -> Path:
    dest = tmp_path / f"out.{container.extension}"
    write_tagged_copy(master(tmp_path, container), dest, tagset(**changes), container)
    return dest


def _cover(audio: mutagen.FileType) -> Picture:
    if isinstance(audio, FLAC):
        (picture,) = audio.pictures
        return picture
    (encoded,) = audio.tags["METADATA_BLOCK_PICTURE"]
    return Picture(base64.b64decode(encoded))


@pytest.mark.parametrize("container", CONTAINERS)
def test_comments_read_back_with_mutagen(tmp_path: Path, container: Container) -> None:
    tags = tagset()
    audio = mutagen.File(_tagged(tmp_path, container))
    read = {key.upper(): values for key, values in audio.tags.as_dict().items()}
    assert read == {
        "TITLE": [tags.title], "ARTIST": [tags.artist], "ALBUM": [tags.album], "GENRE": ["Podcast"],
        "DESCRIPTION": [tags.description], "COMMENT": [tags.long_description], "LYRICS": [tags.lyrics],
        "COPYRIGHT": [tags.copyright], "URL": [tags.episode_url], "TRACKNUMBER": ["113"],
        "DISCNUMBER": ["4"], "DATE": ["2024-05-01T06:30:15"],
        "CHAPTER001": ["00:00:00.000"], "CHAPTER001NAME": ["Intro"],
        "CHAPTER002": ["00:00:00.400"], "CHAPTER002NAME": ["Maps"], "CHAPTER002URL": ["https://maps.example"],
        "CHAPTER003": ["00:00:00.700"], "CHAPTER003NAME": ["Outro"],
    } | ({} if container is Container.FLAC else {"METADATA_BLOCK_PICTURE": read["METADATA_BLOCK_PICTURE"]})
    cover = _cover(audio)
    assert (cover.type, cover.mime, cover.width, cover.height, cover.data) == (
        3, "image/jpeg", 32, 32, tags.cover_jpeg)


@pytest.mark.parametrize("container", CONTAINERS)
def test_ffmpeg_reads_the_comments_and_chapters_and_decodes(tmp_path: Path, container: Container) -> None:
    tags = tagset()
    dest = _tagged(tmp_path, container)
    found, chapters = ffmetadata(dest, stream=container is not Container.FLAC)
    assert {key: found[key] for key in ("title", "artist", "album", "genre", "track", "disc", "date",
                                        "lyrics", "copyright", "url")} == {
        "title": tags.title, "artist": tags.artist, "album": tags.album, "genre": "Podcast", "track": "113",
        "disc": "4", "date": "2024-05-01T06:30:15", "lyrics": tags.lyrics, "copyright": tags.copyright,
        "url": tags.episode_url}
    assert [(c["start"], c["title"]) for c in chapters] == [("0", "Intro"), ("400", "Maps"), ("700", "Outro")]
    assert decodes(dest)


@pytest.mark.parametrize("container", CONTAINERS)
def test_old_comments_are_replaced(tmp_path: Path, container: Container) -> None:
    source = master(tmp_path, container)
    old = mutagen.File(source)
    old.tags["TITLE"] = ["stale"]
    old.tags["ENCODER"] = ["stale encoder"]
    old.save()
    dest = tmp_path / f"out.{container.extension}"
    write_tagged_copy(source, dest, tagset(), container)
    read = mutagen.File(dest).tags
    assert read["TITLE"] == [tagset().title] and "ENCODER" not in read


@pytest.mark.parametrize("container", CONTAINERS)
def test_empty_values_write_no_comments(tmp_path: Path, container: Container) -> None:
    audio = mutagen.File(_tagged(tmp_path, container, lyrics=None, chapters=(), cover_jpeg=None, track=None))
    written = {key.upper() for key in audio.tags.keys()}  # noqa: SIM118 (tags is a list of pairs)
    assert not {"LYRICS", "CHAPTER001", "TRACKNUMBER", "METADATA_BLOCK_PICTURE"} & written
    assert not getattr(audio, "pictures", [])


def test_flac_is_written_in_one_pass_with_the_frames_unchanged(tmp_path: Path) -> None:
    source = master(tmp_path, Container.FLAC)
    dest = _tagged(tmp_path, Container.FLAC)
    old, new = source.read_bytes(), dest.read_bytes()
    assert new[_audio_start(new):] == old[_audio_start(old):]
    assert FLAC(dest).info.total_samples == FLAC(source).info.total_samples


def test_flac_keeps_a_seektable_and_drops_a_leading_id3_tag(tmp_path: Path) -> None:
    source = master(tmp_path, Container.FLAC)
    blocks = [type(b).__name__ for b in FLAC(source).metadata_blocks]
    data = source.read_bytes()
    source.write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x05" + b"\x00" * 5 + data)  # a stray 5-byte ID3v2 tag
    dest = tmp_path / "out.flac"
    write_tagged_copy(source, dest, tagset(), Container.FLAC)
    assert dest.read_bytes()[:4] == b"fLaC"
    kept = [type(b).__name__ for b in FLAC(dest).metadata_blocks]
    assert [name for name in kept if name in ("StreamInfo", "SeekTable")] == [
        name for name in blocks if name in ("StreamInfo", "SeekTable")]
