"""The published feed, read back the way apps read it: XPath, feedparser, gPodder's podcastparser,
and byte for byte against the committed golden feed (`pytest --regen-golden` rewrites it)."""
from __future__ import annotations

import uuid
from pathlib import Path

import feedparser
import podcastparser
import pytest
from click.testing import CliRunner
from lxml import etree

from cli import cli
from feed_builder.rss.feed import podcast_guid
from tests.antennapod import JSON, json_segments, kept_transcript
from tests.test_publish import EPISODE, add_episodes

GOLDEN = Path(__file__).parent / "data/golden/feed.xml"
PSC = "http://podlove.org/simple-chapters"
NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "podcast": "https://podcastindex.org/namespace/1.0",
      "atom": "http://www.w3.org/2005/Atom", "content": "http://purl.org/rss/1.0/modules/content/"}
TITLE = "Putin’s Russia – The Eastern Axis: How Is Moscow Seeking New Allies Beyond the West?"
GUID = "f40bd3af-3b07-48f7-97cc-c279fda004b7"


@pytest.fixture
def built(sample_show: Path) -> Path:
    result = CliRunner().invoke(cli, ["--root", str(sample_show), "publish"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return sample_show / "public"


def test_feed_matches_golden(built: Path, request: pytest.FixtureRequest):
    feed = (built / "feed.xml").read_bytes()
    if request.config.getoption("--regen-golden"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_bytes(feed)
    assert feed == GOLDEN.read_bytes()


def test_channel_and_item_fields(built: Path):
    root = etree.parse(str(built / "feed.xml"))
    x = lambda path: root.xpath(path, namespaces=NS)  # noqa: E731
    assert x("/rss/channel/title/text()") == ["4min Podcast (English)"]
    assert x("/rss/channel/itunes:explicit/text()") == ["false"]
    assert x("/rss/channel/itunes:category/@text") == ["News", "History"]
    assert x("/rss/channel/itunes:category[@text='News']/itunes:category/@text") == ["Politics"]
    assert x("/rss/channel/atom:link[@rel='self']/@href") == ["https://example.com/4min-podcast/feed.xml"]
    assert x("/rss/channel/podcast:guid/text()") == [podcast_guid("https://example.com/4min-podcast/feed.xml")]
    assert x("/rss/channel/podcast:locked/@owner") == ["owner@example.com"]
    assert x("/rss/channel/podcast:funding/text()") == ["Support the show"]
    item = x("/rss/channel/item")[0]
    assert item.xpath("podcast:season/@name", namespaces=NS) == ["Putin’s Russia"]
    assert item.xpath("itunes:season/text()", namespaces=NS) == ["1"]
    assert item.xpath("podcast:episode/text()", namespaces=NS) == ["113"]
    assert item.xpath("guid/@isPermaLink") == ["false"]
    types = item.xpath("podcast:transcript/@type", namespaces=NS)
    assert set(types) == {"text/plain", "text/html", "application/json"}
    assert b"ns0:" not in (built / "feed.xml").read_bytes()


def test_podcast_guid_follows_the_spec():
    # The example from the Podcasting 2.0 spec for podcast:guid.
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert podcast_guid("http://example.com/feed/") == str(uuid.uuid5(
        uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "example.com/feed"))


def _published_file(built: Path, url: str) -> Path:
    return built / url.removeprefix("https://example.com/4min-podcast/")


def test_feedparser_reads_episode_113(built: Path):
    parsed = feedparser.parse((built / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    entry = parsed.entries[0]
    assert entry.title == TITLE
    assert entry.id == GUID
    enclosure = entry.enclosures[0]
    assert enclosure.type == "audio/mpeg"
    assert int(enclosure.length) == _published_file(built, enclosure.href).stat().st_size
    length = entry.itunes_duration  # the stand-in recording lasts almost five minutes
    assert length.isdigit() and int(length) > 200


def test_feedparser_keeps_a_timed_transcript(built: Path):
    """feedparser keeps the last podcast:transcript only; of a plain transcript, that is its JSON."""
    entry = feedparser.parse((built / "feed.xml").read_bytes()).entries[0]
    assert entry.podcast_transcript["type"] == "application/json"


def test_podcastparser_reads_episode_113(built: Path):
    with (built / "feed.xml").open("rb") as f:
        parsed = podcastparser.parse("https://example.com/4min-podcast/feed.xml", f)
    episode = parsed["episodes"][0]
    assert episode["title"] == TITLE
    assert episode["guid"] == GUID
    enclosure = episode["enclosures"][0]
    assert enclosure["mime_type"] == "audio/mpeg"
    assert enclosure["file_size"] == _published_file(built, enclosure["url"]).stat().st_size
    assert episode["total_time"] > 200
    assert episode["number"] == 113


def test_antennapod_shows_the_plain_transcript_whole(built: Path):
    """AntennaPod reads no plain text: it gets the transcript as one JSON segment over the episode."""
    item = etree.parse(str(built / "feed.xml")).find("channel/item")
    url, mime = kept_transcript(item)
    assert mime == JSON
    (segment,) = json_segments(_published_file(built, url).read_bytes())
    (plain,) = item.xpath("podcast:transcript[@type='text/plain']/@url", namespaces=NS)
    words = _published_file(built, plain).read_text().strip()
    assert (segment.start_ms, segment.text, segment.speaker) == (0, words, "")
    assert abs(segment.end_ms / 1000 - int(item.findtext("itunes:duration", namespaces=NS))) < 1


def unused_declarations(feed: bytes) -> list[str]:
    """Namespace declarations that no element or attribute within their scope uses. The strict
    parse refuses the opposite fault, a prefix used but never declared."""
    faults = []
    for element in etree.fromstring(feed).iter(etree.Element):
        parent = element.getparent()
        inherited = parent.nsmap if parent is not None else {}
        for prefix, uri in element.nsmap.items():
            scope = list(element.iter(etree.Element))
            used = any(e.prefix == prefix or any(name.startswith(f"{{{uri}}}") for name in e.attrib) for e in scope)
            if inherited.get(prefix) != uri and not used:
                faults.append(f"{prefix} on {element.tag}")
    return faults


def test_a_feed_without_chapters_declares_no_psc(built: Path):
    feed = (built / "feed.xml").read_bytes()
    assert unused_declarations(feed) == [] and b"psc" not in feed


def test_psc_is_declared_only_in_pages_whose_items_use_it(sample_show: Path):
    """113 has chapters and 114 has none, each on a page of its own; a re-publish of the channel
    alone splices 113's kept item into a newly rendered channel."""
    (sample_show / EPISODE / "chapters.txt").write_text("00:00 Start\n01:00 China\n")
    add_episodes(sample_show, 1)
    toml = sample_show / "podcast.toml"
    toml.write_text(toml.read_text().replace("locked = true", "locked = true\nfeed_limit = 1"))
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(cli, ["--root", str(sample_show), "publish"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        newest, oldest = (sample_show / "public" / name for name in ("feed.xml", "feed-2.xml"))
        assert unused_declarations(newest.read_bytes()) == unused_declarations(oldest.read_bytes()) == []
        assert b"psc" not in newest.read_bytes()
        assert etree.parse(str(oldest)).xpath("//psc:chapter/@title", namespaces={"psc": PSC}) == ["Start", "China"]
        (entry,) = feedparser.parse(oldest.read_bytes()).entries
        assert [c["title"] for c in entry.psc_chapters["chapters"]] == ["Start", "China"]
        with oldest.open("rb") as f:
            (episode,) = podcastparser.parse("https://example.com/4min-podcast/feed-2.xml", f)["episodes"]
        assert episode["chapters"] == [{"start": 0, "title": "Start"}, {"start": 60, "title": "China"}]
        toml.write_text(toml.read_text().replace("the world.", "the world today."))
    assert ": 0 built," in result.output, result.output
