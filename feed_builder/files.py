"""Atomic writes: a crash leaves the old file or the new one, never half of one.

Every output goes to a temp file beside its destination (same filesystem, so `os.replace` is
atomic), is fsynced, then renamed. An output whose bytes would not change is not touched at all,
so a re-publish keeps mtimes and a deploy step that syncs by mtime uploads nothing.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


TEMP_SUFFIX = ".tmp"


@contextmanager
def replacing(dest: Path) -> Iterator[Path]:
    """A temp path beside `dest` (a dot name, so hosts and globs skip it) that is fsynced and renamed
    onto `dest` if the block finishes, and removed if it does not. A temp left by a killed process
    is swept by the next publish (`is_temp`)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=TEMP_SUFFIX)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        _fsync(temp)  # the new bytes are on disk before the rename makes them visible
        os.replace(temp, dest)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def is_temp(name: str) -> bool:
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_output(dest: Path) -> Iterator[BinaryIO]:
    """Yields a file object writing a temp file that `replacing` puts in place."""
    with replacing(dest) as temp, temp.open("wb") as out:
        yield out
        os.chmod(temp, 0o644)


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
