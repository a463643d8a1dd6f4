"""Atomic writes: a crash leaves the old file or the new one, never half of one.

Every output is written to a temp file beside its destination (same filesystem, so `os.replace`
is atomic) and renamed only once its bytes are on disk. `publish` stages all of a run's outputs
and renames them together after one `sync` (an fsync per file cost more than the work itself at
10,000 episodes), and only once the whole build is known to be good. An output whose bytes would
not change is not touched at all, so a re-publish keeps mtimes and a deploy that syncs by mtime
uploads nothing.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def new_temp(dest: Path) -> Path:
    """An empty temp file beside `dest`: a dot name, so static hosts and globs skip it."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=TEMP_SUFFIX)
    os.close(fd)
    os.chmod(name, 0o644)
    return Path(name)


def is_temp(name: str) -> bool:
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


Parts = Sequence[bytes | memoryview]


def same_content(dest: Path, parts: Parts) -> bool:
    """Whether `dest` holds exactly the parts, read piece by piece: a 48 MB feed is compared
    without a second copy of it in memory."""
    try:
        if dest.stat().st_size != sum(len(p) for p in parts):
            return False
        with dest.open("rb") as f:
            return all(f.read(len(part)) == part for part in parts)
    except FileNotFoundError:
        return False


@contextmanager
def replacing(dest: Path) -> Iterator[Path]:
    """One file, now: a temp path that is fsynced and renamed onto `dest` if the block finishes,
    and removed if it does not. A temp left by a killed process is swept by the next publish."""
    temp = new_temp(dest)
    try:
        yield temp
        fd = os.open(temp, os.O_RDWR)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, dest)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_if_changed(dest: Path, data: bytes) -> bool:
    """Writes `data` unless `dest` already holds exactly it; says whether it wrote."""
    if same_content(dest, [data]):
        return False
    with replacing(dest) as temp:
        temp.write_bytes(data)
    return True


class Staging:
    """Outputs written to temp files now and renamed into place together by `commit`.

    Worker processes stage their files and hand the (temp, destination) pairs back; a failed or
    killed run leaves only temps, which `discard` (or the next publish's sweep) removes.
    """

    def __init__(self) -> None:
        self.staged: list[tuple[Path, Path]] = []

    @contextmanager
    def temp(self, dest: Path) -> Iterator[Path]:
        temp = new_temp(dest)
        try:
            yield temp
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        self.staged.append((temp, dest))

    def write(self, dest: Path, *parts: bytes | memoryview) -> Path | None:
        """Stages the parts, in order, for `dest` unless `dest` already holds exactly them;
        returns the temp, if any."""
        if same_content(dest, parts):
            return None
        with self.temp(dest) as temp, temp.open("wb") as out:
            for part in parts:
                out.write(part)
        return temp

    def commit(self) -> None:
        """Every staged file reaches the disk, then each is renamed in the order it was staged."""
        if self.staged:
            os.sync()
        for temp, dest in self.staged:
            os.replace(temp, dest)
        self.staged = []

    def discard(self) -> None:
        for temp, _ in self.staged:
            temp.unlink(missing_ok=True)
        self.staged = []
