"""What the website adds to a cold publish, beside Hugo's cold build of the same pages.

    python bench/bench_site.py --episodes 10000

On one synthetic catalogue (`make_catalogue.py`), measured in the same run, as whole processes:
a cold `podcast publish` with `[site] enabled = false`, the same with the site on, and `hugo` (the
Debian package) building the same episode pages and index pages (50 episodes a page) from
equivalent templates (`bench/hugo/`) out of the same episode files. The site's cost is the
difference of the two publishes (the median over interleaved rounds); the target is that it is no more than Hugo's build. Hugo gets
the episodes' Markdown and transcripts as page bundles; it does no audio, feed or validation work,
which is why the comparison is with the difference and not with a whole publish.
"""
from __future__ import annotations

import argparse
import statistics
import shutil
import sys
import tempfile
from pathlib import Path

from bench_publish import run_child
from make_catalogue import make_catalogue

REPO = Path(__file__).resolve().parents[1]
HUGO_SITE = Path(__file__).resolve().parent / "hugo"


def hugo_project(catalogue: Path, dest: Path) -> None:
    """The Hugo site: our templates' equivalents, and one page bundle per episode with its notes
    and transcript; the enclosure's URL and size, which publish learns by tagging, in the front matter."""
    shutil.copytree(HUGO_SITE, dest)
    for folder in sorted((catalogue / "episodes").iterdir()):
        bundle = dest / "content/episodes" / folder.name
        bundle.mkdir(parents=True)
        text = (folder / "episode.md").read_text(encoding="utf-8")
        size = (catalogue / "audio" / f"{folder.name}.mp3").stat().st_size
        extra = f"audio_url: https://example.com/4min-podcast/audio/{folder.name}.mp3\naudio_size: {size}\n"
        (bundle / "index.md").write_text(text.replace("---\n", "---\n" + extra, 1), encoding="utf-8")
        shutil.copy(folder / "transcript.txt", bundle / "transcript.txt")


def publish(catalogue: Path, out: Path, site: bool) -> tuple[float, int]:
    toml = catalogue / "podcast.toml"
    text = toml.read_text(encoding="utf-8").split("\n[site]\n")[0]
    toml.write_text(text + ("" if site else "\n[site]\nenabled = false\n"), encoding="utf-8")
    return run_child([sys.executable, "-m", "cli", "--root", str(catalogue), "publish", "-q", "--out", str(out)], REPO)


def _median(runs: list[tuple[float, int]]) -> tuple[float, int]:
    return statistics.median(r[0] for r in runs), int(statistics.median(r[1] for r in runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=10_000)
    parser.add_argument("--notes-kb", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the three builds; medians are reported")
    args = parser.parse_args()
    hugo = shutil.which("hugo")
    if hugo is None:
        sys.exit("hugo is not installed (apt-get install hugo)")
    with tempfile.TemporaryDirectory(dir=Path.home()) as tmp:
        work = Path(tmp)
        make_catalogue(work / "show", args.episodes, args.notes_kb)
        hugo_project(work / "show", work / "hugo")
        rounds = []
        for n in range(args.repeat):  # interleaved, so that a change in the machine's load hits all three
            off = publish(work / "show", work / f"public-off-{n}", site=False)
            on = publish(work / "show", work / f"public-on-{n}", site=True)
            built = run_child([hugo, "--quiet", "--source", str(work / "hugo"), "--destination",
                               str(work / f"hugo-out-{n}")], work)
            rounds.append((off, on, built))
            print(f"round {n + 1}: off {off[0]:.2f} s, on {on[0]:.2f} s, hugo {built[0]:.2f} s", flush=True)
        pages = sum(1 for _ in (work / "public-on-0").rglob("index.html"))
        hugo_pages = sum(1 for _ in (work / "hugo-out-0").rglob("index.html"))
    off, on, built = (_median([r[i] for r in rounds]) for i in range(3))
    added = statistics.median(r[1][0] - r[0][0] for r in rounds)
    print(f"episodes: {args.episodes}, our pages: {pages}, Hugo's pages: {hugo_pages}")
    print(f"publish, site off: {off[0]:.2f} s, {off[1] / 1e6:.0f} MB")
    print(f"publish, site on:  {on[0]:.2f} s, {on[1] / 1e6:.0f} MB")
    print(f"the site adds:     {added:.2f} s (median of the rounds' differences)")
    print(f"hugo cold build:   {built[0]:.2f} s, {built[1] / 1e6:.0f} MB")
    print(f"site / hugo:       {added / built[0]:.2f} ({'pass' if added <= built[0] else 'FAIL'}: target ≤ 1)")


if __name__ == "__main__":
    main()
