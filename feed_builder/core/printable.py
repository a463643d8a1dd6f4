"""Characters a feed cannot carry, refused where a show's text is read, with the line they are on.

XML 1.0 allows tab, newline, carriage return and everything from U+0020 except surrogates and
U+FFFE/U+FFFF; lxml refuses the rest, so one of them anywhere stops the whole feed. C1 controls
are legal XML but never intended in a podcast's text, so they are refused too.
"""
from __future__ import annotations

import re

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def unprintable(text: str) -> tuple[int, str] | None:
    """Where the first such character in `text` is, and the problem's message; None if there is none."""
    bad = _FORBIDDEN.search(text)
    if bad is None:
        return None
    return bad.start(), f"contains the control character U+{ord(bad.group()):04X} (expected printable text)"
