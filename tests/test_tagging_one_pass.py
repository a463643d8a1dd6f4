"""Every container is written in one pass, and the audio survives it sample for sample.

The checks are independent of our code: ffmpeg decodes master and output to PCM, which must be
equal; M4A chunk offsets must point at the same audio bytes as the master's; every Ogg page must
follow the previous one's sequence number and carry a valid CRC; /proc/self/io counts the writes.
"""
from __future__ import annotations

import hashlib
import io
import struct
import subprocess
from pathlib import Path

import imageio_ffmpeg
import mutagen
import pytest
from mutagen.mp4 import Atoms
from mutagen.ogg import OggPage

from feed_builder.core.errors import PodcastError
from feed_builder.core.model import Container
from feed_builder.media.tagging import tag_in_place, write_tagged_copy
from tests.tagging_factories import FIXTURES, decodes, ffmetadata, master, tagset

M4A = ["tone.m4a", "tone-faststart.m4a", "tone-wide.m4a", "tone-faststart-wide.m4a"]
CASES = [(container, FIXTURES[container]) for container in Container if container is not Container.M4A]
CASES += [(Container.M4A, name) for name in M4A]
OGG = [Container.OPUS, Container.VORBIS]
BIG = "x" * 300_000  # a comment packet of several 64 KiB pages, whatever the header was before


def _pcm(path: Path) -> bytes:
    return subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "s16le", "-"],
                          check=True, capture_output=True).stdout


def _wchar() -> int:
    fields = dict(line.split(": ") for line in Path("/proc/self/io").read_text().splitlines())
    return int(fields["wchar"])


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux /proc/self/io")
@pytest.mark.parametrize("container, fixture", CASES, ids=[name for _, name in CASES])
def test_one_pass_keeps_the_samples_and_writes_each_byte_once(
        tmp_path: Path, container: Container, fixture: str) -> None:
    source = master(tmp_path, container, fixture)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    dest = tmp_path / f"out.{container.extension}"
    wchar = _wchar()
    written = write_tagged_copy(source, dest, tagset(), container)
    assert _wchar() - wchar == written == dest.stat().st_size
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    assert decodes(dest) and _pcm(dest) == _pcm(source)
    assert mutagen.File(dest).tags is not None
    assert ffmetadata(dest, stream=container in OGG)[0]["title"] == tagset().title


@pytest.mark.parametrize("container, fixture", CASES, ids=[name for _, name in CASES])
def test_a_tag_that_grows_then_shrinks_keeps_the_samples(tmp_path: Path, container: Container, fixture: str) -> None:
    path = master(tmp_path, container, fixture)
    pcm = _pcm(path)
    tag_in_place(path, tagset(long_description=BIG), container)
    assert decodes(path) and _pcm(path) == pcm
    tag_in_place(path, tagset(cover_jpeg=None, lyrics=None, chapters=()), container)
    assert decodes(path) and _pcm(path) == pcm
    assert ffmetadata(path, stream=container in OGG)[0]["title"] == tagset().title


def _chunks(path: Path) -> list[bytes]:
    """The first bytes of every chunk the `stco`/`co64` tables point at."""
    data = path.read_bytes()
    moov = Atoms(io.BytesIO(data))[b"moov"]
    offsets: list[int] = []
    for name, width, code in ((b"stco", 4, "I"), (b"co64", 8, "Q")):
        for atom in moov.findall(name, True):
            table = data[atom.offset + 12:atom.offset + atom.length]  # after size, name, version, flags
            count = int.from_bytes(table[:4], "big")
            offsets += struct.unpack(f">{count}{code}", table[4:4 + count * width])
    return [data[offset:offset + 64] for offset in offsets]


@pytest.mark.parametrize("fixture", M4A)
def test_m4a_chunk_offsets_point_at_the_same_audio(tmp_path: Path, fixture: str) -> None:
    source = master(tmp_path, Container.M4A, fixture)
    dest = tmp_path / "out.m4a"
    write_tagged_copy(source, dest, tagset(long_description=BIG), Container.M4A)
    assert _chunks(dest) == _chunks(source) and _chunks(source)  # faststart: every offset moved


def _pages(path: Path) -> list[tuple[OggPage, bytes]]:
    data = path.read_bytes()
    stream = io.BytesIO(data)
    pages = []
    while stream.tell() < len(data):
        page = OggPage(stream)
        pages.append((page, data[page.offset:stream.tell()]))
    return pages


def _assert_well_formed(path: Path) -> None:
    pages = _pages(path)
    assert [page.sequence for page, _ in pages] == list(range(len(pages)))
    assert all(page.write() == raw for page, raw in pages)  # write() recomputes the CRC


@pytest.mark.parametrize("container", OGG)
def test_ogg_audio_pages_are_renumbered_only_when_the_header_page_count_changes(
        tmp_path: Path, container: Container) -> None:
    source = master(tmp_path, container)
    grown, same = tmp_path / "grown.ogg", tmp_path / "same.ogg"
    write_tagged_copy(source, grown, tagset(long_description=BIG), container)
    write_tagged_copy(grown, same, tagset(long_description=BIG.replace("x", "y")), container)
    for path in (grown, same):
        _assert_well_formed(path)
    master_audio = [page.packets for page, _ in _pages(source) if page.position > 0]
    grown_audio = [page.packets for page, _ in _pages(grown) if page.position > 0]
    assert grown_audio == master_audio  # the same packets, on pages with new numbers
    assert len(_pages(grown)) > len(_pages(source))
    audio = sum(len(raw) for page, raw in _pages(grown) if page.position > 0)
    assert grown.read_bytes()[-audio:] == same.read_bytes()[-audio:]  # same header size: copied as is


@pytest.mark.parametrize("container", OGG)
def test_ogg_output_shrinks_back_when_the_tags_do(tmp_path: Path, container: Container) -> None:
    path = master(tmp_path, container)
    tag_in_place(path, tagset(long_description=BIG), container)
    big = len(_pages(path))
    tag_in_place(path, tagset(), container)
    assert len(_pages(path)) < big
    _assert_well_formed(path)


def test_fragmented_mp4_is_refused_by_name(tmp_path: Path) -> None:
    fragmented = tmp_path / "episode.m4a"
    fragmented.write_bytes(struct.pack(">I4s", 8, b"moov") + struct.pack(">I4s", 8, b"moof"))
    with pytest.raises(PodcastError, match=r"episode.m4a: audio: fragmented MP4"):
        write_tagged_copy(fragmented, tmp_path / "out.m4a", tagset(), Container.M4A)


def test_a_truncated_mp4_atom_is_a_problem(tmp_path: Path) -> None:
    source = master(tmp_path, Container.M4A, "tone-faststart.m4a")
    source.write_bytes(source.read_bytes()[:-10])  # the mdat now claims more bytes than there are
    with pytest.raises(PodcastError, match=r"broken MP4: atom b'mdat' at byte \d+ has size"):
        write_tagged_copy(source, tmp_path / "out.m4a", tagset(), Container.M4A)


@pytest.mark.parametrize("container", OGG)
def test_an_ogg_file_without_its_headers_is_a_problem(tmp_path: Path, container: Container) -> None:
    source = master(tmp_path, container)
    _, raw = _pages(source)[0]
    source.write_bytes(raw)
    with pytest.raises(PodcastError, match=r"audio: the Ogg stream ends before its header packets do"):
        write_tagged_copy(source, tmp_path / "out.ogg", tagset(), container)
