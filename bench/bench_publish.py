"""Time `podcast publish` on a synthetic catalogue, side by side with floors measured in the same run.

Each publish runs as a whole process (interpreter start and imports included, as a user pays them),
its peak memory taken from the kernel. The CLI's options are read from `--help` at run time, so
this keeps working as publish gains `--quiet`, `--jobs` and the like.

    .venv/bin/python bench/bench_publish.py --episodes 1000
"""
from __future__ import annotations

import argparse
import compileall
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from floors import LABELS, measure_floors, measure_noop_floors
from make_catalogue import folder_name, make_catalogue

PODCAST = [sys.executable, "-m", "cli"]
REPOSITORY = Path(__file__).resolve().parent.parent
GNU_TIME = Path("/usr/bin/time")
COLD_TARGET_RATIO = 2.5
NOOP_TARGET_RATIO = 1.25
ONE_CHANGE_TARGET_RATIO = 2.5
MEMORY_TARGET_RATIO = 3.0
SAMPLE_EVERY_S = 0.02

Snapshot = dict[str, tuple[int, int]]


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_memory: int  # bytes
    changes: tuple[str, ...] = ()


@dataclass
class Row:
    name: str
    seconds: float
    floor: float
    target: str
    passed: bool


@dataclass
class Results:
    feed_size: int = 0
    rows: list[Row] = field(default_factory=list)
    memory: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _resident(pid: int) -> int:
    """Proportional set size (shared pages split among sharers), else RSS; 0 once the process is gone.

    PSS, because forked workers share their parent's pages: summing their RSS would count those twice."""
    for name, key in (("smaps_rollup", "Pss"), ("status", "VmRSS")):
        try:
            text = Path(f"/proc/{pid}/{name}").read_text()
        except OSError:
            continue
        if found := re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE):
            return int(found.group(1)) * 1024
    return 0


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    except OSError:
        return []  # exited, or no /proc


def tree_resident(pid: int) -> int:
    """Memory of `pid` and all its descendants now (Linux /proc; 0 elsewhere).

    Needed because ru_maxrss is the largest single process, while parallel workers add up."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        total += _resident(current)
        pending += _children(current)
    return total


class PeakSampler(threading.Thread):
    """Polls a process tree's total memory until stopped; keeps the largest value seen."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_EVERY_S):
            self.peak = max(self.peak, tree_resident(self.pid))


def run_child(argv: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak memory bytes of one child process; exits with its output if it fails.

    Linux bills a child for its parent's resident set at fork time (ru_maxrss survives exec), so
    neither RUSAGE_CHILDREN nor the child's own ru_maxrss can be trusted from this large process.
    GNU time is a tiny parent: its %M is the largest single process of the run. Without it, only
    the sampled tree total is available (which can miss a peak shorter than the sampling interval)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as tmp:
        maxrss = Path(tmp) / "maxrss"
        wrapped = [str(GNU_TIME), "-f", "%M", "-o", str(maxrss), *argv] if GNU_TIME.exists() else argv
        started = time.perf_counter()
        proc = subprocess.Popen(wrapped, cwd=cwd, stdout=out, stderr=err)
        sampler = PeakSampler(proc.pid)
        sampler.start()
        proc.wait()
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        if proc.returncode != 0:
            out.seek(0)
            err.seek(0)
            sys.exit(f"{' '.join(argv)} exited {proc.returncode}\n{out.read().decode()}{err.read().decode()[-4000:]}")
        largest = int(maxrss.read_text().split()[-1]) * 1024 if maxrss.exists() else 0
    return seconds, max(largest, sampler.peak)


def publish_options() -> set[str]:
    """Long options `podcast publish --help` lists, so new ones are used when they appear."""
    text = subprocess.run([*PODCAST, "publish", "--help"], capture_output=True, text=True, check=True).stdout
    listed = text.split("Options:", 1)[-1]  # not the examples above it, which show group options
    return set(re.findall(r"(?m)^\s+(?:-\w, )?(--[a-z][a-z-]*)", listed)) - {"--help"}


def snapshot(root: Path) -> Snapshot:
    """Every file under `root` with its size and mtime: enough to see whether a run wrote anything."""
    files: Snapshot = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            st = os.stat(path)
            files[os.path.relpath(path, root)] = (st.st_size, st.st_mtime_ns)
    return files


def changes(before: Snapshot, after: Snapshot) -> tuple[str, ...]:
    added = [f"+{p}" for p in after.keys() - before.keys()]
    removed = [f"-{p}" for p in before.keys() - after.keys()]
    changed = [f"~{p}" for p in before.keys() & after.keys() if before[p] != after[p]]
    return tuple(sorted(added + removed + changed, key=lambda c: c[1:]))


def publish(root: Path, extra: list[str]) -> Run:
    """One `podcast publish` of `root`, after flushing dirty pages so it is not billed for earlier writes."""
    os.sync()
    before = snapshot(root)
    seconds, peak = run_child([*PODCAST, "--root", str(root), "publish", *extra], cwd=root)
    return Run(seconds, peak, changes(before, snapshot(root)))


def startup_floor() -> float:
    """Best of five bare interpreter starts: the part of every publish no code of ours can remove."""
    times = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - started)
    return min(times)


def baseline_memory() -> int:
    """Peak memory of a process that only imports the CLI and publish: what no catalogue size changes."""
    return run_child([sys.executable, "-c", "import cli, feed_builder.publish.decide"], cwd=Path.cwd())[1]


def append_line(root: Path, number: int) -> None:
    with (root / "episodes" / folder_name(number) / "episode.md").open("a", encoding="utf-8") as f:
        f.write(f"\nEdited for the benchmark at {time.time_ns()}.\n")


def median_run(runs: list[Run]) -> Run:
    """Median time (one slow run on a shared machine says little), but the worst memory and every change."""
    seconds = statistics.median(r.seconds for r in runs)
    return Run(seconds, max(r.peak_memory for r in runs), tuple(c for r in runs for c in r.changes))


def summarize(changed: tuple[str, ...], limit: int = 6) -> str:
    if not changed:
        return "nothing written"
    shown = ", ".join(changed[:limit])
    return f"{len(changed)} file(s): {shown}" + (", ..." if len(changed) > limit else "")


def cold_floor(root: Path, scratch: Path) -> tuple[float, str]:
    """(a) + (b) + (c), measured now, with a note of the parts."""
    floors = measure_floors(root, scratch)
    return sum(floors.values()), _parts(floors)


def noop_floor(root: Path, scratch: Path, *, with_feed_copy: bool = False) -> tuple[float, str]:
    """Interpreter start + (d), and (e) if asked, measured now on the `public/` the last publish left.

    The start is in because a publish is a whole process: no code of ours can remove it."""
    floors, size, manifest_size = measure_noop_floors(root, scratch)
    start = startup_floor()
    seconds = start + floors["noop_check"] + (floors["feed_copy"] if with_feed_copy else 0.0)
    used = floors if with_feed_copy else {"noop_check": floors["noop_check"]}
    return seconds, (f"{_parts(used)}; interpreter start {start:.3f} s; "
                     f"record {size / 1e6:.2f} MB for a manifest of {manifest_size / 1e6:.2f} MB")


def _parts(floors: dict[str, float]) -> str:
    return "; ".join(f"{LABELS[k]} {v:.3f} s" for k, v in floors.items())


def paired(results: Results, name: str, rounds: list[tuple[float, str, Run]], target_ratio: float,
           *, nothing_written: bool = False) -> None:
    """One row from rounds of (floor, its parts, run), each floor measured right before its run.

    This machine's speed drifts by 20-40% over minutes (the floors themselves did), so a run is
    only compared with the floor measured next to it, and the ratio judged is the median of those
    paired ratios; the row's floor is the median time divided by it."""
    ratios = [run.seconds / floor for floor, _, run in rounds]
    for n, (floor, parts, run) in enumerate(rounds, 1):
        results.notes.append(f"{name}, round {n}: {run.seconds:.3f} s / floor {floor:.3f} s = {ratios[n - 1]:.2f}x "
                             f"({parts})")
    ratio, run = statistics.median(ratios), median_run([run for _, _, run in rounds])
    target = f"<= {target_ratio:g}x floor" + (", nothing written" if nothing_written else "")
    record(results, name, run, run.seconds / ratio, target,
           ratio <= target_ratio and not (nothing_written and run.changes))


def record(results: Results, name: str, run: Run, floor: float, target: str, passed: bool) -> None:
    results.rows.append(Row(name, run.seconds, floor, target, passed))
    results.memory.append((name, run.peak_memory))


@contextmanager
def trash(root: Path) -> Iterator[Path]:
    """Where files go instead of being deleted, until nothing more is timed.

    ext4 skips an inode freed in the last minute (five, if its table block is still dirty) when it
    allocates one, and tests them one by one: after 30,000 files were deleted, a create cost 161 µs
    instead of 19 (measured on this disk). Deleting the floors' scratch files or the last `public/`
    just before a timed run billed that run for the benchmark's own clean-up; moving them aside is
    one rename and frees nothing.
    """
    with tempfile.TemporaryDirectory(dir=root.parent, prefix=".bench-trash-") as tmp:
        yield Path(tmp)


def bench(root: Path, episodes: int, repeat: int, results: Results, trash: Path) -> None:
    """The cases in order: each starts from the state of `public/` the previous one left, and each
    is timed `repeat` times, alternating with its floor (see `paired`)."""
    options = publish_options()
    results.notes.append(f"publish options detected: {' '.join(sorted(options)) or 'none'}")
    extra = ["--quiet"] if "--quiet" in options else []

    cold = []
    for n in range(repeat):
        if n:
            (root / "public").rename(trash / f"public-cold-{n}")
        cold.append((*cold_floor(root, trash / f"floors-cold-{n}"), publish(root, extra)))
    paired(results, "cold publish", cold, COLD_TARGET_RATIO)
    results.notes.append(f"memory of `import cli, feed_builder.publish.decide` alone: {baseline_memory() / 1e6:.1f} MB")
    results.feed_size = (root / "public" / "feed.xml").stat().st_size

    noop = [(*noop_floor(root, trash / f"floors-noop-{n}"), publish(root, extra)) for n in range(repeat)]
    paired(results, "no-op publish", noop, NOOP_TARGET_RATIO, nothing_written=True)
    results.notes.append(f"no-op publish wrote: {summarize(median_run([run for *_, run in noop]).changes)}")

    edits = []
    for n in range(repeat):
        floor = noop_floor(root, trash / f"floors-edit-{n}", with_feed_copy=True)
        append_line(root, episodes // 2 + 1 + n)
        edits.append((*floor, publish(root, extra)))
    paired(results, "one episode changed", edits, ONE_CHANGE_TARGET_RATIO)
    results.notes.append(f"one episode changed wrote (first edit): {summarize(edits[0][2].changes)}")

    if "--jobs" not in options:
        results.notes.append("serial vs parallel skipped: publish has no --jobs option")
        return
    for jobs in sorted({1, os.cpu_count() or 1}):
        (root / "public").rename(trash / f"public-before-jobs-{jobs}")
        floor = cold_floor(root, trash / f"floors-jobs-{jobs}")
        paired(results, f"cold publish --jobs {jobs}", [(*floor, publish(root, [*extra, "--jobs", str(jobs)]))],
               COLD_TARGET_RATIO)


def report(results: Results) -> str:
    """Markdown tables, so the output can be pasted into bench/README.md as is."""
    feed_size = results.feed_size
    lines = ["| measurement | seconds | floor | ratio | target | result |", "|---|---:|---:|---:|---|---|"]
    for r in results.rows:
        lines.append(f"| {r.name} | {r.seconds:.3f} | {r.floor:.3f} | {r.seconds / r.floor:.2f}x | {r.target} "
                     f"| {'pass' if r.passed else 'FAIL'} |")
    lines += ["", "| run | peak memory (MB) | feed.xml (MB) | ratio | target | result |", "|---|---:|---:|---:|---|---|"]
    for name, peak in results.memory:
        ratio = peak / feed_size
        lines.append(f"| {name} | {peak / 1e6:.1f} | {feed_size / 1e6:.1f} | {ratio:.1f}x "
                     f"| <= {MEMORY_TARGET_RATIO:g}x feed | {'pass' if ratio <= MEMORY_TARGET_RATIO else 'FAIL'} |")
    return "\n".join([*lines, "", *(f"- {n}" for n in results.notes)])


@contextmanager
def catalogue_dir(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="podcast-bench-") as tmp:
        yield Path(tmp) / "show"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=10_000)
    parser.add_argument("--notes-kb", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the cold case (each after its own floors), runs of the no-op and one-change cases (medians)")
    parser.add_argument("--keep", type=Path, help="generate the catalogue here (new or empty) and keep it")
    args = parser.parse_args(argv)
    # Bytecode as an installed package has it (pip compiles on install; an editable install under
    # PYTHONDONTWRITEBYTECODE never gets any): compiling our modules cost every publish ~70 ms.
    compileall.compile_dir(REPOSITORY / "feed_builder", quiet=1)
    compileall.compile_file(REPOSITORY / "cli.py", quiet=1)
    with catalogue_dir(args.keep) as root:
        make_catalogue(root, args.episodes, args.notes_kb)
        results = Results()
        with trash(root) as aside:
            bench(root, args.episodes, args.repeat, results, aside)
        print(report(results))


if __name__ == "__main__":
    main()
