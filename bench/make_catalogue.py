"""Write a synthetic show repository with thousands of episodes, for benchmarking `podcast publish`.

The masters are one tiny MP3 copied N times, so that a benchmark measures our work (parsing,
rendering, tagging, writing) rather than the disk's throughput. Everything else is derived from the
episode number only, so two runs with the same arguments write byte-identical trees.

    python bench/make_catalogue.py /tmp/catalogue --episodes 10000 --notes-kb 3
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIRST_DATE = date(1990, 1, 1)
GUID_NAMESPACE = uuid.UUID("6f1f6c1e-1d0b-5d43-9a43-7c1b2a9d0b11")  # fixed: GUIDs stay stable across runs
TRANSCRIPT_BYTES = 1024


def folder_name(number: int) -> str:
    return f"{number:05d}-synthetic-episode-{number:05d}"


def episode_guid(number: int) -> str:
    """UUIDv5 of the number: deterministic, and shaped like what `podcast new` writes."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"synthetic-episode-{number}"))


def front_matter(number: int) -> str:
    day = FIRST_DATE + timedelta(days=number - 1)
    return (
        "---\n"
        f'title: "Synthetic Episode {number}: Notes on Benchmark Number {number}"\n'
        f"number: {number}\n"
        "season: 1\n"
        'season_name: "The Long Run"\n'
        f"date: {day.isoformat()}\n"
        f'guid: "{episode_guid(number)}"\n'
        "type: full\n"
        "summary: >-\n"
        f"  Episode {number} of a synthetic catalogue that exists to measure how fast a long-running\n"
        "  show publishes when one episode changes.\n"
        f"keywords: [benchmark, synthetic, episode {number}, long run]\n"
        "---\n"
    )


def notes_section(number: int, section: int) -> str:
    """About 600 bytes of Markdown using what real notes use: headings, bold, links, lists."""
    return (
        f"## Part {section}: what episode {number} covers\n\n"
        f"In this part we look at **topic {section}** of episode {number}, from the first draft to the\n"
        f"final cut, and at why the *editing* took longer than the recording. See the\n"
        f"[episode page](https://example.com/4min-podcast/episodes/{number}#part-{section}) and the\n"
        f"[sources](https://example.com/4min-podcast/sources/{number}-{section}) for details.\n\n"
        f"- Segment {section}.1: the question, and who asked it\n"
        f"- Segment {section}.2: three answers, and the **one** that held up\n"
        f"- Segment {section}.3: listener mail about episode {max(number - 1, 1)}\n\n"
        "> Every claim in this part is linked above; corrections go to the show's issue tracker.\n\n"
    )


def notes(number: int, notes_kb: float) -> str:
    """Markdown show notes of roughly `notes_kb` kilobytes."""
    target = int(notes_kb * 1024)
    parts = [f"Welcome to episode {number} of the synthetic show, generated for benchmarks.\n\n"]
    size, section = len(parts[0]), 1
    while size + len(nxt := notes_section(number, section)) // 2 < target:  # nearest to the target
        parts.append(nxt)
        size += len(nxt)
        section += 1
    return "".join(parts)


def transcript(number: int) -> str:
    """About 1 KB of plain text, paragraphs separated by blank lines."""
    sentence = (f"This is the spoken text of synthetic episode {number}, "
                "read at an even pace so that every line has about the same length. ")
    paragraph = sentence * 3
    return "\n\n".join([paragraph] * (TRANSCRIPT_BYTES // len(paragraph) + 1))[:TRANSCRIPT_BYTES].rstrip() + "\n"


def tiny_mp3() -> bytes:
    """One second of a 440 Hz tone, mono 64 kbit/s: about 8 KB, decoded by every player."""
    import imageio_ffmpeg

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "tone.mp3"
        subprocess.run(
            [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-f", "lavfi",
             "-i", "sine=frequency=440:duration=1:sample_rate=44100", "-ac", "1", "-b:a", "64k",
             "-map_metadata", "-1", "-bitexact", str(out)],
            check=True,
        )
        return out.read_bytes()


def write_episode(dest: Path, number: int, notes_kb: float, master: bytes) -> None:
    name = folder_name(number)
    folder = dest / "episodes" / name
    folder.mkdir()
    (folder / "episode.md").write_text(front_matter(number) + notes(number, notes_kb), encoding="utf-8")
    (folder / "transcript.txt").write_text(transcript(number), encoding="utf-8")
    (dest / "audio" / f"{name}.mp3").write_bytes(master)


def make_catalogue(dest: Path, episodes: int, notes_kb: float) -> None:
    """Write the show at `dest`, which must be empty or absent: stale episodes would skew counts."""
    if dest.exists() and any(dest.iterdir()):
        raise SystemExit(f"{dest} is not empty (expected a new or empty directory)")
    for sub in ("episodes", "audio", "artwork"):
        (dest / sub).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "podcast.toml", dest / "podcast.toml")
    shutil.copyfile(REPO / "artwork" / "cover.jpg", dest / "artwork" / "cover.jpg")
    master = tiny_mp3()
    for number in range(1, episodes + 1):
        write_episode(dest, number, notes_kb, master)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="where to write the show (new or empty directory)")
    parser.add_argument("--episodes", type=int, default=10_000)
    parser.add_argument("--notes-kb", type=float, default=3.0, help="size of each episode's show notes")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    make_catalogue(args.dest, args.episodes, args.notes_kb)
    print(f"wrote {args.episodes} episodes to {args.dest} in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
