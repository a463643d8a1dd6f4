"""`podcast serve`'s pages in a real browser (Debian's Chromium): the player loads, a chapter seeks
it, the transcript is there, axe-core finds no WCAG 2.1 A/AA violation, the feed is discovered, and
an edit reloads the open page. The show has a timed transcript, chapters and a 7 MB master."""
from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.chromium import axe_violations, chromium, need_chromium
from tests.conftest import REPO, SHOW_PARTS, edit
from tests.serving import CHAPTER_STARTS, EPISODE, Serving, eventually, fetch, make_timed_show, serving

pytestmark = pytest.mark.slow
PAGE = "/episodes/113-the-eastern-axis/"
TITLE = "Putin’s Russia – The Eastern Axis: How Is Moscow Seeking New Allies Beyond the West?"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serving]:
    need_chromium()
    root = tmp_path_factory.mktemp("browser") / "show"
    root.mkdir()
    for part in SHOW_PARTS:
        (shutil.copytree if (REPO / part).is_dir() else shutil.copy2)(REPO / part, root / part)
    with serving(make_timed_show(root)) as running:
        yield running


@pytest.fixture(scope="module")
def browser(served: Serving) -> Iterator:
    with chromium() as driver:
        yield driver


def _player(browser, served: Serving) -> None:
    browser.get(served.url + PAGE)
    assert eventually(lambda: browser.execute_script("return document.querySelector('audio').readyState") >= 1, 30)


def test_the_player_loads_metadata_and_can_seek_the_whole_file(browser, served):
    _player(browser, served)
    duration, seekable_end, source = browser.execute_script(
        "const a = document.querySelector('audio');"
        "return [a.duration, a.seekable.length ? a.seekable.end(0) : 0, a.currentSrc];")
    assert 290 < duration < 293 and seekable_end == pytest.approx(duration, abs=1)
    assert source.startswith(served.url + "/audio/113-the-eastern-axis-")


@pytest.mark.parametrize("index", range(len(CHAPTER_STARTS)))
def test_clicking_a_chapter_seeks_the_player_to_its_start(browser, served, index):
    _player(browser, served)
    links = browser.find_elements("css selector", "ol.chapters a[href*='#t=']")
    assert [link.get_attribute("href").rsplit("#t=", 1)[1] for link in links] == [str(s) for s in CHAPTER_STARTS]
    browser.execute_script("document.querySelector('audio').currentTime = 100")
    links[index].click()
    assert eventually(lambda: abs(browser.execute_script(
        "return document.querySelector('audio').currentTime") - CHAPTER_STARTS[index]) < 1.5, 30)
    assert browser.current_url == served.url + PAGE  # the player seeks here; no navigation


def test_the_transcript_is_on_the_page_with_its_speakers(browser, served):
    browser.get(served.url + PAGE)
    text = browser.find_element("css selector", "section#transcript").text
    assert "In this episode, we take a close look at Russian foreign policy." in text
    assert "The most crucial player in this new alignment is China." in text
    assert "Host" in text and "Guest" in text
    assert len(browser.find_elements("tag name", "h1")) == 1


@pytest.mark.parametrize("path", ["/", PAGE])
def test_axe_finds_no_wcag21_a_or_aa_violation(browser, served, path):
    browser.get(served.url + path)
    assert axe_violations(browser) == []


@pytest.mark.parametrize("path", ["/", PAGE])
def test_the_feed_is_discovered_from_the_page(browser, served, path):
    browser.get(served.url + path)
    (link,) = browser.find_elements("css selector", "link[rel='alternate'][type='application/rss+xml']")
    assert link.get_attribute("href") == served.url + "/feed.xml"
    status, headers, _ = fetch(link.get_attribute("href"))
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")


def test_an_edited_title_appears_without_a_manual_reload(browser, served):
    browser.get(served.url + PAGE)
    browser.execute_script("window.notReloaded = true")
    edit(served.root, f"{EPISODE}/episode.md", TITLE, "The Eastern Axis, retitled")
    assert eventually(lambda: _heading(browser) == "The Eastern Axis, retitled", 60)
    assert browser.execute_script("return window.notReloaded === undefined")


def _heading(browser) -> str | None:
    """The page's h1, or None while the page is being replaced by its reload."""
    from selenium.common.exceptions import WebDriverException

    try:
        return browser.execute_script("const h = document.querySelector('h1'); return h && h.textContent.trim();")
    except WebDriverException:
        return None
