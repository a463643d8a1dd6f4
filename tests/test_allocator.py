from __future__ import annotations

from feed_builder.build.allocator import fix_thresholds
from tests.c_heap import mallinfo


def test_a_freed_large_block_leaves_later_ones_outside_the_heap() -> None:
    """glibc's default: freeing 9 MB (a decoded cover) makes every later block up to 9 MB come from
    the heap, whose freed space stays resident."""
    fix_thresholds()
    decoded = bytearray(9 << 20)
    del decoded
    mapped = mallinfo().hblkhd
    block = bytearray(4 << 20)
    assert mallinfo().hblkhd - mapped >= len(block)  # a mapping of its own, unmapped when freed
