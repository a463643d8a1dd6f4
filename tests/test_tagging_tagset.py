"""build_tagset: one mapping from the models, the same values the feed shows."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from feed_builder.core.errors import PodcastError
from feed_builder.core.model import BuildSettings, Chapter, Container
from feed_builder.formats.notes import plain_summary
from feed_builder.media.tagging import TagChapter, build_tagset
from feed_builder.media.tagging.language import iso_639_2
from feed_builder.media.tagging.plaintext import plain_text
from tests.tagging_factories import episode, image_file, info, jpeg, show, tagset

URL = "https://example.com/pod/113"


def test_every_field_comes_from_show_and_episode(tmp_path: Path) -> None:
    s, e = show(tmp_path), episode(tmp_path / "113")
    tags = build_tagset(s, e, info(), b"cover", URL)
    assert (tags.title, tags.artist, tags.album) == (e.title, s.author, s.title)
    assert (tags.track, tags.disc, tags.date) == (113, 4, e.date)
    assert (tags.genre, tags.podcast, tags.category) == ("Podcast", True, "History")
    assert (tags.guid, tags.feed_url, tags.episode_url) == (e.guid, "https://example.com/pod/feed.xml", URL)
    assert (tags.keywords, tags.copyright, tags.cover_jpeg) == ("history,russia", s.copyright, b"cover")
    assert tags.lyrics == "Hello and welcome.\n\nToday: maps."
    assert (tags.language, tags.id3_version) == ("eng", 3)


def test_description_is_the_feeds_summary_and_long_description_the_notes_as_text(tmp_path: Path) -> None:
    e = episode(tmp_path)
    tags = build_tagset(show(tmp_path), e, info(), None, URL)
    assert tags.description == plain_summary(e.notes)  # what feed.py puts in <description>
    assert tags.long_description == (
        "Intro\n\nWe talk about the east and maps (https://maps.example).\n\n- one\n- two")
    with_summary = build_tagset(show(tmp_path), dataclasses.replace(e, summary="Short."), info(), None, URL)
    assert with_summary.description == "Short."


def test_missing_optional_values_stay_empty(tmp_path: Path) -> None:
    e = episode(tmp_path, number=None, season=None, transcript=None, chapters=(), keywords=())
    tags = build_tagset(show(tmp_path, categories=()), e, info(), None, URL)
    assert (tags.track, tags.disc, tags.lyrics, tags.category, tags.keywords, tags.chapters) == (
        None, None, None, None, "", ())


def test_chapters_end_at_the_next_start_and_the_last_at_the_duration(tmp_path: Path) -> None:
    folder = tmp_path / "113"
    folder.mkdir()
    image_file(folder / "map.png", (3000, 2000))
    e = episode(folder, chapters=(Chapter(0.0, "Intro", image="https://cdn.example/i.jpg"),
                                  Chapter(61.5, "Maps", url="https://maps.example", image="map.png")))
    tags = build_tagset(show(tmp_path, build=BuildSettings(artwork_size=300)), e, info(duration=125.25), None, URL)
    first, second = tags.chapters
    assert first == TagChapter(0, 61500, "Intro")  # a web image is a link for the feed, not embedded
    assert (second.start_ms, second.end_ms, second.title, second.url) == (61500, 125250, "Maps", "https://maps.example")
    assert second.image_jpeg is not None and second.image_jpeg.startswith(b"\xff\xd8")


def test_a_missing_chapter_image_is_a_problem_naming_the_file(tmp_path: Path) -> None:
    e = episode(tmp_path, chapters=(Chapter(0.0, "Intro", image="gone.png"),))
    with pytest.raises(PodcastError, match="gone.png: image: cannot be read as an image"):
        build_tagset(show(tmp_path), e, info(), None, URL)


def test_an_unknown_id3_version_is_a_problem_in_podcast_toml(tmp_path: Path) -> None:
    with pytest.raises(PodcastError, match=r"podcast.toml: build.id3_version: is 5 \(expected 3 or 4\)"):
        build_tagset(show(tmp_path, build=BuildSettings(id3_version=5)), episode(tmp_path), info(), None, URL)


@pytest.mark.parametrize("language, code", [("en", "eng"), ("en-US", "eng"), ("de_AT", "ger"), ("FR", "fre"),
                                            ("gsw", "gsw"), ("xx", "und"), ("", "und")])
def test_language_becomes_iso_639_2(language: str, code: str) -> None:
    assert iso_639_2(language) == code


def test_fingerprint_is_stable_and_covers_every_field() -> None:
    base = tagset()
    assert base.fingerprint() == tagset().fingerprint()
    assert len(base.fingerprint()) == 64
    changed = [
        dataclasses.replace(base, cover_jpeg=jpeg("red")),
        dataclasses.replace(base, id3_version=4),
        dataclasses.replace(base, track=None),
        dataclasses.replace(base, chapters=base.chapters[:1]),
        dataclasses.replace(base, chapters=(dataclasses.replace(base.chapters[0], image_jpeg=jpeg("red")),)
                            + base.chapters[1:]),
    ]
    changed += [dataclasses.replace(base, **{f.name: "x"}) for f in dataclasses.fields(base)
                if isinstance(getattr(base, f.name), str)]
    digests = {t.fingerprint() for t in changed}
    assert base.fingerprint() not in digests and len(digests) == len(changed)


def test_cover_bytes_stay_out_of_repr() -> None:
    assert "cover_jpeg" not in repr(tagset()) and "image_jpeg" not in repr(tagset())


@pytest.mark.parametrize("html, text", [
    ("<p>a <em>b</em>\nc</p><p>d</p>", "a b c\n\nd"),
    ('<p><a href="https://x.y">label</a> and <a href="https://x.y">https://x.y</a></p>',
     "label (https://x.y) and https://x.y"),
    ("<ul><li>one</li><li>two</li></ul><p>after</p>", "- one\n- two\n\nafter"),
    ("<p>line<br />\nbreak</p>", "line\nbreak"),
    ("<pre><code>keep  this\n  indent\n</code></pre>", "keep  this\n  indent"),
    ("<p>&amp; &lt;tag&gt; &#8220;q&#8221;</p>", "& <tag> “q”"),
])
def test_plain_text_of_notes_html(html: str, text: str) -> None:
    assert plain_text(html) == text


def test_container_is_not_a_tag_value(tmp_path: Path) -> None:
    """The same TagSet serves every container: dispatch happens in the writer, not here."""
    a = build_tagset(show(tmp_path), episode(tmp_path), info(Container.MP3), None, URL)
    b = build_tagset(show(tmp_path), episode(tmp_path), info(Container.OPUS), None, URL)
    assert a == b
