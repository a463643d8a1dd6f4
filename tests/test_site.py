"""The show's website, read back as browsers and link-card scrapers read it (lxml.html, links
resolved from each page's own URL), and byte for byte against the committed golden pages
(`pytest --regen-golden` rewrites them)."""
from __future__ import annotations

import io
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import webvtt
from lxml import etree
from PIL import Image

from feed_builder.core.errors import PodcastError
from feed_builder.publish.decide import publish
from feed_builder.publish.served import served
from tests.conftest import edit, run, snapshot
from tests.site_reader import RESOURCES, broken_links, html_pages, read_page, target
from tests.test_publish import add_episodes, public_without_build_dir

BASE = "https://example.com/4min-podcast"
EPISODE = "episodes/113-the-eastern-axis"
PAGE = f"{EPISODE}/index.html"
GOLDEN = Path(__file__).parent / "data/golden/site"
NS = {"podcast": "https://podcastindex.org/namespace/1.0"}


@pytest.fixture
def public(sample_show: Path) -> Path:
    publish(sample_show, sample_show / "public", jobs=1)
    return sample_show / "public"


def _enclosure(public: Path, title_part: str = "Eastern Axis") -> etree._Element:
    feed = etree.parse(str(public / "feed.xml"))
    return feed.xpath(f"//item[contains(title, '{title_part}')]/enclosure")[0]


def _meta(doc, prop: str) -> list[str]:
    return doc.xpath(f"//meta[@property='{prop}' or @name='{prop}']/@content")


@pytest.mark.parametrize("relpath, golden", [("index.html", "index.html"), (PAGE, "episode.html")])
def test_pages_match_golden(public: Path, relpath: str, golden: str, request: pytest.FixtureRequest):
    page = (public / relpath).read_bytes()
    if request.config.getoption("--regen-golden"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        (GOLDEN / golden).write_bytes(page)
    assert page == (GOLDEN / golden).read_bytes()


def test_the_episode_page_plays_and_downloads_the_published_enclosure(public: Path):
    doc = read_page(public, PAGE, BASE)
    enclosure = _enclosure(public)
    players = doc.xpath("//audio")
    assert len(players) == 1
    assert players[0].get("controls") is not None and players[0].get("preload") == "metadata"
    assert players[0].get("src") == enclosure.get("url")
    download = doc.xpath("//a[@download]")
    assert [a.get("href") for a in download] == [enclosure.get("url")]
    size_mb = f"{int(enclosure.get('length')) / 1_000_000:.1f} MB"
    assert "MP3" in download[0].text_content() and size_mb in download[0].text_content()
    assert target(public, BASE, enclosure.get("url")).stat().st_size == int(enclosure.get("length"))


@pytest.mark.parametrize("relpath", ["index.html", PAGE])
def test_every_page_has_one_h1_its_language_and_landmarks(public: Path, relpath: str):
    doc = read_page(public, relpath, BASE)
    assert doc.get("lang") == "en"  # the show's language
    assert len(doc.xpath("//h1")) == 1
    for landmark in ("header", "nav", "main", "footer"):
        assert doc.xpath(f"//{landmark}"), landmark
    assert len(doc.xpath("//main")) == 1


@pytest.mark.parametrize("relpath, canonical", [("index.html", f"{BASE}/"), (PAGE, f"{BASE}/{EPISODE}/")])
def test_every_page_is_described_for_search_engines_feed_readers_and_link_cards(public: Path, relpath: str,
                                                                               canonical: str):
    doc = read_page(public, relpath, BASE)
    assert doc.xpath("//link[@rel='canonical']/@href") == [canonical]
    assert doc.xpath("//link[@rel='alternate'][@type='application/rss+xml']/@href") == [f"{BASE}/feed.xml"]
    assert len(_meta(doc, "description")) == 1 and len(_meta(doc, "description")[0]) > 50
    assert _meta(doc, "og:url") == [canonical]
    assert _meta(doc, "og:title") and _meta(doc, "og:description")
    [image] = _meta(doc, "og:image")
    with Image.open(target(public, BASE, image)) as card:  # what Facebook, LinkedIn and Mastodon crop to
        assert card.size == (1200, 630)
        assert _meta(doc, "og:image:width") == ["1200"] and _meta(doc, "og:image:height") == ["630"]
    if relpath == PAGE:
        enclosure = _enclosure(public)
        assert _meta(doc, "og:audio") == [enclosure.get("url")]
        assert _meta(doc, "og:audio:type") == [enclosure.get("type")] == ["audio/mpeg"]


@pytest.mark.parametrize("relpath", ["index.html", PAGE])
def test_icons_and_stylesheet_are_made_here_and_the_stylesheet_is_cached_forever(public: Path, relpath: str):
    doc = read_page(public, relpath, BASE)
    [css] = doc.xpath("//link[@rel='stylesheet']/@href")
    assert re.fullmatch(rf"{BASE}/site-[0-9a-f]{{12}}\.css", css)
    assert served(css[len(BASE) + 1:]).immutable
    assert target(public, BASE, css).read_bytes().startswith(b":root")
    [icon] = doc.xpath("//link[@rel='icon']/@href")
    assert icon == f"{BASE}/favicon.ico"  # where browsers and Lighthouse look without reading a page
    with Image.open(public / "favicon.ico") as ico:
        assert ico.format == "ICO" and (32, 32) in ico.info["sizes"]
    [touch] = doc.xpath("//link[@rel='apple-touch-icon']/@href")
    with Image.open(target(public, BASE, touch)) as png:
        assert png.format == "PNG" and png.size == (180, 180)


def test_no_page_requests_anything_from_another_site_and_none_uses_web_fonts(public: Path):
    for relpath in html_pages(public):
        doc = read_page(public, relpath, BASE)
        for element, attribute, url, _ in doc.iterlinks():
            if (element.tag, attribute) in RESOURCES and element.get("rel") != "alternate" \
                    and element.get("rel") != "canonical":
                assert url.startswith(BASE + "/"), f"{relpath}: {url}"
        assert not doc.xpath("//script[@src]") and not doc.xpath("//iframe")
    for css in public.glob("site-*.css"):
        text = css.read_text()
        assert "@font-face" not in text and "@import" not in text and "url(" not in text


def test_every_link_between_pages_resolves(public: Path):
    assert broken_links(public, BASE) == []
    assert len(html_pages(public)) == 2


def test_the_plain_transcript_is_on_the_page_as_paragraphs_without_timings(public: Path, sample_show: Path):
    doc = read_page(public, PAGE, BASE)
    [section] = doc.xpath("//section[@id='transcript']")
    paragraphs = [" ".join(p.text_content().split()) for p in section.xpath(".//p")]
    written = [" ".join(p.split()) for p in (sample_show / EPISODE / "transcript.txt").read_text().split("\n\n") if p.strip()]
    assert paragraphs == written
    assert not section.xpath(".//a[contains(@href, '#t=')]")  # plain text has no timings to link to
    assert not doc.xpath("//ol[@class='chapters']")


VTT = """WEBVTT

00:00:00.000 --> 00:00:04.500
<v Host>In this episode, we take a close look at Russian foreign policy.

00:01:02.250 --> 00:01:09.000
<v Guest>The most crucial player in this new alignment is China.
"""
CHAPTERS = """00:00 Introduction
01:00 China https://example.com/4min-podcast/china
03:30 The Global South
"""


def test_chapters_and_timed_cues_link_to_their_moment_in_the_audio(sample_show: Path):
    (sample_show / EPISODE / "transcript.txt").unlink()
    (sample_show / EPISODE / "transcript.vtt").write_text(VTT)
    (sample_show / EPISODE / "chapters.txt").write_text(CHAPTERS)
    edit(sample_show, f"{EPISODE}/episode.md", "explicit: false\n",
         "explicit: false\npeople:\n  - name: Jane Example\n    role: guest\n    href: https://example.com/jane\n")
    publish(sample_show, sample_show / "public", jobs=1)
    public = sample_show / "public"
    doc = read_page(public, PAGE, BASE)
    audio = _enclosure(public).get("url")
    chapters = doc.xpath("//ol[@class='chapters']/li/a[@data-t]")
    assert [a.get("href") for a in chapters] == [f"{audio}#t=0", f"{audio}#t=60", f"{audio}#t=210"]
    assert [a.get("data-t") for a in chapters] == ["0", "60", "210"]
    assert "China" in chapters[1].text_content()
    assert doc.xpath("//ol[@class='chapters']/li[2]/a[2]/@href") == ["https://example.com/4min-podcast/china"]
    assert [a.text_content() for a in doc.xpath("//ul[@class='people']//a")] == ["Jane Example"]
    cues = doc.xpath("//section[@id='transcript']//p")
    read = webvtt.from_buffer(io.StringIO(VTT))  # an independent reader of the same timings
    assert len(cues) == len(read)
    for cue, caption in zip(cues, read):
        hours, minutes, seconds = caption.start.split(":")
        start = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
        assert cue.xpath(".//a/@href") == [f"{audio}#t={start:g}"]  # 0 and 62.25
        assert caption.text.split(">")[-1].strip() in cue.text_content()
    scripts = doc.xpath("//script")
    assert len(scripts) == 1 and "currentTime" in scripts[0].text  # seeks the player when JavaScript runs


def test_one_edited_episode_rewrites_its_page_and_the_index_page_only(sample_show: Path):
    add_episodes(sample_show, 2)
    publish(sample_show, sample_show / "public", jobs=1)
    before = snapshot(sample_show / "public")
    edit(sample_show, "episodes/114-copy/episode.md", "Copy 114", "Copy 114, retitled")
    publish(sample_show, sample_show / "public", jobs=1)
    after = snapshot(sample_show / "public")
    touched = {k for k in before.keys() | after.keys()
               if before.get(k) != after.get(k) and k.endswith(".html") and not k.startswith("transcripts/")}
    assert touched == {"episodes/114-copy/index.html", "index.html", ".build/cards/114-copy.html"}
    assert "Copy 114, retitled" in (sample_show / "public/index.html").read_text()


@pytest.mark.slow
def test_a_large_catalogue_is_paged_50_to_a_page_and_an_edit_rewrites_only_the_page_that_lists_it(sample_show: Path):
    add_episodes(sample_show, 51)
    for n in range(114, 165):  # a day apart, after 113
        edit(sample_show, f"episodes/{n}-copy/episode.md", f"2025-02-{n - 100:02d}",
             (date(2025, 1, 6) + timedelta(days=n - 113)).isoformat())
    publish(sample_show, sample_show / "public", jobs=2)
    public = sample_show / "public"
    first, second = read_page(public, "index.html", BASE), read_page(public, "page/2/index.html", BASE)
    assert len(first.xpath("//ol[@class='episodes']/li")) == 50
    assert len(second.xpath("//ol[@class='episodes']/li")) == 2
    titles = [a.text_content() for doc in (first, second) for a in doc.xpath("//ol[@class='episodes']//h3/a")]
    feed = etree.parse(str(public / "feed.xml")).xpath("//item/title/text()")
    assert titles == feed  # newest first, as in the feed
    assert first.xpath("//a[@rel='next']/@href") == [f"{BASE}/page/2/"]
    assert second.xpath("//a[@rel='prev']/@href") == [f"{BASE}/"]
    assert broken_links(public, BASE) == []
    before = public_without_build_dir(public)
    edit(sample_show, "episodes/113-the-eastern-axis/episode.md", "The Eastern Axis", "The Eastern Axis, retitled")
    publish(sample_show, sample_show / "public", jobs=2)
    changed = {k for k, v in public_without_build_dir(public).items() if before.get(k) != v}
    assert {k for k in changed if k.endswith(".html") and not k.startswith("transcripts/")} == \
        {PAGE, "page/2/index.html"}  # 113 is the oldest
    assert len(list((public / "episodes").iterdir())) == 52


def test_a_deleted_episode_loses_its_page_and_a_disabled_site_all_of_it(sample_show: Path):
    add_episodes(sample_show, 1)
    publish(sample_show, sample_show / "public", jobs=1)
    public = sample_show / "public"
    assert (public / "episodes/114-copy/index.html").is_file()
    shutil.rmtree(sample_show / "episodes/114-copy")
    publish(sample_show, public, jobs=1)
    assert not (public / "episodes/114-copy").exists()
    assert "114" not in (public / "index.html").read_text()
    assert broken_links(public, BASE) == []
    (sample_show / "podcast.toml").write_text((sample_show / "podcast.toml").read_text() + "\n[site]\nenabled = false\n")
    publish(sample_show, public, jobs=1)
    left = {str(p.relative_to(public)) for p in public.rglob("*") if p.is_file() and ".build" not in p.parts}
    assert not {p for p in left if p.endswith((".html", ".css", ".ico", ".png")) and not p.startswith("transcripts/")}
    assert not (public / "episodes").exists() and not list(public.glob("images/site-*"))
    assert (public / "feed.xml").is_file()


def test_a_noop_publish_checks_the_pages_and_rebuilds_one_edited_by_hand(public: Path, sample_show: Path):
    good = (public / PAGE).read_bytes()
    (public / PAGE).write_bytes(b"<p>vandalised</p>")
    assert publish(sample_show, public, jobs=1).built == 1
    assert (public / PAGE).read_bytes() == good
    (public / "index.html").unlink()
    publish(sample_show, public, jobs=1)
    assert (public / "index.html").is_file()
