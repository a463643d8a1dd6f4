"""One publish at a time per output folder: two at once would interleave renames and the manifest."""
from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from feed_builder.core.errors import PodcastError, problem

LOCK = ".build/lock"


@contextmanager
def publish_lock(out: Path) -> Iterator[None]:
    """Held for the whole run; the kernel drops it if the process dies, so it never goes stale."""
    path = out / LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PodcastError([problem(out, None, "lock",
                                        "another `podcast publish` is writing this folder "
                                        "(expected one publish at a time: wait for it to finish, then run again)")]) from None
        yield
    finally:
        os.close(fd)
