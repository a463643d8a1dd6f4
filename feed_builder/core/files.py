"""Atomic writes: a crash leaves the old file or the new one, never half of one.

Every output is written to a temp file beside its destination (same filesystem, so `os.replace`
is atomic) and renamed over it. `publish` stages all of a run's outputs and renames them only once
the whole build is known to be good; it does not fsync them (the manifest's stamps say which
outputs a later run can trust, and anything else is rebuilt). A file that must survive a power cut
as well, a master re-tagged in place, goes through `replacing`, which fsyncs before the rename.
An output whose bytes would not change is not touched at all, so a re-publish keeps mtimes and a
deploy that syncs by mtime uploads nothing.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

TEMP_SUFFIX = ".tmp"
_ATTEMPTS = 100  # 32 random bits a name: a clash is rare, a hundred in a row means something else


def open_temp(dest: Path) -> BinaryIO:
    """A new temp file beside `dest`, open for writing and reading back; a dot name, so static hosts
    and globs skip it. Its path is the file's `name`.

    One create, with the mode set on the descriptor: the umask cannot make a published file
    unreadable, and no second path operation is needed.
    """
    prefix = f"{os.fspath(dest.parent)}/.{dest.name}."
    for _ in range(_ATTEMPTS):
        try:
            temp = open(f"{prefix}{os.urandom(4).hex()}{TEMP_SUFFIX}", "x+b")  # noqa: SIM115 (the caller closes it)
        except FileExistsError:
            continue
        except FileNotFoundError:  # the folder's first file: made here, not checked for every file
            dest.parent.mkdir(parents=True, exist_ok=True)
            continue
        if hasattr(os, "fchmod"):  # Windows before Python 3.13 has none, nor Unix modes to set
            os.fchmod(temp.fileno(), 0o644)
        return temp
    raise FileExistsError(f"no unused temp name beside {dest}")


def is_temp(name: str) -> bool:
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def sweep_temps(folder: Path) -> None:
    """Our temps left in `folder` by a killed run (`tag --in-place` writes beside the masters):
    each can be as large as a master, and nothing else would ever remove it."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    for entry in entries:
        if is_temp(entry.name) and entry.is_file(follow_symlinks=False):
            Path(entry.path).unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A whole file's bytes as part of an output, streamed rather than read into memory: the kept
    items of a large feed are copied from their files this way. `size` is what the caller knows
    the file holds; a file of another size is an error, never a silently different output."""

    path: str
    size: int

    def __len__(self) -> int:
        return self.size


Part = bytes | memoryview | StoredFile
_CHUNK = 1 << 20


def _chunks(part: Part) -> Iterator[bytes | memoryview]:
    if not isinstance(part, StoredFile):
        yield part
        return
    with open(part.path, "rb") as f:
        if os.fstat(f.fileno()).st_size != part.size:
            raise OSError(f"{part.path} is not {part.size} bytes long")
        while chunk := f.read(_CHUNK):
            yield chunk


def same_content(dest: Path, parts: Sequence[Part]) -> bool:
    """Whether `dest` holds exactly the parts, compared piece by piece: a large feed is checked
    without a copy of it in memory."""
    try:
        size = dest.stat().st_size
    except FileNotFoundError:
        return False
    if size != sum(len(p) for p in parts):
        return False
    with dest.open("rb") as f:
        return all(f.read(len(chunk)) == chunk for part in parts for chunk in _chunks(part))


@contextmanager
def writing(dest: Path) -> Iterator[BinaryIO]:
    """`dest`'s temp, open, closed when the block finishes and removed if it does not. An error
    that names no file (a full disk, mid-write) is raised naming `dest`: the user needs to know
    which output failed, not which temp."""
    temp = open_temp(dest)
    try:
        with temp:
            yield temp
    except BaseException as error:
        Path(temp.name).unlink(missing_ok=True)
        if isinstance(error, OSError) and error.filename is None:
            raise OSError(error.errno, error.strerror or str(error), os.fspath(dest)) from error
        raise


@contextmanager
def replacing(dest: Path) -> Iterator[BinaryIO]:
    """One file, now: a temp, open, that is fsynced and renamed onto `dest` if the block finishes,
    and removed if it does not. A temp left by a killed process is swept by the next publish."""
    with writing(dest) as temp:
        yield temp
        temp.flush()
        os.fsync(temp.fileno())
    try:
        os.replace(temp.name, dest)
    except BaseException:
        Path(temp.name).unlink(missing_ok=True)
        raise


def write_if_changed(dest: Path, data: bytes) -> bool:
    """Writes `data` unless `dest` already holds exactly it; says whether it wrote."""
    if same_content(dest, [data]):
        return False
    with replacing(dest) as temp:
        temp.write(data)
    return True


class Staging:
    """Outputs written to temp files now and renamed into place together by `commit`.

    Worker processes stage their files and hand the (temp, destination) pairs back; a failed or
    killed run leaves only temps, which `discard` (or the next publish's sweep) removes.
    """

    def __init__(self) -> None:
        # (temp, destination) as strings: a cold publish holds 30,000 of them until it commits
        self.staged: list[tuple[str, str]] = []

    @contextmanager
    def temp(self, dest: Path) -> Iterator[BinaryIO]:
        """`dest`'s temp, open; staged when the block finishes, removed if it does not."""
        with writing(dest) as temp:
            yield temp
        self.stage(temp.name, dest)

    def stage(self, temp: str, dest: Path) -> None:
        """A finished temp file of the caller's, to be renamed onto `dest` by `commit`."""
        self.staged.append((temp, os.fspath(dest)))

    def write(self, dest: Path, *parts: Part) -> Path | None:
        """Stages the parts, in order, for `dest` unless `dest` already holds exactly them;
        returns the temp, if any."""
        if same_content(dest, parts):
            return None
        with self.temp(dest) as out:
            for part in parts:
                out.writelines(_chunks(part))
        return Path(out.name)

    def write_stream(self, dest: Path, chunks: Iterable[bytes]) -> Path:
        """Stages `chunks` for `dest` without comparing first: for output that is never held whole."""
        with self.temp(dest) as out:
            out.writelines(chunks)
        return Path(out.name)

    def commit(self) -> None:
        """Each staged file renamed into place, in the order it was staged."""
        for temp, dest in self.staged:
            os.replace(temp, dest)
        self.staged = []

    def discard(self) -> None:
        for temp, _ in self.staged:
            Path(temp).unlink(missing_ok=True)
        self.staged = []
