"""Incremental publishing: what is rebuilt, what is kept, what is removed, and that it is always
the same result as a full build."""
from __future__ import annotations

import dataclasses
import io
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from enum import Enum
from pathlib import Path

import pytest
from lxml import etree

from feed_builder.core.errors import PodcastError
from feed_builder.publish.lock import publish_lock
from feed_builder.publish.manifest import MANIFEST
from feed_builder.publish.decide import CHANNEL_ONLY, LOCATION, publish, settings_digests
from feed_builder.show.settings import load_show
from tests.conftest import REPO, snapshot

EPISODE = "episodes/113-the-eastern-axis"


def add_episodes(root: Path, count: int) -> None:
    """`count` more episodes (114, 115, …), copies of 113 with their own number, GUID, date and audio."""
    source = (root / EPISODE / "episode.md").read_text(encoding="utf-8")
    for n in range(114, 114 + count):
        folder = root / f"episodes/{n}-copy"
        folder.mkdir()
        text = (source.replace("number: 113", f"number: {n}")
                .replace("f40bd3af-3b07-48f7-97cc-c279fda004b7", f"00000000-0000-4000-8000-{n:012d}")
                .replace("2025-01-06", f"2025-02-{n - 100:02d}")
                .replace("The Eastern Axis", f"Copy {n}"))
        (folder / "episode.md").write_text(text, encoding="utf-8")
        shutil.copy(root / EPISODE / "transcript.txt", folder / "transcript.txt")
        shutil.copy(root / "audio/113-the-eastern-axis.mp3", root / f"audio/{n}-copy.mp3")


def public_without_build_dir(out: Path) -> dict[str, bytes]:
    return {k: v[0] for k, v in snapshot(out).items() if not k.startswith(".build")}


def changed(before: dict, after: dict) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


@pytest.fixture
def built(sample_show: Path) -> Path:
    add_episodes(sample_show, 2)
    report = publish(sample_show, sample_show / "public", jobs=1)
    assert report.built == 3
    return sample_show


def test_noop_publish_skips_everything_and_writes_nothing(built: Path):
    before = snapshot(built / "public")
    report = publish(built, built / "public", jobs=1)
    assert (report.built, report.skipped, report.written) == (0, 3, ())
    assert snapshot(built / "public") == before


@pytest.mark.parametrize("edit, rebuilt_files", [
    # show notes: the item changes, the audio keeps its bytes (notes are not in the ID3 comment)...
    (lambda r: (r / EPISODE / "episode.md").write_text(
        (r / EPISODE / "episode.md").read_text().replace("Join us", "Do join us")), {"feed.xml", "audio"}),
    (lambda r: (r / EPISODE / "transcript.txt").write_text(
        (r / EPISODE / "transcript.txt").read_text() + "\nOne more line.\n"), {"feed.xml", "audio", "transcripts"}),
    (lambda r: (r / EPISODE / "chapters.txt").write_text("00:00 Start\n01:00 China\n"), {"feed.xml", "audio", "chapters"}),
    # ...and other audio, of another length, also changes the JSON the plain transcript spans it with
    (lambda r: (r / "audio/113-the-eastern-axis.mp3").write_bytes(
        (r / "audio/114-copy.mp3").read_bytes()[:-4096]), {"feed.xml", "audio", "transcripts"}),
])
def test_one_edited_episode_rewrites_only_its_own_files_and_the_feed(built: Path, edit, rebuilt_files):
    before = public_without_build_dir(built / "public")
    edit(built)
    report = publish(built, built / "public", jobs=1)
    assert (report.built, report.skipped) == (1, 2)
    touched = changed(before, public_without_build_dir(built / "public"))
    assert touched, "an edit must show in public/"
    assert all("113-the-eastern-axis" in path or path in ("feed.xml", "index.html") for path in touched), touched
    # the episode's page is rewritten with it, and the index page that lists it if its card changed
    assert {path.split("/")[0] for path in touched} <= rebuilt_files | {"feed.xml", "episodes", "index.html"}


def test_settings_that_episodes_use_rebuild_every_episode(built: Path):
    toml = built / "podcast.toml"
    toml.write_text(toml.read_text().replace('author = "4min Podcast"', 'author = "Four Minutes"'))
    report = publish(built, built / "public", jobs=1)
    assert report.built == 3


def test_channel_only_settings_rebuild_no_episode(built: Path):
    toml = built / "podcast.toml"
    toml.write_text(toml.read_text().replace("the world.", "the world today."))
    before = public_without_build_dir(built / "public")
    report = publish(built, built / "public", jobs=1)
    assert report.built == 0
    assert changed(before, public_without_build_dir(built / "public")) == {"feed.xml", "index.html"}  # both show it


def test_deleted_episode_outputs_are_removed(built: Path):
    shutil.rmtree(built / "episodes/115-copy")
    report = publish(built, built / "public", jobs=1)
    assert (report.episodes, report.dropped) == (2, 1)
    assert report.removed and all("115-copy" in path for path in report.removed)
    assert not list((built / "public").rglob("115-copy*"))


def test_renamed_episode_keeps_guid_and_audio_bytes(built: Path):
    old = {p.name: p.read_bytes() for p in (built / "public/audio").glob("114-copy-*")}
    (built / "episodes/114-copy").rename(built / "episodes/114-renamed")
    (built / "audio/114-copy.mp3").rename(built / "audio/114-renamed.mp3")
    publish(built, built / "public", jobs=1)
    new = {p.name: p.read_bytes() for p in (built / "public/audio").glob("114-renamed-*")}
    assert list(new.values()) == list(old.values())
    feed = (built / "public/feed.xml").read_text()
    assert "00000000-0000-4000-8000-000000000114" in feed and "114-copy" not in feed


@pytest.mark.parametrize("damage", [
    lambda m: m.write_text("{not json"),
    lambda m: m.write_text(json.dumps({**json.loads(m.read_text()), "code": "made by other code"})),
    lambda m: m.unlink(),
])
def test_missing_corrupt_or_foreign_manifest_means_a_full_and_identical_build(built: Path, damage):
    before = public_without_build_dir(built / "public")
    damage(built / "public" / MANIFEST)
    report = publish(built, built / "public", jobs=1)
    assert report.built == 3
    assert public_without_build_dir(built / "public") == before


def test_temp_files_left_by_a_killed_run_are_swept(built: Path):
    left = built / "public/audio/.113-the-eastern-axis-0123456789ab.mp3.k1ll3d.tmp"
    left.write_bytes(b"half a file")
    (built / EPISODE / "transcript.txt").write_text("Edited.\n")
    report = publish(built, built / "public", jobs=1)
    assert not left.exists() and "audio/" + left.name in report.removed


def test_hand_edited_output_is_rebuilt(built: Path):
    audio = next((built / "public/audio").glob("113-*"))
    original = audio.read_bytes()
    audio.write_bytes(b"broken")
    publish(built, built / "public", jobs=1)
    assert audio.read_bytes() == original


@pytest.mark.slow
def test_parallel_build_equals_serial_build(sample_show: Path, tmp_path: Path):
    add_episodes(sample_show, 9)
    publish(sample_show, tmp_path / "serial", jobs=1)
    publish(sample_show, tmp_path / "parallel", jobs=2)
    # Everything but the manifest, which records mtimes.
    assert public_without_build_dir(tmp_path / "serial") == public_without_build_dir(tmp_path / "parallel")


def test_paging_puts_every_episode_in_exactly_one_page(built: Path):
    toml = built / "podcast.toml"
    toml.write_text(toml.read_text().replace("locked = true", "locked = true\nfeed_limit = 2"))
    publish(built, built / "public", jobs=1)
    pages = sorted((built / "public").glob("feed*.xml"))
    assert [p.name for p in pages] == ["feed-2.xml", "feed.xml"]
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    guids, links = [], {}
    for page in pages:
        root = etree.parse(str(page))
        guids += root.xpath("//item/guid/text()")
        links[page.name] = {el.get("rel"): el.get("href").rsplit("/", 1)[1] for el in root.xpath("//atom:link", namespaces=ns)}
    assert len(guids) == len(set(guids)) == 3
    assert links["feed.xml"] == {"self": "feed.xml", "first": "feed.xml", "last": "feed-2.xml", "next": "feed-2.xml"}
    assert links["feed-2.xml"] == {"self": "feed-2.xml", "first": "feed.xml", "last": "feed-2.xml",
                                   "previous": "feed.xml"}
    toml.write_text(toml.read_text().replace("feed_limit = 2", ""))
    report = publish(built, built / "public", jobs=1)
    assert "feed-2.xml" in report.removed


def _hold_lock(out: Path, ready, release) -> None:
    with publish_lock(out):
        ready.set()
        release.wait(10)


def test_a_second_publish_is_refused_while_one_runs(built: Path):
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(built / "public", ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        before = snapshot(built / "public")
        with pytest.raises(PodcastError, match="another `podcast publish` is writing this folder"):
            publish(built, built / "public", jobs=1)
        assert snapshot(built / "public") == before
    finally:
        release.set()
        holder.join(10)
    assert publish(built, built / "public", jobs=1).built == 0


def test_validator_errors_keep_the_previous_feed_and_name_the_episode(built: Path, monkeypatch):
    import feed_builder.validate.api as validate
    from feed_builder.validate import Finding, Severity

    real = validate.validate_bytes

    def with_an_error(data: bytes, **kwargs):
        line = data[:data.index(b"<title>", data.index(b"<item>"))].count(b"\n") + 1
        return [*real(data, **kwargs), Finding("feed.xml", line, Severity.ERROR, "rss-item-title", "broken")]

    monkeypatch.setattr(validate, "validate_bytes", with_an_error)
    before = (built / "public/feed.xml").read_bytes()
    (built / EPISODE / "episode.md").write_text((built / EPISODE / "episode.md").read_text().replace("Join us", "Do join us"))
    with pytest.raises(PodcastError) as e:
        publish(built, built / "public", jobs=1)
    assert [str(p).split("show/", 1)[1] for p in e.value.problems] == \
           [f"{EPISODE}/episode.md: rss-item-title: broken"]
    assert (built / "public/feed.xml").read_bytes() == before


def test_validator_warnings_are_reported(built: Path):
    text = (built / EPISODE / "episode.md").read_text()
    (built / EPISODE / "episode.md").write_text(text.replace("keywords:", "people:\n  - name: Jane\n    role: hostess\nkeywords:"))
    report = publish(built, built / "public", jobs=1)
    assert any("113-the-eastern-axis/episode.md: p20-person-role: role 'hostess'" in w for w in report.warnings)


def test_noop_publish_imports_no_heavy_library(built: Path):
    """A no-op publish decides from stats: parsing, probing, rendering, templating and tagging
    libraries stay unimported, which is most of what makes it fast on a large catalogue."""
    import subprocess
    import sys

    code = ("import sys; from cli import cli\n"
            "try: cli(['--root', sys.argv[1], 'publish', '-q'])\n"
            "except SystemExit: pass\n"
            "heavy = {'yaml', 'lxml', 'feedgen', 'mutagen', 'PIL', 'comrak', 'jinja2', 'markupsafe'} & {m.split('.')[0] for m in sys.modules}\n"
            "print(sorted(heavy))")
    result = subprocess.run([sys.executable, "-c", code, str(built)], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parent.parent)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_a_broken_cover_is_reported_with_the_other_problems(sample_show: Path):
    """The cover is scaled once before the episodes are built; its problem must not hide theirs."""
    (sample_show / "artwork/cover.jpg").write_bytes(b"not an image")
    episode = sample_show / EPISODE / "episode.md"
    episode.write_text(episode.read_text().replace("number: 113", "number: zero"))
    with pytest.raises(PodcastError) as e:
        publish(sample_show, sample_show / "public", jobs=1)
    assert {(Path(p.path).name, p.field) for p in e.value.problems} == {("cover.jpg", "image"), ("episode.md", "number")}
    assert not (sample_show / "public/feed.xml").exists()


def test_a_new_cover_replaces_the_kept_one_and_reaches_the_tags(built: Path):
    from mutagen.id3 import ID3
    from PIL import Image

    kept = list((built / "public/.build").glob("cover-*.jpg"))
    assert len(kept) == 1
    Image.new("RGB", (1400, 1400), "red").save(built / "artwork/cover.jpg")
    publish(built, built / "public", jobs=1)
    now_kept = list((built / "public/.build").glob("cover-*.jpg"))
    assert len(now_kept) == 1 and now_kept != kept
    audio = next((built / "public/audio").glob("113-the-eastern-axis-*.mp3"))
    art = Image.open(io.BytesIO(ID3(audio).getall("APIC")[0].data))
    assert art.getpixel((700, 700))[0] > 200 and art.getpixel((700, 700))[1] < 60  # red


def test_a_cover_that_cannot_be_kept_is_still_embedded(sample_show: Path, monkeypatch):
    from mutagen.id3 import ID3

    from feed_builder.media import artwork

    def refuse(*args):
        raise PermissionError("read-only")

    monkeypatch.setattr(artwork, "write_if_changed", refuse)
    publish(sample_show, sample_show / "public", jobs=1)
    assert not list((sample_show / "public/.build").glob("cover-*.jpg"))
    audio = next((sample_show / "public/audio").glob("113-the-eastern-axis-*.mp3"))
    assert ID3(audio).getall("APIC")[0].data


def test_a_cover_that_cannot_be_read_is_a_problem_not_a_traceback(sample_show: Path, monkeypatch):
    """The cover is read before the build (its published name is in every item)."""
    cover = sample_show / "artwork/cover.jpg"
    real = Path.read_bytes

    def unreadable(path: Path) -> bytes:
        if path == cover:
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", unreadable)
    with pytest.raises(PodcastError) as e:
        publish(sample_show, sample_show / "public", jobs=1)
    assert [str(p).split("show/", 1)[1] for p in e.value.problems] == \
        ["artwork/cover.jpg: image: cannot be read: Permission denied (expected a JPEG or PNG)"]
    assert not (sample_show / "public/feed.xml").exists()


@pytest.mark.parametrize("call", ["copy_file_range", "fchmod", "sync"])
def test_publish_needs_no_call_that_some_systems_lack(built: Path, monkeypatch, call: str):
    """macOS and the BSDs have no `os.copy_file_range` (the first publish there once died on it),
    and Windows no `os.fchmod` before Python 3.13."""
    monkeypatch.delattr(os, call, raising=False)
    episode = built / EPISODE / "episode.md"
    episode.write_text(episode.read_text().replace("Join us", "Do join us"))
    assert publish(built, built / "public", jobs=1).built == 1  # kept items copied into the new feed
    titles = etree.parse(str(built / "public/feed.xml")).xpath("//item/title/text()")
    assert len(titles) == 3 and "Copy 115" in titles[0]


def _other(value: object) -> object:
    """Another value of the same type, for any field of `Show`."""
    if dataclasses.is_dataclass(value):
        first = dataclasses.fields(value)[0]
        return dataclasses.replace(value, **{first.name: _other(getattr(value, first.name))})
    if isinstance(value, bool):
        return not value
    if isinstance(value, Enum):
        return next(member for member in type(value) if member != value)
    if isinstance(value, str):
        return value + "-other"
    if isinstance(value, int) or value is None:
        return 7
    if isinstance(value, tuple):
        return () if value else ("other",)
    if isinstance(value, Path):
        return value.with_name("other" + value.suffix)
    raise AssertionError(f"no other value for {value!r}")


def test_every_show_setting_rebuilds_what_carries_it(sample_show: Path):
    """The split is inverted: a setting not listed as channel-only rebuilds every episode, so a new
    field can never be silently left out of the episodes' cache key."""
    show = load_show(sample_show)
    names = {f.name for f in dataclasses.fields(show)}
    assert CHANNEL_ONLY | LOCATION <= names  # no stale names in the lists
    items, channel = settings_digests(show)
    for name in sorted(names - LOCATION):
        changed_items, changed_channel = settings_digests(dataclasses.replace(show, **{name: _other(getattr(show, name))}))
        assert changed_channel != channel, name
        assert (changed_items != items) == (name not in CHANNEL_ONLY), name
    clone = shutil.copytree(sample_show, sample_show.parent / "clone")  # mtimes kept, as a copy of public/ would
    assert settings_digests(load_show(clone)) == (items, channel)


@pytest.mark.slow
def test_new_code_rebuilds_every_item_and_tag_it_shapes(built: Path, tmp_path: Path):
    """An edited renderer or tagger is used for every episode on the next publish, not only for
    the one that changed: the code is part of every cache key."""
    from mutagen.id3 import ID3

    code = tmp_path / "code"
    shutil.copytree(REPO / "feed_builder", code / "feed_builder", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "cli.py", code / "cli.py")

    def run_publish() -> None:
        subprocess.run([sys.executable, "-c", "import cli; cli.cli()", "--root", str(built), "publish", "-q"],
                       cwd=code, env={**os.environ, "PYTHONPATH": str(code)}, check=True)

    run_publish()
    item = code / "feed_builder/rss/item.py"
    item.write_text(item.read_text().replace("fe.title(e.title)", 'fe.title(e.title + " (new code)")'))
    tagset = code / "feed_builder/media/tagging/tagset.py"
    tagset.write_text(tagset.read_text().replace('genre: str = "Podcast"', 'genre: str = "Podcast (new code)"'))
    episode = built / EPISODE / "episode.md"
    episode.write_text(episode.read_text().replace("Join us", "Do join us"))
    run_publish()
    titles = etree.parse(str(built / "public/feed.xml")).xpath("//item/title/text()")
    assert len(titles) == 3 and all(t.endswith(" (new code)") for t in titles)
    genres = [str(ID3(audio)["TCON"]) for audio in sorted((built / "public/audio").iterdir())]
    assert genres == ["Podcast (new code)"] * 3


@pytest.mark.parametrize("out", [".", "..", "episodes", "audio", "episodes/113-the-eastern-axis/public", "artwork"])
def test_an_output_folder_among_the_sources_is_refused_and_nothing_is_touched(sample_show: Path, out: str):
    before = snapshot(sample_show)
    with pytest.raises(PodcastError) as e:
        publish(sample_show, sample_show / out, jobs=1)
    assert [p.field for p in e.value.problems] == ["out"]
    assert "overlaps the show's sources" in str(e.value.problems[0])
    assert snapshot(sample_show) == before


def _changing_master(monkeypatch, times: int) -> list[int]:
    """`write_tagged` that touches the master after reading it, the first `times` calls: as if
    the master were replaced while publish copied it."""
    from feed_builder.publish import episode as episode_module

    real, calls = episode_module.write_tagged, []

    def write_then_touch(master: Path, *args):
        size = real(master, *args)
        calls.append(1)
        if len(calls) <= times:
            st = master.stat()
            os.utime(master, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        return size

    monkeypatch.setattr(episode_module, "write_tagged", write_then_touch)
    return calls


def test_a_master_replaced_while_it_is_read_is_read_again(sample_show: Path, monkeypatch):
    calls = _changing_master(monkeypatch, times=1)
    assert publish(sample_show, sample_show / "public", jobs=1).built == 1
    assert len(calls) == 2
    monkeypatch.undo()
    assert publish(sample_show, sample_show / "public", jobs=1).built == 0  # what was recorded is what was read


def test_a_master_that_keeps_changing_is_a_problem_and_the_next_publish_builds_it(sample_show: Path, monkeypatch):
    _changing_master(monkeypatch, times=2)
    with pytest.raises(PodcastError) as e:
        publish(sample_show, sample_show / "public", jobs=1)
    assert [(Path(p.path).name, p.field) for p in e.value.problems] == [("113-the-eastern-axis.mp3", "audio")]
    assert "changed while it was being read" in e.value.problems[0].message
    monkeypatch.undo()
    assert publish(sample_show, sample_show / "public", jobs=1).built == 1


def _damage_record(field: int, value) -> object:
    def damage(manifest: dict) -> None:
        record = manifest["episodes"]["114-copy"]
        record[field] = value(record[field]) if callable(value) else value
    return damage


@pytest.mark.parametrize("damage", [
    _damage_record(4, lambda outputs: {k: v for k, v in outputs.items() if not k.startswith(".build/items/")}),
    _damage_record(4, lambda outputs: sorted(outputs)),
    _damage_record(4, lambda outputs: {k: 7 for k in outputs}),
    _damage_record(2, "yesterday"),
    _damage_record(1, "114"),
    _damage_record(3, lambda inputs: [inputs]),
    lambda manifest: manifest.update(feeds={"feed.xml": None}),
    lambda manifest: manifest["episodes"].update({"999-gone": ["g", None, "2025-01-01T00:00:00+00:00", {}, {}]}),
], ids=["item lost", "outputs a list", "stamps numbers", "date", "number text", "inputs a list", "feed stamp",
        "a record of no folder"])
def test_a_manifest_damaged_on_disk_is_distrusted_and_the_build_is_whole(built: Path, tmp_path: Path, damage):
    """The damaged record is of an unchanged episode, used while another one is rebuilt."""
    manifest = json.loads((built / "public" / MANIFEST).read_text())
    damage(manifest)
    (built / "public" / MANIFEST).write_text(json.dumps(manifest))
    episode = built / EPISODE / "episode.md"
    episode.write_text(episode.read_text().replace("Join us", "Do join us"))
    publish(built, built / "public", jobs=1)
    clean = shutil.copytree(built, tmp_path / "clean", ignore=shutil.ignore_patterns("public"))
    publish(clean, clean / "public", jobs=1)
    assert public_without_build_dir(built / "public") == public_without_build_dir(clean / "public")
    assert publish(built, built / "public", jobs=1).built == 0


def test_audio_whose_bytes_did_not_change_keeps_its_file_without_a_manifest(built: Path):
    """After an upgrade (or a lost manifest) every episode is built again: a deploy that compares
    mtimes must still find the unchanged audio untouched."""
    before = {p.name: p.stat().st_mtime_ns for p in (built / "public/audio").iterdir()}
    (built / "public" / MANIFEST).unlink()
    assert publish(built, built / "public", jobs=1).built == 3
    assert {p.name: p.stat().st_mtime_ns for p in (built / "public/audio").iterdir()} == before
