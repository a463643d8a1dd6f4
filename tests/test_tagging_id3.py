"""MP3: the ID3 tag as mutagen, eyeD3 and ffmpeg read it, and the audio frames untouched."""
from __future__ import annotations

import dataclasses
import io
import logging
import random
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import eyed3
import pytest
from mutagen.apev2 import APEv2
from mutagen.id3 import ID3, TIT2, TPE1, CTOCFlags, Frames, TextFrame

from feed_builder.core.model import Container
from feed_builder.media.tagging import TagChapter, TagSet, write_tagged_copy
from feed_builder.media.tagging.id3 import audio_span, render
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


def test_mutagens_own_frame_table_reads_the_feed_url_empty(tmp_path: Path) -> None:
    """The one reader of ours that cannot be given the feed URL, unless told WFED is text: mutagen's
    table has WFED as a URL frame, while iTunes, whose frame it is, TagLib, eyeD3 and lofty have it as
    a text frame, and no bytes read the same both ways (the text frame's encoding byte, 0 here, would
    end a URL frame's text at once). So taggers on mutagen's defaults (Picard, Quod Libet) show it
    empty; we keep the frame iTunes writes. If this fails, mutagen reads it now: drop our `WFED`."""
    assert ID3(_tagged(tmp_path))["WFED"].url == ""


def _padding(tag: bytes) -> int:
    """Bytes after the last frame of a v2.3 tag (v2.3 frame sizes are plain integers)."""
    position = 10
    while position < len(tag) and tag[position:position + 4] != b"\x00\x00\x00\x00":
        position += 10 + int.from_bytes(tag[position + 4:position + 8], "big")
    return len(tag) - position


# Read-back: what a tag set must read back as, stated from the `TagSet` alone, against what three
# independent readers find in the written file. A reader that cannot see a value leaves it out.

_TEXT_FRAMES = {  # one-value text frames; TCAT, TDES, TGID, TKWD and WFED are Apple's podcast frames
    "title": "TIT2", "artist": "TPE1", "album": "TALB", "track": "TRCK", "disc": "TPOS", "genre": "TCON",
    "long_description": "TDES", "copyright": "TCOP", "category": "TCAT", "keywords": "TKWD", "guid": "TGID",
    "feed_url": "WFED",
}
_OTHER_FRAMES = {"TDRC", "COMM", "USLT", "WOAF", "APIC", "PCST", "CTOC", "CHAP"}


def _expected(tags: TagSet) -> dict[str, Any]:
    """Every value the tag set carries, as a reader should give it back; unset and empty ones absent.
    v2.3 keeps the date to the minute: its TYER, TDAT and TIME frames have no seconds."""
    date = tags.date.replace(tzinfo=None)
    values = {
        "title": tags.title, "artist": tags.artist, "album": tags.album, "genre": tags.genre,
        "track": None if tags.track is None else str(tags.track),
        "disc": None if tags.disc is None else str(tags.disc),
        "long_description": tags.long_description, "copyright": tags.copyright, "category": tags.category,
        "keywords": tags.keywords, "guid": tags.guid, "feed_url": tags.feed_url,
        "date": date if tags.id3_version == 4 else date.replace(second=0),
        "description": tags.description, "lyrics": tags.lyrics, "episode_url": tags.episode_url,
        "language": tags.language if tags.description or tags.lyrics else None,
        "cover": (3, "image/jpeg", tags.cover_jpeg) if tags.cover_jpeg else None,  # 3: the front cover
        "podcast": tags.podcast or None,
        "chapters": [(c.start_ms, c.end_ms, c.title) for c in tags.chapters] or None,
        "chapter urls": [c.url for c in tags.chapters] or None,
        "chapter art": [c.image_jpeg for c in tags.chapters] or None,
        "toc": (True, True) if tags.chapters else None,  # top-level and ordered: players list them by it
    }
    return {key: value for key, value in values.items() if value not in (None, "")}


class WFED(TextFrame):
    """WFED as iTunes writes and reads it, a text frame; mutagen alone knows WFED as a URL frame (see
    `test_mutagens_own_frame_table_reads_the_feed_url_empty`)."""


def _by_mutagen(source: Path | BinaryIO) -> dict[str, Any]:
    """Also lists any frame no field asked for, and any chapter the table of contents leaves out."""
    tag = ID3(source, known_frames={**Frames, "WFED": WFED})  # v2.3's date frames come back as TDRC
    read: dict[str, Any] = {key: _one(tag[frame].text) for key, frame in _TEXT_FRAMES.items() if frame in tag}
    if "TDRC" in tag:
        read["date"] = datetime.fromisoformat(str(_one(tag["TDRC"].text)))
    if comments := tag.getall("COMM"):
        (comment,) = comments
        read["description"] = _one(comment.text)
    if lyrics := tag.getall("USLT"):
        (words,) = lyrics
        read["lyrics"] = words.text
    if languages := {frame.lang for frame in comments + lyrics}:
        (read["language"],) = languages
    if "WOAF" in tag:
        read["episode_url"] = tag["WOAF"].url
    if pictures := tag.getall("APIC"):
        (cover,) = pictures
        read["cover"] = (cover.type, cover.mime, cover.data)
    if "PCST" in tag:
        read["podcast"] = True
    if tocs := tag.getall("CTOC"):
        (toc,) = tocs
        read["toc"] = (bool(toc.flags & CTOCFlags.TOP_LEVEL), bool(toc.flags & CTOCFlags.ORDERED))
        chapters = [tag[f"CHAP:{element_id}"] for element_id in toc.child_element_ids]
        read["chapters"] = [(c.start_time, c.end_time, _one(c.sub_frames["TIT2"].text)) for c in chapters]
        read["chapter urls"] = [_one([f.url for f in c.sub_frames.getall("WXXX")] or [None]) for c in chapters]
        read["chapter art"] = [_one([f.data for f in c.sub_frames.getall("APIC")] or [None]) for c in chapters]
        listed = set(toc.child_element_ids)
    if untied := {chapter.element_id for chapter in tag.getall("CHAP")} - (listed if tocs else set()):
        read["chapters outside the table of contents"] = untied
    if others := {frame.FrameID for frame in tag.values()} - set(_TEXT_FRAMES.values()) - _OTHER_FRAMES:
        read["frames no field asked for"] = others
    return read


def _by_eyed3(path: Path) -> dict[str, Any]:
    """Not the date in v2.3: eyeD3 reads only the year (TYER) of v2.3's date frames."""
    tag = eyed3.load(path).tag
    frames = tag.frame_set
    read: dict[str, Any] = {key: _one([frame.text for frame in frames[frame_id.encode()]])
                            for key, frame_id in _TEXT_FRAMES.items() if frame_id.encode() in frames}
    if b"TDRC" in frames:
        read["date"] = datetime.fromisoformat(_one([frame.text for frame in frames[b"TDRC"]]))
    if tag.comments:
        (comment,) = tag.comments
        read["description"] = comment.text
    if tag.lyrics:
        (words,) = tag.lyrics
        read["lyrics"] = words.text
    if languages := {frame.lang.decode() for frame in [*tag.comments, *tag.lyrics]}:
        (read["language"],) = languages
    if b"WOAF" in frames:  # mutagen ends a URL frame with a NUL, which eyeD3 keeps
        read["episode_url"] = _one([frame.url for frame in frames[b"WOAF"]]).rstrip("\x00")
    if tag.images:
        (cover,) = tag.images
        read["cover"] = (cover.picture_type, cover.mime_type, cover.image_data)
    if b"PCST" in frames:
        read["podcast"] = True
    if tag.table_of_contents:
        (toc,) = tag.table_of_contents
        read["toc"] = (toc.toplevel, toc.ordered)
        by_id = {chapter.element_id: chapter for chapter in tag.chapters}
        chapters = [by_id[element_id] for element_id in toc.child_ids]
        read["chapters"] = [(c.times.start, c.times.end, c.title) for c in chapters]
        read["chapter urls"] = [c.user_url and c.user_url.rstrip("\x00") for c in chapters]
        read["chapter art"] = [_one([f.image_data for f in c.sub_frames.get(b"APIC", [])] or [None])
                               for c in chapters]
    return read


_FFMPEG_KEYS = {key: key for key in ("title", "artist", "album", "track", "disc", "genre", "copyright")} | {
    "description": "comment", "long_description": "tdes", "category": "tcat", "keywords": "tkwd", "guid": "tgid"}


def _by_ffmpeg(path: Path) -> dict[str, Any]:
    """ffmpeg (and so VLC, mpv and most players) shows no URL, flag or picture frame as a tag, and
    lists chapters as their frames lie, not by the table of contents: kept here in ffmpeg's order."""
    found, chapters = ffmetadata(path)
    read: dict[str, Any] = {key: found[name] for key, name in _FFMPEG_KEYS.items() if name in found}
    if "date" in found:
        read["date"] = datetime.fromisoformat(found["date"])
    for key in [key for key in found if key.startswith("lyrics-")]:
        read["lyrics"], read["language"] = found[key], key.removeprefix("lyrics-")
    if chapters:
        read["chapters"] = [(int(c["start"]), int(c["end"]), c["title"]) for c in chapters]
    return read


def _without(values: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key not in keys}


def _one(values: list[Any]) -> Any:
    """The only value of a frame: a second one would be a value the tag set never had."""
    (value,) = values
    return value


_NO_OPTIONAL_FIELDS = {
    "lyrics": None, "chapters": (), "cover_jpeg": None, "track": None, "disc": None, "category": None,
    "keywords": "", "description": "", "copyright": "", "feed_url": "", "episode_url": "", "genre": "",
    "podcast": False,
}
_NON_ASCII = {
    "title": "Эпизод 1: 東京 🎙️", "artist": "Ана Автор", "album": "Hörspiel Wöchentlich",
    "description": "Ünïcödé — “quoted”", "long_description": "Заметки\n\n📝 notes", "lyrics": "Привет 👋\n\nこんにちは",
    "language": "rus", "feed_url": "https://example.com/подкаст/feed.xml", "keywords": "история,地図",
    "chapters": (TagChapter(0, 500, "Вступление 🎬", image_jpeg=jpeg("green")),
                 TagChapter(500, 1000, "終わり", url="https://example.com/ü")),
}
_VARIANTS = {
    "every field": {}, "no cover": {"cover_jpeg": None}, "no chapters": {"chapters": ()},
    "no optional fields": _NO_OPTIONAL_FIELDS, "non-ASCII": _NON_ASCII,
    "midnight": {"date": datetime(2024, 1, 1)},  # v2.3: TYER and TDAT, no TIME
}
_READ_BACK = pytest.mark.parametrize(("variant", "version"), [(v, n) for v in _VARIANTS for n in (3, 4)],
                                     ids=[f"{v}, v2.{n}" for v in _VARIANTS for n in (3, 4)])


@_READ_BACK
def test_mutagen_reads_back_every_value_and_nothing_else(tmp_path: Path, variant: str, version: int) -> None:
    tags = tagset(id3_version=version, **_VARIANTS[variant])
    assert _by_mutagen(_tagged(tmp_path, tags)) == _expected(tags)


@_READ_BACK
def test_eyed3_reads_back_every_value(tmp_path: Path, variant: str, version: int) -> None:
    tags = tagset(id3_version=version, **_VARIANTS[variant])
    unseen = {"date"} if version == 3 else set()  # see _by_eyed3
    if not all(c.url is None or c.url.isascii() for c in tags.chapters):
        unseen.add("chapter urls")  # eyeD3 clears a non-ASCII URL: it takes URL frames to be ASCII
    assert _without(_by_eyed3(_tagged(tmp_path, tags)), unseen) == _without(_expected(tags), unseen)


@_READ_BACK
def test_ffmpeg_reads_back_every_value_it_shows(tmp_path: Path, variant: str, version: int) -> None:
    tags = tagset(id3_version=version, **_VARIANTS[variant])
    if version == 4:  # ffmpeg drops a v2.4 chapter holding a sub-frame of 128 bytes or more (art), which
        # mutagen and eyeD3 read: its guess at iTunes' wrong frame sizes misfires inside CHAP
        artless = tuple(dataclasses.replace(chapter, image_jpeg=None) for chapter in tags.chapters)
        tags = dataclasses.replace(tags, chapters=artless)
    unseen = {"episode_url", "feed_url", "cover", "podcast", "toc", "chapter urls", "chapter art"}
    unseen |= set() if tags.lyrics else {"language"}  # ffmpeg shows it only in the lyrics' key
    assert _by_ffmpeg(_tagged(tmp_path, tags)) == _without(_expected(tags), unseen)


@pytest.mark.parametrize("version", [3, 4])
def test_ffmpeg_lists_chapters_in_time_order_whatever_the_size_of_their_frames(tmp_path: Path, version: int) -> None:
    """mutagen sorts frames by size: titles of very different lengths, the longest first, would put
    the chapters out of time order. Under 128 bytes each, which ffmpeg misreads in v2.4 (see below)."""
    titles = ("Welcome, and what this whole long episode is going to be about, in brief", "Q", "The news", "A")
    chapters = tuple(TagChapter(index * 250, (index + 1) * 250, title) for index, title in enumerate(titles))
    _, found = ffmetadata(_tagged(tmp_path, tagset(chapters=chapters, id3_version=version)))
    assert [(int(c["start"]), c["title"]) for c in found] == [(c.start_ms, c.title) for c in chapters]


@pytest.mark.parametrize("version", [3, 4])
def test_ffmpeg_decodes_the_tagged_file_without_an_error(tmp_path: Path, version: int) -> None:
    assert decodes(_tagged(tmp_path, tagset(id3_version=version)))


def test_two_shows_in_one_process_never_mix_values(tmp_path: Path) -> None:
    first = tagset()
    second = dataclasses.replace(
        first, title="Folge 7", artist="Bo Other", album="Other Show", track=7, disc=None,
        date=datetime(2025, 2, 3, 4, 5, 6), description="Other.", long_description="Other notes.", lyrics=None,
        language="deu", cover_jpeg=jpeg("yellow"), category="Comedy", guid="other-guid",
        feed_url="https://example.org/other.xml", keywords="other", copyright="© 2025 Bo",
        episode_url="https://example.org/7", chapters=(TagChapter(0, 900, "Alles", image_jpeg=jpeg("red")),),
        id3_version=4, genre="Talk", podcast=False)
    for index, tags in enumerate((first, second, first, second)):
        dest = tmp_path / f"{index}.mp3"
        write_tagged_copy(master(tmp_path, Container.MP3), dest, tags, Container.MP3)
        assert _by_mutagen(dest) == _expected(tags), index


def test_random_tag_sets_of_several_shows_read_back_the_same() -> None:
    """Episodes of six shows interleaved, as one process renders them, in every script and size."""
    rng = random.Random(20240501)
    covers = (None, jpeg("blue"), jpeg("red", (300, 300)))
    shows = [_random_show(rng, covers) for _ in range(6)]
    for _ in range(200):
        tags = _random_episode(rng, rng.choice(shows), covers)
        assert _by_mutagen(io.BytesIO(render(tags, 0))) == _expected(tags), tags


_TEXTS = ("", "a", "Plain ASCII", "Hörspiel — Ü", "Путин и карты", "東京の話", "mic 🎙️ check", "a/b; c=d",
          "x" * 3000)
_GENRES = ("Podcast", "", "Talk", "Hörspiel", "Rock/Pop")  # not "(101)": v2.3's conversion names ID3v1 genres
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
    # mutagen's v2.3 conversion writes TIME only if hour and minute are both non-zero (06:00 reads back as
    # the day alone): a time is either midnight or has both.
    hour, minute = rng.choice(((0, 0), (rng.randrange(1, 24), rng.randrange(1, 60))))
    date = datetime(rng.randrange(1990, 2031), rng.randrange(1, 13), rng.randrange(1, 29), hour, minute,
                    rng.randrange(60))
    starts = sorted(rng.sample(range(10_000), rng.choice((0, 0, 1, 3))))
    chapters = tuple(
        TagChapter(start, start + rng.randrange(1, 1000), _text(rng) or "a title",  # chapter files require one
                   url=rng.choice(_URLS) or None, image_jpeg=rng.choice(covers))
        for start in starts)
    return tagset(
        title=_text(rng), track=rng.choice((None, rng.randrange(1, 2000))), disc=rng.choice((None, 1, 12)),
        date=date, description=_text(rng), long_description=_text(rng), lyrics=rng.choice((None, _text(rng))),
        language=rng.choice(("eng", "deu", "rus", "jpn")), guid=_text(rng), keywords=_text(rng),
        episode_url=rng.choice(_URLS), chapters=chapters, **show)
