"""Show notes as plain text, for tag fields that players display without markup.

The text is taken from the very HTML the feed carries (`notes.render_notes`), so markup never leaks
into a car stereo's display and the tag says what the feed says, raw-HTML policy included. Links keep
their target in parentheses: a tag cannot be clicked, but a listener can still read the address.

One loop with local variables rather than a parser object: every episode's tag needs this text,
and a handler class's method calls per tag made it a visible share of a cold publish.
"""
from __future__ import annotations

import re
from html import unescape

_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "tr", "hr", "dt", "dd"})
_HARD_BREAK = "\x00"  # cannot occur in parsed HTML text, unlike the newline of a soft break
# cmark writes regular HTML, so a tag-or-comment scanner reads it, far faster than html.parser;
# the text is what lies between the matches. A tag ends at the first ">" outside quotes whether or
# not the scanner may backtrack, so the possessive quantifiers (*+) change no match, only the speed.
_TAG = re.compile(
    r"""<(?:(/?)([A-Za-z][A-Za-z0-9]*+)([^>"']*+(?:(?:"[^"]*"|'[^']*')[^>"']*+)*+)>|!--.*?-->)""", re.DOTALL)
# Text is kept as one part per run between "<" characters, as the tag-by-tag parser before this one
# kept it: a link's label is the parts from the index where the link began, and a link left open into
# the next block (raw HTML can do that) applies that index to the new block's parts.
_TEXT_TOKENS = re.compile(r"[^<]+|<")
_ATTR = re.compile(r"""([A-Za-z_:][-\w:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
# split() leaves the text after the last tag on its own; a </p> after it ends the last block the way
# any block end does, so the loop needs no second copy of the block-ending code.
_END_OF_NOTES = ("/", "p", "")


def plain_text(html: str) -> str:
    """Blocks separated by a blank line, list items one per line as "- item"."""
    out: list[str] = []
    previous = ""  # the kind of the block last written: list items follow each other on single lines
    kind = "p"  # the element the current text belongs to: "p", "h2", "li", ...
    parts: list[str] = []
    pre = 0  # <pre> starts minus </pre> ends: while nonzero, text keeps its lines and spaces
    links: list[tuple[str, int]] = []  # (href, index in parts where the link text began)
    tokens = _TAG.split(html)
    tokens += _END_OF_NOTES
    scan = iter(tokens)
    for text, closing, tag, attrs in zip(scan, scan, scan, scan, strict=True):
        if text:
            if "&" in text or "<" in text:
                parts += [unescape(token) for token in _TEXT_TOKENS.findall(text)]
            else:
                parts.append(text)
        if tag is None:
            continue  # a comment, such as cmark's "raw HTML omitted"
        tag = tag.lower()
        if tag in _BLOCKS:
            if parts:
                text = "".join(parts)
                parts = []
                if pre:
                    text = text.replace(_HARD_BREAK, "\n").strip("\n")
                elif _HARD_BREAK in text:
                    text = "\n".join([" ".join(line.split()) for line in text.split(_HARD_BREAK)])
                else:
                    # Splitting into words costs a string per word, and text is single-spaced but for
                    # cmark's soft breaks. Every whitespace character but the space is unprintable, so
                    # printable text without a double space has nothing left to collapse.
                    text = text.replace("\n", " ")
                    text = " ".join(text.split()) if "  " in text or not text.isprintable() else text.strip()
                if text:
                    if out:
                        out.append("\n" if kind == previous == "li" else "\n\n")
                    out.append(f"- {text}" if kind == "li" else text)
                    previous = kind
            if closing:
                pre -= tag == "pre"
            else:
                kind = tag
                pre += tag == "pre"
        elif tag == "a":
            if not closing:
                links.append((_attribute(attrs, "href"), len(parts)))
            elif links:
                href, begin = links.pop()
                label = "".join(parts[begin:]).strip()
                if href and href not in (label, f"mailto:{label}"):
                    parts.append(f" ({href})")
        elif closing:
            continue
        elif tag == "br":
            parts.append(_HARD_BREAK)
        elif tag == "img":
            parts.append(_attribute(attrs, "alt"))
    return "".join(out)


def _attribute(attrs: str, name: str) -> str:
    """The last value given for `name`, or "" if none."""
    value = ""
    for key, double_quoted, single_quoted, bare in _ATTR.findall(attrs):
        if key == name:
            value = double_quoted or single_quoted or bare
    return unescape(value) if "&" in value else value
