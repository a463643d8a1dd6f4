"""A show's repository is input from strangers (CI publishes pull requests): every bad input stops
the run with exit code 1 and one line naming the file, the line, the field and what was expected,
never a traceback, and nothing outside the repository is read or published."""
from __future__ import annotations

import os
import shutil
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from feed_builder.core.errors import problem
from tests.conftest import edit, run

FOLDER = "episodes/113-the-eastern-axis"
EPISODE = f"{FOLDER}/episode.md"
MASTER = "audio/113-the-eastern-axis.mp3"
DATE = "date: 2025-01-06T06:00:00+00:00"

OUTSIDE = "is outside the show's repository (expected a file inside it, neither hidden nor in a hidden folder such as .git)"
FOLDER_NAME = ("cannot be part of a URL (expected lowercase letters a-z, digits, '.', '_' and '-', starting with a "
               "letter or digit)")
NOT_HTTPS = ("is not an https URL (expected https://host/path, with spaces, quotes, angle brackets and non-ASCII "
             "characters percent-encoded)")
NOT_HTTPS_OR_LOOPBACK = ("is not an https URL (expected https://host/path, with spaces, quotes, angle brackets and "
                         "non-ASCII characters percent-encoded; or http://127.0.0.1, http://localhost or http://[::1] "
                         "with a port and path, for a test on this machine)")
CONTROL = "contains the control character U+%s (expected printable text)"
SECONDS = "(expected a number of seconds from 0 to 999999999)"
NESTING = "(expected at most 32 levels of [ and {)"
OUT_OF_RANGE = "falls outside the years 1 to 9999 in UTC (expected a date from 0001-01-01 to 9999-12-31 in UTC)"

Break = Callable[[Path], None]


def replace(relpath: str, old: str, new: str) -> Break:
    return lambda root: edit(root, relpath, old, new)


def replace_bytes(relpath: str, old: bytes, new: bytes) -> Break:
    def break_it(root: Path) -> None:
        data = (root / relpath).read_bytes()
        assert old in data
        (root / relpath).write_bytes(data.replace(old, new, 1))
    return break_it


def write(relpath: str, text: str) -> Break:
    return lambda root: (root / relpath).write_text(text, encoding="utf-8")


def secret(root: Path, name: str, source: str) -> Path:
    """A file beside the repository, not in it, with the bytes of one of the show's own files."""
    path = root.parent / name
    shutil.copyfile(root / source, path)
    return path


def link(root: Path, relpath: str, target: Path | str) -> None:
    path = root / relpath
    path.unlink(missing_ok=True)
    path.symlink_to(target)


def _transcript_to_etc_passwd(root):
    link(root, f"{FOLDER}/transcript.txt", "/etc/passwd")


def _transcript_to_git_config(root):
    (root / ".git").mkdir()
    (root / ".git/config").write_text('[http]\n\textraheader = "AUTHORIZATION: basic c2VjcmV0"\n')
    link(root, f"{FOLDER}/transcript.txt", "../../.git/config")


def _chapters_file_outside(root):
    (root.parent / "chapters.txt").write_text("00:00 Intro\n")
    link(root, f"{FOLDER}/chapters.txt", root.parent / "chapters.txt")


def _chapter_image_outside(root):
    link(root, f"{FOLDER}/intro.jpg", secret(root, "intro.jpg", "artwork/cover.jpg"))
    (root / FOLDER / "chapters.json").write_text(
        '{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro", "img": "intro.jpg"}]}\n')


def _cover_up_and_out(root):
    secret(root, "cover.jpg", "artwork/cover.jpg")
    edit(root, "podcast.toml", 'image = "artwork/cover.jpg"', 'image = "../cover.jpg"')


def _cover_symlink(root):
    link(root, "artwork/cover.jpg", secret(root, "cover.jpg", "artwork/cover.jpg"))


def _episode_image_up_and_out(root):
    secret(root, "cover.jpg", "artwork/cover.jpg")
    edit(root, EPISODE, "explicit: false\n", "explicit: false\nimage: ../../../cover.jpg\n")


def _master_up_and_out(root):
    secret(root, "master.mp3", MASTER)
    edit(root, EPISODE, "explicit: false\n", "explicit: false\naudio: ../master.mp3\n")


def _master_symlink_in_audio(root):
    link(root, MASTER, secret(root, "master.mp3", MASTER))


def _show_file_symlink(root):
    link(root, "podcast.toml", secret(root, "podcast.toml", "podcast.toml"))


def _episode_folder_symlink(root):
    shutil.copytree(root / FOLDER, root.parent / "elsewhere")
    shutil.rmtree(root / FOLDER)
    (root / FOLDER).symlink_to(root.parent / "elsewhere")


def renamed_episode(name: str) -> Break:
    def break_it(root: Path) -> None:
        (root / FOLDER).rename(root / "episodes" / name)
        (root / MASTER).rename(root / f"audio/{name}.mp3")
    return break_it


def cover_claiming(side: int) -> Break:
    """A PNG whose header claims `side` × `side` pixels, in under a hundred bytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    def break_it(root: Path) -> None:
        header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
        png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
        (root / "artwork/cover.png").write_bytes(png)
        edit(root, "podcast.toml", 'image = "artwork/cover.jpg"', 'image = "artwork/cover.png"')
    return break_it


def written_instead(relpath: str, text: str) -> Break:
    """The episode's transcript in another format than the show's .txt."""
    def break_it(root: Path) -> None:
        (root / FOLDER / "transcript.txt").unlink()
        write(relpath, text)(root)
    return break_it


def alias_bomb() -> str:
    """Half a kilobyte of YAML that stands for ten billion words."""
    levels = ["&a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"&a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    return f"keywords: [{', '.join(levels)}]"


def case(name: str, break_it: Break, expected: str):
    return pytest.param(break_it, expected, id=name)


BAD_INPUTS = [
    # Every file read stays inside the repository, symlinks followed.
    case("transcript_to_etc_passwd", _transcript_to_etc_passwd, f"{FOLDER}/transcript.txt: transcript: {OUTSIDE}"),
    case("transcript_to_git_config", _transcript_to_git_config, f"{FOLDER}/transcript.txt: transcript: {OUTSIDE}"),
    case("chapters_file_outside", _chapters_file_outside, f"{FOLDER}/chapters.txt: chapters: {OUTSIDE}"),
    case("chapter_image_outside", _chapter_image_outside,
         f'{FOLDER}/chapters.json:1: chapters[0].img: "intro.jpg" is not a file in the episode folder '
         "(expected a file name next to the chapters file, or an https URL)"),
    case("cover_up_and_out", _cover_up_and_out, f"podcast.toml:19: image: '../cover.jpg' {OUTSIDE}"),
    case("cover_symlink", _cover_symlink, f"podcast.toml:19: image: 'artwork/cover.jpg' {OUTSIDE}"),
    case("episode_image_up_and_out", _episode_image_up_and_out, f"{EPISODE}:12: image: '../../../cover.jpg' {OUTSIDE}"),
    case("master_up_and_out", _master_up_and_out, f"{EPISODE}:12: audio: '../master.mp3' {OUTSIDE}"),
    case("master_symlink_in_audio", _master_symlink_in_audio, f"{EPISODE}:1: audio: '{MASTER}' {OUTSIDE}"),
    case("show_file_symlink", _show_file_symlink, f"podcast.toml: file: {OUTSIDE}"),
    case("episode_folder_symlink", _episode_folder_symlink, f"{EPISODE}: file: {OUTSIDE}"),
    case("base_url_with_a_query", replace("podcast.toml", 'base_url = "https://example.com/4min-podcast"',
                                          'base_url = "https://example.com/4min-podcast?x=1"'),
         "podcast.toml:26: base_url: 'https://example.com/4min-podcast?x=1' has a query or fragment (expected the "
         "address public/ is served from, such as https://example.com/podcast)"),
    # Numbers as every container can tag them.
    case("episode_number_too_large", replace(EPISODE, "number: 113", "number: 65536"),
         f"{EPISODE}:3: number: 65536 is out of range (expected an integer from 1 to 65535)"),
    case("episode_number_zero", replace(EPISODE, "number: 113", "number: 0"),
         f"{EPISODE}:3: number: 0 is out of range (expected an integer from 1 to 65535)"),
    # A link that cannot be followed is named, never taken for a missing file.
    case("transcript_link_loop", lambda root: link(root, f"{FOLDER}/transcript.txt", "transcript.txt"),
         f"{FOLDER}/transcript.txt: transcript: cannot read the file: Too many levels of symbolic links "
         "(expected a readable file)"),
    case("transcript_link_broken", lambda root: link(root, f"{FOLDER}/transcript.txt", "gone.txt"),
         f"{FOLDER}/transcript.txt: transcript: cannot read the file: No such file or directory "
         "(expected a readable file)"),
    # Folder names are URL segments.
    case("folder_name_percent_encoded", renamed_episode("113-%2e%2e%2fx"),
         f"episodes: folder: '113-%2e%2e%2fx' {FOLDER_NAME}"),
    case("folder_name_with_spaces_and_quotes", renamed_episode('The "Eastern" Axis'),
         f"""episodes: folder: 'The "Eastern" Axis' {FOLDER_NAME}"""),
    case("folder_name_not_ascii", renamed_episode("113-östliche-achse"),
         f"episodes: folder: '113-östliche-achse' {FOLDER_NAME}"),
    # URLs are https, in URL characters.
    case("base_url_with_a_quote", replace("podcast.toml", 'base_url = "https://example.com/4min-podcast"',
                                          'base_url = "https://example.com/4min-podcast\\"><script>"'),
         f"""podcast.toml:26: base_url: 'https://example.com/4min-podcast"><script>' {NOT_HTTPS_OR_LOOPBACK}"""),
    case("link_with_markup", replace("podcast.toml", 'link = "https://example.com/4min-podcast"',
                                     'link = "https://example.com/<b>4min</b>"'),
         f"podcast.toml:27: link: 'https://example.com/<b>4min</b>' {NOT_HTTPS}"),
    case("funding_url_with_a_control_character",
         replace("podcast.toml", 'url = "https://example.com/4min-podcast/support"',
                 'url = "https://example.com/4min-podcast/support\\u0007"'),
         f"podcast.toml:36: funding.url: 'https://example.com/4min-podcast/support\\x07' {NOT_HTTPS}"),
    case("person_image_not_ascii", replace("podcast.toml", "[build]", '[[people]]\nname = "Host"\n'
                                           'img = "https://example.com/héros.jpg"\n\n[build]'),
         f"podcast.toml:41: people.img: 'https://example.com/héros.jpg' {NOT_HTTPS}"),
    case("chapter_url_with_angle_brackets", write(f"{FOLDER}/chapters.txt", "00:00 Intro https://example.com/<b>\n"),
         f'{FOLDER}/chapters.txt:1: url: "https://example.com/<b>" {NOT_HTTPS}'),
    case("chapter_image_url_with_spaces_and_quotes",
         write(f"{FOLDER}/chapters.json", '{"version": "1.2.0", "chapters": '
               '[{"startTime": 0, "title": "Intro", "img": "https://example.com/a \\"b\\".jpg"}]}\n'),
         f'{FOLDER}/chapters.json:1: chapters[0].img: "https://example.com/a \\"b\\".jpg" {NOT_HTTPS}'),
    # No traceback, ever.
    case("cover_decompression_bomb", cover_claiming(20_000),
         "artwork/cover.png: image: has too many pixels to decode safely (expected a JPEG or PNG of at most 3000×3000 px)"),
    # Below Pillow's own limit, where it only warns: decoding it would still take hundreds of MB.
    case("cover_of_a_hundred_million_pixels", cover_claiming(10_000),
         "artwork/cover.png: image: has too many pixels to decode safely (expected a JPEG or PNG of at most 3000×3000 px)"),
    case("date_before_year_one_in_utc", replace(EPISODE, DATE, "date: 0001-01-01T00:00:00+01:00"),
         f"{EPISODE}:9: date: '0001-01-01T00:00:00+01:00' {OUT_OF_RANGE}"),
    case("date_after_year_9999_in_utc", replace(EPISODE, DATE, "date: 9999-12-31T23:59:59-01:00"),
         f"{EPISODE}:9: date: '9999-12-31T23:59:59-01:00' {OUT_OF_RANGE}"),
    case("chapters_nested_100_000_deep", write(f"{FOLDER}/chapters.json", "[" * 100_000 + "]" * 100_000),
         f"{FOLDER}/chapters.json:1: chapters: nested too deep at column 34 {NESTING}"),
    case("transcript_nested_100_000_deep",
         written_instead(f"{FOLDER}/transcript.json", '{"a": ' * 100_000 + "1" + "}" * 100_000),
         f"{FOLDER}/transcript.json:1: transcript: nested too deep at column 194 {NESTING}"),
    case("chapter_start_of_5000_digits", write(f"{FOLDER}/chapters.json", '{"version": "1.2.0", "chapters": '
                                               '[{"startTime": ' + "1" * 5000 + ', "title": "Intro"}]}'),
         f"{FOLDER}/chapters.json:1: chapters[0].startTime: Infinity is not valid {SECONDS}"),
    case("transcript_end_of_1e308_seconds",
         written_instead(f"{FOLDER}/transcript.json",
                         '{"version": "1.0.0", "segments": [{"startTime": 0, "endTime": 1e308, "body": "a"}]}'),
         f"{FOLDER}/transcript.json:1: segments[0].endTime: 1e+308 is not valid {SECONDS}"),
    case("chapter_start_of_1e306_seconds", write(f"{FOLDER}/chapters.json", '{"version": "1.2.0", "chapters": '
                                                 '[{"startTime": 0, "title": "A"}, {"startTime": 1e306, "title": "B"}]}'),
         f"{FOLDER}/chapters.json:1: chapters[1].startTime: 1e+306 is not valid {SECONDS}"),
    case("chapter_start_of_5000_digit_hours", write(f"{FOLDER}/chapters.txt", f"00:00 A\n{'9' * 5000}:00:00 B\n"),
         f"{FOLDER}/chapters.txt:2: start: '{'9' * 5000}:00:00' is not a time "
         "(expected HH:MM:SS or MM:SS, e.g. 01:02:03 or 02:03)"),
    case("yaml_alias_bomb", replace(EPISODE, "keywords: [Putin, Russia, China, India, Iran, Global South, foreign policy]",
                                    alias_bomb()),
         f"{EPISODE}:13: keywords: repeats a value by a YAML alias "
         "(expected every value written out, without & anchors and * aliases)"),
    case("duplicate_key", replace(EPISODE, "explicit: false\n", 'explicit: false\ntitle: "The Eastern Axis"\n'),
         f"{EPISODE}:12: title: is given twice, on lines 2 and 12 (expected each key once)"),
    case("duplicate_key_of_a_person", replace(EPISODE, "explicit: false\n",
                                              "explicit: false\npeople:\n  - name: Host\n    name: Guest\n"),
         f"{EPISODE}:14: name: is given twice, on lines 13 and 14 (expected each key once)"),
    case("explicit_timestamp_on_30_february", replace(EPISODE, DATE, "date: !!timestamp 2025-02-30"),
         f"{EPISODE}:9: date: cannot be read: day is out of range for month (expected a plain YAML value)"),
    case("toml_nested_100_000_deep", replace("podcast.toml", "[owner]", "x = " + "[" * 100_000 + "]" * 100_000 + "\n[owner]"),
         "podcast.toml: toml: is nested too deep to read (expected arrays and tables a few levels deep)"),
    case("toml_int_of_5000_digits", replace("podcast.toml", "artwork_size = 1400", "artwork_size = " + "1" * 5000),
         "podcast.toml: toml: cannot be read: Exceeds the limit (4300 digits) for integer string conversion: value has "
         "5000 digits; use sys.set_int_max_str_digits() to increase the limit (expected valid TOML)"),
    case("show_file_not_utf8", replace_bytes("podcast.toml", b'language = "en"', b'language = "\xe9n"'),
         "podcast.toml:12: file: the file is not UTF-8 text (expected UTF-8)"),
    case("episode_file_not_utf8", replace_bytes(EPISODE, b"number: 113", b"number: \xff"),
         f"{EPISODE}:3: file: the file is not UTF-8 text (expected UTF-8)"),
    case("notes_with_a_control_character", replace(EPISODE, "Join us for", "Join us\x07 for"),
         f"{EPISODE}:21: notes: {CONTROL % '0007'}"),
    case("notes_with_a_control_character_reference", replace(EPISODE, "Join us for", "Join us&#x1B; for"),
         f"{EPISODE}:21: notes: {CONTROL % '001B'}"),
    case("notes_with_a_noncharacter_reference", replace(EPISODE, "Join us for", "Join us&#xFFFE; for"),
         f"{EPISODE}:21: notes: {CONTROL % 'FFFE'}"),
    case("chapter_title_with_a_control_character", write(f"{FOLDER}/chapters.txt", "00:00 Intro\x07\n"),
         f"{FOLDER}/chapters.txt:1: title: {CONTROL % '0007'}"),
    case("json_chapter_title_with_a_noncharacter",
         write(f"{FOLDER}/chapters.json", '{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro\\uffff"}]}\n'),
         f"{FOLDER}/chapters.json:1: chapters[0].title: {CONTROL % 'FFFF'}"),
    case("transcript_with_a_terminal_escape",
         write(f"{FOLDER}/transcript.txt", "First words.\n\nThen \x1b[31mred\x1b[0m ones.\n"),
         f"{FOLDER}/transcript.txt:3: text: {CONTROL % '001B'}"),
    case("vtt_speaker_with_a_noncharacter",
         written_instead(f"{FOLDER}/transcript.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\n<v Ho\ufffest>Hello.\n"),
         f"{FOLDER}/transcript.vtt:3: speaker: {CONTROL % 'FFFE'}"),
    case("json_transcript_with_a_noncharacter",
         written_instead(f"{FOLDER}/transcript.json",
                         '{"version": "1.0.0", "segments": [{"startTime": 0, "endTime": 1, "body": "a\\ufffeb"}]}\n'),
         f"{FOLDER}/transcript.json:1: text: {CONTROL % 'FFFE'}"),
]


@pytest.mark.parametrize("break_it, expected", BAD_INPUTS)
def test_bad_input_stops_publish_with_one_line_saying_what_was_expected(sample_show: Path, monkeypatch, break_it,
                                                                        expected):
    monkeypatch.chdir(sample_show)
    break_it(sample_show)
    result = run(sample_show, "publish")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert expected in result.stderr.splitlines(), result.stderr
    assert not (sample_show / "public/feed.xml").exists()


@pytest.mark.parametrize("break_it", [_master_up_and_out, _master_symlink_in_audio], ids=["named", "symlink"])
def test_tag_in_place_never_rewrites_a_file_outside_the_repository(sample_show: Path, break_it):
    break_it(sample_show)
    outside = sample_show.parent / "master.mp3"
    before = (outside.read_bytes(), os.stat(outside).st_mtime_ns)
    result = run(sample_show, "tag", "--in-place")
    assert result.exit_code == 1
    assert OUTSIDE in result.stderr
    assert (outside.read_bytes(), os.stat(outside).st_mtime_ns) == before
    assert (sample_show / MASTER).is_symlink() == (break_it is _master_symlink_in_audio)


def test_a_problem_names_a_symlink_not_its_target(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "transcript.txt").symlink_to("/etc/passwd")
    assert problem(tmp_path / "transcript.txt", None, "transcript", "m").path == "transcript.txt"


def test_a_byte_order_mark_before_the_show_file_or_the_front_matter_is_accepted(sample_show: Path):
    for relpath in ("podcast.toml", EPISODE):
        path = sample_show / relpath
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = run(sample_show, "publish")
    assert result.exit_code == 0, result.stderr
    assert b"<title>4min Podcast (English)</title>" in (sample_show / "public/feed.xml").read_bytes()
