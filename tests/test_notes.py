from feed_builder.formats.notes import plain_summary, render_notes


def test_raw_html_is_escaped_unless_the_show_allows_it():
    notes = "Hello <script>alert(1)</script> **world**"
    assert "<script>" not in render_notes(notes, allow_html=False)
    assert "<strong>world</strong>" in render_notes(notes, allow_html=False)
    assert "<script>" in render_notes(notes, allow_html=True)


def test_summary_is_the_first_paragraph_as_plain_text():
    assert plain_summary("## Intro\n\nFirst *para* &amp; more\nwrapped.\n\nSecond.") == "First para & more wrapped."
    assert plain_summary("Only a line") == "Only a line"
