"""Padding for tags rendered in memory, sized as if mutagen had tagged the finished file.

A tag rendered into an empty buffer would get mutagen's padding for a file of zero bytes (1 KiB). We
keep mutagen's own rule but apply it to the audio that will follow the tag, so a later re-tag by us or
by any mutagen-based tool that fits the padding rewrites only the header. A fixed amount
(`padding=lambda info: 65536`) would be the trap: it makes every change of tag size a resize, and a
resize rewrites the whole file.
"""
from __future__ import annotations

from collections.abc import Callable

from mutagen import PaddingInfo


def for_audio_of(size: int) -> Callable[[PaddingInfo], int]:
    """A mutagen padding callback using the default rule for `size` bytes of following audio."""
    return lambda info: PaddingInfo(info.padding, size).get_default_padding()
