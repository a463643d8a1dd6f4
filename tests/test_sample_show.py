"""The shipped episode 113 is real content: what its feed item and its page say about it is what
its episode page says (the seed text, committed under tests/data/seeds/), sentence by sentence."""
from __future__ import annotations

import html
import re
from pathlib import Path

import lxml.html
from lxml import etree

from feed_builder.publish.decide import publish

SEED = Path(__file__).parent / "data/seeds/113-the-eastern-axis.txt"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


def _words(text: str) -> str:
    return " ".join(text.split())


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", _words(text)) if s]


def test_every_sentence_of_episode_113s_description_and_notes_is_on_its_episode_page(sample_show: Path):
    publish(sample_show, sample_show / "public", jobs=1)
    item = etree.parse(str(sample_show / "public/feed.xml")).xpath("//item")[0]
    notes_html = item.findtext(CONTENT)
    page = lxml.html.fromstring((sample_show / "public/episodes/113-the-eastern-axis/index.html").read_bytes())
    said = {
        "description": item.findtext("description"),
        "content:encoded": lxml.html.fromstring(notes_html).text_content(),
        "page notes": page.xpath("//section[@class='notes']")[0].text_content(),
        "page description": page.xpath("//meta[@name='description']/@content")[0],
    }
    seed = _words(SEED.read_text(encoding="utf-8"))
    for where, text in said.items():
        sentences = _sentences(html.unescape(text))
        assert sentences, where
        for sentence in sentences:
            assert sentence in seed, f"{where}: {sentence!r} is not on the episode's page"
