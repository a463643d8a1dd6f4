"""Show notes: Markdown to HTML with comrak, a Rust port of GitHub's cmark.

CommonMark as cmark renders it (smart punctuation; raw HTML omitted unless the show allows it,
since notes end up inside every app's HTML view), at cmark's speed. cmarkgfm, the C binding used
before, never frees the HTML cmark returns to it, so every rendered episode stayed in the memory
of the process that rendered it; freeing it needed cmarkgfm's private module.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

from comrak import ExtensionOptions, ParseOptions, RenderOptions, render_markdown

from feed_builder.core.printable import unprintable

# cmark turns a numeric character reference into its character: &#7; is as much a control
# character in the feed as a raw one, and &#xFFFE; even comes out as bytes that are not UTF-8.
_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));")


# The feed item, the tags and the summary all need an episode's notes: rendered once per episode.
@lru_cache(maxsize=8)
def render_notes(markdown: str, *, allow_html: bool, as_html: bool = False) -> str:
    """`as_html`: the notes are HTML another host published (`notes_format: html`, written by
    `podcast import`), kept as they were; only `]]>`, which would end the feed's CDATA, is escaped."""
    if as_html:
        return markdown.strip().replace("]]>", "]]&gt;")
    parse, render = ParseOptions(), RenderOptions()
    parse.smart = True
    render.unsafe_ = allow_html
    return render_markdown(markdown, extension_options=ExtensionOptions(), parse_options=parse,
                           render_options=render).strip()


@lru_cache(maxsize=8)
def plain_summary(markdown: str, *, as_html: bool = False) -> str:
    """The first paragraph without markup, for fields that take text only (`description`, tags);
    a heading is not a summary, so notes starting with `## Intro` give the paragraph after it."""
    rendered = render_notes(markdown, allow_html=False, as_html=as_html)
    first = m.group(1) if (m := re.search(r"<p>(.*?)</p>", rendered, re.S)) else rendered
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", first)).split())


def unprintable_notes(markdown: str) -> tuple[int, str] | None:
    """The first character the feed cannot carry, written or referenced: where, and the message."""
    found = [unprintable(markdown)]
    for m in _REFERENCE.finditer(markdown):
        code = int(m[1], 16) if m[1] else int(m[2])
        if code <= 0x10FFFF and (referenced := unprintable(chr(code))):
            found.append((m.start(), referenced[1]))
    return min((f for f in found if f is not None), default=None)
