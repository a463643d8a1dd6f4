"""The layout screen must never clear an item the rules would fault, nor change a fact.

Each test validates the same bytes twice, once as shipped and once with the
screen switched off (every item through every rule), and compares findings
and facts; a screen that is stricter than the rules passes, one that is more
lenient fails. The mutations turn each value of a clean item into the near
misses feeds really contain.
"""
from __future__ import annotations

import random
import re
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest
from lxml import etree

from feed_builder.validate import Limits, screen, validate_bytes
from feed_builder.validate.api import facts_of

FEEDS = Path(__file__).parent / "data" / "feeds"
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" \
xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" \
xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>Show</title><link>https://example.com/</link><description>A show.</description><language>en</language>
<atom:link href="https://example.com/feed.xml" rel="self" type="application/rss+xml"/>
<itunes:author>A</itunes:author><itunes:owner><itunes:email>a@example.com</itunes:email></itunes:owner>
<itunes:image href="https://example.com/cover.jpg"/><itunes:category text="Technology"/>
<itunes:explicit>false</itunes:explicit><itunes:type>{show_type}</itunes:type>
"""
ITEM = """<item>
  <title>Episode {n}: a title</title>
  <description>Notes for episode {n}.</description>
  <content:encoded><![CDATA[<p>Notes {n}</p>]]></content:encoded>
  <guid isPermaLink="false">guid-{n}</guid>
  <pubDate>{date}</pubDate>
  <enclosure url="https://example.com/{n}.mp3" length="100{n}" type="audio/mpeg"/>
  <itunes:image href="https://example.com/{n}.jpg"/>
  <itunes:duration>30{n}</itunes:duration>
  <itunes:season>1</itunes:season>
  <itunes:episode>{n}</itunes:episode>
  <itunes:episodeType>full</itunes:episodeType>
  <itunes:explicit>false</itunes:explicit>
  <podcast:season name="One">1</podcast:season>
  <podcast:episode>{n}</podcast:episode>
  <podcast:transcript url="https://example.com/{n}.vtt" type="text/vtt" rel="captions"/>
  <podcast:transcript url="https://example.com/{n}.txt" type="text/plain"/>
  <podcast:chapters url="https://example.com/{n}.json" type="application/json+chapters"/>
  <podcast:person role="guest" href="https://example.com/p">Guest {n}</podcast:person>
</item>
"""


def feed(*items: str, show_type: str = "episodic") -> bytes:
    return (HEAD.format(show_type=show_type) + "".join(items) + "</channel></rss>\n").encode()


def clean_items(count: int = 3) -> list[str]:
    return [ITEM.format(n=n, date=format_datetime(datetime(2025, 1, n, 6, tzinfo=timezone.utc)))
            for n in range(1, count + 1)]


def both_ways(data: bytes, monkeypatch: pytest.MonkeyPatch, **options) -> tuple:
    """(findings, facts) with the screen, then without it."""
    runs = []
    for screened in (True, False):
        with monkeypatch.context() as patch:
            if not screened:
                patch.setattr(screen, "scan", lambda *args: None)
            found = validate_bytes(data, source="feed.xml", now=NOW, **options)
            _, facts = facts_of(data, now=NOW, feed_url=None, limits=Limits())
            runs.append(([(f.line, f.rule_id, f.message) for f in found], facts))
    return runs[0], runs[1]


def screened_items(data: bytes) -> int:
    root = etree.fromstring(data)
    scanned = screen.scan(data, NOW)
    paired = screen.pair(scanned, root.find("channel").findall("item"), False, set()) if scanned else None
    return sum(e is not None for e in paired) if paired else 0


def test_clean_items_are_screened_and_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    data = feed(*clean_items())
    assert screened_items(data) == 3
    with_screen, without = both_ways(data, monkeypatch)
    assert with_screen == without
    assert with_screen[0] == []


@pytest.mark.parametrize("case", sorted(p.stem for p in FEEDS.glob("*.xml")))
def test_case_feeds_agree(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with_screen, without = both_ways((FEEDS / f"{case}.xml").read_bytes(), monkeypatch)
    assert with_screen == without


# (pattern in the second item, replacement): near misses of every value the item rules read.
MUTATIONS = [
    (r"Episode 2: a title", ""), (r"Episode 2: a title", "   "), (r"Episode 2: a title", "Q&amp;A"),
    (r"Episode 2: a title", "<![CDATA[Episode 1: a title]]>"), (r"Episode 2: a title", "Episode 1: a title"),
    (r"Notes for episode 2.", ""), (r"Notes for episode 2.", "x" * 4001),
    (r"<title>.*?</title>", ""), (r"<title>.*?</title>\s*<description>.*?</description>", ""),
    (r"guid-2", ""), (r"guid-2", "guid-1"), (r'isPermaLink="false"', 'isPermaLink="maybe"'),
    (r' isPermaLink="false"', ""), (r'isPermaLink="false">guid-2', 'isPermaLink="true">https://example.com/2'),
    (r"<guid.*?</guid>", ""), (r"Thu, 02 Jan", "Wed, 02 Jan"), (r"Thu, 02 Jan", "02 Jan"),
    (r"02 Jan 2025", "30 Feb 2025"), (r"02 Jan 2025", "02 Jan 2031"), (r"02 Jan 2025", "31 Dec 2025"),
    (r"06:00:00 \+0000", "06:00:00 GMT"), (r"06:00:00 \+0000", "06:00 EST"), (r"06:00:00 \+0000", "24:00:00 +0000"),
    (r"06:00:00 \+0000", "06:00:00 +2400"), (r"2025 06", "25 06"), (r"<pubDate>", "<pubDate> "),
    (r"https://example.com/2.mp3", "ftp://example.com/2.mp3"), (r"https://example.com/2.mp3", "https://example.com/1.mp3"),
    (r"https://example.com/2.mp3", "https://example.com/2.ogg"), (r"https://example.com/2.mp3", "https://example.com/2.mp3?a=1&amp;b=2"),
    (r"https://example.com/2.mp3", "HTTPS://example.com/2.MP3"), (r'length="1002"', 'length="-1"'),
    (r'length="1002"', 'length=" 1002 "'), (r'length="1002" ', ""), (r'type="audio/mpeg"', 'type="audio/mp4"'),
    (r'type="audio/mpeg"', 'type="Audio/MPEG"'), (r'type="audio/mpeg"', 'type="audio"'),
    (r"<enclosure.*?/>", ""), (r"(<enclosure.*?/>)", r"\1\1"),
    (r"https://example.com/2.jpg", "https://example.com/2.gif"), (r"https://example.com/2.jpg", ""),
    (r">302<", ">5:02<"), (r">302<", ">1:05:02<"), (r">302<", ">1.5<"), (r">302<", "><"),
    (r"<itunes:season>1", "<itunes:season>0"), (r"<itunes:episode>2", "<itunes:episode>2.5"),
    (r"<itunes:episode>2", "<itunes:episode>1"), (r"<itunes:episode>2</itunes:episode>", ""),
    (r">full<", ">trailer<"), (r">full<", ">Full<"), (r"<itunes:explicit>false", "<itunes:explicit>no"),
    (r"<itunes:explicit>false", "<itunes:explicit>yes please"),
    (r'name="One"', 'name="' + "n" * 129 + '"'), (r"<podcast:season name=\"One\">1", "<podcast:season>x"),
    (r"<podcast:episode>2", "<podcast:episode>two"), (r"<podcast:episode>2", "<podcast:episode>2.5"),
    (r"https://example.com/2.vtt", "http://example.com/2.vtt"), (r'type="text/vtt"', 'type="text/markdown"'),
    (r'type="text/vtt"', 'type="TEXT/VTT"'), (r' type="text/vtt"', ""),
    (r'application/json\+chapters', "application/json"), (r"(<podcast:chapters.*?/>)", r"\1\1"),
    (r'role="guest"', 'role="Guest "'), (r'role="guest"', 'role="dj"'), (r'role="guest"', 'group="writing"'),
    (r"Guest 2<", "G" * 129 + "<"), (r"Guest 2<", " <"), (r'href="https://example.com/p"', 'href="http://x"'),
    (r"</item>", "<podcast:txt>x</podcast:txt></item>"), (r"</item>", "<podcast:transcripts url='x'/></item>"),
    (r"</item>", "<!-- a comment --></item>"), (r"</item>", "<itunes:block>Yes</itunes:block></item>"),
    (r"<description>", "<!-- c --><description>"), (r'rel="captions"', "rel='captions'"),
    (r"<title>", '<title xmlns:itunes="http://example.com/not-itunes">'),
    (r"<itunes:duration>", '<itunes:duration xmlns:itunes="http://www.itunes.com/DTDs/Podcast-1.0.dtd">'),
    (r"<content:encoded><!\[CDATA\[", "<content:encoded><![CDATA[<item><title>x</title></item>"),
    (r"</content:encoded>", "</content:encoded><item><guid>g</guid></item>"),
    (r"<title>Episode 2", "<title>Episode 2\r\n"), (r"Guest 2", "Guest &#233;2"),
    (r"<item>", "<item\n>"), (r'" length', '"\n length'), (r'type="text/vtt"', 'type="text/vtt"\n'),
    (r'href="https://example.com/2.jpg"', 'hraf="x"'),
]


@pytest.mark.parametrize("pattern,replacement", MUTATIONS)
def test_mutated_item_agrees(pattern: str, replacement: str, monkeypatch: pytest.MonkeyPatch) -> None:
    items = clean_items()
    mutated = re.sub(pattern, replacement, items[1], count=1, flags=re.DOTALL)
    assert mutated != items[1], "the mutation must change the item"
    data = feed(items[0], mutated, items[2])
    with_screen, without = both_ways(data, monkeypatch)
    assert with_screen == without


def test_serial_show_without_episode_numbers_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    items = [re.sub(r"<itunes:episode>\d+</itunes:episode>", "", item) for item in clean_items()]
    with_screen, without = both_ways(feed(*items, show_type="serial"), monkeypatch)
    assert with_screen == without
    assert {rule for _, rule, _ in with_screen[0]} == {"apple-serial-episode-number"}


def test_items_of_several_layouts_are_screened() -> None:
    first, second, third = clean_items()
    second = re.sub(r"<itunes:image.*?/>", "", second)
    third = re.sub(r"<podcast:person.*?</podcast:person>", "", third)
    assert screened_items(feed(first, second, third)) == 3


def test_an_item_outside_the_channel_items_disables_the_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    data = feed(*clean_items()).replace(b"<itunes:author>", b"<x:note xmlns:x='urn:x'><item/></x:note><itunes:author>")
    assert screened_items(data) == 0  # the n-th <item> start would no longer be the n-th item
    with_screen, without = both_ways(data, monkeypatch)
    assert with_screen == without


def test_an_item_inside_a_matched_item_is_not_counted() -> None:
    first, second, third = clean_items()
    nested = second.replace("</item>", "<itunes:title><item/></itunes:title></item>")
    assert screened_items(feed(first, nested, third)) == 3


@pytest.mark.parametrize("declaration", [b'encoding="UTF-8"', b'encoding="ISO-8859-1"'])
def test_bytes_that_are_not_utf8_are_reported_not_raised(declaration: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second, third = clean_items()
    data = feed(first, second, third).replace(b'encoding="UTF-8"', declaration).replace(b"Episode 2: a title",
                                                                                          b"\xe9pisode 2")
    with_screen, without = both_ways(data, monkeypatch)
    assert with_screen == without
    assert "xml-encoding" in {rule for _, rule, _ in with_screen[0]}


def test_bytes_that_are_not_utf8_past_the_sampled_items_are_reported_not_raised(
        monkeypatch: pytest.MonkeyPatch) -> None:
    items = clean_items(28)  # more than the first 64 KB the samples are read from
    items = [re.sub(r"Notes for episode (\d+)", lambda m: "Notes " + m[1] + "." * 2000, item) for item in items]
    data = feed(*items).replace(b"Episode 28: a title", b"\xe9pisode 28")
    assert data.index(b"\xe9") > 1 << 16
    with_screen, without = both_ways(data, monkeypatch)
    assert with_screen == without
    assert "xml-encoding" in {rule for _, rule, _ in with_screen[0]}


HOSTED = """<item>
  <title><![CDATA[Q&A #{n}: listeners ask]]></title>
  <description><![CDATA[<p>Notes with <a href="https://example.com/?a=1&b=2">a link</a>.</p>]]></description>
  <link>https://example.com/episodes/{n}</link>
  <guid isPermaLink="false"><![CDATA[hosted-{n}]]></guid>
  <dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/"><![CDATA[Host]]></dc:creator>
  <pubDate>{date}</pubDate>
  <enclosure url="https://cdn.example.com/{n}.m4a?source=feed&amp;id={n}" length="123{n}" type="audio/x-m4a"/>
  <itunes:summary>Notes &amp; more for {n}</itunes:summary>
  <itunes:explicit>false</itunes:explicit>
  <itunes:duration>01:02:0{n}</itunes:duration>
  <itunes:image href="https://cdn.example.com/art-{n}.png?w=3000"/>
  <itunes:season>2</itunes:season>
  <itunes:episode>{n}</itunes:episode>
  <itunes:episodeType>full</itunes:episodeType>
  <media:content xmlns:media="http://search.yahoo.com/mrss/" url="https://cdn.example.com/{n}.m4a"><media:title>x</media:title></media:content>
</item>
"""


def test_items_as_hosting_platforms_write_them_are_screened_and_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    items = [HOSTED.format(n=n, date=format_datetime(datetime(2025, 3, n, 17, 30, tzinfo=timezone.utc)))
             for n in range(1, 4)]
    data = feed(*items)
    with_screen, without = both_ways(data, monkeypatch)
    assert with_screen == without
    assert screened_items(data) == 0  # namespaces declared on children: the rules read those items
    plain = feed(*(re.sub(r' xmlns:\w+="[^"]*"', "", item) for item in items)).replace(
        b"<rss ", b'<rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/" ')
    with_screen, without = both_ways(plain, monkeypatch)
    assert with_screen == without
    assert screened_items(plain) == 3


def test_randomly_damaged_items_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bytes flipped, cut and inserted at random in a sampled item: whatever the layout makes of
    it, the screen must agree with the rules (or leave the item to them)."""
    rng = random.Random(20261126)
    alphabet = b" <>/&;\"'=:-.0123456789abcdefghijklmnopqrstuvwxyz\n#?!]["
    for _ in range(150):
        data = bytearray(feed(*clean_items()))
        start = data.index(b"<item>", data.index(b"<item>") + 1)
        for _ in range(rng.randint(1, 3)):
            pos = rng.randrange(start, data.index(b"</item>", start) + 7)
            if rng.random() < 0.5:
                data[pos] = rng.choice(alphabet)
            else:
                data[pos:pos + rng.randint(0, 4)] = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 3)))
        with_screen, without = both_ways(bytes(data), monkeypatch)
        assert with_screen == without, bytes(data)
