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
import threading
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

    One create: `mkstemp`, then a chmod and a reopen by name, were three path operations, and a
    create alone costs ~100 µs of kernel time on this kind of disk (a cold publish makes 30,000).
    The mode is set on the descriptor, so the umask cannot make a published file unreadable.
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
        os.fchmod(temp.fileno(), 0o644)
        return temp
    raise FileExistsError(f"no unused temp name beside {dest}")


def new_temp(dest: Path) -> Path:
    """An empty temp file beside `dest`, for a caller that opens it later."""
    with open_temp(dest) as f:
        return Path(f.name)


def is_temp(name: str) -> bool:
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


@dataclass(frozen=True, slots=True)
class FileRange:
    """Bytes of an existing file, copied by the kernel (`os.copy_file_range`) rather than read into
    memory: the unchanged items of a 48 MB feed go from the old page to the new one this way."""

    path: str
    offset: int
    length: int

    def __len__(self) -> int:
        return self.length


Part = bytes | memoryview | FileRange
_CHUNK = 1 << 20


def _coalesced(parts: Sequence[Part]) -> list[Part]:
    """Adjacent ranges of one file as one range: the kept items of a feed are mostly contiguous."""
    merged: list[Part] = []
    for part in parts:
        last = merged[-1] if merged else None
        if (isinstance(part, FileRange) and isinstance(last, FileRange) and last.path == part.path
                and last.offset + last.length == part.offset):
            merged[-1] = FileRange(last.path, last.offset, last.length + part.length)
        else:
            merged.append(part)
    return merged


def _chunks(part: Part) -> Iterator[bytes | memoryview]:
    if not isinstance(part, FileRange):
        yield part
        return
    with open(part.path, "rb") as f:
        f.seek(part.offset)
        left = part.length
        while left:
            chunk = f.read(min(left, _CHUNK))
            if not chunk:
                raise OSError(f"{part.path} ended before byte {part.offset + part.length}")
            left -= len(chunk)
            yield chunk


def same_content(dest: Path, parts: Sequence[Part]) -> bool:
    """Whether `dest` holds exactly the parts, compared piece by piece: a 48 MB feed is checked
    without a copy of it in memory."""
    try:
        if dest.stat().st_size != sum(len(p) for p in parts):
            return False
        with dest.open("rb") as f:
            return all(f.read(len(chunk)) == chunk for part in _coalesced(parts) for chunk in _chunks(part))
    except FileNotFoundError:
        return False


def _write_part(out: BinaryIO, part: Part) -> None:
    if not isinstance(part, FileRange):
        out.write(part)
        return
    out.flush()  # the kernel copy writes at the descriptor's offset, after what is buffered
    with open(part.path, "rb") as src:
        offset, left = part.offset, part.length
        while left:
            copied = os.copy_file_range(src.fileno(), out.fileno(), left, offset)
            if copied == 0:
                raise OSError(f"{part.path} ended before byte {part.offset + part.length}")
            offset, left = offset + copied, left - copied


@contextmanager
def replacing(dest: Path) -> Iterator[BinaryIO]:
    """One file, now: a temp, open, that is fsynced and renamed onto `dest` if the block finishes,
    and removed if it does not. A temp left by a killed process is swept by the next publish."""
    temp = open_temp(dest)
    try:
        with temp:
            yield temp
            temp.flush()
            os.fsync(temp.fileno())
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


@contextmanager
def writing_back(every: float = 0.25) -> Iterator[None]:
    """Syncs in the background while the block writes, so that the sync `Staging.commit` needs before
    its renames finds little left to do.

    The kernel starts writing dirty pages out only after 30 s: the sync before a cold publish's
    renames met ~1 GB and took 0.7 s with every process idle. Synced every quarter second, the
    writing overlaps the build (each sync then takes ~25 ms, in a thread that holds the GIL for
    none of it). Worker processes may fork while the thread runs: it holds no lock a child needs.
    """
    stop = threading.Event()

    def sync_until_stopped() -> None:
        while not stop.wait(every):
            os.sync()

    thread = threading.Thread(target=sync_until_stopped, name="writing-back", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


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
        temp = open_temp(dest)
        try:
            with temp:
                yield temp
        except BaseException:
            Path(temp.name).unlink(missing_ok=True)
            raise
        self.staged.append((temp.name, os.fspath(dest)))

    def write(self, dest: Path, *parts: Part) -> Path | None:
        """Stages the parts, in order, for `dest` unless `dest` already holds exactly them;
        returns the temp, if any."""
        if same_content(dest, parts):
            return None
        with self.temp(dest) as out:
            for part in _coalesced(parts):
                _write_part(out, part)
        return Path(out.name)

    def write_stream(self, dest: Path, chunks: Iterable[bytes]) -> Path:
        """Stages `chunks` for `dest` without comparing first: for output that is never held whole."""
        with self.temp(dest) as out:
            out.writelines(chunks)
        return Path(out.name)

    def commit(self) -> None:
        """Every staged file reaches the disk, then each is renamed in the order it was staged."""
        if self.staged:
            os.sync()
        for temp, dest in self.staged:
            os.replace(temp, dest)
        self.staged = []

    def discard(self) -> None:
        for temp, _ in self.staged:
            Path(temp).unlink(missing_ok=True)
        self.staged = []
