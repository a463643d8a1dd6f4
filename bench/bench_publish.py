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

from floors import LABELS, measure_floors
from make_catalogue import folder_name, make_catalogue

PODCAST = [sys.executable, "-m", "cli"]
REPOSITORY = Path(__file__).resolve().parent.parent
GNU_TIME = Path("/usr/bin/time")
NOOP_TARGET_S = 0.5
ONE_CHANGE_TARGET_S = 1.0
COLD_TARGET_RATIO = 2.0
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


@dataclass(frozen=True)
class Floors:
    """The floor each publish case is compared with, in seconds."""

    cold: float
    noop: float
    one_change: float


def measured_floors(root: Path, episodes: int, scratch: Path) -> tuple[Floors, dict[str, float], float]:
    """The floors as the cases use them, with the raw figures and the interpreter start they came from."""
    floors = measure_floors(root, scratch)
    start = startup_floor()
    noop = start + floors["noop_check"]
    return Floors(
        cold=floors["read_render"] + floors["feed_lxml"] + floors["tagged_copy"],
        noop=noop,
        one_change=noop + (floors["read_render"] + floors["tagged_copy"]) / episodes + floors["feed_write"],
    ), floors, start


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
    """The cases in order: each starts from the state of `public/` the previous one left.

    The cold publish is timed `repeat` times, each right after its own floors: this machine's speed
    drifts by 20-40% over minutes (the floors themselves did), so a cold run is only compared with
    floors measured next to it, and the ratio reported is the median of those paired ratios.
    """
    options = publish_options()
    results.notes.append(f"publish options detected: {' '.join(sorted(options)) or 'none'}")
    extra = ["--quiet"] if "--quiet" in options else []
    cold_target = f"<= {COLD_TARGET_RATIO:g}x floor (a+b+c)"

    rounds = []
    for n in range(repeat):
        if n:
            (root / "public").rename(trash / f"public-cold-{n}")
        floors, raw, start = measured_floors(root, episodes, trash / f"floors-{n}")
        rounds.append((floors, publish(root, extra)))
        results.notes.append(f"round {n + 1} floors: " + "; ".join(f"{LABELS[k]} {v:.3f} s" for k, v in raw.items())
                             + f"; interpreter start {start:.3f} s")
    results.notes.append(f"memory of `import cli, feed_builder.publish.decide` alone: {baseline_memory() / 1e6:.1f} MB")
    ratios = [run.seconds / f.cold for f, run in rounds]
    results.notes.append("cold publish / floor, each round: " + ", ".join(f"{r:.2f}x" for r in ratios))
    floors = Floors(*(statistics.median(getattr(f, name) for f, _ in rounds) for name in ("cold", "noop", "one_change")))
    cold = median_run([run for _, run in rounds])
    results.feed_size = (root / "public" / "feed.xml").stat().st_size
    record(results, "cold publish", cold, cold.seconds / statistics.median(ratios), cold_target,
           statistics.median(ratios) <= COLD_TARGET_RATIO)

    noop = median_run([publish(root, extra) for _ in range(repeat)])
    record(results, "no-op publish", noop, floors.noop, f"<= {NOOP_TARGET_S:g} s, nothing written",
           noop.seconds <= NOOP_TARGET_S and not noop.changes)
    results.notes.append(f"no-op publish wrote: {summarize(noop.changes)}")

    edits = []
    for i in range(repeat):
        append_line(root, episodes // 2 + 1 + i)
        edits.append(publish(root, extra))
    one = median_run(edits)
    record(results, "one episode changed", one, floors.one_change, f"<= {ONE_CHANGE_TARGET_S:g} s",
           one.seconds <= ONE_CHANGE_TARGET_S)
    results.notes.append(f"one episode changed wrote (first edit): {summarize(edits[0].changes)}")

    if "--jobs" not in options:
        results.notes.append("serial vs parallel skipped: publish has no --jobs option")
        return
    for jobs in sorted({1, os.cpu_count() or 1}):
        (root / "public").rename(trash / f"public-before-jobs-{jobs}")
        run = publish(root, [*extra, "--jobs", str(jobs)])
        record(results, f"cold publish --jobs {jobs}", run, floors.cold, cold_target,
               run.seconds <= COLD_TARGET_RATIO * floors.cold)


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
