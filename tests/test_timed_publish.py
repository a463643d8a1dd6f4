"""A show with a timed transcript (speakers) and chapters, published end to end: every carrier
apps read gets them (feed tags, JSON chapters, Podlove chapters, VTT/SRT/JSON, ID3 CHAP/CTOC)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest
import srt
import webvtt
from click.testing import CliRunner
from lxml import etree
from mutagen.id3 import ID3

from cli import cli
from tests.antennapod import JSON, json_segments, kept_transcript

EPISODE = "episodes/113-the-eastern-axis"
NS = {"podcast": "https://podcastindex.org/namespace/1.0", "psc": "http://podlove.org/simple-chapters"}
VTT = """WEBVTT

00:00:00.000 --> 00:00:04.500
<v Host>In this episode, we take a close look at Russian foreign policy.

00:00:04.500 --> 00:00:09.000
<v Guest>The most crucial player in this new alignment is China.
"""
CHAPTERS = """# chapters of episode 113
00:00 Introduction
01:00 China https://example.com/4min-podcast/china
03:30 The Global South
"""


def publish(root: Path):
    return CliRunner().invoke(cli, ["--root", str(root), "publish", "-q"], catch_exceptions=False)


@pytest.fixture
def timed_show(sample_show: Path) -> Path:
    (sample_show / EPISODE / "transcript.txt").unlink()
    (sample_show / EPISODE / "transcript.vtt").write_text(VTT, encoding="utf-8")
    (sample_show / EPISODE / "chapters.txt").write_text(CHAPTERS, encoding="utf-8")
    result = publish(sample_show)
    assert result.exit_code == 0, result.output
    return sample_show


def _item(root: Path):
    return etree.parse(str(root / "public/feed.xml")).xpath("//item")[0]


def _local(root: Path, url: str) -> Path:
    return root / "public" / url.removeprefix("https://example.com/4min-podcast/")


def test_feed_lists_each_transcript_with_type_and_captions(timed_show: Path):
    transcripts = {t.get("type"): t for t in _item(timed_show).xpath("podcast:transcript", namespaces=NS)}
    assert set(transcripts) == {"text/vtt", "application/x-subrip", "application/json", "text/html"}
    assert {k for k, t in transcripts.items() if t.get("rel") == "captions"} == \
           {"text/vtt", "application/x-subrip", "application/json"}
    assert all(t.get("language") == "en" for t in transcripts.values())
    vtt = webvtt.read(str(_local(timed_show, transcripts["text/vtt"].get("url"))))
    assert [c.voice for c in vtt] == ["Host", "Guest"]
    cards = list(srt.parse(_local(timed_show, transcripts["application/x-subrip"].get("url")).read_text()))
    assert cards[1].content.startswith("Guest: ")
    segments = json.loads(_local(timed_show, transcripts["application/json"].get("url")).read_text())["segments"]
    assert [s["speaker"] for s in segments] == ["Host", "Guest"]


def test_feedparser_keeps_the_webvtt_transcript(timed_show: Path):
    """feedparser keeps the last podcast:transcript only: the feed lists WebVTT last."""
    entry = feedparser.parse((timed_show / "public/feed.xml").read_bytes()).entries[0]
    assert entry.podcast_transcript["type"] == "text/vtt"
    assert webvtt.from_string(_local(timed_show, entry.podcast_transcript["url"]).read_text()).captions


def test_antennapod_keeps_the_json_transcript_with_its_speakers(timed_show: Path):
    url, mime = kept_transcript(_item(timed_show))
    assert mime == JSON
    segments = json_segments(_local(timed_show, url).read_bytes())
    assert [(s.start_ms, s.end_ms, s.speaker) for s in segments] == [(0, 4500, "Host"), (4500, 9000, "Guest")]
    assert segments[1].text == "The most crucial player in this new alignment is China."


def test_chapters_reach_json_podlove_and_id3(timed_show: Path):
    item = _item(timed_show)
    (chapters,) = item.xpath("podcast:chapters", namespaces=NS)
    assert chapters.get("type") == "application/json+chapters"
    data = json.loads(_local(timed_show, chapters.get("url")).read_text())
    assert data["version"] == "1.2.0"
    assert [(c["startTime"], c["title"]) for c in data["chapters"]] == \
           [(0, "Introduction"), (60, "China"), (210, "The Global South")]
    assert data["chapters"][1]["url"] == "https://example.com/4min-podcast/china"
    psc = item.xpath("psc:chapters/psc:chapter", namespaces=NS)
    assert [(c.get("start"), c.get("title")) for c in psc] == \
           [("00:00:00.000", "Introduction"), ("00:01:00.000", "China"), ("00:03:30.000", "The Global South")]
    audio = _local(timed_show, item.xpath("enclosure/@url")[0])
    tags = ID3(audio)
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [(c.start_time, c.sub_frames["TIT2"].text[0]) for c in chaps] == \
           [(0, "Introduction"), (60000, "China"), (210000, "The Global South")]
    assert abs(chaps[-1].end_time - data["chapters"][-1]["endTime"] * 1000) <= 1  # both end at the audio's end
    (toc,) = tags.getall("CTOC")
    assert list(toc.child_element_ids) == [c.element_id for c in chaps]


@pytest.mark.parametrize("chapters, expected", [
    ("00:00 Intro\n02:00 Later\n01:00 Earlier\n", r"chapters.txt:3: .*(ascending|after)"),
    ("00:00 Intro\n1:2:3:4 Broken\n", r"chapters.txt:2: "),
    ("00:00 Intro\n02:00:00 After the end\n", r"chapters.txt:2: .*(end of the audio|duration)"),
    ("00:10 Late start\n", r"chapters.txt:1: .*0"),
])
def test_bad_chapter_lists_fail_with_file_and_line(sample_show: Path, chapters: str, expected: str):
    (sample_show / EPISODE / "chapters.txt").write_text(chapters, encoding="utf-8")
    result = publish(sample_show)
    assert result.exit_code == 1
    assert re.search(expected, result.stderr), result.stderr
    assert not (sample_show / "public/feed.xml").exists()


def test_a_cue_past_the_end_of_the_audio_fails(sample_show: Path):
    (sample_show / EPISODE / "transcript.txt").unlink()
    (sample_show / EPISODE / "transcript.vtt").write_text(VTT + "\n01:00:00.000 --> 01:00:02.000\nLate.\n")
    result = publish(sample_show)
    assert result.exit_code == 1
    assert re.search(r"transcript.vtt:9: end: .*after the end of the audio", result.stderr), result.stderr
