import html
import json
from pathlib import Path

import lxml.html
import pytest
import srt
import webvtt

from feed_builder.core.errors import PodcastError
from feed_builder.core.model import Transcript
from feed_builder.formats.transcripts import check_transcript, find_transcript, read_transcript, render

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data" / "transcripts"

# good.srt, good.vtt and good.json say the same thing in three formats.
EXPECTED = (
    ("Welcome to the show.", 0.0, 2.5, "Alice"),
    ("Today we talk about\nthe eastern axis.", 2.5, 5.0, "Alice"),
    ("Tom & Jerry <3 it.", 5.5, 8.25, "Bob"),
)
TIMED = ["good.srt", "good.vtt", "good.json"]
DURATION = 10.0  # of the audio they would go with
MIME = {"vtt": "text/vtt", "srt": "application/x-subrip", "json": "application/json", "html": "text/html",
        "txt": "text/plain"}


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    """Problems show paths relative to the working directory, as the user typed them."""
    monkeypatch.chdir(ROOT)


def facts(t: Transcript) -> tuple:
    return tuple((s.text, s.start, s.end, s.speaker) for s in t.segments)


@pytest.mark.parametrize("name", TIMED)
def test_reads_each_timed_format_into_one_model(name):
    t = read_transcript(DATA / name)
    assert t.timed and t.source == DATA / name
    assert facts(t) == EXPECTED


def test_cues_keep_the_line_of_their_timing():
    assert [s.line for s in read_transcript(DATA / "good.vtt").segments] == [6, 9, 13]
    assert [s.line for s in read_transcript(DATA / "good.srt").segments] == [2, 6, 11]
    assert [s.line for s in read_transcript(DATA / "good.json").segments] == [4, 5, 6]


@pytest.mark.parametrize("first, speaker", [("<v.loud.slow Alice>Hi", "Alice"), ("<v" + "." * 40 + ">Hi", None)])
def test_a_voice_is_read_with_its_classes(tmp_path, first, speaker):
    path = tmp_path / "transcript.vtt"
    path.write_text(f"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n{first}\n")
    assert [s.speaker for s in read_transcript(path).segments] == [speaker]


def test_plain_text_is_kept_verbatim_and_untimed():
    t = read_transcript(DATA / "good.txt")
    assert not t.timed
    assert all(s.start is None and s.end is None and s.speaker is None for s in t.segments)
    assert t.text + "\n" == (DATA / "good.txt").read_text()


@pytest.mark.parametrize("name", TIMED)
@pytest.mark.parametrize("extension", ["vtt", "srt", "json"])
def test_timed_round_trip(tmp_path, name, extension):
    rendered = render(read_transcript(DATA / name), language="en", title="Episode", duration=DURATION)
    out = tmp_path / f"transcript.{extension}"
    out.write_bytes(rendered[extension].data)
    assert facts(read_transcript(out)) == EXPECTED


def test_plain_round_trip_gives_text_html_and_json(tmp_path):
    t = read_transcript(DATA / "good.txt")
    rendered = render(t, language="en", title="Episode", duration=DURATION)
    assert list(rendered) == ["txt", "html", "json"]
    out = tmp_path / "transcript.txt"
    out.write_bytes(rendered["txt"].data)
    assert facts(read_transcript(out)) == facts(t)


def test_plain_text_as_json_is_one_segment_over_the_whole_audio():
    """No timing invented: every word is said somewhere between the start and the end."""
    t = read_transcript(DATA / "good.txt")
    data = json.loads(render(t, language="en", title="Episode", duration=DURATION)["json"].data)
    assert data == {"version": "1.0.0", "segments": [{"startTime": 0, "endTime": DURATION, "body": t.text}]}


@pytest.mark.parametrize("name", [*TIMED, "good.txt"])
def test_mime_types_and_captions(name):
    rendered = render(read_transcript(DATA / name), language="en", title="Episode", duration=DURATION)
    for extension, r in rendered.items():
        assert r.extension == extension and r.mime == MIME[extension]
        assert r.captions == (name != "good.txt" and extension in {"vtt", "srt", "json"})


@pytest.mark.parametrize("name", TIMED)
def test_vtt_output_parses_with_webvtt_py(name):
    data = render(read_transcript(DATA / name), language="en", title="Episode", duration=DURATION)["vtt"].data
    captions = webvtt.WebVTT.from_string(data.decode(), strict=True).captions
    got = tuple((html.unescape(c.text), c.start_time.in_milliseconds() / 1000, c.end_time.in_milliseconds() / 1000,
                 c.voice) for c in captions)
    assert got == EXPECTED


def test_vtt_output_is_exact():
    data = render(read_transcript(DATA / "good.json"), language="en", title="Episode", duration=DURATION)["vtt"].data
    assert data.decode() == (
        "WEBVTT\n\n"
        "00:00:00.000 --> 00:00:02.500\n<v Alice>Welcome to the show.\n\n"
        "00:00:02.500 --> 00:00:05.000\n<v Alice>Today we talk about\nthe eastern axis.\n\n"
        "00:00:05.500 --> 00:00:08.250\n<v Bob>Tom &amp; Jerry &lt;3 it.\n"
    )


@pytest.mark.parametrize("name", TIMED)
def test_srt_output_parses_with_srt(name):
    data = render(read_transcript(DATA / name), language="en", title="Episode", duration=DURATION)["srt"].data
    subtitles = list(srt.parse(data.decode(), ignore_errors=False))
    assert [s.index for s in subtitles] == [1, 2, 3]
    spans = [(s.start.total_seconds(), s.end.total_seconds()) for s in subtitles]
    assert spans == [(e[1], e[2]) for e in EXPECTED]
    assert [s.content for s in subtitles] == [
        "Alice: Welcome to the show.", "Today we talk about\nthe eastern axis.", "Bob: Tom & Jerry <3 it."]


@pytest.mark.parametrize("name", TIMED)
def test_json_output_has_the_spec_shape(name):
    rendered = render(read_transcript(DATA / name), language="en", title="Episode", duration=DURATION)
    data = json.loads(rendered["json"].data)
    assert set(data) == {"version", "segments"} and data["version"] == "1.0.0"
    for segment in data["segments"]:
        assert {"startTime", "endTime", "body"} <= set(segment) <= {"startTime", "endTime", "body", "speaker"}
        assert all(isinstance(segment[k], (int, float)) for k in ("startTime", "endTime"))
        assert isinstance(segment["body"], str) and isinstance(segment.get("speaker", ""), str)
    assert [(s["body"], s["startTime"], s["endTime"], s["speaker"]) for s in data["segments"]] == list(EXPECTED)


def test_timed_html_names_speakers_once_per_monologue():
    page = lxml.html.document_fromstring(render(read_transcript(DATA / "good.vtt"), language="de",
                                                title="Folge <1>", duration=DURATION)["html"].data)
    assert page.get("lang") == "de" and page.findtext(".//title") == "Folge <1>"
    assert [c.text for c in page.iter("cite")] == ["Alice:", "Bob:"]
    assert [t.text for t in page.iter("time")] == ["00:00:00", "00:00:05"]
    assert [p.text for p in page.iter("p")] == [
        "Welcome to the show. Today we talk about\nthe eastern axis.", "Tom & Jerry <3 it."]


def test_plain_html_has_one_paragraph_per_paragraph():
    page = lxml.html.document_fromstring(render(read_transcript(DATA / "good.txt"), language="en",
                                                title="Episode", duration=DURATION)["html"].data)
    assert [p.text for p in page.iter("p")] == read_transcript(DATA / "good.txt").text.split("\n\n")
    assert not list(page.iter("cite")) and not list(page.iter("time"))


def test_render_is_deterministic():
    t = read_transcript(DATA / "good.srt")
    again = read_transcript(DATA / "good.srt")
    assert render(t, language="en", title="E", duration=DURATION) == render(again, language="en", title="E",
                                                                             duration=DURATION)


BAD = {
    "bad_overlap.vtt": [
        "tests/data/transcripts/bad_overlap.vtt:6: start: 00:00:02.000 is before the previous cue's end "
        "00:00:03.000 (expected cues that do not overlap)",
        "tests/data/transcripts/bad_overlap.vtt:9: end: 00:00:04.000 is not after the start 00:00:04.000 "
        "(expected a cue that lasts)",
    ],
    "bad_timestamp.srt": [
        "tests/data/transcripts/bad_timestamp.srt:6: end: '00:00:6,000' is not a timestamp (expected HH:MM:SS,mmm)",
        "tests/data/transcripts/bad_timestamp.srt:10: text: the cue has no text (expected the words spoken)",
        "tests/data/transcripts/bad_timestamp.srt:12: cue: no timing line "
        "(expected 'HH:MM:SS,mmm --> HH:MM:SS,mmm', then the text)",
    ],
    "bad_shape.json": [
        'tests/data/transcripts/bad_shape.json:5: segments[1].startTime: "2" is not valid '
        "(expected a number of seconds from 0 to 999999999)",
        "tests/data/transcripts/bad_shape.json:6: segments[2].endTime: missing (expected a number of seconds from 0 to 999999999)",
        "tests/data/transcripts/bad_shape.json:7: speaker: the name has 131 characters (expected at most 128)",
    ],
    "bad_syntax.json": [
        "tests/data/transcripts/bad_syntax.json:5: transcript: Expecting value at column 3 (expected valid JSON)",
    ],
    "bad_header.vtt": [
        "tests/data/transcripts/bad_header.vtt:1: transcript: the file does not start with WEBVTT "
        "(expected a WebVTT header)",
    ],
    "bad_no_blank.vtt": [
        "tests/data/transcripts/bad_no_blank.vtt:2: transcript: a cue right after WEBVTT "
        "(expected a blank line after the header)",
    ],
    "bad_speaker.vtt": [
        "tests/data/transcripts/bad_speaker.vtt:3: speaker: the name is empty (expected a speaker's name)",
    ],
}


@pytest.mark.parametrize("name", BAD)
def test_bad_inputs_report_every_problem_with_its_line(name):
    with pytest.raises(PodcastError) as error:
        read_transcript(DATA / name)
    assert [str(p) for p in error.value.problems] == BAD[name]


def test_other_files(tmp_path):
    (tmp_path / "transcript.vtt").write_bytes(b"WEBVTT\n\n00:00.000 --> 00:01.000\n\xff\n")
    (tmp_path / "transcript.doc").write_text("words")
    (tmp_path / "transcript.srt").write_text("\n \n")
    problems = []
    for name in ("transcript.vtt", "transcript.doc", "transcript.srt"):
        with pytest.raises(PodcastError) as error:
            read_transcript(tmp_path / name)
        problems += [f"{p.line}: {p.field}: {p.message}" for p in error.value.problems]
    assert problems == [
        "4: transcript: the file is not UTF-8 text (expected UTF-8)",
        "None: transcript: unknown format '.doc' (expected one of .txt, .srt, .vtt, .json)",
        "None: transcript: the file has no text (expected the words spoken)",
    ]


def test_a_cue_past_the_end_of_the_audio():
    t = read_transcript(DATA / "past_end.vtt")
    assert [str(p) for p in check_transcript(t, 10.0)] == [
        "tests/data/transcripts/past_end.vtt:6: end: 00:00:12.000 is after the end of the audio at 00:00:10.000 "
        "(expected cues within the audio)"]
    # A probed length is an estimate: half a second past it is allowed.
    assert check_transcript(t, 11.6) == []
    assert check_transcript(read_transcript(DATA / "good.txt"), 1.0) == []


def test_find_transcript(tmp_path):
    assert find_transcript(tmp_path) is None
    (tmp_path / "transcript.vtt").write_text("WEBVTT\n")
    assert find_transcript(tmp_path) == tmp_path / "transcript.vtt"
    (tmp_path / "transcript.txt").write_text("Hello\n")
    with pytest.raises(PodcastError) as error:
        find_transcript(tmp_path)
    [p] = error.value.problems
    assert (p.field, p.message) == ("transcript", "found transcript.txt and transcript.vtt (expected one transcript file)")
