"""Show notes: Markdown to HTML with cmark.

cmark's plain `cmark_markdown_to_html` renders 3 KB in under 0.1 ms; cmarkgfm's GFM entry point was
measured to leak (744 MiB after 10,000 calls), so only the plain one is used. Raw HTML stays escaped
unless the show allows it: notes end up inside every app's HTML view.
"""
from __future__ import annotations

import ctypes
import html
import re
from functools import lru_cache

from cmarkgfm import _cmark
from cmarkgfm.cmark import Options

# cmark allocates the HTML with the C library's allocator and leaves freeing it to the caller;
# cmarkgfm's `markdown_to_html` never does, which cost 4.5 KB per episode, in every process, for
# the whole run (45 MB at 10,000 episodes).
_free = ctypes.CDLL(None).free
_free.argtypes = [ctypes.c_void_p]
_free.restype = None


def _markdown_to_html(markdown: str, options: int) -> str:
    encoded = markdown.encode("utf-8")
    html_ptr = _cmark.lib.cmark_markdown_to_html(encoded, len(encoded), options)
    try:
        return _cmark.ffi.string(html_ptr).decode("utf-8")
    finally:
        _free(int(_cmark.ffi.cast("uintptr_t", html_ptr)))


# The feed item, the tags and the summary all need an episode's notes: rendered once per episode.
@lru_cache(maxsize=8)
def render_notes(markdown: str, *, allow_html: bool) -> str:
    options = Options.CMARK_OPT_SMART
    if allow_html:
        options |= Options.CMARK_OPT_UNSAFE
    return _markdown_to_html(markdown, options).strip()


@lru_cache(maxsize=8)
def plain_summary(markdown: str) -> str:
    """The first paragraph without markup, for fields that take text only (`description`, tags);
    a heading is not a summary, so notes starting with `## Intro` give the paragraph after it."""
    rendered = render_notes(markdown, allow_html=False)
    first = m.group(1) if (m := re.search(r"<p>(.*?)</p>", rendered, re.S)) else rendered
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", first)).split())
