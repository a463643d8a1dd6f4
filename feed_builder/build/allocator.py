"""Large freed blocks go back to the system at once (glibc; elsewhere nothing changes).

glibc gives a large allocation a mapping of its own, unmapped when freed, but each time one is
freed it raises the size that counts as large to the block's size. Decoding a 3000 px cover
(9 MB images) thus moved every later block up to 9 MB into the heap, whose freed space stays
resident: 16 MB left in each process that scaled the art, and in every worker forked after it.
Fixed limits stop that. The heap keeps up to 4 MiB free at its top: with glibc's 128 KiB it was
shrunk and regrown for every episode, six times the page faults and 10% more time.
"""
from __future__ import annotations

import ctypes

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's <malloc.h>
_MMAP_THRESHOLD = 1 << 20  # an episode's blocks stay in the heap; a decoded cover does not
_TRIM_THRESHOLD = 4 << 20


def fix_thresholds() -> None:
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError, TypeError):  # not glibc, or no C library to load by that name
        return
    mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
    mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
