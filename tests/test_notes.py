import os
from pathlib import Path

import pytest

from feed_builder.formats.notes import plain_summary, render_notes


def test_raw_html_is_escaped_unless_the_show_allows_it():
    notes = "Hello <script>alert(1)</script> **world**"
    assert "<script>" not in render_notes(notes, allow_html=False)
    assert "<strong>world</strong>" in render_notes(notes, allow_html=False)
    assert "<script>" in render_notes(notes, allow_html=True)


def test_summary_is_the_first_paragraph_as_plain_text():
    assert plain_summary("## Intro\n\nFirst *para* &amp; more\nwrapped.\n\nSecond.") == "First para & more wrapped."
    assert plain_summary("Only a line") == "Only a line"


def test_smart_punctuation_as_cmark_renders_it():
    assert render_notes("\"Quotes\" -- and --- dashes... 'single'", allow_html=False) == \
        "<p>“Quotes” – and — dashes… ‘single’</p>"


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads the process's resident size from /proc")
def test_rendering_keeps_no_memory():
    """Each episode's notes are rendered once per run; a renderer that kept its output (cmarkgfm
    did) grew every process by the notes of every episode it built."""
    def resident() -> int:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    notes = "A *line* of notes with a [link](https://example.com) and **bold**.\n\n" * 60  # ~6 KB of HTML
    render_notes(notes, allow_html=False)
    before = resident()
    for n in range(3000):  # distinct texts: the cache must not answer
        render_notes(f"{notes}{n}", allow_html=False)
    assert resident() - before < 4_000_000  # keeping them, it would be 18 MB
