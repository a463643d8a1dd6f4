"""A show published here, served on loopback as another host would serve it, imported into an
empty repository and published again: every item comes back the same, by GUID, and the validator
comparing the two feeds finds nothing that would hurt a subscriber."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import edit, run, snapshot
from tests.import_server import Served, serve
from tests.test_publish import add_episodes
from tests.test_timed_publish import CHAPTERS, EPISODE, VTT

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "podcast": "https://podcastindex.org/namespace/1.0",
      "content": "http://purl.org/rss/1.0/modules/content/", "psc": "http://podlove.org/simple-chapters"}
BASE = "https://example.com/4min-podcast/"
# What the old host serves: its files' URLs point at it (here, loopback); its own address and the
# show's identity stay as they were.
_FETCHED = re.compile(r'((?:url|href)=")' + re.escape(BASE) + r'((?:audio|transcripts|chapters|images)/[^"]*")')


@pytest.fixture
def original(sample_show: Path) -> Path:
    """Three episodes: one with a timed transcript and chapters in a named season, two plain."""
    add_episodes(sample_show, 2)
    (sample_show / EPISODE / "transcript.txt").unlink()
    (sample_show / EPISODE / "transcript.vtt").write_text(VTT, encoding="utf-8")
    (sample_show / EPISODE / "chapters.txt").write_text(CHAPTERS, encoding="utf-8")
    edit(sample_show, "podcast.toml", "locked = true", "locked = false")
    edit(sample_show, "episodes/114-copy/episode.md", "date: 2025-02-14T06:00:00+00:00", "date: 2025-02-14T07:30:00+01:30")
    edit(sample_show, "episodes/115-copy/episode.md", "type: full", "type: bonus")
    assert run(sample_show, "publish", "-q").exit_code == 0
    public = sample_show / "public"
    feed = (public / "feed.xml").read_text(encoding="utf-8")
    (public / "hosted.xml").write_text(_FETCHED.sub(r"\1{base}/\2", feed), encoding="utf-8")
    return sample_show


def _items(feed: Path) -> dict[str, etree._Element]:
    return {i.findtext("guid"): i for i in etree.parse(str(feed)).xpath("//item")}


def _fields(item: etree._Element) -> dict[str, object]:
    def text(path: str) -> str | None:
        found = item.xpath(path, namespaces=NS)
        return found[0] if found else None

    return {
        "title": text("title/text()"),
        "pubDate": text("pubDate/text()"),
        "episode": text("itunes:episode/text()"),
        "season": text("itunes:season/text()"),
        "season name": text("podcast:season/@name"),
        "type": text("itunes:episodeType/text()"),
        "explicit": text("itunes:explicit/text()"),
        "notes": text("content:encoded/text()"),
        "summary": text("description/text()"),
        "enclosure type": text("enclosure/@type"),
        "duration": text("itunes:duration/text()"),
        "transcript types": sorted(item.xpath("podcast:transcript/@type", namespaces=NS)),
        "guid isPermaLink": text("guid/@isPermaLink"),
    }


def _file(root: Path, url: str) -> bytes:
    return (root / "public" / url.removeprefix(BASE)).read_bytes()


def _files(root: Path, item: etree._Element) -> dict[str, object]:
    """Transcripts and chapters as published. The last chapter and an untimed transcript end where
    the audio does, and the duration probed from a tagged copy of an MP3 can differ from its
    master's by a few tens of milliseconds: end times are compared to a tenth of a second."""
    urls = {t.get("type"): t.get("url") for t in item.xpath("podcast:transcript", namespaces=NS)}
    urls |= {"chapters": url for url in item.xpath("podcast:chapters/@url", namespaces=NS)}
    found: dict[str, object] = {}
    for kind, url in urls.items():
        data = _file(root, url)
        if kind in ("chapters", "application/json"):
            parsed = json.loads(data)
            for entry in parsed.get("segments") or parsed.get("chapters"):
                entry["endTime"] = pytest.approx(entry["endTime"], abs=0.1)
            found[kind] = parsed
        else:
            found[kind] = data
    return found


@pytest.fixture
def hosted(original: Path) -> Iterator[Served]:
    """The original show's public/ on loopback, its feed at /hosted.xml."""
    with serve(original / "public") as server:
        feed = original / "public/hosted.xml"
        feed.write_text(feed.read_text(encoding="utf-8").replace("{base}", server.base), encoding="utf-8")
        yield server


@pytest.mark.slow
def test_import_of_a_published_show_publishes_the_same_items(original: Path, hosted: Served, tmp_path: Path):
    target = tmp_path / "moved"
    target.mkdir()
    result = run(target, "import", f"{hosted.base}/hosted.xml")
    assert result.exit_code == 0, result.output
    assert "imported 3 episode(s)" in result.output and "301" in result.output
    published = run(target, "publish", "-q")
    assert published.exit_code == 0, published.output

    before, after = _items(original / "public/feed.xml"), _items(target / "public/feed.xml")
    assert before.keys() == after.keys() and len(before) == 3
    for guid, item in before.items():
        assert _fields(after[guid]) == _fields(item), guid
        assert _files(target, after[guid]) == _files(original, item), guid
    assert _fields(before["f40bd3af-3b07-48f7-97cc-c279fda004b7"])["season name"] == "Putin’s Russia"
    assert "+0130" in _fields(after["00000000-0000-4000-8000-000000000114"])["pubDate"]
    assert _files(target, after["f40bd3af-3b07-48f7-97cc-c279fda004b7"])["application/json"]["segments"][1]["speaker"] == "Guest"

    def channel_guid(root: Path) -> str:
        return etree.parse(str(root / "public/feed.xml")).xpath("//podcast:guid/text()", namespaces=NS)[0]

    assert channel_guid(target) == channel_guid(original)

    checked = run(target, "validate", "--format", "json", "--previous", str(original / "public/feed.xml"),
                  str(target / "public/feed.xml"))
    findings = json.loads(checked.stdout)
    findings = findings["findings"] if isinstance(findings, dict) else findings
    assert checked.exit_code == 0, checked.output
    assert [f for f in findings if f["rule"].startswith("previous-")] == []


@pytest.mark.slow
def test_a_second_import_changes_nothing(hosted: Served, tmp_path: Path):
    target = tmp_path / "moved"
    target.mkdir()
    assert run(target, "import", f"{hosted.base}/hosted.xml").exit_code == 0
    files = snapshot(target)
    count = len(hosted.requests)
    again = run(target, "import", f"{hosted.base}/hosted.xml")
    assert again.exit_code == 0, again.output
    assert "imported 0 episode(s), 3 already here" in again.output
    assert snapshot(target) == files
    assert [path for path, _ in hosted.requests[count:]] == ["/hosted.xml"]  # nothing else fetched
