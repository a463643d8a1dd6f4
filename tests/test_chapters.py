import json
import re
import shutil
from pathlib import Path

import lxml.html
import pytest

from feed_builder.formats import chapters
from feed_builder.core.errors import PodcastError
from feed_builder.core.model import Chapter

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data" / "chapters"
EPISODE = DATA / "episode"

FROM_TXT = (
    (0.0, "Intro", None, None),
    (330.0, "The eastern axis", "https://example.com/axis", None),
    (3723.5, "Outro & credits", None, None),
)
FROM_JSON = (
    (0.0, "Intro", None, None),
    (330.0, "The eastern axis", "https://example.com/axis", "axis.jpg"),
    (3723.5, "Outro & credits", None, "https://example.com/outro.png"),
)


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    """Problems show paths relative to the working directory, as the user typed them."""
    monkeypatch.chdir(ROOT)


def facts(cs) -> tuple:
    return tuple((c.start, c.title, c.url, c.image) for c in cs)


def test_reads_chapters_txt():
    cs = chapters.read_chapters(DATA / "good.txt")
    assert facts(cs) == FROM_TXT
    assert [c.line for c in cs] == [2, 4, 5]


def test_a_link_is_the_last_word_however_long_the_line(tmp_path):
    """A show's files are untrusted: a line of 200,000 spaces took minutes with a regex that backtracked."""
    path = tmp_path / "chapters.txt"
    gap = " " * 200_000
    path.write_text(f"00:00 Intro{gap}x\n00:05 Axis{gap}https://example.com/axis\n")
    assert facts(chapters.read_chapters(path)) == ((0.0, f"Intro{gap}x", None, None),
                                                   (5.0, "Axis", "https://example.com/axis", None))


def test_reads_json_chapters_with_images():
    cs = chapters.read_chapters(EPISODE / "chapters.json")
    assert facts(cs) == FROM_JSON
    assert [c.line for c in cs] == [4, 5, 6]


@pytest.mark.parametrize(("source", "expected"), [(DATA / "good.txt", FROM_TXT),
                                                  (EPISODE / "chapters.json", FROM_JSON)])
def test_round_trip_through_json(tmp_path, source, expected):
    shutil.copy(EPISODE / "axis.jpg", tmp_path)
    out = tmp_path / "chapters.json"
    out.write_bytes(chapters.to_json(chapters.read_chapters(source), 4000.0))
    assert facts(chapters.read_chapters(out)) == expected


def test_json_output_follows_the_spec():
    data = chapters.to_json(chapters.read_chapters(EPISODE / "chapters.json"), 4000.0)
    assert data.endswith(b"}\n")
    parsed = json.loads(data)
    assert set(parsed) == {"version", "chapters"} and parsed["version"] == "1.2.0"
    assert parsed["chapters"] == [
        {"startTime": 0, "endTime": 330, "title": "Intro"},
        {"startTime": 330, "endTime": 3723.5, "title": "The eastern axis", "img": "axis.jpg",
         "url": "https://example.com/axis"},
        {"startTime": 3723.5, "endTime": 4000, "title": "Outro & credits", "img": "https://example.com/outro.png"},
    ]
    assert chapters.JSON_MIME == "application/json+chapters"


def test_ends_follow_the_next_start_then_the_duration():
    cs = chapters.read_chapters(DATA / "good.txt")
    assert chapters.chapter_ends(cs, 4000.0) == (330.0, 3723.5, 4000.0)
    assert chapters.chapter_ends((), 4000.0) == ()


def test_podlove_simple_chapters():
    assert chapters.psc_entries(chapters.read_chapters(EPISODE / "chapters.json")) == (
        ("00:00:00.000", "Intro", None, None),
        ("00:05:30.000", "The eastern axis", "https://example.com/axis", "axis.jpg"),
        ("01:02:03.500", "Outro & credits", None, "https://example.com/outro.png"),
    )


def test_notes_timestamps_follow_apples_rule():
    notes = chapters.notes_timestamps(chapters.read_chapters(DATA / "good.txt"))
    assert notes == (
        "<ul>\n<li>00:00:00 Intro</li>\n"
        '<li>00:05:30 <a href="https://example.com/axis">The eastern axis</a></li>\n'
        "<li>01:02:03 Outro &amp; credits</li>\n</ul>\n"
    )
    lines = lxml.html.fragment_fromstring(notes).text_content().strip().split("\n")
    assert len(lines) >= 3 and lines[0].startswith("00:00:00 ")
    assert all(re.match(r"\d\d:\d\d:\d\d ", line) for line in lines)
    assert chapters.notes_timestamps(()) == ""


def test_episode_images_become_published_urls():
    cs = chapters.with_image_urls(chapters.read_chapters(EPISODE / "chapters.json"),
                                  lambda name: f"https://cdn.example.com/images/113-{name}")
    assert [c.image for c in cs] == [None, "https://cdn.example.com/images/113-axis.jpg",
                                     "https://example.com/outro.png"]


BAD = {
    "bad_order.txt": [
        "tests/data/chapters/bad_order.txt:1: start: the first chapter starts at 00:00:05 (expected 00:00:00)",
        "tests/data/chapters/bad_order.txt:3: start: 00:09:00 is not after the previous chapter at 00:10:00 "
        "(expected chapters in strictly ascending order)",
        "tests/data/chapters/bad_order.txt:4: start: 00:09:00 is not after the previous chapter at 00:09:00 "
        "(expected chapters in strictly ascending order)",
    ],
    "bad_lines.txt": [
        "tests/data/chapters/bad_lines.txt:2: start: '0:5' is not a time (expected HH:MM:SS or MM:SS, "
        "e.g. 01:02:03 or 02:03)",
        "tests/data/chapters/bad_lines.txt:3: title: missing (expected a title after the time)",
        'tests/data/chapters/bad_lines.txt:4: url: "http://example.com/x" is not an https URL (expected '
        "https://host/path, with spaces, quotes, angle brackets and non-ASCII characters percent-encoded)",
    ],
    "bad.json": [
        "tests/data/chapters/bad.json:5: chapters[1].startTime: true is not valid "
        "(expected a number of seconds from 0 to 999999999)",
        "tests/data/chapters/bad.json:5: chapters[1].title: missing or empty (expected the chapter's title)",
        'tests/data/chapters/bad.json:6: chapters[2].img: "../secret.jpg" is not a file in the episode folder '
        "(expected a file name next to the chapters file, or an https URL)",
        "tests/data/chapters/bad.json:7: chapters[3].toc: silent chapters are not supported "
        "(expected visible chapters, toc absent or true)",
    ],
}


@pytest.mark.parametrize("name", BAD)
def test_bad_chapters_report_every_problem_with_its_line(name):
    with pytest.raises(PodcastError) as error:
        chapters.read_chapters(DATA / name)
    assert [str(p) for p in error.value.problems] == BAD[name]


@pytest.mark.parametrize(("text", "expected"), [
    ('{"chapters": []}', "1: version: missing or not a string (expected \"version\": \"1.2.0\")"),
    ('{\n"version": "1.2.0"}', "1: chapters: missing or not a list (expected a list of chapters)"),
    ('{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "A", "img": "gone.jpg"}]}',
     '1: chapters[0].img: "gone.jpg" is not a file in the episode folder '
     "(expected a file name next to the chapters file, or an https URL)"),
    ('{"version": "1.2.0", "chapters": []}', "None: chapters: the file has no chapters (expected lines like '00:00 Intro')"),
])
def test_bad_json_shapes(tmp_path, text, expected):
    (tmp_path / "chapters.json").write_text(text)
    with pytest.raises(PodcastError) as error:
        chapters.read_chapters(tmp_path / "chapters.json")
    assert [f"{p.line}: {p.field}: {p.message}" for p in error.value.problems] == [expected]


def test_a_chapter_past_the_end_of_the_audio():
    source = DATA / "good.txt"
    cs = chapters.read_chapters(source)
    assert [str(p) for p in chapters.check_chapters(cs, 3723.5, source)] == [
        "tests/data/chapters/good.txt:5: start: 01:02:03.500 is not before the end of the audio at 01:02:03.500 "
        "(expected chapters within the audio)"]
    assert chapters.check_chapters(cs, 3724.0, source) == []
    assert [p.line for p in chapters.check_chapters((Chapter(0, "Built in code"),), 0, source)] == [None]


def test_find_chapters(tmp_path):
    assert chapters.find_chapters(tmp_path) is None
    (tmp_path / "chapters.txt").write_text("00:00 Intro\n")
    assert chapters.find_chapters(tmp_path) == tmp_path / "chapters.txt"
    (tmp_path / "chapters.json").write_text("{}")
    with pytest.raises(PodcastError) as error:
        chapters.find_chapters(tmp_path)
    [p] = error.value.problems
    assert (p.field, p.message) == ("chapters", "found chapters.txt and chapters.json (expected one chapters file)")
