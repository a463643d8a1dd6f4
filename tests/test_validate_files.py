"""`--files`: the feed against a published directory built here from generated media."""
from __future__ import annotations

import json
import re
import struct
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import imageio_ffmpeg
import pytest
from PIL import Image

from feed_builder.validate import validate_bytes

FEEDS = Path(__file__).parent / "data" / "feeds"
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def mp3(seconds: float) -> bytes:
    """MPEG-1 Layer III frames at 32 kbit/s, 32 kHz: 144 bytes per 36 ms frame."""
    frame = bytes([0xFF, 0xFB, 0x18, 0xC4]) + b"\0" * 140
    return frame * round(seconds / 0.036)


def m4a(seconds: float) -> bytes:
    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I4s", 8 + len(payload), kind) + payload

    timing = struct.pack(">IIII", 0, 0, 1000, int(seconds * 1000))
    hdlr = box(b"hdlr", b"\0" * 8 + b"soun" + b"\0" * 13)
    trak = box(b"trak", box(b"mdia", box(b"mdhd", b"\0" * 4 + timing + b"\0" * 4) + hdlr))
    return box(b"ftyp", b"M4A \0\0\0\0M4A isom") + box(b"moov", box(b"mvhd", b"\0" * 4 + timing + b"\0" * 80) + trak)


def image(path: Path, size: int, mode: str = "RGB", fmt: str | None = None) -> None:
    Image.new(mode, (size, size)).save(path, fmt)


def publish(root: Path) -> Path:
    """A public/ directory whose files match valid.xml exactly (lengths patched into the feed)."""
    media = root / "media"
    media.mkdir(parents=True)
    (media / "ep2.mp3").write_bytes(mp3(2.0))
    (media / "ep1.m4a").write_bytes(m4a(1.0))
    image(root / "cover.jpg", 1400)
    image(root / "ep1.png", 1400)
    (media / "ep2.vtt").write_text("WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello.\n")
    (media / "ep2.srt").write_text("1\n00:00:00,000 --> 00:00:01,500\nHello.\n")
    (media / "ep2.json").write_text(json.dumps({"version": "1.0.0", "segments": [
        {"speaker": "Alice", "startTime": 0, "endTime": 1.5, "body": "Hello."}]}))
    (media / "ep2.txt").write_text("Hello.\n")
    (media / "ep2.html").write_text("<p>Hello.</p>\n")
    (media / "ep2.chapters.json").write_text(json.dumps({"version": "1.2.0", "chapters": [
        {"startTime": 0, "title": "Intro"}, {"startTime": 1, "title": "Main"}]}))
    feed = (FEEDS / "valid.xml").read_text()
    feed = feed.replace('length="4800"', f'length="{(media / "ep2.mp3").stat().st_size}"')
    feed = feed.replace('length="4000"', f'length="{(media / "ep1.m4a").stat().st_size}"')
    (root / "feed.xml").write_text(feed)
    return root


def check(root: Path) -> list[tuple[int, str, str]]:
    found = validate_bytes((root / "feed.xml").read_bytes(), source="feed.xml", files_dir=root, now=NOW)
    return sorted((f.line, f.rule_id, f.message) for f in found)


@pytest.fixture
def public(tmp_path: Path) -> Path:
    return publish(tmp_path / "public")


def test_published_directory_matching_the_feed_is_clean(public: Path) -> None:
    assert check(public) == []


def _rules(public: Path) -> list[tuple[int, str]]:
    return [(line, rule) for line, rule, _ in check(public)]


def test_missing_files(public: Path) -> None:
    (public / "media" / "ep2.srt").unlink()
    (public / "cover.jpg").unlink()
    assert _rules(public) == [(17, "files-missing"), (45, "files-missing")]


def test_enclosure_length_type_and_duration(public: Path) -> None:
    (public / "media" / "ep2.mp3").write_bytes(mp3(4.0))  # longer: wrong length and duration
    (public / "media" / "ep1.m4a").write_bytes(mp3(1.0))  # an MP3 called audio/x-m4a
    assert _rules(public) == [
        (36, "files-duration"), (36, "files-enclosure-length"),
        (59, "files-enclosure-length"), (59, "files-media-type"),
    ]


def _alternate(public: Path, file: str, length: int, mime: str) -> None:
    """An alternate rendition beside episode 2's MP3, as podcast:alternateEnclosure lists it."""
    feed = (public / "feed.xml").read_text()
    enclosure = feed[feed.index('      <enclosure url="https://example.com/podcast/media/ep2.mp3"'):]
    enclosure = enclosure[:enclosure.index("\n") + 1]
    alternate = (f'      <podcast:alternateEnclosure type="{mime}" length="{length}">'
                 f'<podcast:source uri="https://example.com/podcast/media/{file}"/></podcast:alternateEnclosure>\n')
    (public / "feed.xml").write_text(feed.replace(enclosure, enclosure + alternate))


def test_an_alternate_enclosure_is_checked_as_the_enclosure_is(public: Path) -> None:
    (public / "media" / "ep2.m4a").write_bytes(m4a(2.0))
    size = (public / "media" / "ep2.m4a").stat().st_size
    _alternate(public, "ep2.m4a", size, "audio/mp4")
    assert check(public) == []
    _alternate(public, "ep2-gone.m4a", size, "audio/mp4")
    _alternate(public, "ep2.m4a", size + 1, "audio/mpeg")
    found = check(public)
    assert [(line, rule) for line, rule, _ in found] == [
        (37, "files-enclosure-length"), (37, "files-media-type"), (38, "files-missing")]
    assert f"alternate length {size + 1} but ep2.m4a has {size} bytes" in found[0][2]


@pytest.mark.parametrize(("codec", "rules"), [("aac", []), ("alac", [(59, "files-enclosure-codec")])])
def test_an_m4a_enclosure_must_hold_aac(public: Path, codec: str, rules: list[tuple[int, str]]) -> None:
    """Apple Lossless in M4A has the type and the extension of AAC; Apple Podcasts plays only AAC."""
    m4a = public / "media" / "ep1.m4a"
    m4a.unlink()
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "sine=d=1:r=44100",
                    "-c:a", codec, str(m4a)], check=True)
    feed = (public / "feed.xml").read_text()
    (public / "feed.xml").write_text(re.sub(r'(ep1\.m4a" length=")\d+', rf"\g<1>{m4a.stat().st_size}", feed))
    found = check(public)
    assert [(line, rule) for line, rule, _ in found] == rules
    assert all("ep1.m4a holds alac audio (expected MP3, or AAC in M4A" in message for _, _, message in found)


def test_unreadable_media(public: Path) -> None:
    (public / "media" / "ep1.m4a").write_bytes(b"not audio at all")
    rules = _rules(public)
    assert (59, "files-media-unreadable") in rules


def test_artwork_size_and_format(public: Path) -> None:
    image(public / "cover.jpg", 1000)
    image(public / "ep1.png", 1400, mode="CMYK", fmt="JPEG")
    assert _rules(public) == [(17, "files-artwork-size"), (60, "files-artwork-format")]


def test_timed_texts_must_parse_and_fit_the_duration(public: Path) -> None:
    media = public / "media"
    (media / "ep2.vtt").write_text("WEBVTT\n\n00:00:00.000 --> 00:00:09.000\nToo late.\n")
    (media / "ep2.srt").write_text("no timings here\n")
    (media / "ep2.json").write_text("{not json")
    (media / "ep2.chapters.json").write_text(json.dumps({"chapters": [{"startTime": 60}]}))
    (media / "ep2.txt").write_bytes(b"\xff\xfe bad utf-8")
    assert _rules(public) == [(44, "files-transcript"), (45, "files-transcript"), (46, "files-transcript"),
                              (47, "files-transcript"), (49, "files-chapters")]


def test_urls_outside_the_base_are_reported_as_info(public: Path) -> None:
    feed = (public / "feed.xml").read_text()
    (public / "feed.xml").write_text(feed.replace("https://example.com/podcast/cover.jpg",
                                                  "https://cdn.example.net/cover.jpg"))
    assert _rules(public) == [(17, "files-outside-base")]


def test_path_traversal_stays_inside_the_directory(public: Path) -> None:
    feed = (public / "feed.xml").read_text()
    (public / "feed.xml").write_text(feed.replace("https://example.com/podcast/cover.jpg",
                                                  "https://example.com/podcast/../../etc/passwd.jpg"))
    assert _rules(public) == [(17, "files-outside-base")]  # never opened


def test_without_a_base_url_files_cannot_be_mapped(public: Path) -> None:
    feed = (public / "feed.xml").read_text()
    (public / "feed.xml").write_text(feed.replace('rel="self"', 'rel="alternate"'))
    assert (0, "files-base-url") in _rules(public)
