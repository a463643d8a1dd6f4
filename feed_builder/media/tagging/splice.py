"""A tagged file in one pass: new tag bytes rendered in memory, the master's audio streamed once.

Copying a master and letting mutagen insert a tag writes the file twice; rendering the tag first
and streaming the audio after it writes each byte once (bench/bench_tagging.py measures both).
Every container is written so:
the output is a sequence of parts, each either bytes rendered in memory or a `Part` that streams a
stretch of the master (`Span` as it is, `ogg.Renumbered` page by page).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from feed_builder.core.errors import PodcastError, problem

_CHUNK = 1 << 20


class Part(Protocol):
    """Something that writes (part of) a tagged file, reading what it needs from the master."""

    def write(self, master: BinaryIO, out: BinaryIO) -> int:
        """Write to `out`; returns the bytes written."""


@dataclass(frozen=True)
class Span:
    """The master's bytes from `start` to `end`, copied as they are."""

    start: int
    end: int

    def write(self, master: BinaryIO, out: BinaryIO) -> int:
        master.seek(self.start)
        copy_range(master, out, self.end - self.start)
        return self.end - self.start


@dataclass(frozen=True)
class Joined:
    """Parts in order; `bytes` are written as they are."""

    parts: Sequence[bytes | Part]

    def write(self, master: BinaryIO, out: BinaryIO) -> int:
        written = 0
        for part in self.parts:
            if isinstance(part, bytes):
                out.write(part)
                written += len(part)
            else:
                written += part.write(master, out)
        return written


@dataclass(frozen=True)
class Splice:
    """`head`, then the master's bytes from `start` to `end`: a tag in front of the audio (MP3, FLAC)."""

    head: bytes
    start: int
    end: int

    def write(self, master: BinaryIO, out: BinaryIO) -> int:
        return Joined((self.head, Span(self.start, self.end))).write(master, out)


def copy_range(source: BinaryIO, out: BinaryIO, length: int) -> None:
    """Copy `length` bytes; a master that shrinks while being read is an error, not a short file."""
    while length:
        chunk = source.read(min(_CHUNK, length))
        if not chunk:
            raise ended_early(source)
        out.write(chunk)
        length -= len(chunk)


def ended_early(source: BinaryIO) -> PodcastError:
    """The error for a master shorter than it was when its layout was read."""
    return PodcastError([problem(getattr(source, "name", "?"), None, "audio",
                                 "ended early: was it changed while being read? (expected it to stay unchanged during a publish)")])
