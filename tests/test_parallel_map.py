"""`build._map`, the one place that decides which process does an episode's work."""
from __future__ import annotations

import os

import pytest

from feed_builder.build import _map
from feed_builder.progress import Silent


class Steps(Silent):
    def __init__(self) -> None:
        self.labels: list[str] = []

    def step(self, label: str) -> None:
        self.labels.append(label)


def _with_pid(n: int) -> tuple[int, int]:
    return n, os.getpid()


@pytest.mark.parametrize("jobs, count", [(2, 8), (2, 101), (3, 250)])
def test_this_process_takes_a_share_and_results_keep_their_order(jobs: int, count: int) -> None:
    steps = Steps()
    results = list(_map(_with_pid, list(range(count)), jobs, steps, str))
    assert [n for n, _ in results] == list(range(count))
    assert steps.labels == [str(n) for n in range(count)]  # one step per item, as it is handed over
    pids = {pid for _, pid in results}
    assert os.getpid() in pids and len(pids) > 1


def test_too_little_work_stays_in_this_process() -> None:
    assert {pid for _, pid in _map(_with_pid, list(range(7)), 2, Steps(), str)} == {os.getpid()}
