"""`podcast serve`'s preview build: the show published for the local address, apart from public/."""
from __future__ import annotations

import re
from pathlib import Path

import feedparser

from feed_builder.publish.decide import publish
from tests.conftest import edit, run

LOCAL = "http://127.0.0.1:8123"


def test_a_preview_build_puts_every_url_on_the_local_address(sample_show: Path, tmp_path: Path):
    out = tmp_path / "preview"
    publish(sample_show, out, base_url=LOCAL)
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    entry = feed.entries[0]
    xml = (out / "feed.xml").read_text(encoding="utf-8")
    urls = [feed.feed.link, feed.feed.image.href, entry.enclosures[0].href,
            *re.findall(r'<atom:link href="([^"]+)"', xml), *re.findall(r'<podcast:transcript url="([^"]+)"', xml)]
    assert len(urls) >= 6 and all(u.startswith(LOCAL + "/") or u == LOCAL for u in urls), urls
    assert 'url="https://example.com/4min-podcast/support"' in xml  # not a file of the build: kept
    relpath = entry.enclosures[0].href.removeprefix(LOCAL + "/")
    assert (out / relpath).stat().st_size == int(entry.enclosures[0].length)
    assert not (sample_show / "public").exists()


def test_a_preview_keeps_a_link_to_another_site_and_the_show_file_still_needs_https(sample_show: Path, tmp_path: Path):
    edit(sample_show, "podcast.toml", 'link = "https://example.com/4min-podcast"', 'link = "https://example.org/show"')
    publish(sample_show, tmp_path / "preview", base_url=LOCAL)
    assert feedparser.parse((tmp_path / "preview/feed.xml").read_bytes()).feed.link == "https://example.org/show"
    edit(sample_show, "podcast.toml", 'base_url = "https://', 'base_url = "http://')
    result = run(sample_show, "publish")
    assert result.exit_code == 1 and "base_url: 'http://example.com/4min-podcast' is not an https URL" in result.output
