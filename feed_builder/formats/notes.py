"""Show notes: Markdown to HTML with cmark, through cmarkgfm's public API.

cmark's plain renderer is used, not the GFM entry point, which leaks a parse tree per call. The
plain one leaves the returned HTML to the caller to free and cmarkgfm never does: a few KB per
episode and process. Freeing it would need cmarkgfm's private module, so the leak is accepted;
the benchmark's peak-memory figures include it. Raw HTML stays escaped unless the show allows it: notes
end up inside every app's HTML view.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

from cmarkgfm import markdown_to_html
from cmarkgfm.cmark import Options


# The feed item, the tags and the summary all need an episode's notes: rendered once per episode.
@lru_cache(maxsize=8)
def render_notes(markdown: str, *, allow_html: bool) -> str:
    options = Options.CMARK_OPT_SMART
    if allow_html:
        options |= Options.CMARK_OPT_UNSAFE
    return markdown_to_html(markdown, options).strip()


@lru_cache(maxsize=8)
def plain_summary(markdown: str) -> str:
    """The first paragraph without markup, for fields that take text only (`description`, tags);
    a heading is not a summary, so notes starting with `## Intro` give the paragraph after it."""
    rendered = render_notes(markdown, allow_html=False)
    first = m.group(1) if (m := re.search(r"<p>(.*?)</p>", rendered, re.S)) else rendered
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", first)).split())
