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


# The feed item, the tags and the summary all need an episode's notes: rendered once per episode.
@lru_cache(maxsize=8)
def render_notes(markdown: str, *, allow_html: bool) -> str:
    parse, render = ParseOptions(), RenderOptions()
    parse.smart = True
    render.unsafe_ = allow_html
    return render_markdown(markdown, extension_options=ExtensionOptions(), parse_options=parse,
                           render_options=render).strip()


@lru_cache(maxsize=8)
def plain_summary(markdown: str) -> str:
    """The first paragraph without markup, for fields that take text only (`description`, tags);
    a heading is not a summary, so notes starting with `## Intro` give the paragraph after it."""
    rendered = render_notes(markdown, allow_html=False)
    first = m.group(1) if (m := re.search(r"<p>(.*?)</p>", rendered, re.S)) else rendered
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", first)).split())
