"""plain_text: what a player without HTML shows of the notes (test_tagging_tagset covers paragraphs,
links, lists, hard breaks, <pre> and entities)."""
from __future__ import annotations

from feed_builder.formats.notes import render_notes
from feed_builder.media.tagging.plaintext import plain_text


def text_of(markdown: str, *, allow_html: bool = False) -> str:
    return plain_text(render_notes(markdown, allow_html=allow_html))


def test_an_email_address_shown_as_its_own_label_is_not_repeated() -> None:
    assert text_of("Write to <me@x.y> or [mail us](mailto:me@x.y).") == (
        "Write to me@x.y or mail us (mailto:me@x.y).")


def test_an_image_reads_as_its_alt_text() -> None:
    assert text_of('![Map of the front](map.png "The map") drawn by Ann') == "Map of the front drawn by Ann"


def test_omitted_raw_html_and_comments_leave_no_trace() -> None:
    assert text_of("Hi <span>there</span>\n\n<div>block</div>\n\nEnd") == "Hi there\n\nEnd"
    assert text_of("Hi <!-- note to self -->there", allow_html=True) == "Hi there"


def test_raw_html_tags_count_whatever_their_case() -> None:
    notes = "<P>First</P>\n\n<UL><LI>one<BR>more</LI><LI>two</LI></UL>"
    assert text_of(notes, allow_html=True) == "First\n\n- one\nmore\n- two"


def test_link_targets_are_read_from_single_quoted_unquoted_and_titled_attributes() -> None:
    notes = ("<p><a href='https://x.y/a'>a</a>, <a href=https://x.y/b>b</a>, "
             '<a title="1 > 0" href="https://x.y/c">c</a></p>')
    assert text_of(notes, allow_html=True) == "a (https://x.y/a), b (https://x.y/b), c (https://x.y/c)"


def test_runs_of_any_kind_of_space_show_as_one_space() -> None:
    assert text_of("Three  spaces,\ta tab, two&nbsp;&nbsp;non-breaking and an\u2003em space") == (
        "Three spaces, a tab, two non-breaking and an em space")


def test_nested_list_items_each_get_their_own_line() -> None:
    assert text_of("- one\n  - one.a\n- two\n\nAfter.") == "- one\n- one.a\n- two\n\nAfter."
