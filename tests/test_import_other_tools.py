"""A feed written by another tool (feedgen's own iTunes extension, as many Python publishers use
it) at another address: imported, published at a new address, and compared by the validator as
an app would see the move."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from feedgen.feed import FeedGenerator
from lxml import etree
from PIL import Image

from feed_builder.rss.feed import podcast_guid
from tests.conftest import REPO, run
from tests.import_server import serve

TONE = REPO / "tests/data/audio/tone.mp3"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
GUIDS = ["PC2052", "Copy - PC2052", "PC2057"]  # seen in the wild


def _feedgen_feed(base: str) -> bytes:
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.title("Another Tool's Show")
    fg.link(href=f"{base}/feed.rss", rel="self")
    fg.link(href="https://example.com/other", rel="alternate")
    fg.description("An example show written by feedgen.")
    fg.language("de")
    fg.podcast.itunes_author("Example Author")
    fg.podcast.itunes_owner(name="Example Owner", email="owner@example.com")
    fg.podcast.itunes_image(f"{base}/cover.jpg")
    fg.podcast.itunes_category("Technology")
    fg.podcast.itunes_explicit("no")
    for n, guid in enumerate(GUIDS):
        fe = fg.add_entry()
        fe.guid(guid, permalink=False)
        fe.title(f"Folge {n}")
        fe.description(f"<p>Notes of episode {n}.</p>")
        fe.pubDate(datetime(2024, 12, 1 + n, 18, tzinfo=timezone(timedelta(hours=2))))
        fe.enclosure(f"{base}/audio/{n}.mp3", str(TONE.stat().st_size + n), "audio/mpeg")
        fe.podcast.itunes_episode_type("full")
    return fg.rss_str(pretty=True)


@pytest.mark.slow
def test_a_feedgen_feed_moves_here_without_hurting_subscribers(tmp_path: Path):
    site, target = tmp_path / "host", tmp_path / "target"
    (site / "audio").mkdir(parents=True)
    target.mkdir()
    for n in range(3):
        (site / f"audio/{n}.mp3").write_bytes(TONE.read_bytes() + b"\0" * n)
    Image.new("RGB", (1400, 1400), (40, 120, 60)).save(site / "cover.jpg")
    with serve(site) as server:
        (site / "feed.rss").write_bytes(_feedgen_feed(server.base))
        result = run(target, "import", f"{server.base}/feed.rss")
        assert result.exit_code == 0, result.output
    assert run(target, "publish", "-q").exit_code == 0

    feed = etree.parse(str(target / "public/feed.xml"))
    old = etree.parse(str(site / "feed.rss"))
    assert {i.findtext("guid"): i.findtext("pubDate") for i in feed.xpath("//item")} == \
        {i.findtext("guid"): i.findtext("pubDate") for i in old.xpath("//item")}
    assert all(i.findtext("pubDate").endswith("+0200") for i in feed.xpath("//item"))
    self_url = feed.xpath("//*[local-name()='link' and @rel='self']/@href")[0]
    assert feed.findtext(f"channel/{ITUNES}new-feed-url") == self_url  # the move, said where apps look
    assert feed.xpath("//*[local-name()='guid' and namespace-uri()!='']/text()") == \
        [podcast_guid(f"{server.base}/feed.rss")]  # the identity the old address gave the show

    checked = run(target, "validate", "--format", "json", "--previous", str(site / "feed.rss"),
                  str(target / "public/feed.xml"))
    assert checked.exit_code == 0, checked.output
    findings = json.loads(checked.stdout)
    findings = findings["findings"] if isinstance(findings, dict) else findings
    assert [f for f in findings if f["rule"].startswith("previous-")] == []
