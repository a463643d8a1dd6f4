"""The site's settings and theme: `[site]`, `[[subscribe]]`, `[[podroll]]` in podcast.toml (the
podroll also in the feed, read back with XPath and by `podcast validate`), and templates overridden
from the show's `theme/` folder, whose mistakes are problems with their file and line."""
from __future__ import annotations

import os
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from feed_builder.core.errors import PodcastError
from feed_builder.publish.decide import publish
from feed_builder.show.settings import load_show
from tests.conftest import run, snapshot
from tests.test_publish import add_episodes

NS = {"podcast": "https://podcastindex.org/namespace/1.0"}
GUID = "917393e3-1b1e-5cef-ace4-edaa54e1f810"
LISTS = f"""
[[people]]
name = "Jane Example"
href = "https://example.com/jane"
[[subscribe]]
name = "Apple Podcasts"
url = "https://podcasts.example.com/4min"

[[podroll]]
feed_guid = "{GUID}"
feed_url = "https://other.example.com/feed.xml"
title = "Another Show <& Friends>"
"""


def _append(root: Path, text: str) -> None:
    (root / "podcast.toml").write_text((root / "podcast.toml").read_text() + text)


def test_subscribe_links_and_the_podroll_reach_the_site_and_the_podroll_the_feed(sample_show: Path):
    _append(sample_show, LISTS)
    publish(sample_show, sample_show / "public", jobs=1)
    feed = etree.parse(str(sample_show / "public/feed.xml"))
    items = feed.xpath("/rss/channel/podcast:podroll/podcast:remoteItem", namespaces=NS)
    assert [(i.get("feedGuid"), i.get("feedUrl"), i.get("title")) for i in items] == \
        [(GUID, "https://other.example.com/feed.xml", "Another Show <& Friends>")]
    page = lxml.html.fromstring((sample_show / "public/index.html").read_bytes())
    assert page.xpath("//ul[@class='subscribe']//a/@href") == [
        "https://example.com/4min-podcast/feed.xml", "https://podcasts.example.com/4min"]
    assert [(a.get("href"), a.text_content()) for a in page.xpath("//ul[@class='podroll']//a")] == \
        [("https://other.example.com/feed.xml", "Another Show <& Friends>")]  # escaped, read back whole
    assert [a.text_content() for a in page.xpath("//ul[@class='people']//a")] == ["Jane Example"]
    result = run(sample_show, "validate", str(sample_show / "public/feed.xml"), "--files", str(sample_show / "public"))
    assert result.exit_code == 0, result.output


def test_a_new_subscribe_link_or_podroll_entry_rebuilds_no_episode_and_rewrites_the_index_and_feed_only(
        sample_show: Path):
    """They are on the index pages and in the channel, not in any episode's page, item or audio."""
    add_episodes(sample_show, 2)
    publish(sample_show, sample_show / "public", jobs=1)
    before = snapshot(sample_show / "public")
    _append(sample_show, LISTS)
    republished = run(sample_show, "publish")
    assert "3 episode(s): 0 built, 3 unchanged" in republished.output  # what the podcaster waits for
    after = snapshot(sample_show / "public")
    assert {k for k in before.keys() | after.keys()
            if before.get(k) != after.get(k) and not k.startswith(".build/")} == {"index.html", "feed.xml"}
    assert "https://podcasts.example.com/4min" in (sample_show / "public/index.html").read_text()


@pytest.mark.parametrize("text, line, expected", [
    ("[site]\nenabled = \"yes\"\n", 2, "site.enabled: 'yes' is not a boolean (expected true or false)"),
    ("[site]\nenable = true\n", 2, "site.enable: unknown key (expected one of: enabled)"),
    ("[[subscribe]]\nname = \"Spotify\"\nurl = \"http://open.example.com/x\"\n", 3,
     "subscribe.url: 'http://open.example.com/x' is not an https URL"),
    ("[[subscribe]]\nurl = \"https://open.example.com/x\"\n", 1, "subscribe.name: missing (expected a value)"),
    ("[[podroll]]\nfeed_guid = \"not-a-guid\"\nfeed_url = \"https://o.example.com/f.xml\"\ntitle = \"O\"\n", 2,
     "podroll.feed_guid: 'not-a-guid' is not a podcast GUID (expected the other show's podcast:guid, a UUID)"),
    (f"[[podroll]]\nfeed_guid = \"{GUID}\"\nfeed_url = \"https://o.example.com/f.xml\"\n", 1,
     "podroll.title: missing (expected a value)"),
    (f"[[podroll]]\nfeed_guid = \"{GUID}\"\nfeed_url = \"ftp://o.example.com/f.xml\"\ntitle = \"O\"\n", 3,
     "podroll.feed_url: 'ftp://o.example.com/f.xml' is not an https URL"),
])
def test_bad_site_settings_are_problems_with_their_line(sample_show: Path, text: str, line: int, expected: str):
    toml = sample_show / "podcast.toml"
    before = toml.read_text()
    toml.write_text(before + text)
    with pytest.raises(PodcastError) as e:
        load_show(sample_show)
    messages = [str(p).split("show/", 1)[1] for p in e.value.problems]
    assert len(messages) == 1 and messages[0].startswith(f"podcast.toml:{before.count(chr(10)) + line}: {expected}"), \
        messages


def test_subscribe_that_is_not_a_list_of_tables_is_a_problem(sample_show: Path):
    toml = sample_show / "podcast.toml"
    toml.write_text('subscribe = "Apple"\n' + toml.read_text())  # a top-level key, before any table
    with pytest.raises(PodcastError) as e:
        load_show(sample_show)
    assert [str(p).split("show/", 1)[1] for p in e.value.problems] == [
        "podcast.toml:1: subscribe: 'Apple' is not a list of tables (expected entries with named fields)"]


def test_a_theme_overrides_templates_by_name_and_an_edit_of_it_rebuilds_the_pages(sample_show: Path):
    theme = sample_show / "theme"
    theme.mkdir()
    (theme / "card.html").write_text('<li><a href="episodes/{{ episode.slug }}/">Listen: {{ episode.title }}</a></li>\n')
    (theme / "site.css").write_text("body { color: #111; }\n")
    publish(sample_show, sample_show / "public", jobs=1)
    public = sample_show / "public"
    index = lxml.html.fromstring((public / "index.html").read_bytes())
    assert index.xpath("//ol[@class='episodes']/li/a")[0].text_content().startswith("Listen: Putin’s Russia")
    [css] = index.xpath("//link[@rel='stylesheet']/@href")
    assert (public / css).read_text() == "body { color: #111; }\n" and len(list(public.glob("site-*.css"))) == 1
    (theme / "card.html").write_text('<li><a href="episodes/{{ episode.slug }}/">Hear: {{ episode.title }}</a></li>\n')
    assert publish(sample_show, public, jobs=1).built == 1  # the theme is in the cache key
    assert "Hear: Putin’s Russia" in (public / "index.html").read_text()


@pytest.mark.parametrize("name, text, expected", [
    ("episode.html", '{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n',
     "theme/episode.html:3: template: Expected an expression, got 'end of statement block'"),
    ("card.html", "<li>\n{{ episode.titel }}\n</li>\n",
     "theme/card.html:2: template: cannot be rendered: 'feed_builder.core.model.Episode object' has no attribute 'titel'"),
    ("index.html", "<p>{{ show.title }}</p>\n",
     "theme/index.html: template: writes {{ episodes }} 0 times (expected once"),
    ("base.html", '{% include "header.html" %}\n',
     "theme/base.html:1: template: includes 'header.html', which does not exist"),
])
def test_a_broken_template_is_a_problem_naming_its_file_and_line(sample_show: Path, name: str, text: str,
                                                                   expected: str):
    (sample_show / "theme").mkdir()
    (sample_show / "theme" / name).write_text(text)
    result = run(sample_show, "publish", "-q")
    assert result.exit_code == 1
    lines = [line.split("show/", 1)[-1] for line in result.stderr.splitlines() if "template" in line]
    assert lines and lines[0].startswith(expected), result.stderr
    assert not [p for p in (sample_show / "public").rglob("*") if p.is_file() and ".build" not in p.parts]


def test_a_theme_file_outside_the_repository_is_refused_before_it_is_read(sample_show: Path, tmp_path: Path):
    secret = tmp_path / "secret.html"
    secret.write_text("{{ 'the secret' }}")
    (sample_show / "theme").mkdir()
    os.symlink(secret, sample_show / "theme/episode.html")
    with pytest.raises(PodcastError) as e:
        load_show(sample_show)
    [problem] = e.value.problems
    assert problem.field == "theme" and "is outside the show's repository" in problem.message
