"""`podcast serve` end to end: a podcast client subscribes to the preview, edits are rebuilt and a
bad one keeps the last good build, Ctrl-C stops it cleanly."""
from __future__ import annotations

import socket
import urllib.request
from pathlib import Path

import podcastparser
import pytest

from tests.conftest import edit, run
from tests.serving import EPISODE, eventually, fetch, serving

pytestmark = pytest.mark.slow
TITLE = "Putin’s Russia – The Eastern Axis: How Is Moscow Seeking New Allies Beyond the West?"


def test_a_podcast_client_subscribes_and_downloads_the_episode_whole_and_resumed(sample_show: Path):
    with serving(sample_show, "--no-watch") as served:
        with urllib.request.urlopen(served.url + "/feed.xml", timeout=30) as response:
            feed = podcastparser.parse(served.url + "/feed.xml", response)
        assert feed["title"] == "4min Podcast (English)"
        (episode,) = feed["episodes"]
        assert episode["title"] == TITLE
        (enclosure,) = episode["enclosures"]
        assert enclosure["url"].startswith(served.url + "/audio/") and enclosure["mime_type"] == "audio/mpeg"
        status, headers, whole = fetch(enclosure["url"])
        assert status == 200 and len(whole) == enclosure["file_size"] == int(headers["Content-Length"])
        published = sample_show / "preview" / enclosure["url"].removeprefix(served.url + "/")
        assert whole == published.read_bytes()
        half = len(whole) // 2  # a download cut off halfway, then resumed where it stopped
        status, headers, rest = fetch(enclosure["url"], Range=f"bytes={half}-")
        assert status == 206 and headers["Content-Range"] == f"bytes {half}-{len(whole) - 1}/{len(whole)}"
        assert whole[:half] + rest == whole
    assert not (sample_show / "public").exists()
    assert (sample_show / "preview/.gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_an_edit_is_served_and_a_bad_edit_keeps_the_last_good_build(sample_show: Path):
    def feed() -> bytes:
        return fetch(served.url + "/feed.xml")[2]

    with serving(sample_show) as served:
        edit(sample_show, f"{EPISODE}/episode.md", TITLE, "The Eastern Axis, retitled")
        assert eventually(lambda: b"The Eastern Axis, retitled" in feed())
        good = feed()
        edit(sample_show, f"{EPISODE}/episode.md", "date: 2025-01-06T06:00:00+00:00", "date: yesterday")
        assert eventually(lambda: "1 problem(s) found; still serving the last good build." in served.errors())
        assert "113-the-eastern-axis/episode.md:9: date: " in served.errors()
        assert feed() == good
        edit(sample_show, f"{EPISODE}/episode.md", "date: yesterday", "date: 2025-01-07T06:00:00+00:00")
        assert eventually(lambda: b"07 Jan 2025" in feed())


def test_a_show_with_problems_does_not_start_and_says_why(sample_show: Path):
    edit(sample_show, "podcast.toml", 'language = "en"', 'language = "English"')
    result = run(sample_show, "serve", "--port", "0", "--no-watch")
    assert result.exit_code == 1
    assert "podcast.toml:12: language: 'English' is not a language code" in result.output


def test_a_port_in_use_is_an_error_not_a_traceback(sample_show: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run(sample_show, "serve", "--port", str(taken.getsockname()[1]), "--no-watch")
    assert result.exit_code == 1 and "Address already in use" in result.output
