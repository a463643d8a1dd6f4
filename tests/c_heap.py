"""The C heap as glibc reports it (`mallinfo2`, glibc 2.33 and later); tests that need it skip elsewhere."""
from __future__ import annotations

import ctypes

import pytest


class Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def mallinfo() -> Mallinfo2:
    libc = ctypes.CDLL(None)
    if not hasattr(libc, "mallinfo2"):
        pytest.skip("needs glibc 2.33's mallinfo2")
    libc.mallinfo2.restype = Mallinfo2
    return libc.mallinfo2()


def c_heap_in_use() -> int:
    """Bytes allocated and not freed, in the heap (`uordblks`) and in blocks mapped on their own (`hblkhd`)."""
    info = mallinfo()
    return info.uordblks + info.hblkhd
