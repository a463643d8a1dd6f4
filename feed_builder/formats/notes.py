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

from feed_builder.core.printable import unprintable

# cmark turns a numeric character reference into its character: &#7; is as much a control
# character in the feed as a raw one, and &#xFFFE; even comes out as bytes that are not UTF-8.
_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));")


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


def unprintable_notes(markdown: str) -> tuple[int, str] | None:
    """The first character the feed cannot carry, written or referenced: where, and the message."""
    found = [unprintable(markdown)]
    for m in _REFERENCE.finditer(markdown):
        code = int(m[1], 16) if m[1] else int(m[2])
        if code <= 0x10FFFF and (referenced := unprintable(chr(code))):
            found.append((m.start(), referenced[1]))
    return min((f for f in found if f is not None), default=None)
