"""Every published file is served with the type its feed declares, and kept by clients only as long
as its name promises: forever for content-named files, minutes for the rest."""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from feed_builder.publish.served import IMMUTABLE, SHORT, served
from tests.conftest import edit, run

EPISODE = "episodes/113-the-eastern-axis"
NS = {"podcast": "https://podcastindex.org/namespace/1.0", "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd"}


def _published(root: Path) -> tuple[Path, etree._Element]:
    (root / EPISODE / "chapters.txt").write_text("00:00 Start\n01:00 China\n")
    assert run(root, "publish").exit_code == 0
    public = root / "public"
    return public, etree.parse(str(public / "feed.xml")).getroot()


def test_each_file_is_served_with_the_type_the_feed_declares(sample_show: Path) -> None:
    public, feed = _published(sample_show)
    base = feed.findtext("channel/link").rstrip("/") + "/"
    declared = [(e.get("url"), e.get("type")) for e in feed.iterfind("channel/item/enclosure")]
    declared += [(e.get("url"), e.get("type")) for e in feed.iterfind("channel/item/podcast:transcript", NS)]
    declared += [(e.get("url"), e.get("type")) for e in feed.iterfind("channel/item/podcast:chapters", NS)]
    assert {t for _, t in declared} >= {"audio/mpeg", "text/plain", "application/json", "application/json+chapters"}
    for url, mime in declared:
        relpath = url.removeprefix(base)
        assert (public / relpath).is_file()
        assert served(relpath).content_type.split(";")[0] == mime


def test_text_is_declared_utf8() -> None:
    assert served("feed.xml").content_type == "application/rss+xml; charset=utf-8"
    assert served("transcripts/113-the-eastern-axis.vtt").content_type == "text/vtt; charset=utf-8"
    assert served("audio/113-the-eastern-axis-7f76f77e1536.mp3").content_type == "audio/mpeg"


def test_only_content_named_files_are_kept_forever(sample_show: Path) -> None:
    public, _ = _published(sample_show)
    names = sorted(str(p.relative_to(public)).replace("\\", "/") for p in public.rglob("*")
                   if p.is_file() and not p.relative_to(public).parts[0].startswith("."))
    forever = {name for name in names if served(name).immutable}
    assert forever == {name for name in names if name.startswith(("audio/", "images/"))
                       or (name.startswith("site-") and name.endswith(".css"))}  # the site's stylesheet
    # A content-named file changes its name when its bytes change: the old URL keeps its old bytes.
    before = {name: (public / name).read_bytes() for name in forever}
    edit(sample_show, f"{EPISODE}/episode.md", "number: 113", "number: 114")
    assert run(sample_show, "publish").exit_code == 0
    for name, data in before.items():
        assert not (public / name).exists() or (public / name).read_bytes() == data
    assert served("feed.xml").cache_control == SHORT and served("images/cover-1efdc0f3de8a.jpg").cache_control == IMMUTABLE
