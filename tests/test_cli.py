"""The command line end to end: what a podcaster types, what they see, what lands in public/."""
from __future__ import annotations

import os
import shutil
import re
from pathlib import Path

import pytest

from tests.conftest import edit, run, snapshot

EPISODE = "episodes/113-the-eastern-axis/episode.md"


def second_episode(root: Path, **changes: str) -> None:
    """A copy of episode 113 as episode 114, with its own audio, then `changes` applied."""
    folder = root / "episodes/114-copy"
    folder.mkdir()
    text = (root / EPISODE).read_text(encoding="utf-8")
    text = text.replace("number: 113", "number: 114").replace("f40bd3af-3b07-48f7-97cc-c279fda004b7",
                                                             "0c7e1f9e-5b7a-4d0e-9a53-3c1f7b8e2a14")
    for old, new in changes.items():
        text = text.replace(old, new)
    (folder / "episode.md").write_text(text, encoding="utf-8")
    (root / "audio/114-copy.mp3").write_bytes((root / "audio/113-the-eastern-axis.mp3").read_bytes())


def _missing_title(root):
    edit(root, EPISODE, 'title: "Putin’s Russia – The Eastern Axis: How Is Moscow Seeking New Allies Beyond the West?"\n', "")


def _impossible_date(root):
    edit(root, EPISODE, "date: 2025-01-06T06:00:00+00:00", "date: 2025-02-30")


def _duplicate_guid(root):
    second_episode(root, **{"0c7e1f9e-5b7a-4d0e-9a53-3c1f7b8e2a14": "f40bd3af-3b07-48f7-97cc-c279fda004b7"})


def _duplicate_number(root):
    second_episode(root, **{"number: 114": "number: 113"})


def _missing_audio(root):
    (root / "audio/113-the-eastern-axis.mp3").unlink()


def _text_named_mp3(root):
    (root / "audio/113-the-eastern-axis.mp3").write_text("this is not audio\n" * 200)


def _unknown_key(root):
    edit(root, EPISODE, "explicit: false", "explicit: false\nexplcit: true")


def _malformed_yaml(root):
    edit(root, EPISODE, "number: 113", "number: [113")


def _control_character(root):
    edit(root, EPISODE, "The Eastern Axis", "The Eastern\x07Axis")


def _http_base_url(root):
    edit(root, "podcast.toml", 'base_url = "https://', 'base_url = "http://')


def _unknown_category(root):
    edit(root, "podcast.toml", 'name = "History"', 'name = "Gardening"')


BAD_INPUTS = [
    (_missing_title, rf"^{EPISODE}:\d+: title: missing \(expected a value\)$"),
    (_impossible_date, rf"^{EPISODE}:9: date: '2025-02-30' is not a date \(expected YYYY-MM-DD"),
    (_duplicate_guid, rf"^{EPISODE}:10: guid: 'f40bd3af-3b07-48f7-97cc-c279fda004b7' is used by several episodes"),
    (_duplicate_number, rf"^{EPISODE}:3: number: 113 is used by several episodes \(113-the-eastern-axis, 114-copy\)"),
    (_missing_audio, rf"^{EPISODE}:1: audio: no master found \(expected audio/113-the-eastern-axis.mp3"),
    (_text_named_mp3, r"^audio/113-the-eastern-axis.mp3: audio: (is not audio|cannot be read as audio).*\(expected MP3, M4A"),
    (_unknown_key, rf"^{EPISODE}:\d+: explcit: unknown key \(expected one of: audio, date, explicit"),
    (_malformed_yaml, rf"^{EPISODE}:\d+: front matter: .* \(expected valid YAML\)$"),
    (_control_character, rf"^{EPISODE}:2: title: contains the control character U\+0007 \(expected printable text\)$"),
    (_http_base_url, r"^podcast.toml:\d+: base_url: 'http://example.com/4min-podcast' is not an https URL"),
    (_unknown_category, r"^podcast.toml:\d+: categories.name: 'Gardening' is not an Apple Podcasts category"),
]


@pytest.mark.parametrize("break_it, expected", BAD_INPUTS, ids=[f.__name__.strip("_") for f, _ in BAD_INPUTS])
def test_bad_input_is_reported_and_public_is_untouched(sample_show: Path, monkeypatch, break_it, expected):
    monkeypatch.chdir(sample_show)
    assert run(sample_show, "publish").exit_code == 0
    before = snapshot(sample_show / "public")
    break_it(sample_show)
    result = run(sample_show, "publish")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert any(re.search(expected, line) for line in result.stderr.splitlines()), result.stderr
    assert snapshot(sample_show / "public") == before


def test_publish_twice_rewrites_nothing(sample_show: Path):
    first = run(sample_show, "publish")
    assert first.exit_code == 0, first.output
    before = snapshot(sample_show / "public")
    second = run(sample_show, "publish")
    assert "0 file(s) written" in second.output
    assert snapshot(sample_show / "public") == before


def test_new_scaffolds_the_next_episode(sample_show: Path):
    result = run(sample_show, "new", "Putin’s Russia – The Road Ahead")
    assert result.exit_code == 0, result.output
    folder = sample_show / "episodes/114-putins-russia-the-road-ahead"
    text = (folder / "episode.md").read_text(encoding="utf-8")
    assert "number: 114" in text
    assert re.search(r'guid: "[0-9a-f-]{36}"', text)
    assert 'title: "Putin’s Russia – The Road Ahead"' in text


def test_new_never_reuses_a_guid(sample_show: Path):
    run(sample_show, "new", "One")
    run(sample_show, "new", "Two")
    guids = {re.search(r'guid: "(.+)"', p.read_text()).group(1)
             for p in (sample_show / "episodes").glob("*/episode.md")}
    assert len(guids) == 3


def test_master_audio_is_never_modified(sample_show: Path):
    master = sample_show / "audio/113-the-eastern-axis.mp3"
    before = (master.read_bytes(), os.stat(master).st_mtime_ns)
    assert run(sample_show, "publish").exit_code == 0
    assert (master.read_bytes(), os.stat(master).st_mtime_ns) == before


def test_published_sample_show_validates_clean_with_its_files(sample_show: Path):
    assert run(sample_show, "publish").exit_code == 0
    result = run(sample_show, "validate", "--strict", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"findings": []' in result.output


def test_tag_shows_without_writing_and_writes_in_place_on_request(sample_show: Path):
    from mutagen.id3 import ID3

    master = sample_show / "audio/113-the-eastern-axis.mp3"
    before = master.read_bytes()
    shown = run(sample_show, "tag", "113")
    assert shown.exit_code == 0 and "would tag" in shown.output
    assert master.read_bytes() == before
    tagged = run(sample_show, "tag", "113-the-eastern-axis", "--in-place")
    assert tagged.exit_code == 0, tagged.output
    tags = ID3(master)
    assert str(tags["TIT2"]) == "Putin’s Russia – The Eastern Axis: How Is Moscow Seeking New Allies Beyond the West?"
    assert tags.getall("TGID")[0].text[0] == "f40bd3af-3b07-48f7-97cc-c279fda004b7"
    middle = before[len(before) // 3:2 * len(before) // 3]
    assert middle in master.read_bytes()  # the audio frames themselves are carried over unchanged


def test_tag_shows_what_goes_into_the_mp3_a_wav_master_becomes_and_never_writes_into_the_wav(sample_show: Path):
    import numpy as np
    from mutagen.id3 import ID3

    from tests.encode_factories import write_wav

    (sample_show / "audio/113-the-eastern-axis.mp3").unlink()
    tone = np.sin(2 * np.pi * 440 * np.arange(44100 * 3) / 44100)[:, None]
    master = write_wav(sample_show / "audio/113-the-eastern-axis.wav", tone, 44100, -12.0)
    before = master.read_bytes()
    shown = run(sample_show, "tag", "113")
    assert shown.exit_code == 0, shown.output
    assert "audio/113-the-eastern-axis.wav: would tag 'Putin’s Russia – The Eastern Axis" in shown.output
    refused = run(sample_show, "tag", "113", "--in-place")
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "audio: is a WAV master, which carries no tags" in refused.output
    assert master.read_bytes() == before
    assert run(sample_show, "publish").exit_code == 0
    published = next((sample_show / "public/audio").glob("*.mp3"))
    assert str(ID3(published)["TIT2"]).startswith("Putin’s Russia – The Eastern Axis")


def test_tag_names_an_unknown_episode(sample_show: Path):
    result = run(sample_show, "tag", "999")
    assert result.exit_code == 1
    assert "'999' matches no episode (expected a folder name or an episode number)" in result.stderr


def test_problems_in_transcript_and_chapters_are_reported_together(sample_show: Path):
    folder = sample_show / "episodes/113-the-eastern-axis"
    (folder / "transcript.txt").unlink()
    (folder / "transcript.vtt").write_text("no header\n")
    (folder / "chapters.txt").write_text("00:10 Late start\n")
    result = run(sample_show, "publish")
    assert result.exit_code == 1
    assert "transcript.vtt:1:" in result.stderr and "chapters.txt:1:" in result.stderr, result.stderr


def test_a_show_without_episodes_is_refused_and_nothing_is_written(sample_show: Path):
    shutil.rmtree(sample_show / "episodes")
    result = run(sample_show, "publish")
    assert result.exit_code == 1
    assert "episodes: episodes: none found (expected at least one episode folder)" in result.stderr
    assert not [p for p in (sample_show / "public").rglob("*") if p.is_file() and p.name != "lock"]


def test_an_unreadable_episode_file_is_a_problem_not_a_traceback(sample_show: Path):
    episode = sample_show / EPISODE
    episode.unlink()
    episode.mkdir()  # a folder where the file should be
    result = run(sample_show, "publish")
    assert result.exit_code == 1
    assert re.search(rf"{EPISODE}: file: cannot be read: .* \(expected a text file\)", result.stderr), result.stderr


def test_progress_in_ci_is_a_line_per_stage_and_verbose_names_episodes(sample_show: Path):
    quiet = run(sample_show, "publish", "--quiet")
    assert quiet.exit_code == 0 and quiet.output == ""
    (sample_show / "episodes/113-the-eastern-axis/transcript.txt").write_text("Edited.\n")
    verbose = run(sample_show, "publish", "--verbose")
    assert "build: 1 to do" in verbose.stderr and "  113-the-eastern-axis" in verbose.stderr
    assert "1 episode(s): 1 built, 0 unchanged, 0 removed" in verbose.stdout


def test_progress_bar_on_a_terminal_shows_counts_and_the_episode(capsys):
    from cli import TerminalBar

    bar = TerminalBar()
    bar.stage("build", 2)
    bar.step("113-the-eastern-axis")
    bar.step("114-next")
    bar.end()
    err = capsys.readouterr().err
    assert "1/2 113-the-eastern-axis" in err and "2/2 114-next" in err and "#" * 30 in err


def test_a_large_feed_gets_a_warning(sample_show: Path, monkeypatch):
    import feed_builder.publish.rebuild

    monkeypatch.setattr(feed_builder.publish.rebuild, "FEED_SIZE_WARNING", 1000)
    result = run(sample_show, "publish")
    assert result.exit_code == 0
    assert "warning: feed.xml is" in result.stderr and "set feed_limit" in result.stderr


def test_an_output_folder_that_cannot_be_created_is_a_problem(sample_show: Path):
    (sample_show / "public").write_text("a file where the build folder should be")
    result = run(sample_show, "publish")
    assert result.exit_code == 1
    assert re.search(r"public: out: cannot be created: .* \(expected a writable folder\)", result.stderr), result.stderr


def test_a_full_disk_is_a_message_naming_the_file_and_public_is_untouched(sample_show: Path, monkeypatch):
    from feed_builder.core import files

    assert run(sample_show, "publish").exit_code == 0
    before = snapshot(sample_show / "public")
    edit(sample_show, EPISODE, "Join us", "Do join us")
    real = files.open_temp

    def full(dest: Path):
        if dest.parent.name == "audio":
            raise OSError(28, "No space left on device", str(dest))
        return real(dest)

    monkeypatch.setattr(files, "open_temp", full)
    result = run(sample_show, "publish", "--jobs", "1")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert re.search(r"public/audio/113-the-eastern-axis\.mp3: No space left on device$", result.stderr.strip())
    assert snapshot(sample_show / "public") == before


def test_a_disk_that_fills_while_audio_is_written_names_the_file_and_leaves_no_temp(sample_show: Path, monkeypatch):
    from feed_builder.publish import episode

    assert run(sample_show, "publish").exit_code == 0
    before = snapshot(sample_show / "public")
    edit(sample_show, EPISODE, "Join us", "Do join us")

    def fills(master, out, *args):
        out.write(b"partial")
        raise OSError(28, "No space left on device")  # as a write() raises it: no file named

    monkeypatch.setattr(episode, "write_tagged", fills)
    result = run(sample_show, "publish", "--jobs", "1")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().endswith("public/audio/113-the-eastern-axis.mp3: No space left on device")
    assert snapshot(sample_show / "public") == before  # no temp left, nothing replaced


@pytest.mark.parametrize("command", [("tag", "113", "--in-place"), ("publish",)])
def test_a_temp_left_by_a_killed_tag_in_place_is_removed_by_the_next_run(sample_show: Path, command):
    master = sample_show / "audio/113-the-eastern-axis.mp3"
    left = master.with_name(f".{master.name}.0badc0de.tmp")
    left.write_bytes(master.read_bytes()[:100_000])  # as far as the killed run got
    other = sample_show / "audio/.notes.txt"  # a dot file that is not ours stays
    other.write_text("mine")
    assert run(sample_show, *command).exit_code == 0
    assert not left.exists() and other.read_text() == "mine"
