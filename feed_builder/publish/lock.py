"""One publish at a time per output folder: two at once would interleave renames and the manifest.

A POSIX record lock (`lockf`), not `flock`: a record lock belongs to the process that took it and
is not shared with the worker processes it forks, so it is released the moment the publishing
process dies, even while a worker is still finishing its chunk. Windows has no `fcntl`; there the
C runtime's byte-range lock does the same job.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from feed_builder.core.errors import PodcastError, problem

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

LOCK = ".build/lock"


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:  # BlockingIOError or PermissionError, as the platform says "taken"
        return False
    return True


@contextmanager
def publish_lock(out: Path) -> Iterator[None]:
    """Held for the whole run; the kernel drops it if the process dies, so it never goes stale."""
    path = out / LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_lock(fd):
            raise PodcastError([problem(out, None, "lock",
                                        "another `podcast publish` is writing this folder "
                                        "(expected one publish at a time: wait for it to finish, then run again)")])
        yield
    finally:
        os.close(fd)
