from pathlib import Path

import pytest

from feed_builder.core.errors import PodcastError
from feed_builder.core.model import Category, ShowType
from feed_builder.show.settings import load_show


def test_sample_show_loads(sample_show: Path):
    show = load_show(sample_show)
    assert show.title == "4min Podcast (English)"
    assert show.categories[0] == Category("News", "Politics")
    assert show.type is ShowType.EPISODIC
    assert show.feed_url == "https://example.com/4min-podcast/feed.xml"
    assert show.funding[0].text == "Support the show"


def _edit(root: Path, old: str, new: str) -> None:
    path = root / "podcast.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("old, new, expected", [
    ('base_url = "https://', 'base_url = "http://', "podcast.toml:26: base_url: 'http://example.com/4min-podcast' is not an https URL"),
    ('base_url = "https://example.com', 'base_url = "http://127.0.0.1.example.com',
     "base_url: 'http://127.0.0.1.example.com/4min-podcast' is not an https URL"),  # loopback only by address
    ('name = "History"', 'name = "Histories"', "podcast.toml:20: categories.name: 'Histories' is not an Apple Podcasts category"),
    ('subcategory = "Politics"', 'subcategory = "Polka"', "categories.subcategory: 'Polka' is not a subcategory of 'News'"),
    ('language = "en"', 'language = "English"', "podcast.toml:12: language: 'English' is not a language code"),
    ('explicit = false', 'explicit = "no"', "podcast.toml:15: explicit: 'no' is not a boolean (expected true or false)"),
    ('type = "episodic"', 'type = "daily"', "podcast.toml:16: type: 'daily' is not allowed (expected one of: episodic, serial)"),
    ('email = "owner@example.com"', 'email = "nobody"', "owner.email: 'nobody' is not an e-mail address"),
    ('email = "owner@example.com"', 'email = "a@' + "." * 100_000 + '@"', "owner.email: 'a@....."),
    ('medium = "podcast"', 'medium = "radio"', "podcast.toml:17: medium: 'radio' is not allowed"),
    ('locked = true', 'locked = true\ncolour = "red"', "podcast.toml:19: colour: unknown key"),
    ('id3_version = 3 ', 'id3_version = 5 ', "build.id3_version: 5 is not allowed (expected 3 or 4)"),
    ('title = "4min', 'title = 4min', "podcast.toml:6: toml: "),
])
def test_bad_settings_are_reported_with_line_and_field(sample_show: Path, old: str, new: str, expected: str):
    _edit(sample_show, old, new)
    with pytest.raises(PodcastError) as e:
        load_show(sample_show)
    assert any(expected in str(p) for p in e.value.problems), e.value


@pytest.mark.parametrize("url", ["http://127.0.0.1:9000/shows/4min", "http://localhost:8080", "http://[::1]:9000/b"])
def test_base_url_may_be_http_on_this_machine_for_a_test(sample_show: Path, url: str):
    _edit(sample_show, 'base_url = "https://example.com/4min-podcast"', f'base_url = "{url}"')
    assert load_show(sample_show).feed_url == url.rstrip("/") + "/feed.xml"


def test_every_problem_is_reported_at_once(sample_show: Path):
    _edit(sample_show, 'base_url = "https://', 'base_url = "http://')
    _edit(sample_show, 'language = "en"', 'language = "English"')
    with pytest.raises(PodcastError) as e:
        load_show(sample_show)
    assert {p.field for p in e.value.problems} == {"base_url", "language"}


def test_missing_show_file(tmp_path: Path):
    with pytest.raises(PodcastError, match="podcast.toml: file: not found"):
        load_show(tmp_path)
