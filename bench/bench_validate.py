"""Validation of a 10,000-item feed against lxml parsing it; target: validating <= 3 parses.

Run: python bench/bench_validate.py [ITEMS | FEED.xml] [ROUNDS]

A feed file (e.g. what bench_publish.py's catalogue publishes) is timed the
same way instead of the synthetic one, to see the rules on other items.

Parse and validate alternate within each round, in one process, and the
medians are compared: on a shared machine the load drifts, and alternating
lets both sides see the same drift while the median drops the outliers.
The target is on wall-clock time, what a CI job waits for; validation runs
on one thread, so CPU time, printed beside it, should match it.
"""
from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

from lxml import etree

from feed_builder.validate import validate_bytes
from feed_builder.validate.xmlparse import _parser

TARGET = 3.0  # validate may take at most this many lxml parses

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>Bench</title><link>https://example.com/</link><description>Benchmark show.</description>
<language>en</language><atom:link href="https://example.com/feed.xml" rel="self" type="application/rss+xml"/>
<itunes:author>Bench</itunes:author><itunes:owner><itunes:email>b@example.com</itunes:email></itunes:owner>
<itunes:image href="https://example.com/cover.jpg"/><itunes:category text="Technology"/>
<itunes:explicit>false</itunes:explicit><itunes:type>episodic</itunes:type>
<podcast:guid>{guid}</podcast:guid><podcast:medium>podcast</podcast:medium>
"""
ITEM = """<item>
<title>Episode {n}: a title of typical length for an episode</title>
<link>https://example.com/episodes/{n}/</link>
<description>Show notes for episode {n}. {notes}</description>
<content:encoded><![CDATA[<p>Show notes for episode {n}.</p><p>{notes}</p><ul><li><a href="https://example.com/{n}">Link</a></li></ul>]]></content:encoded>
<guid isPermaLink="false">bench-{n}</guid>
<pubDate>{date}</pubDate>
<enclosure url="https://example.com/media/{n}.mp3" length="{length}" type="audio/mpeg"/>
<itunes:duration>{duration}</itunes:duration><itunes:episode>{n}</itunes:episode><itunes:season>1</itunes:season>
<itunes:episodeType>full</itunes:episodeType><itunes:explicit>false</itunes:explicit>
<podcast:season>1</podcast:season><podcast:episode>{n}</podcast:episode>
<podcast:transcript url="https://example.com/media/{n}.vtt" type="text/vtt" rel="captions"/>
<podcast:chapters url="https://example.com/media/{n}.json" type="application/json+chapters"/>
<podcast:person role="guest" href="https://example.com/p/{n}">Guest {n}</podcast:person>
</item>
"""
NOTES = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt. " * 4


def make_feed(items: int) -> bytes:
    from feed_builder.validate.rules.podcasting20 import guid_for_url

    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    body = "".join(
        ITEM.format(n=n, notes=NOTES, date=format_datetime(start + timedelta(days=n % 2000, minutes=n)),
                    length=1_000_000 + n, duration=1800 + n)
        for n in range(1, items + 1)
    )
    return (HEAD.format(guid=guid_for_url("https://example.com/feed.xml")) + body + "</channel></rss>\n").encode()


def _seconds(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    source = sys.argv[1] if len(sys.argv) > 1 else "10000"
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 9
    data = make_feed(int(source)) if source.isdigit() else Path(source).read_bytes()
    now = datetime(2030, 1, 1, tzinfo=timezone.utc)
    findings = validate_bytes(data, source="bench.xml", now=now)  # warm-up, and the findings counted below
    parses, validations = [], []
    for _ in range(rounds):
        parses.append(_seconds(lambda: etree.fromstring(data, _parser(recover=False))))
        validations.append(_seconds(lambda: validate_bytes(data, source="bench.xml", now=now)))
    name = f"{source} items" if source.isdigit() else source
    print(f"feed: {name}, {len(data):,} bytes, {len(findings)} findings, {rounds} rounds")
    for label, column in (("wall", 0), ("CPU", 1)):
        parse = statistics.median(p[column] for p in parses)
        validate = statistics.median(v[column] for v in validations)
        print(f"{label:4s}  lxml parse {parse * 1000:7.1f} ms   validate {validate * 1000:7.1f} ms"
              f"   ratio {validate / parse:5.2f} x one parse")
    wall_ratio = statistics.median(v[0] for v in validations) / statistics.median(p[0] for p in parses)
    print(f"target: wall ratio <= {TARGET:.0f}: {'PASS' if wall_ratio <= TARGET else 'FAIL'}")
    return 0 if wall_ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
