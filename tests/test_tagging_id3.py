"""MP3: the ID3 tag as mutagen, eyeD3 and ffmpeg read it, and the audio frames untouched."""
from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import eyed3
import pytest
from mutagen.apev2 import APEv2
from mutagen.id3 import ID3, TIT2, TPE1

from feed_builder.model import Container
from feed_builder.tagging import TagSet, write_tagged_copy
from feed_builder.tagging.id3 import audio_span
from tests.tagging_factories import decodes, ffmetadata, master, tagset

logging.getLogger("eyed3").setLevel(logging.ERROR)  # it warns about v2.3 TDAT, which is DDMM by spec


def _tagged(tmp_path: Path, tags: TagSet | None = None) -> Path:
    dest = tmp_path / "out.mp3"
    write_tagged_copy(master(tmp_path, Container.MP3), dest, tags or tagset(), Container.MP3)
    return dest


def test_id3v23_by_default_without_v24_frames(tmp_path: Path) -> None:
    dest = _tagged(tmp_path)
    assert dest.read_bytes()[:4] == b"ID3\x03"
    raw = ID3(dest, translate=False)
    assert "TDRC" not in raw
    assert (raw["TYER"].text, raw["TDAT"].text, raw["TIME"].text) == (["2024"], ["0105"], ["0630"])


def test_id3v24_on_request_keeps_tdrc(tmp_path: Path) -> None:
    dest = _tagged(tmp_path, tagset(id3_version=4))
    assert dest.read_bytes()[:4] == b"ID3\x04"
    assert str(ID3(dest, translate=False)["TDRC"].text[0]) == "2024-05-01 06:30:15"  # mutagen's separator


@pytest.mark.parametrize("version", [3, 4])
def test_every_frame_reads_back_with_mutagen(tmp_path: Path, version: int) -> None:
    tags = tagset(id3_version=version)
    read = ID3(_tagged(tmp_path, tags))
    text = {key: read[key].text[0] for key in ("TIT2", "TPE1", "TALB", "TRCK", "TPOS", "TCON", "TDES",
                                                "TCAT", "TKWD", "TGID", "TCOP")}
    assert text == {"TIT2": tags.title, "TPE1": tags.artist, "TALB": tags.album, "TRCK": "113", "TPOS": "4",
                    "TCON": "Podcast", "TDES": tags.long_description, "TCAT": "History",
                    "TKWD": "history,russia", "TGID": tags.guid, "TCOP": tags.copyright}
    assert read["COMM::eng"].text == [tags.description]
    assert read["USLT::eng"].text == tags.lyrics
    assert read["WOAF"].url == tags.episode_url
    assert "PCST" in read
    (cover,) = read.getall("APIC")
    assert (cover.type, cover.mime, cover.data) == (3, "image/jpeg", tags.cover_jpeg)
    (toc,) = read.getall("CTOC")
    assert toc.child_element_ids == ["chp0", "chp1", "chp2"] and toc.flags == 3  # top-level, ordered
    chapters = [read[f"CHAP:{element_id}"] for element_id in toc.child_element_ids]
    assert [(c.start_time, c.end_time, c.sub_frames["TIT2"].text[0]) for c in chapters] == [
        (0, 400, "Intro"), (400, 700, "Maps"), (700, 1071, "Outro")]
    assert chapters[0].sub_frames.getall("APIC")[0].data == tags.chapters[0].image_jpeg
    assert chapters[1].sub_frames.getall("WXXX")[0].url == "https://maps.example"


def test_ffmpeg_reads_tags_and_chapters(tmp_path: Path) -> None:
    tags = tagset()
    dest = _tagged(tmp_path, tags)
    found, chapters = ffmetadata(dest)
    assert {key: found[key] for key in ("title", "artist", "album", "track", "disc", "genre", "date",
                                        "comment", "lyrics-eng", "tdes", "tgid", "tcat", "tkwd", "copyright")} == {
        "title": tags.title, "artist": tags.artist, "album": tags.album, "track": "113", "disc": "4",
        "genre": "Podcast", "date": "2024-05-01 06:30", "comment": tags.description, "lyrics-eng": tags.lyrics,
        "tdes": tags.long_description, "tgid": tags.guid, "tcat": "History", "tkwd": "history,russia",
        "copyright": tags.copyright}
    ordered = sorted(chapters, key=lambda c: int(c["start"]))
    assert [(c["start"], c["end"], c["title"]) for c in ordered] == [
        ("0", "400", "Intro"), ("400", "700", "Maps"), ("700", "1071", "Outro")]
    assert decodes(dest)


def test_eyed3_reads_chapters_and_the_podcast_frames(tmp_path: Path) -> None:
    tags = tagset()
    tag = eyed3.load(_tagged(tmp_path, tags)).tag
    (toc,) = tag.table_of_contents
    assert (toc.toplevel, toc.ordered, toc.child_ids) == (True, True, [b"chp0", b"chp1", b"chp2"])
    chapters = {c.element_id: c for c in tag.chapters}
    assert [(chapters[i].times, chapters[i].title) for i in toc.child_ids] == [
        ((0, 400), "Intro"), ((400, 700), "Maps"), ((700, 1071), "Outro")]
    assert chapters[b"chp1"].user_url.rstrip("\x00") == "https://maps.example"
    assert b"APIC" in chapters[b"chp0"].sub_frames
    assert tag.frame_set[b"WFED"][0].text == tags.feed_url  # iTunes' text-style WFED
    assert b"PCST" in tag.frame_set
    assert [(i.picture_type, i.image_data) for i in tag.images] == [(3, tags.cover_jpeg)]


def test_empty_values_write_no_frames(tmp_path: Path) -> None:
    tags = tagset(lyrics=None, chapters=(), cover_jpeg=None, track=None, disc=None, category=None, keywords="")
    read = ID3(_tagged(tmp_path, tags))
    for frame in ("USLT", "CHAP", "CTOC", "APIC", "TRCK", "TPOS", "TCAT", "TKWD"):
        assert not read.getall(frame), frame


def test_old_tags_are_replaced_and_the_audio_frames_copied_exactly(tmp_path: Path) -> None:
    source = master(tmp_path, Container.MP3)
    with source.open("rb") as f:
        start, end = audio_span(f, source.stat().st_size)
        f.seek(start)
        audio = f.read(end - start)  # the fixture has ffmpeg's own small ID3v2 tag
    old = ID3()
    old.add(TIT2(text=["Old title"]))
    old.add(TPE1(text=["Old artist"]))
    old.save(source, v1=2)  # an ID3v2 tag in front and an ID3v1 tag at the end
    ape = APEv2()
    ape["Title"] = "Old APE title"
    ape.save(source)  # mutagen puts APEv2 before the ID3v1 tag
    assert source.stat().st_size > len(audio) + 128

    dest = tmp_path / "out.mp3"
    write_tagged_copy(source, dest, tagset(), Container.MP3)
    data = dest.read_bytes()
    with dest.open("rb") as f:
        start, end = audio_span(f, len(data))
    assert data[start:end] == audio and end == len(data)
    assert ID3(dest)["TIT2"].text == [tagset().title]
    assert b"Old" not in data and b"APETAGEX" not in data


def test_padding_follows_mutagens_rule_so_a_small_retag_rewrites_only_the_header(tmp_path: Path) -> None:
    dest = _tagged(tmp_path)
    size = dest.stat().st_size
    with dest.open("rb") as f:
        start, _ = audio_span(f, size)
    audio_size = size - start
    assert _padding(dest.read_bytes()[:start]) == 1024 + audio_size // 1000  # mutagen's default
    retag = ID3(dest)
    retag["TIT2"] = TIT2(encoding=3, text=["A slightly longer title than before"])
    retag.save(v2_version=3)  # default padding, as any mutagen-based tool would
    assert dest.stat().st_size == size


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    first, second = _tagged(tmp_path), tmp_path / "again.mp3"
    write_tagged_copy(master(tmp_path, Container.MP3), second, tagset(), Container.MP3)
    assert first.read_bytes() == second.read_bytes()


def test_feed_url_frame_is_latin1_text_like_itunes(tmp_path: Path) -> None:
    data = _tagged(tmp_path, dataclasses.replace(tagset(), chapters=())).read_bytes()
    position = data.index(b"WFED")
    length = int.from_bytes(data[position + 4:position + 8], "big")
    assert data[position + 10:position + 10 + length].rstrip(b"\x00") == b"\x00https://example.com/pod/feed.xml"


def _padding(tag: bytes) -> int:
    """Bytes after the last frame of a v2.3 tag (v2.3 frame sizes are plain integers)."""
    position = 10
    while position < len(tag) and tag[position:position + 4] != b"\x00\x00\x00\x00":
        position += 10 + int.from_bytes(tag[position + 4:position + 8], "big")
    return len(tag) - position
