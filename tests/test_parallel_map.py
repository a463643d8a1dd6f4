"""`build._map`, the one place that decides which process does an episode's work."""
from __future__ import annotations

import os
import time
from functools import partial

import pytest

from feed_builder.build.rebuild import _map
from feed_builder.build.progress import Silent


class Steps(Silent):
    def __init__(self) -> None:
        self.labels: list[str] = []

    def step(self, label: str) -> None:
        self.labels.append(label)


def _with_pid(n: int) -> tuple[int, int]:
    return n, os.getpid()


@pytest.mark.parametrize("jobs, count", [(2, 8), (2, 101), (3, 250), (2, 2000)])
def test_each_result_comes_with_the_index_of_its_argument(jobs: int, count: int) -> None:
    steps = Steps()
    results = list(_map(_with_pid, list(range(count)), jobs, steps, str))
    assert sorted(index for index, _ in results) == list(range(count))
    assert all(index == n for index, (n, _) in results)
    assert [str(index) for index, _ in results] == steps.labels  # one step per item, as it is handed over


PARENT = os.getpid()


def _slow(n: int, here: float, there: float) -> tuple[int, int]:
    time.sleep(here if os.getpid() == PARENT else there)
    return n, os.getpid()


@pytest.mark.parametrize("jobs", [2, 3])
def test_every_process_takes_a_share(jobs: int) -> None:
    results = list(_map(partial(_slow, here=0.001, there=0.001), list(range(400)), jobs, Steps(), str))
    assert len({pid for _, (_, pid) in results}) == jobs


def test_this_process_takes_more_when_the_workers_are_slower() -> None:
    """Chunks are shared as they are taken, not dealt out in advance: a fixed half each would leave
    the fast process idle while the slow one finished."""
    results = list(_map(partial(_slow, here=0, there=0.002), list(range(400)), 2, Steps(), str))
    assert sum(pid == PARENT for _, (_, pid) in results) > 300


def test_too_little_work_stays_in_this_process() -> None:
    assert {pid for _, (_, pid) in _map(_with_pid, list(range(7)), 2, Steps(), str)} == {os.getpid()}
