"""MP3: the ID3 tag as mutagen, eyeD3 and ffmpeg read it, and the audio frames untouched."""
from __future__ import annotations

import dataclasses
import io
import logging
import random
from datetime import datetime
from pathlib import Path

import eyed3
import pytest
from mutagen.apev2 import APEv2
from mutagen.id3 import (
    COMM,
    ID3,
    PCST,
    TDRC,
    TIT2,
    TPE1,
    USLT,
    Encoding,
    Frame,
    ID3TimeStamp,
)

from feed_builder.core.model import Container
from feed_builder.media.tagging import TagChapter, TagSet, write_tagged_copy
from feed_builder.media.tagging.table import NUMBER_FIELDS, TEXT_FIELDS, present
from feed_builder.media.tagging.id3 import (
    WFED,
    _chapters,
    _picture,
    _plain,
    _rendered_show,
    audio_span,
    render,
)
from feed_builder.media.tagging.padding import for_audio_of
from tests.tagging_factories import decodes, ffmetadata, jpeg, master, tagset

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


def _mutagen_render(tags: TagSet, audio_size: int) -> bytes:
    """The oracle: every frame in one ID3 object, converted and saved by mutagen itself, as `render`
    did before it cached the show's frames. Its frame list is kept apart from `render`'s on purpose,
    so that a frame lost or doubled when splitting show from episode frames shows up as a difference."""
    tag = ID3()
    for frame in _every_frame(tags):
        tag.add(frame)
    if tags.id3_version == 3:
        tag.update_to_v23()
    out = io.BytesIO()
    tag.save(out, v1=0, v2_version=tags.id3_version, padding=for_audio_of(audio_size))
    return out.getvalue()


def _every_frame(tags: TagSet) -> list[Frame]:
    frames = [_plain(key, value) for key, value in present(tags, TEXT_FIELDS, "id3")]
    frames += [_plain(key, str(value)) for key, value in present(tags, NUMBER_FIELDS, "id3")]
    frames.append(TDRC(encoding=Encoding.UTF8, text=[ID3TimeStamp(tags.date.strftime("%Y-%m-%dT%H:%M:%S"))]))
    if tags.description:
        frames.append(COMM(encoding=Encoding.UTF8, lang=tags.language, desc="", text=[tags.description]))
    if tags.lyrics:
        frames.append(USLT(encoding=Encoding.UTF8, lang=tags.language, desc="", text=tags.lyrics))
    if tags.cover_jpeg:
        frames.append(_picture(tags.cover_jpeg))
    if tags.feed_url:
        encoding = Encoding.LATIN1 if tags.feed_url.isascii() else Encoding.UTF8
        frames.append(WFED(encoding=encoding, text=[tags.feed_url]))
    if tags.podcast:
        frames.append(PCST(value=0))
    return frames + (_chapters(tags.chapters) if tags.chapters else [])


_NO_OPTIONAL_FIELDS = {
    "lyrics": None, "chapters": (), "cover_jpeg": None, "track": None, "disc": None, "category": None,
    "keywords": "", "description": "", "copyright": "", "feed_url": "", "episode_url": "", "genre": "",
    "podcast": False,
}
_NON_ASCII = {
    "title": "Эпизод 1: 東京 🎙️", "artist": "Ана Автор", "album": "Hörspiel Wöchentlich",
    "description": "Ünïcödé — “quoted”", "long_description": "Заметки\n\n📝 notes", "lyrics": "Привет 👋\n\nこんにちは",
    "language": "rus", "feed_url": "https://example.com/подкаст/feed.xml", "keywords": "история,地図",
    "chapters": (TagChapter(0, 500, "Вступление 🎬"), TagChapter(500, 1000, "終わり", url="https://example.com/ü")),
}


@pytest.mark.parametrize("version", [3, 4])
@pytest.mark.parametrize("changes", [
    {}, {"cover_jpeg": None}, {"chapters": ()}, _NO_OPTIONAL_FIELDS, _NON_ASCII,
    {"date": datetime(2024, 1, 1)},  # midnight: mutagen's v2.3 conversion writes TYER and TDAT, no TIME
    {"genre": "(101)Speech"},  # update_to_v23 rewrites ID3v1 genre references
], ids=["every field", "no cover", "no chapters", "no optional fields", "non-ASCII", "midnight", "genre ref"])
def test_render_is_byte_identical_to_mutagens_own_save(version: int, changes: dict[str, object]) -> None:
    tags = tagset(id3_version=version, **changes)
    assert render(tags, 0) == _mutagen_render(tags, 0)
    assert render(tags, 123_456_789) == _mutagen_render(tags, 123_456_789)


def test_two_shows_in_one_process_each_get_their_own_frames() -> None:
    first = tagset()
    second = dataclasses.replace(
        first, artist="Bo Other", album="Other Show", genre="Talk", copyright="© 2025 Bo", category="Comedy",
        feed_url="https://example.org/other.xml", cover_jpeg=jpeg("yellow"))
    for tags in (first, second, first, second):
        assert render(tags, 0) == _mutagen_render(tags, 0)
    read = ID3(io.BytesIO(render(second, 0)))
    assert (read["TPE1"].text, read.getall("APIC")[0].data) == (["Bo Other"], second.cover_jpeg)


@pytest.mark.parametrize("change", [
    {"artist": "Bo"}, {"album": "Other"}, {"genre": "Talk"}, {"copyright": "© Bo"}, {"category": "Comedy"},
    {"feed_url": "https://example.org/feed.xml"}, {"podcast": False}, {"cover_jpeg": jpeg("yellow")},
    {"cover_jpeg": None}, {"id3_version": 4},
], ids=lambda change: next(iter(change)))
def test_a_changed_show_value_is_never_served_from_the_cache(change: dict[str, object]) -> None:
    render(tagset(), 0)  # caches the show's frames as they were
    changed = tagset(**change)
    assert render(changed, 0) == _mutagen_render(changed, 0)


def test_episodes_of_one_show_share_its_rendered_frames() -> None:
    """The saving rests on it: no value that differs between episodes may be part of the cache key."""
    first = tagset()
    render(first, 0)
    before = _rendered_show.cache_info()
    other = dataclasses.replace(
        first, title="Another", track=114, disc=5, date=datetime(2024, 6, 1, 8), description="Other.",
        long_description="Other notes.", lyrics="Other words.", language="deu", guid="another-guid",
        keywords="other", episode_url="https://example.com/pod/114", chapters=())
    assert render(other, 0) == _mutagen_render(other, 0)
    after = _rendered_show.cache_info()
    assert (after.hits - before.hits, after.misses - before.misses) == (1, 0)


def test_render_matches_mutagen_for_random_tagsets_across_several_shows() -> None:
    """Episodes of more shows than the cache holds, interleaved: hits, misses and evictions."""
    rng = random.Random(20240501)
    covers = (None, jpeg("blue"), jpeg("red", (300, 300)))
    shows = [_random_show(rng, covers) for _ in range(6)]
    for _ in range(300):
        tags = _random_episode(rng, rng.choice(shows), covers)
        audio_size = rng.choice((0, 999, 60_000_000, rng.randrange(10**10)))
        assert render(tags, audio_size) == _mutagen_render(tags, audio_size), tags


_TEXTS = ("", "a", "Plain ASCII", "Hörspiel — Ü", "Путин и карты", "東京の話", "mic 🎙️ check", "a/b; c=d",
          "x" * 3000)
_GENRES = ("Podcast", "", "Talk", "(101)", "12", "Rock/Pop", "(12)Other")
_URLS = ("", "https://example.com/pod/feed.xml", "http://example.com/ü?x=1&y=2")


def _text(rng: random.Random) -> str:
    return rng.choice(_TEXTS) + rng.choice(("", f" {rng.randrange(10**6)}"))


def _random_show(rng: random.Random, covers: tuple[bytes | None, ...]) -> dict[str, object]:
    return {
        "artist": _text(rng), "album": _text(rng), "genre": rng.choice(_GENRES), "copyright": _text(rng),
        "category": rng.choice((None, "History", "Society & Culture", "Научные")),
        "feed_url": rng.choice(_URLS + ("https://example.com/подкаст.xml",)), "podcast": rng.random() < 0.8,
        "cover_jpeg": rng.choice(covers), "id3_version": rng.choice((3, 4)),
    }


def _random_episode(rng: random.Random, show: dict[str, object], covers: tuple[bytes | None, ...]) -> TagSet:
    date = datetime(rng.randrange(1990, 2031), rng.randrange(1, 13), rng.randrange(1, 29),
                    rng.choice((0, rng.randrange(24))), rng.choice((0, rng.randrange(60))), rng.randrange(60))
    starts = sorted(rng.sample(range(10_000), rng.choice((0, 0, 1, 3))))
    chapters = tuple(
        TagChapter(start, start + rng.randrange(1, 1000), _text(rng), url=rng.choice(_URLS) or None,
                   image_jpeg=rng.choice(covers))
        for start in starts)
    return tagset(
        title=_text(rng), track=rng.choice((None, rng.randrange(1, 2000))), disc=rng.choice((None, 1, 12)),
        date=date, description=_text(rng), long_description=_text(rng), lyrics=rng.choice((None, _text(rng))),
        language=rng.choice(("eng", "deu", "rus", "jpn")), guid=_text(rng), keywords=_text(rng),
        episode_url=rng.choice(_URLS), chapters=chapters, **show)
