"""Which bytes a request asks for (RFC 9110 §14): Range, and If-Range, which drops a range taken
from an older version of the file.

One range only: a player seeks with one. A list of ranges, or a header we cannot read, is ignored
and the whole file sent, which the RFC allows; a range that starts past the end is refused (416),
which tells a client that its idea of the file's length is wrong.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_ONE_RANGE = re.compile(r"bytes=(\d*)-(\d*)", re.IGNORECASE)


class Unsatisfiable(Exception):
    """No byte of the file is in the range asked for."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int  # the last byte, inclusive, as Content-Range writes it

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


def requested_span(range_header: str | None, if_range: str | None, size: int, validators: tuple[str, ...]) -> Span | None:
    """The part of a file of `size` bytes to send, or None for all of it. `validators` are the
    file's ETag and Last-Modified, one of which an If-Range must repeat exactly."""
    if range_header is None or (if_range is not None and if_range.strip() not in validators):
        return None
    match = _ONE_RANGE.fullmatch(range_header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if first:
        start = int(first)
        if last and int(last) < start:
            return None  # not a range at all: ignored, as a malformed header is
        if start >= size:
            raise Unsatisfiable
        return Span(start, min(int(last), size - 1) if last else size - 1)
    if not last:
        return None  # "bytes=-"
    suffix = int(last)  # the last N bytes
    if suffix == 0 or size == 0:
        raise Unsatisfiable
    return Span(max(0, size - suffix), size - 1)
