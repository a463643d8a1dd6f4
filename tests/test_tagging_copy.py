"""write_tagged_copy and tag_in_place: masters untouched, outputs whole or absent, never half."""
from __future__ import annotations

import errno
import hashlib
import os
import signal
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import mutagen
import pytest
from mutagen.mp4 import MP4

from feed_builder.core.errors import PodcastError
from feed_builder.core.model import Container
from feed_builder.media.tagging import splice, tag_in_place, write_tagged_copy
from tests.tagging_factories import FIXTURES, decodes, master, tagset

ALL = list(Container)
REPO = Path(__file__).resolve().parent.parent


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _temps(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp"))


@pytest.mark.parametrize("container", ALL)
def test_master_bytes_never_change_and_the_copy_is_complete(tmp_path: Path, container: Container) -> None:
    source = master(tmp_path, container)
    before = _sha(source)
    dest = tmp_path / "public" / f"out.{container.extension}"
    dest.parent.mkdir()
    written = write_tagged_copy(source, dest, tagset(), container)
    assert _sha(source) == before
    assert written == dest.stat().st_size
    assert mutagen.File(dest) is not None and decodes(dest)
    assert _temps(dest.parent) == []


@pytest.mark.parametrize("container", ALL)
def test_tag_in_place_retags_and_a_second_run_gives_the_same_bytes(tmp_path: Path, container: Container) -> None:
    path = master(tmp_path, container)
    tag_in_place(path, tagset(title="First"), container)
    tag_in_place(path, tagset(), container)
    once = path.read_bytes()
    tag_in_place(path, tagset(), container)
    assert path.read_bytes() == once
    assert decodes(path) and _temps(tmp_path) == []
    assert "First" not in str(mutagen.File(path).tags)


def test_the_copy_has_the_masters_permissions(tmp_path: Path) -> None:
    source = master(tmp_path, Container.MP3)
    source.chmod(0o640)
    dest = tmp_path / "out.mp3"
    write_tagged_copy(source, dest, tagset(), Container.MP3)
    assert dest.stat().st_mode & 0o777 == 0o640


def _fail_halfway(source, out, length):  # type: ignore[no-untyped-def]
    out.write(source.read(length // 2))
    raise OSError(errno.ENOSPC, "No space left on device")


def _fail(*args: object) -> None:
    raise OSError(errno.EIO, "I/O error")


FAILURES = [
    ("copy", Container.MP3, lambda mp: mp.setattr(splice, "copy_range", _fail_halfway), OSError),
    ("copy", Container.FLAC, lambda mp: mp.setattr(splice, "copy_range", _fail_halfway), OSError),
    ("copy", Container.M4A, lambda mp: mp.setattr(splice, "copy_range", _fail_halfway), OSError),
    ("copy", Container.OPUS, lambda mp: mp.setattr(splice, "copy_range", _fail_halfway), OSError),
    ("fsync", Container.MP3, lambda mp: mp.setattr(os, "fsync", _fail), OSError),
    ("rename", Container.OPUS, lambda mp: mp.setattr(os, "replace", _fail), OSError),
    ("mutagen", Container.M4A, lambda mp: mp.setattr(MP4, "save", lambda *a, **k: (_ for _ in ()).throw(
        mutagen.MutagenError("disk said no"))), PodcastError),
]


@pytest.mark.parametrize("step, container, patch, error", FAILURES, ids=[f"{f[0]}-{f[1]}" for f in FAILURES])
def test_a_failed_write_leaves_master_and_previous_output_and_no_temp(  # type: ignore[no-untyped-def]
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str, container: Container, patch, error) -> None:
    source = master(tmp_path, container)
    dest = tmp_path / f"out.{container.extension}"
    write_tagged_copy(source, dest, tagset(title="Previous"), container)
    before_master, before_dest = _sha(source), _sha(dest)
    patch(monkeypatch)
    with pytest.raises(error):
        write_tagged_copy(source, dest, tagset(title="Next"), container)
    monkeypatch.undo()
    assert (_sha(source), _sha(dest)) == (before_master, before_dest)
    assert _temps(tmp_path) == []
    assert decodes(dest)


def test_in_place_failure_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = master(tmp_path, Container.MP3)
    before = _sha(path)
    monkeypatch.setattr(splice, "copy_range", _fail_halfway)
    with pytest.raises(OSError):
        tag_in_place(path, tagset(), Container.MP3)
    assert _sha(path) == before and _temps(tmp_path) == []


def test_the_temp_file_is_a_dot_file_beside_the_destination(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Path] = []
    original = splice.copy_range

    def spy(source, out, length):  # type: ignore[no-untyped-def]
        seen.append(Path(out.name))
        original(source, out, length)

    monkeypatch.setattr(splice, "copy_range", spy)
    dest = tmp_path / "public" / "out.mp3"
    dest.parent.mkdir()
    write_tagged_copy(master(tmp_path, Container.MP3), dest, tagset(), Container.MP3)
    (temp,) = seen
    assert temp.parent == dest.parent and temp.name.startswith(".out.mp3.") and temp.name.endswith(".tmp")


_KILLED_WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from feed_builder.core.model import Container
    from feed_builder.media.tagging import splice, write_tagged_copy
    from tests.tagging_factories import tagset

    def stall(source, out, length):
        out.write(source.read(length // 2))
        out.flush()
        print("halfway", flush=True)
        time.sleep(60)

    splice.copy_range = stall
    write_tagged_copy(Path(sys.argv[1]), Path(sys.argv[2]), tagset(title="Next"), Container.MP3)
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_writer_leaves_the_master_and_the_previous_output_intact(tmp_path: Path) -> None:
    source = master(tmp_path, Container.MP3)
    dest = tmp_path / "out.mp3"
    write_tagged_copy(source, dest, tagset(title="Previous"), Container.MP3)
    before_master, before_dest = _sha(source), _sha(dest)
    writer = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(source), str(dest)],
                              cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None and writer.stdout.readline() == "halfway\n"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert (_sha(source), _sha(dest)) == (before_master, before_dest)
    assert len(_temps(tmp_path)) == 1  # a killed process cannot clean up: publish sweeps it (test_publish)
    write_tagged_copy(source, dest, tagset(), Container.MP3)
    assert decodes(dest)


def test_a_broken_container_is_a_problem_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "episode.m4a"
    bad.write_bytes(b"\x00" * 64)
    with pytest.raises(PodcastError, match=r"episode.m4a: audio: not an MP4 file: no moov atom"):
        write_tagged_copy(bad, tmp_path / "out.m4a", tagset(), Container.M4A)
    bad.write_bytes(struct.pack(">I4s", 16, b"moov") + b"\x00" * 8)  # a moov without any track
    with pytest.raises(PodcastError, match=r"episode.m4a: tags: cannot write m4a tags"):
        write_tagged_copy(bad, tmp_path / "out.m4a", tagset(), Container.M4A)
    ogg = tmp_path / "episode.opus"
    ogg.write_bytes(b"OggS" + b"\x01" * 64)
    with pytest.raises(PodcastError, match=r"episode.opus: tags: cannot write opus tags"):
        write_tagged_copy(ogg, tmp_path / "out.opus", tagset(), Container.OPUS)
    flac = tmp_path / "episode.flac"
    flac.write_bytes(b"RIFF" + b"\x00" * 64)
    with pytest.raises(PodcastError, match=r"episode.flac: audio: not a FLAC stream"):
        write_tagged_copy(flac, tmp_path / "out.flac", tagset(), Container.FLAC)
    assert _temps(tmp_path) == []


def test_dispatch_is_on_the_container_not_the_extension(tmp_path: Path) -> None:
    source = tmp_path / "master.bin"
    source.write_bytes((Path(__file__).parent / "data" / "audio" / FIXTURES[Container.OPUS]).read_bytes())
    dest = tmp_path / "out.mp3"  # a misleading name
    write_tagged_copy(source, dest, tagset(), Container.OPUS)
    assert type(mutagen.File(dest)).__name__ == "OggOpus"
