"""`podcast init`: a new show that publishes at once, asked for on a terminal or given as options,
never written over an existing show."""
from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import imageio_ffmpeg
import pytest
from PIL import Image

from tests.conftest import run, snapshot

OPTIONS = ["--title", "Night Shift Radio", "--author", "Ann Example", "--email", "ann@example.com",
           "--language", "en-GB", "--category", "Society & Culture/Documentary",
           "--base-url", "https://example.com/night-shift", "--yes"]


def test_init_in_an_empty_folder_then_publish_gives_a_feed_apps_read(tmp_path: Path):
    show = tmp_path / "night-shift"
    result = run(tmp_path, "init", str(show), *OPTIONS)
    assert result.exit_code == 0, result.output
    published = run(show, "publish")
    assert published.exit_code == 0, published.output
    feed = feedparser.parse((show / "public/feed.xml").read_bytes())
    assert not feed.bozo
    assert feed.feed.title == "Night Shift Radio"
    assert feed.feed.author_detail.email == "ann@example.com"
    assert feed.feed.language == "en-GB"
    assert [t["term"] for t in feed.feed.tags] == ["Society & Culture", "Documentary"]
    [item] = feed.entries
    [enclosure] = item.enclosures
    assert enclosure.href.startswith("https://example.com/night-shift/audio/")
    assert enclosure.type == "audio/mpeg"
    assert run(show, "validate").exit_code == 0
    assert (show / ".gitignore").read_text().splitlines() == ["public/", ".venv/"]
    assert "podcast publish" in (show / "README.md").read_text()


def test_what_a_killed_init_left_behind_is_cleared_by_the_next(tmp_path: Path):
    left = tmp_path / "show" / ".podcast-init-x1y2z3"
    (left / "episodes").mkdir(parents=True)
    (left / "podcast.toml").write_text("title = 'half-made'\n")
    assert run(tmp_path, "init", str(tmp_path / "show"), *OPTIONS).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "show").iterdir() if p.name.startswith(".")) == [".gitignore"]


def test_values_no_option_gave_are_marked_as_examples(tmp_path: Path):
    show = tmp_path / "my-show"
    assert run(tmp_path, "init", str(show), "--title", "Night Shift Radio", "--yes").exit_code == 0
    lines = (show / "podcast.toml").read_text().splitlines()
    assert 'title = "Night Shift Radio"' in lines
    assert 'email = "owner@example.com"  # EXAMPLE: replace before publishing for real' in lines
    assert 'base_url = "https://example.com/podcast"  # EXAMPLE: replace before publishing for real' in lines
    assert run(show, "publish").exit_code == 0


def test_the_placeholders_are_what_they_claim(tmp_path: Path):
    show = tmp_path / "my-show"
    run(tmp_path, "init", str(show), "--yes")
    with Image.open(show / "artwork/cover.png") as cover:
        assert (cover.format, cover.mode, cover.size) == ("PNG", "RGB", (1400, 1400))
    [master] = (show / "audio").iterdir()
    decoded = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(master), "-af",
                              "volumedetect", "-f", "null", "-"], capture_output=True, text=True, check=True)
    assert "Duration: 00:00:04.99" in decoded.stderr or "Duration: 00:00:05.0" in decoded.stderr, decoded.stderr
    assert "max_volume: -91.0 dB" in decoded.stderr  # ffmpeg's floor: digital silence


def test_init_refuses_an_existing_show_and_changes_nothing(sample_show: Path, monkeypatch):
    monkeypatch.chdir(sample_show)
    before = snapshot(sample_show)
    result = run(sample_show, "init", *OPTIONS)
    assert result.exit_code == 1
    assert ("podcast.toml: init: already exists (expected a folder without a show: init never overwrites one)"
            in result.stderr.splitlines())
    assert snapshot(sample_show) == before


def test_a_bad_answer_is_reported_on_its_line_and_nothing_is_written(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    options = [o.replace("https://example.com/night-shift", "http://example.com/night-shift")
               .replace("Documentary", "Gossip") for o in OPTIONS]
    result = run(tmp_path, "init", "show", *options)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith("show/podcast.toml:20: base_url: 'http://example.com/night-shift' is not an https URL")
               for line in lines), lines
    assert any(line.startswith("show/podcast.toml:18: categories.subcategory: 'Gossip' is not a subcategory")
               for line in lines), lines
    assert os.listdir(tmp_path / "show") == []


def test_an_existing_readme_and_gitignore_are_kept(tmp_path: Path):
    (tmp_path / "README.md").write_text("# Ours\n")
    (tmp_path / ".gitignore").write_text("*.wav\npublic")
    assert run(tmp_path, "init", *OPTIONS).exit_code == 0
    assert (tmp_path / "README.md").read_text() == "# Ours\n"
    assert (tmp_path / ".gitignore").read_text() == "*.wav\npublic\n.venv/\n"


def _converse(command: list[str], answers: list[str], cwd: Path) -> str:
    """Run `command` on a terminal (a pseudo-terminal), answering each prompt as it appears."""
    main, child = os.openpty()
    process = subprocess.Popen(command, stdin=child, stdout=child, stderr=child, cwd=cwd, close_fds=True)
    os.close(child)
    seen, answered = b"", 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            if answered < len(answers) and seen.count(b"]: ") > answered:  # a prompt with its example
                os.write(main, answers[answered].encode() + b"\r")
                answered += 1
        elif process.poll() is not None:
            break
    process.wait(timeout=60)
    os.close(main)
    return seen.decode(errors="replace")


@pytest.mark.slow
def test_on_a_terminal_init_asks_for_each_value(tmp_path: Path):
    podcast = str(Path(sys.executable).parent / "podcast")
    answers = ["Night Shift Radio", "Ann Example", "ann@example.com", "", "News/Politics",
               "https://example.com/night-shift"]
    transcript = _converse([podcast, "init", "night-shift"], answers, tmp_path)
    assert "Show title [Night Shift]:" in transcript
    assert "Language code [en]:" in transcript
    text = (tmp_path / "night-shift/podcast.toml").read_text()
    assert 'title = "Night Shift Radio"\n' in text
    assert 'categories = [{ name = "News", subcategory = "Politics" }]\n' in text
    assert 'email = "ann@example.com"\n' in text
    assert 'language = "en"  # EXAMPLE' in text  # the offered example, accepted, is still marked
