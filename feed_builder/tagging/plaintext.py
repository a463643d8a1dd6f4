"""Show notes as plain text, for tag fields that players display without markup.

The text is taken from the very HTML the feed carries (`notes.render_notes`), so markup never leaks
into a car stereo's display and the tag says what the feed says, raw-HTML policy included. Links keep
their target in parentheses: a tag cannot be clicked, but a listener can still read the address.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "tr", "hr", "dt", "dd"}
_SPACES = re.compile(r"\s+")
_HARD_BREAK = "\x00"  # cannot occur in parsed HTML text, unlike the newline of a soft break
# cmark writes regular HTML, so a tag-or-text scanner reads it; html.parser took 1.5 ms for 3 KB of
# notes, a third of a cold publish's CPU at 10,000 episodes.
_TOKEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|<!--.*?-->|([^<]+|<)", re.S)
_ATTR = re.compile(r"""([A-Za-z_:][-\w:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


@dataclass(frozen=True)
class _Block:
    kind: str  # the HTML element the text came from: "p", "h2", "li", ...
    text: str


def plain_text(html: str) -> str:
    """Blocks separated by a blank line, list items one per line as "- item"."""
    parser = _TextParser()
    for m in _TOKEN.finditer(html):
        closing, tag, attrs, text = m.groups()
        if text is not None:
            parser.handle_data(_unescape(text))
        elif tag is None:
            continue  # a comment, such as cmark's "raw HTML omitted"
        elif closing:
            parser.handle_endtag(tag.lower())
        else:
            parser.handle_starttag(tag.lower(), [(k, _unescape(a or b or c)) for k, a, b, c in _ATTR.findall(attrs)])
    parser.close()
    out: list[str] = []
    previous = ""
    for block in parser.blocks:
        if out:
            out.append("\n" if block.kind == previous == "li" else "\n\n")
        out.append(f"- {block.text}" if block.kind == "li" else block.text)
        previous = block.kind
    return "".join(out)


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


class _TextParser:
    """Collects blocks of text from start tags, end tags and text, in document order."""

    def __init__(self) -> None:
        self.blocks: list[_Block] = []
        self._kind = "p"
        self._parts: list[str] = []
        self._pre = 0
        self._links: list[tuple[str, int]] = []  # (href, index in _parts where the link text began)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._flush()
            self._kind = tag
            self._pre += tag == "pre"
        elif tag == "a":
            self._links.append((dict(attrs).get("href") or "", len(self._parts)))
        elif tag == "br":
            self._parts.append(_HARD_BREAK)
        elif tag == "img":
            self._parts.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._flush()
            self._pre -= tag == "pre"
        elif tag == "a" and self._links:
            href, begin = self._links.pop()
            label = "".join(self._parts[begin:]).strip()
            if href and href not in (label, f"mailto:{label}"):
                self._parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self._parts.append(data)

    def close(self) -> None:
        self._flush()

    def _flush(self) -> None:
        text = "".join(self._parts)
        if self._pre:
            text = text.replace(_HARD_BREAK, "\n").strip("\n")
        else:
            text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split(_HARD_BREAK))
        if text:
            self.blocks.append(_Block(self._kind, text))
        self._parts = []
