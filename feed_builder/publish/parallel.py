"""Work spread over processes: the one place that decides which process does an episode's work."""
from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from feed_builder.publish.progress import Progress

T = TypeVar("T")
R = TypeVar("R")
_CHUNK = 32  # episodes: small enough that all processes finish within about one chunk of each other


def map_jobs(fn: Callable[[T], R], args: list[T], jobs: int, progress: Progress,
             label: Callable[[T], str]) -> Iterator[tuple[int, R]]:
    """`fn` over `args` in `jobs` processes, this one among them, when there is enough work to pay
    for them; each result with its argument's index, as soon as it is ready. The same results
    either way: only their arrival order differs.

    Workers take chunks from the front; this process takes them from the back whenever no worker
    result is waiting, so all finish together: a fixed share would leave one idle at the end while
    the other, which may also be validating results, finished its own.
    """
    if jobs == 1 or len(args) < 4 * jobs:
        yield from _steps(0, map(fn, args), args, progress, label)
        return
    size = max(1, min(_CHUNK, len(args) // (jobs * 32)))
    starts = range(0, len(args), size)
    with ProcessPoolExecutor(jobs - 1, initializer=_die_with, initargs=(os.getpid(),)) as pool:
        # a chunk leaves `chunks` as it is taken: a future would keep its results alive to the end
        chunks = deque((start, pool.submit(_each, fn, args[start:start + size])) for start in starts)
        while chunks:
            start, future = chunks[0]
            if future.done() or not chunks[-1][1].cancel():  # not cancelled: the rest is theirs
                chunks.popleft()
                results = iter(future.result())
            else:
                start, _ = chunks.pop()
                results = map(fn, args[start:start + size])
            yield from _steps(start, results, args, progress, label)


def _each(fn: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [fn(arg) for arg in chunk]


def _steps(start: int, results: Iterator[R], args: list[T], progress: Progress,
           label: Callable[[T], str]) -> Iterator[tuple[int, R]]:
    for index, result in enumerate(results, start):
        progress.step(label(args[index]))
        yield index, result


def _die_with(parent: int) -> None:
    """A worker ends when the publishing process does, however it ended: a worker blocked on its
    task queue would otherwise wait forever, since it holds that queue's other end itself. Started
    in the worker, so no thread exists in the parent when it forks."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
