"""Atomic, change-only writes: what every output of a publish goes through."""
import os
import stat
from pathlib import Path

import pytest

from feed_builder.core.files import Staging, StoredFile, is_temp, open_temp, write_if_changed


def test_unchanged_bytes_are_not_rewritten(tmp_path: Path):
    dest = tmp_path / "feed.xml"
    assert write_if_changed(dest, b"one")
    mtime = dest.stat().st_mtime_ns
    assert not write_if_changed(dest, b"one")
    assert dest.stat().st_mtime_ns == mtime
    assert write_if_changed(dest, b"two") and dest.read_bytes() == b"two"


def test_staged_files_appear_only_on_commit(tmp_path: Path):
    staging = Staging()
    dest = tmp_path / "a/b.txt"
    temp = staging.write(dest, b"hello")
    assert temp is not None and is_temp(temp.name) and not dest.exists()
    staging.commit()
    assert dest.read_bytes() == b"hello" and not temp.exists()


def test_discard_leaves_nothing(tmp_path: Path):
    staging = Staging()
    staging.write(tmp_path / "x.txt", b"data")
    staging.discard()
    assert list(tmp_path.iterdir()) == []


def test_stored_files_are_copied_and_compared_piece_by_piece(tmp_path: Path):
    first, second = tmp_path / "a.xml", tmp_path / "b.xml"
    first.write_bytes(b"AAAA")
    second.write_bytes(b"BBBB")
    parts = [b"<head>", StoredFile(str(first), 4), b"NEW", StoredFile(str(second), 4), b"</tail>"]
    staging = Staging()
    dest = tmp_path / "new.xml"
    staging.write(dest, *parts)
    staging.commit()
    assert dest.read_bytes() == b"<head>AAAANEWBBBB</tail>"
    assert staging.write(dest, *parts) is None  # same content: nothing staged
    second.write_bytes(b"CCCC")  # same size, other bytes: the comparison reads them
    assert staging.write(dest, *parts) is not None
    staging.discard()


def test_a_stored_file_of_another_size_fails_and_leaves_no_temp(tmp_path: Path):
    old = tmp_path / "old.xml"
    old.write_bytes(b"short")
    staging = Staging()
    with pytest.raises(OSError):
        staging.write(tmp_path / "new.xml", StoredFile(str(old), 100))
    with pytest.raises(FileNotFoundError):
        staging.write(tmp_path / "new.xml", StoredFile(str(tmp_path / "gone.xml"), 1))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.xml"]


def test_staged_files_are_readable_by_the_web_server_whatever_the_umask(tmp_path: Path):
    previous = os.umask(0o077)
    try:
        temp = Staging().write(tmp_path / "audio/new/episode.mp3", b"id3")  # its folder made on the way
    finally:
        os.umask(previous)
    assert temp is not None and stat.S_IMODE(temp.stat().st_mode) == 0o644


def test_a_temp_never_takes_over_an_existing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    dest = tmp_path / "feed.xml"
    taken = tmp_path / f".feed.xml.{'00' * 4}.tmp"
    taken.write_bytes(b"someone else's")
    names = iter([b"\0" * 4, b"\1" * 4])
    monkeypatch.setattr(os, "urandom", lambda n: next(names))
    with open_temp(dest) as temp:
        temp.write(b"ours")
    assert taken.read_bytes() == b"someone else's"
    assert Path(temp.name).name == f".feed.xml.{'01' * 4}.tmp" and Path(temp.name).read_bytes() == b"ours"
