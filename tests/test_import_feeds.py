"""Feeds in the shapes other hosts write, imported from loopback and published again."""
from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from feed_builder.core.model import NotesFormat
from feed_builder.importer.fetch import partial_path
from feed_builder.show.layout import audio_names
from feed_builder.show.episode import load_episode
from feed_builder.show.settings import load_show
from tests.conftest import REPO, run, snapshot
from tests.import_server import Served, serve

DATA = REPO / "tests/data/import"
TONE = REPO / "tests/data/audio/tone.mp3"
GUIDS = ["https://example.com/show/episodes/4", "1234", "tag:example.com,2025:episode-2",
         "45863 at https://www.thisamericanlife.org", "AUDIO0"]


@pytest.fixture
def host(tmp_path: Path) -> Iterator[Served]:
    """An old host: its feeds, five MP3s of different sizes (so a wrong file shows), its cover."""
    site = tmp_path / "host"
    (site / "audio").mkdir(parents=True)
    for n in range(5):
        (site / f"audio/{n}.mp3").write_bytes(TONE.read_bytes() + b"\0" * (n * 1000))
    Image.new("RGB", (1400, 1400), (200, 80, 40)).save(site / "cover.jpg", quality=80)
    Image.new("RGBA", (600, 400), (20, 80, 200, 128)).save(site / "small.png")  # what Apple refuses
    with serve(site) as server:
        for name in ("hosts.xml", "locked.xml", "hostile.xml", "seasons.xml"):
            text = (DATA / name).read_text(encoding="utf-8").replace("{base}", server.base)
            (site / name).write_text(text.replace("LONGTITLE", "x" * 10_000), encoding="utf-8")
        yield server


@pytest.fixture
def target(tmp_path: Path) -> Path:
    (tmp_path / "target").mkdir()
    return tmp_path / "target"


def _episodes(root: Path) -> dict[str, object]:
    show = load_show(root)
    masters = audio_names(root)
    return {e.guid: e for e in (load_episode(show, folder, masters.get(folder.name, []))
                                for folder in sorted((root / "episodes").iterdir()))}


def test_every_guid_shape_is_kept_exactly_and_published(host: Served, target: Path):
    result = run(target, "import", f"{host.base}/hosts.xml")
    assert result.exit_code == 0, result.output
    assert "not carried over: channel: category 'Not An Apple Category'" in result.output
    episodes = _episodes(target)
    guids = [g if g != "AUDIO0" else f"{host.base}/audio/0.mp3" for g in GUIDS]
    assert sorted(episodes) == sorted(guids)  # "1234" stays text; no guid: the enclosure URL, as apps use
    first = episodes["https://example.com/show/episodes/4"]
    assert first.date.isoformat() == "2025-03-04T09:15:00-05:00"
    assert (first.number, first.season.number, first.season.name) == (4, 2, "Winter Stories")
    assert first.explicit and first.keywords == ("winter", "stories") and first.summary.startswith("The summary")
    assert first.notes_format is NotesFormat.HTML and '<iframe src="https://example.com/embed/4"' in first.notes
    assert [c.title for c in first.chapters] == ["Opening", "The story"] and first.chapters[1].start == 0.5
    assert load_show(target).guid == "917393e3-1b1e-5cef-ace4-edaa54e1f810"

    assert run(target, "publish", "-q").exit_code == 0
    feed = etree.parse(str(target / "public/feed.xml"))
    items = {i.findtext("guid"): i for i in feed.xpath("//item")}
    assert sorted(items) == sorted(guids)
    assert items[guids[0]].find("guid").get("isPermaLink") == "true"
    assert items["1234"].find("guid").get("isPermaLink") == "false"
    notes = items[guids[0]].findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert notes == (host_notes := first.notes.strip()) and "a * and a _ left alone" in host_notes
    assert items["1234"].findtext("pubDate") == "Mon, 03 Feb 2025 06:00:00 +0100"
    assert feed.xpath("//*[local-name()='guid' and namespace-uri()='https://podcastindex.org/namespace/1.0']/text()") \
        == ["917393e3-1b1e-5cef-ace4-edaa54e1f810"]


def test_each_episode_gets_its_own_audio(host: Served, target: Path):
    """Relative, http and absolute enclosure URLs; missing, empty and wrong lengths."""
    result = run(target, "import", f"{host.base}/hosts.xml")
    assert result.exit_code == 0, result.output
    episodes = _episodes(target)
    for n, guid in zip([4, 3, 2, 1, 0], GUIDS):
        episode = episodes[guid if guid != "AUDIO0" else f"{host.base}/audio/0.mp3"]
        assert episode.audio.read_bytes() == (host.folder / f"audio/{n}.mp3").read_bytes(), guid
    assert "the enclosure said 999 bytes, the server sent 5,486" in result.output


def test_a_locked_feed_is_refused_naming_its_owner(host: Served, target: Path):
    result = run(target, "import", f"{host.base}/locked.xml")
    assert result.exit_code == 1
    assert "podcast:locked: the feed is locked by owner@example.com" in result.output
    assert "unlocks it at the current host" in result.output
    assert snapshot(target) == {}
    assert [path for path, _ in host.requests] == ["/locked.xml"]


def test_a_download_cut_halfway_is_resumed_with_a_range_request(host: Served, target: Path):
    half = (len(TONE.read_bytes()) + 4000) // 2
    host.cut["/audio/4.mp3"] = half
    assert run(target, "import", f"{host.base}/hosts.xml").exit_code == 0
    assert ("/audio/4.mp3", f"bytes={half}-") in host.requests
    master = target / "audio/004-a-url-for-a-guid.mp3"
    assert master.read_bytes() == TONE.read_bytes() + b"\0" * 4000


def test_a_partial_file_left_by_a_killed_import_is_resumed(host: Served, target: Path):
    assert run(target, "import", f"{host.base}/hosts.xml", "--dry-run").exit_code == 0
    whole = TONE.read_bytes() + b"\0" * 4000
    dest = target / "audio/004-a-url-for-a-guid.mp3"
    dest.parent.mkdir()
    partial_path(dest).write_bytes(whole[:1000])
    assert run(target, "import", f"{host.base}/hosts.xml").exit_code == 0
    assert [r for r in host.requests if r[0] == "/audio/4.mp3"] == [("/audio/4.mp3", "bytes=1000-")]
    assert dest.read_bytes() == whole and not partial_path(dest).exists()


def test_a_server_that_ignores_ranges_starts_the_file_over(host: Served, target: Path):
    host.cut["/audio/4.mp3"] = 1000
    host.ignore_range = True
    assert run(target, "import", f"{host.base}/hosts.xml").exit_code == 0
    master = target / "audio/004-a-url-for-a-guid.mp3"
    assert master.read_bytes() == TONE.read_bytes() + b"\0" * 4000


def test_a_download_that_cannot_finish_leaves_no_episode_folder(host: Served, target: Path):
    missing = host.folder / "audio/3.mp3"
    kept = missing.read_bytes()
    missing.unlink()
    result = run(target, "import", f"{host.base}/hosts.xml")
    assert result.exit_code == 1
    assert "not finished (import again to resume): item 'A number for a GUID'" in result.output
    assert "HTTP 404" in result.output
    assert "1234" not in _episodes(target) and len(_episodes(target)) == 4
    assert not [p for p in (target / "episodes").iterdir() if p.name.startswith(".")]
    missing.write_bytes(kept)
    again = run(target, "import", f"{host.base}/hosts.xml")
    assert again.exit_code == 0 and "imported 1 episode(s), 4 already here" in again.output
    assert "1234" in _episodes(target)


def test_dry_run_writes_nothing_and_fetches_no_media(host: Served, target: Path):
    result = run(target, "import", f"{host.base}/hosts.xml", "--dry-run")
    assert result.exit_code == 0
    assert "would import 5 episode(s)" in result.output
    assert snapshot(target) == {}
    assert [path for path, _ in host.requests] == ["/hosts.xml"]


def test_no_audio_writes_the_folders_without_downloading(host: Served, target: Path):
    assert run(target, "import", f"{host.base}/hosts.xml", "--no-audio").exit_code == 0
    assert len(list((target / "episodes").iterdir())) == 5
    assert not (target / "audio").exists()
    assert not [path for path, _ in host.requests if path.startswith("/audio/")]


def test_hostile_titles_make_safe_folder_names(host: Served, target: Path):
    """Numbers from the position, oldest first, where the feed gives none; a slug of the title."""
    result = run(target, "import", f"{host.base}/hostile.xml", "--no-audio")
    assert result.exit_code == 0, result.output
    assert "item 'A blog post' (line 15): no enclosure, so not an episode" in result.output
    assert sorted(p.name for p in target.iterdir()) == ["episodes", "podcast.toml"]  # nothing outside
    names = sorted(p.name for p in (target / "episodes").iterdir())
    assert names == ["001-x", "002-con", "002-con-2", "003-etc-passwd", "004-episode", "006-" + "x" * 60]
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9._-]*", n) and (target / "episodes" / n / "episode.md").is_file()
               for n in names)


def test_what_would_stop_publish_is_left_out_and_said(host: Served, target: Path):
    """Numbers that restart each season, and chapters past the end of the audio."""
    result = run(target, "import", f"{host.base}/seasons.xml")
    assert result.exit_code == 0, result.output
    assert "episode number 1 repeats an earlier episode's" in result.output
    assert "00:10:00 is not before the end of the audio" in result.output
    assert "small.png as it was: is 600×400 px (expected a square of 1400 to 3000 px); made into a square RGB JPEG" \
        in result.output
    with Image.open(target / "episodes/002-season-two-episode-one/image.jpg") as art:
        assert (art.format, art.size, art.mode) == ("JPEG", (1400, 1400), "RGB")
    assert run(target, "publish", "-q").exit_code == 0
    items = etree.parse(str(target / "public/feed.xml")).xpath("//item")
    numbers = {i.findtext("guid"): i.findtext("{http://www.itunes.com/dtds/podcast-1.0.dtd}episode") for i in items}
    assert numbers == {"s1e1": "1", "s2e1": None}


def test_relative_urls_follow_the_feed_where_a_redirect_moved_it(host: Served, target: Path):
    moved = host.folder / "moved"
    shutil.copytree(host.folder / "audio", moved / "audio")
    shutil.copy(host.folder / "hosts.xml", moved / "hosts.xml")
    (host.folder / "audio/4.mp3").unlink()  # only the copy beside the feed's new address is there
    host.redirects["/hosts.xml"] = "/moved/hosts.xml"
    result = run(target, "import", f"{host.base}/hosts.xml")
    assert result.exit_code == 0, result.output
    assert ("/moved/audio/4.mp3", None) in host.requests
