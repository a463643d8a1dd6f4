"""How many bytes, and how long, a tagged copy costs against a plain copy of the same master.

    .venv/bin/python bench/bench_tagging.py [--minutes 60] [--dir DIR] [--verify] [--renders 500]

Generates one-hour masters with the static ffmpeg of imageio-ffmpeg (a dev dependency) into a temp
directory (on a real disk: tmpfs does not count `write_bytes`), then for each container measures a
plain `shutil.copyfile`, our `write_tagged_copy`, a `tag_in_place` re-tag, and for MP3 the naive way
(copy, then let mutagen insert the tag), reading the process's own counters in /proc/self/io:
`wchar` (bytes passed to write calls, sendfile included) and `write_bytes` (bytes sent to storage).
The tags are realistic: a 1400 px cover, a transcript of the episode's length, 20 chapters. Target: a tagged
copy writes at most 1.1x the bytes of a plain copy. `--verify` also has ffmpeg decode the master and
both outputs and compares the MD5 of the decoded audio (a few seconds per file).

First it times the ID3 render alone, per tag, on `--renders` episodes of one show (each with its own
title, numbers, date, notes and transcript, the cover shared as a publish shares it), because a
publish of thousands of episodes renders that many tags while the copies above are mostly I/O.
"""
from __future__ import annotations

import argparse
import dataclasses
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

import imageio_ffmpeg
from mutagen.id3 import ID3
from PIL import Image

from feed_builder.core.model import Container
from feed_builder.media.tagging import TagChapter, TagSet, tag_in_place, write_tagged_copy
from feed_builder.media.tagging.id3 import render

# name -> (container, ffmpeg encoder arguments): mono speech-like rates, as podcasts publish.
MASTERS = {
    "mp3 48k": (Container.MP3, ["-c:a", "libmp3lame", "-b:a", "48k"]),
    "m4a 64k": (Container.M4A, ["-c:a", "aac", "-b:a", "64k"]),
    "m4a 64k faststart": (Container.M4A, ["-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart"]),
    "opus 32k": (Container.OPUS, ["-c:a", "libopus", "-b:a", "32k"]),
    "ogg vorbis q0": (Container.VORBIS, ["-c:a", "libvorbis", "-q:a", "0"]),
    "flac 8 kHz": (Container.FLAC, ["-ar", "8000", "-sample_fmt", "s16", "-c:a", "flac"]),
}


@dataclass(frozen=True)
class Cost:
    wchar: int
    write_bytes: int
    seconds: float


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--dir", type=Path, default=Path.cwd(), help="where the temp directory goes")
    parser.add_argument("--verify", action="store_true", help="check the outputs decode to the master's audio")
    parser.add_argument("--renders", type=int, default=500, help="episodes per ID3 render timing (0: none)")
    args = parser.parse_args()
    tags = _tags(args.minutes)
    if args.renders:
        _report_renders(tags, args.renders)
    print(f"tags: cover {len(tags.cover_jpeg or b'')} B, transcript {len(tags.lyrics or '')} B, "
          f"{len(tags.chapters)} chapters; masters {args.minutes:g} min mono\n")
    print(f"{'master':<20}{'size':>12}  {'operation':<28}{'wchar':>8}{'write_bytes':>13}{'time':>9}")
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="bench-tagging-") as work:
        folder = Path(work)
        for name, (container, codec) in MASTERS.items():
            master = _generate(folder / f"master.{name.replace(' ', '-')}.{container.extension}", codec, args.minutes)
            _report(name, container, master, tags, folder, args.verify)


def _report(name: str, container: Container, master: Path, tags: TagSet, folder: Path, verify: bool) -> None:
    plain_dest, tagged_dest = folder / f"plain.{container.extension}", folder / f"tagged.{container.extension}"
    plain = _measure(lambda: shutil.copyfile(master, plain_dest))
    rows = [("plain copy (copyfile)", plain),
            ("tagged copy (ours)", _measure(lambda: write_tagged_copy(master, tagged_dest, tags, container)))]
    output = tagged_dest.stat().st_size
    audio = _decoded_md5(master) if verify else ""
    same = [_decoded_md5(tagged_dest) == audio] if verify else []
    retagged = dataclasses.replace(tags, title=tags.title + " (edited)")
    rows.append(("re-tag in place (ours)", _measure(lambda: tag_in_place(tagged_dest, retagged, container))))
    same += [_decoded_md5(tagged_dest) == audio] if verify else []
    if container is Container.MP3:
        naive_dest = folder / "naive.mp3"
        rows.append(("naive: copy + mutagen insert", _measure(lambda: _naive_mp3(master, naive_dest, tags))))
    size = master.stat().st_size
    for index, (operation, cost) in enumerate(rows):
        label, shown = (name, f"{size:,}") if index == 0 else ("", "")
        ratio = "" if index == 0 else (f"   {cost.wchar / plain.wchar:.3f}x wchar, "
                                       f"{cost.write_bytes / max(plain.write_bytes, 1):.3f}x write_bytes, "
                                       f"{cost.seconds / plain.seconds:.2f}x time, "
                                       f"{cost.wchar / output:.3f}x the output's size")
        print(f"{label:<20}{shown:>12}  {operation:<28}{cost.wchar / 2**20:>7.1f}M{cost.write_bytes / 2**20:>12.1f}M"
              f"{cost.seconds * 1000:>7.0f}ms{ratio}")
    if verify:
        print(f"{'':<34}decoded audio equal to the master's: tagged copy {same[0]}, re-tagged {same[1]}")
    print()


def _report_renders(tags: TagSet, count: int) -> None:
    """The best of 5 rounds: on a shared machine other work only ever makes a round slower."""
    print(f"ID3 render per tag, best of 5 rounds of {count} episodes of one show:")
    for version in (3, 4):
        for chapters in (tags.chapters, ()):
            episodes = [_episode(tags, number, version, chapters) for number in range(1, count + 1)]
            best = min(_round(episodes) for _ in range(5))
            print(f"  ID3v2.{version}, {len(chapters):>2} chapters: {best / count * 1e6:>6.0f} µs")
    print()


def _round(episodes: list[TagSet]) -> float:
    start = time.perf_counter()
    for episode in episodes:
        render(episode, 60_000_000)
    return time.perf_counter() - start


def _episode(tags: TagSet, number: int, version: int, chapters: tuple[TagChapter, ...]) -> TagSet:
    return dataclasses.replace(
        tags, title=f"Episode {number}: {tags.title}", track=number, date=tags.date + timedelta(days=number),
        description=f"{number} {tags.description}", long_description=f"{number} {tags.long_description}",
        lyrics=f"{number} {tags.lyrics}", guid=f"{number:08d}{tags.guid[8:]}",
        episode_url=f"{tags.episode_url}/{number}", chapters=chapters, id3_version=version)


def _decoded_md5(path: Path) -> str:
    """The MD5 of the decoded audio stream only: the cover is a second (video) stream to ffmpeg."""
    return subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", "0:a", "-f", "md5", "-"],
        check=True, capture_output=True, text=True).stdout.strip()


def _naive_mp3(master: Path, dest: Path, tags: TagSet) -> None:
    """What the issue measured: copy the file, then have mutagen insert a fresh tag in front."""
    shutil.copyfile(master, dest)
    tag = ID3(BytesIO(render(tags, 0)))
    tag.save(dest, v2_version=3)


def _measure(action: Callable[[], object]) -> Cost:
    before, start = _io(), time.perf_counter()
    action()
    seconds, after = time.perf_counter() - start, _io()
    return Cost(after["wchar"] - before["wchar"], after["write_bytes"] - before["write_bytes"], seconds)


def _io() -> dict[str, int]:
    lines = Path("/proc/self/io").read_text().splitlines()
    return {key: int(value) for key, value in (line.split(": ") for line in lines)}


def _generate(dest: Path, codec: list[str], minutes: float) -> Path:
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", f"anoisesrc=color=pink:amplitude=0.1:duration={minutes * 60}", "-ac", "1", *codec,
         "-map_metadata", "-1", str(dest)],
        check=True)
    return dest


def _tags(minutes: float) -> TagSet:
    gradient = Image.radial_gradient("L").resize((1400, 1400))
    art = Image.merge("RGB", (gradient, Image.effect_noise((1400, 1400), 12), gradient.transpose(0)))
    cover = BytesIO()
    art.save(cover, "JPEG", quality=88)  # a few hundred KB, like real 1400 px cover art
    words = " ".join(f"word{i % 997}" for i in range(int(minutes * 150)))  # ~150 spoken words a minute
    step = int(minutes * 60_000 / 20)
    return TagSet(
        title="Episode 113: The Eastern Axis", artist="Ana Author", album="Hörspiel Weekly", track=113, disc=4,
        date=datetime(2024, 5, 1, 6, 30, tzinfo=timezone.utc), description="A summary. " * 20,
        long_description="Show notes. " * 300, lyrics=words, language="eng", cover_jpeg=cover.getvalue(),
        category="History", guid="b3a0c3a2-5b1e-4d8e-9a57-1f0c7e6d1a11",
        feed_url="https://example.com/pod/feed.xml", keywords="history,russia", copyright="© 2024 Ana Author",
        episode_url="https://example.com/pod/113",
        chapters=tuple(TagChapter(i * step, (i + 1) * step, f"Chapter {i + 1}", f"https://example.com/{i}")
                       for i in range(20)),
    )


if __name__ == "__main__":
    main()
