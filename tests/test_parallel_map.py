"""`parallel.map_jobs`, the one place that decides which process does an episode's work."""
from __future__ import annotations

import os

import pytest

from feed_builder.publish.parallel import map_jobs
from feed_builder.publish.progress import Silent


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
    results = list(map_jobs(_with_pid, list(range(count)), jobs, steps, str))
    assert sorted(index for index, _ in results) == list(range(count))
    assert all(index == n for index, (n, _) in results)
    assert [str(index) for index, _ in results] == steps.labels  # one step per item, as it is handed over
