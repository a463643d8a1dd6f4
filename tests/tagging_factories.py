"""Show, Episode, AudioInfo and TagSet values for the tagging tests, built without the loader.

Also readers for the independent checks: ffmpeg's ffmetadata dump (tags and chapters as ffmpeg,
and so VLC, mpv and most players, see them) and the static ffmpeg binary from imageio-ffmpeg.
"""
from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import imageio_ffmpeg
from PIL import Image

from feed_builder.core.model import (AudioInfo, BuildSettings, Category, Chapter, Container, Episode,
                                EpisodeType, Owner, Season, Segment, Show, ShowType, Transcript)
from feed_builder.media.tagging import TagChapter, TagSet

AUDIO = Path(__file__).parent / "data" / "audio"
FIXTURES = {
    Container.MP3: "tone.mp3",
    Container.M4A: "tone.m4a",
    Container.OPUS: "tone.opus",
    Container.VORBIS: "tone.ogg",
    Container.FLAC: "tone.flac",
}


def image_file(path: Path, size: tuple[int, int] = (64, 64), color: str = "red", mode: str = "RGB") -> Path:
    Image.new(mode, size, color).save(path)
    return path


def jpeg(color: str = "blue", size: tuple[int, int] = (32, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def show(root: Path, **changes: object) -> Show:
    value = Show(
        root=root, title="Hörspiel Weekly", description="A show.", language="en-US",
        base_url="https://example.com/pod", link="https://example.com", author="Ana Author",
        owner=Owner("Ana Author", "ana@example.com"),
        categories=(Category("History"), Category("Society & Culture")),
        explicit=False, type=ShowType.EPISODIC, image=root / "cover.png",
        copyright="© 2024 Ana Author", build=BuildSettings(),
    )
    return dataclasses.replace(value, **changes)


def episode(folder: Path, **changes: object) -> Episode:
    value = Episode(
        folder=folder, title="The Eastern Axis — part 1", number=113, season=Season(4, "Putin's Russia"),
        date=datetime(2024, 5, 1, 6, 30, tzinfo=timezone(timedelta(hours=2))),
        guid="b3a0c3a2-5b1e-4d8e-9a57-1f0c7e6d1a11", audio=Path("audio/113.mp3"), explicit=False,
        type=EpisodeType.FULL, summary=None, keywords=("history", "russia"), image=None, people=(),
        notes="## Intro\n\nWe talk about *the east* and [maps](https://maps.example).\n\n- one\n- two\n",
        notes_line=12,
        transcript=Transcript(folder / "transcript.txt",
                              (Segment("Hello and welcome."), Segment("Today: maps."))),
        chapters=(Chapter(0.0, "Intro"), Chapter(0.4, "Maps", url="https://maps.example"),
                  Chapter(0.7, "Outro")),
    )
    return dataclasses.replace(value, **changes)


def info(container: Container = Container.MP3, duration: float = 1.0) -> AudioInfo:
    return AudioInfo(container=container, duration=duration, bitrate=32000, channels=1, sample_rate=22050)


def tagset(**changes: object) -> TagSet:
    """A TagSet with every field set, chapter art included, without touching the file system."""
    value = TagSet(
        title="The Eastern Axis — part 1", artist="Ana Author", album="Hörspiel Weekly", track=113,
        disc=4, date=datetime(2024, 5, 1, 6, 30, 15), description="We talk about the east.",
        long_description="Intro\n\nWe talk about the east.", lyrics="Hello and welcome.\n\nToday: maps.",
        language="eng", cover_jpeg=jpeg(), category="History",
        guid="b3a0c3a2-5b1e-4d8e-9a57-1f0c7e6d1a11", feed_url="https://example.com/pod/feed.xml",
        keywords="history,russia", copyright="© 2024 Ana Author",
        episode_url="https://example.com/pod/113", id3_version=3,
        chapters=(TagChapter(0, 400, "Intro", image_jpeg=jpeg("green")),
                  TagChapter(400, 700, "Maps", url="https://maps.example"),
                  TagChapter(700, 1071, "Outro")),
    )
    return dataclasses.replace(value, **changes)


def master(tmp_path: Path, container: Container, name: str | None = None) -> Path:
    """A private copy of the fixture, so no test can change the committed one."""
    source = AUDIO / (name or FIXTURES[container])
    return Path(shutil.copy(source, tmp_path / f"master-{source.name}"))


def ffmetadata(path: Path, stream: bool = False) -> tuple[dict[str, str], list[dict[str, str]]]:
    """(tags, chapters) as ffmpeg reads them, keys lower-cased; chapter times in ms from the file's
    own zero (`-copyts`, else ffmpeg shifts them by an MP3's encoder delay). Ogg comments are stream
    metadata to ffmpeg, hence `stream`."""
    mapping = ["-map_metadata", "0:s:a:0"] if stream else []
    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-copyts", "-i", str(path),
         *mapping, "-f", "ffmetadata", "-"], check=True, capture_output=True, text=True)
    tags: dict[str, str] = {}
    chapters: list[dict[str, str]] = []
    current = tags
    lines = result.stdout.replace("\\\n", "\x00").splitlines()[1:]  # ";FFMETADATA1" header
    for line in lines:
        if line == "[CHAPTER]":
            current = {}
            chapters.append(current)
        elif "=" in line:
            key, value = line.split("=", 1)
            current[key.lower()] = value.replace("\x00", "\n").replace("\\=", "=").replace("\\;", ";")
    return tags, chapters


def decodes(path: Path) -> bool:
    """True if ffmpeg decodes the whole file without an error: the audio survived tagging."""
    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-v", "error", "-i", str(path), "-f", "null", "-"],
        capture_output=True, text=True)
    return result.returncode == 0 and not result.stderr.strip()

