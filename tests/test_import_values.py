"""What import writes reads back through the loaders with the same values, and what it refuses
says why: values that YAML or TOML would otherwise turn into something else, and bad sources."""
from __future__ import annotations

import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from feed_builder.core.model import Person
from feed_builder.importer.feed import FeedItem
from feed_builder.importer.write import episode_md
from feed_builder.rss.feed import podcast_guid
from feed_builder.show.episode import read_front_matter
from feed_builder.show.fields import Fields
from tests.conftest import REPO, edit, run
from tests.import_server import serve

TRICKY = ["1234", "0x1F", "1e3", "true", "null", "~", "2025-01-01", "- a", "a: b", "*alias", "&anchor", "'q'", "#x"]


def _item(guid: str, title: str, date: datetime) -> FeedItem:
    return FeedItem(guid=guid, guid_permalink=False, title=title, date=date, date_text="", number=7, season=1,
                    season_name="Series: “one”", type="trailer", explicit=True, description="Short.",
                    notes="<p>---</p>\n---\n<p>notes</p>", keywords=("a", "b, c"),
                    people=(Person("Ann", "host", "cast", "https://example.com/ann", None),) * 2, image=None,
                    enclosure=None, transcripts=(), chapters=None, psc_chapters=(), line=1)


@pytest.mark.parametrize("guid", TRICKY)
def test_front_matter_reads_back_with_the_same_values(tmp_path: Path, guid: str):
    moment = datetime(2025, 3, 4, 9, 15, tzinfo=timezone(timedelta(hours=-5, minutes=-30)))
    path = tmp_path / "episode.md"
    path.write_text(episode_md(_item(guid, f"{guid} --- title", moment), image=None, fallback_date=moment).text)
    data, lines, notes, _ = read_front_matter(path)  # refuses aliases: two equal people must not make one
    f = Fields(path, data, lines, set(data))
    assert f.text("guid") == guid and f.text("title") == f"{guid} --- title"
    assert f.moment("date") == moment and f.moment("date").utcoffset() == moment.utcoffset()
    assert data["season_name"] == "Series: “one”" and data["keywords"] == ["a", "b, c"]
    assert len(data["people"]) == 2 and data["notes_format"] == "html" and not f.problems
    assert notes == "<p>---</p>\n---\n<p>notes</p>\n"


def test_a_show_without_podcast_guid_keeps_the_one_its_feed_url_gives(tmp_path: Path):
    """The Podcast Index derives a show's identity from its feed URL when the feed names none."""
    site = tmp_path / "host"
    site.mkdir()
    (site / "feed.xml").write_bytes((REPO / "tests/data/import/hostile.xml").read_bytes())
    (tmp_path / "new").mkdir()
    with serve(site) as server:
        assert run(tmp_path / "new", "import", f"{server.base}/feed.xml", "--dry-run").exit_code == 0
        assert run(tmp_path / "new", "import", f"{server.base}/feed.xml", "--no-audio").exit_code == 0
        settings = tomllib.loads((tmp_path / "new/podcast.toml").read_text(encoding="utf-8"))
        assert settings["guid"] == podcast_guid(f"{server.base}/feed.xml")
    assert settings["base_url"] == "https://example.com/podcast"  # http is no place to publish: an example
    assert "EXAMPLE" in (tmp_path / "new/podcast.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("content, expected", [
    (None, "source: cannot be read: No such file or directory (expected a feed file or an http(s) URL)"),
    (b"<html><body>not a feed</body></html>", "feed: no <channel> (expected an RSS 2.0 <rss><channel>)"),
    (b"<rss><channel><title>x</title></rss>", "(expected an RSS feed)"),
    (b'<!DOCTYPE rss [<!ENTITY a "b">]><rss/>', "DOCTYPE declares entities; document refused unparsed"),
])
def test_a_source_that_is_no_feed_is_refused(tmp_path: Path, content: bytes | None, expected: str):
    source = tmp_path / "feed.xml"
    if content is not None:
        source.write_bytes(content)
    (tmp_path / "new").mkdir()
    result = run(tmp_path / "new", "import", str(source))
    assert result.exit_code == 1 and expected in result.output
    assert list((tmp_path / "new").iterdir()) == []


def test_a_feed_url_that_fails_is_refused(tmp_path: Path):
    (tmp_path / "new").mkdir()
    with serve(tmp_path / "new") as server:
        result = run(tmp_path / "new", "import", f"{server.base}/missing.xml")
    assert result.exit_code == 1 and "source: answered HTTP 404 (expected 200)" in result.output


@pytest.mark.parametrize("old, new, expected", [
    ("type: full", "notes_format: rtf", "notes_format: 'rtf' is not allowed (expected one of: markdown, html)"),
    ("type: full", "guid_permalink: 'yes'", "guid_permalink: 'yes' is not a boolean (expected true or false)"),
])
def test_bad_import_keys_in_front_matter_are_named(sample_show: Path, old: str, new: str, expected: str):
    edit(sample_show, "episodes/113-the-eastern-axis/episode.md", old, new)
    result = run(sample_show, "publish", "-q")
    assert result.exit_code == 1 and expected in result.output


@pytest.mark.parametrize("line, expected", [
    ("guid = 5", "podcast.toml:19: guid: 5 is not text"),
    ('guid = "c9bb9e8c-1b3d-4c1f-8f0e-3e1b2a7c9d10"', "guid: 'c9bb9e8c-1b3d-4c1f-8f0e-3e1b2a7c9d10' is not a UUIDv5"),
    ('moved_from = "feeds.example.com/x"', "moved_from: 'feeds.example.com/x' is not a feed URL"),
])
def test_a_bad_guid_or_old_feed_url_is_named(sample_show: Path, line: str, expected: str):
    edit(sample_show, "podcast.toml", "locked = true", f"locked = true\n{line}")
    result = run(sample_show, "publish", "-q")
    assert result.exit_code == 1 and expected in result.output


def test_only_http_urls_are_fetched(tmp_path: Path):
    """A feed is a stranger's: a file: URL for the audio, a transcript or the artwork reads nothing."""
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the feed")
    feed = (REPO / "tests/data/import/hosts.xml").read_text(encoding="utf-8")
    feed = feed.replace('href="cover.jpg"', f'href="file://{secret}"').replace(
        '<enclosure url="audio/4.mp3" type="audio/mpeg"/>',
        f'<enclosure url="file://{secret}" type="audio/mpeg"/><podcast:transcript url="file://{secret}" type="text/plain"/>')
    (tmp_path / "feed.xml").write_text(feed, encoding="utf-8")
    (tmp_path / "new").mkdir()
    result = run(tmp_path / "new", "import", str(tmp_path / "feed.xml"), "--no-audio")
    assert result.exit_code == 0
    assert f"not an http(s) URL: file://{secret}" in result.output
    written = [p.read_bytes() for p in (tmp_path / "new").rglob("*") if p.is_file()]
    assert not any(b"not for the feed" in data for data in written)
    (tmp_path / "with-audio").mkdir()
    result = run(tmp_path / "with-audio", "import", str(tmp_path / "feed.xml"))
    assert result.exit_code == 1 and "not finished (import again to resume): item 'A URL for a GUID'" in result.output
    assert not any(b"not for the feed" in p.read_bytes() for p in (tmp_path / "with-audio").rglob("*") if p.is_file())


def test_a_podcast_guid_apps_cannot_match_gives_way_to_the_feed_urls(tmp_path: Path):
    feed = (REPO / "tests/data/import/hostile.xml").read_text(encoding="utf-8").replace(
        "<language>en</language>", '<language>en</language><atom:link xmlns:atom="http://www.w3.org/2005/Atom" '
        'rel="self" href="https://feeds.example.org/show.rss"/><podcast:guid xmlns:podcast='
        '"https://podcastindex.org/namespace/1.0">c9bb9e8c-1b3d-4c1f-8f0e-3e1b2a7c9d10</podcast:guid>')
    (tmp_path / "feed.xml").write_text(feed, encoding="utf-8")
    (tmp_path / "new").mkdir()
    result = run(tmp_path / "new", "import", str(tmp_path / "feed.xml"), "--no-audio")
    assert result.exit_code == 0 and "podcast:guid 'c9bb9e8c-1b3d-4c1f-8f0e-3e1b2a7c9d10' (not a UUIDv5" in result.output
    settings = tomllib.loads((tmp_path / "new/podcast.toml").read_text(encoding="utf-8"))
    assert settings["guid"] == podcast_guid("https://feeds.example.org/show.rss")
    assert settings["moved_from"] == "https://feeds.example.org/show.rss"


def test_a_declared_move_keeps_its_guid_without_a_warning_on_every_publish(sample_show: Path):
    """After a move the guid stays the one the old feed URL gave (the spec: assigned once); only a
    guid without a declared move is worth the warning, since it may be copied from another show."""
    kept = podcast_guid("https://feeds.example.org/show.rss")
    toml = sample_show / "podcast.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("base_url =", f'guid = "{kept}"\nbase_url =', 1),
                    encoding="utf-8")
    assert "p20-guid" in run(sample_show, "publish").output
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "base_url =", 'moved_from = "https://feeds.example.org/show.rss"\nbase_url =', 1), encoding="utf-8")
    published = run(sample_show, "publish")
    assert published.exit_code == 0 and "warning" not in published.output, published.output
    feed = (sample_show / "public/feed.xml").read_text(encoding="utf-8")
    assert f"<podcast:guid>{kept}</podcast:guid>" in feed
