"""Atomic writes: a crash leaves the old file or the new one, never half of one.

Every output goes to a temp file beside its destination (same filesystem, so `os.replace` is
atomic), is fsynced, then renamed. An output whose bytes would not change is not touched at all,
so a re-publish keeps mtimes and a deploy step that syncs by mtime uploads nothing.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def atomic_output(dest: Path) -> Iterator[BinaryIO]:
    """Yields a temp file beside `dest`; renamed onto it only if the block finishes."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_if_changed(dest: Path, data: bytes) -> bool:
    """Writes `data` unless `dest` already holds exactly it; says whether it wrote."""
    try:
        if dest.stat().st_size == len(data) and dest.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    with atomic_output(dest) as out:
        out.write(data)
    return True


def copy_if_missing(source: Path, dest: Path, produce: Callable[[BinaryIO], None] | None = None) -> bool:
    """Creates `dest` (content-addressed, so an existing one is already right); says whether it wrote."""
    if dest.exists():
        return False
    with atomic_output(dest) as out:
        if produce is None:
            with source.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
        else:
            produce(out)
    return True
