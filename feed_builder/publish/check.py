"""The validator run on the items a publish builds, batch by batch while the build goes on.

Checked after the build, validation would be a serial stage while the workers sat idle; checked
as each batch is complete, it shares the cores with the build instead (`parallel.map_jobs` hands
this process fewer episodes while it validates).

Batches are consecutive episodes in folder order (`VALIDATE_BATCH` of them), whatever order the
builds arrive in, so a run reports the same findings serial or parallel. Each batch is a document
of the channel and its items: it bounds the parse tree and the memory peak. Unchanged items were
checked when they were built; the files behind the feed are not re-read either (their lengths,
types and durations were just measured on those very files; `podcast validate` checks them).

The channel as published (its lastBuildDate is the newest episode's date, known only at the end)
is checked once, with the first batch; the other batches carry a stand-in channel, and only their
items' findings count.
"""
from __future__ import annotations

import bisect
from datetime import datetime
from pathlib import Path

from feed_builder.show.episode import EPISODE_FILE
from feed_builder.core.errors import Problem, problem
from feed_builder.rss.feed import render_channel
from feed_builder.core.model import Show
from feed_builder.core.urls import is_loopback_http_url
from feed_builder.show.settings import SHOW_FILE

VALIDATE_BATCH = 100
LOOPBACK_EXCUSED = frozenset({"p20-https"})
MOVED_EXCUSED = frozenset({"p20-guid"})
# Only channel rules read lastBuildDate, and the stand-in's channel findings are not counted.
_STAND_IN_DATE = datetime.fromisoformat("2000-01-01T00:00:00+00:00")


class FeedCheck:
    """Built items go in with `add`, in any order, then `finish`; `problems` and `warnings` are
    what the validator found, named after the episode (or the show file, for the channel)."""

    def __init__(self, show: Show, image_url: str, episodes: int) -> None:
        self.show, self.image_url = show, image_url
        self._found: dict[int, tuple[list[Problem], list[str]]] = {}  # by batch, as batches finish
        self._missing = [min(VALIDATE_BATCH, episodes - start) for start in range(0, episodes, VALIDATE_BATCH)]
        self._batches: dict[int, dict[int, tuple[Path, bytes]]] = {}
        self._stand_in: tuple[bytes, bytes] | None = None
        # Only a server on this machine has an http base URL (`podcast serve`'s preview, a test): the
        # loader refuses any other. Every URL it publishes is then http, which no app elsewhere is given.
        self._excused = LOOPBACK_EXCUSED if is_loopback_http_url(show.base_url) else frozenset()
        if show.guid and show.moved_from:  # a declared move keeps the guid the old feed URL gave: the spec's way
            self._excused |= MOVED_EXCUSED

    def add(self, index: int, folder: Path, item: bytes | None) -> None:
        """The episode at `index` in folder order, with its item, or None if it failed to build."""
        number = index // VALIDATE_BATCH
        batch = self._batches.setdefault(number, {})
        if item is not None:
            batch[index] = (folder, item)
        self._missing[number] -= 1
        if number and not self._missing[number]:  # the first batch waits for the real channel
            self._stand_in = self._stand_in or render_channel(self.show, last_build=_STAND_IN_DATE,
                                                              image_url=self.image_url)
            self._found[number] = self._check(self._stand_in, self._batches.pop(number), channel_counts=False)

    def finish(self, last_build: datetime) -> None:
        """Checks the first batch with the channel as it will be published."""
        head_tail = render_channel(self.show, last_build=last_build, image_url=self.image_url)
        self._found[0] = self._check(head_tail, self._batches.pop(0, {}), channel_counts=True)

    @property
    def problems(self) -> list[Problem]:
        """In folder order, however the builds arrived."""
        return [p for number in sorted(self._found) for p in self._found[number][0]]

    @property
    def warnings(self) -> list[str]:
        return [w for number in sorted(self._found) for w in self._found[number][1]]

    def _check(self, head_tail: tuple[bytes, bytes], batch: dict[int, tuple[Path, bytes]],
               channel_counts: bool) -> tuple[list[Problem], list[str]]:
        from feed_builder.validate.api import validate_bytes  # only when there is a batch
        from feed_builder.validate.findings import Severity

        head, tail = head_tail
        folders, items = zip(*(batch[index] for index in sorted(batch)), strict=True) if batch else ((), ())
        feed = b"".join([head, *items, tail])
        lines, line = [], 1 + head.count(b"\n")  # the line each item's first element is on
        for item in items:
            lines.append(line + item[:len(item) - len(item.lstrip())].count(b"\n"))
            line += item.count(b"\n")
        problems: list[Problem] = []
        warnings: list[str] = []
        for f in validate_bytes(feed, source="feed.xml", feed_url=self.show.feed_url):
            index = bisect.bisect_right(lines, f.line or 0) - 1
            if f.severity is Severity.INFO or (index < 0 and not channel_counts) or f.rule_id in self._excused:
                continue
            where = folders[index] / EPISODE_FILE if index >= 0 else self.show.root / SHOW_FILE
            found = problem(where, None, f.rule_id, f.message)
            if f.severity is Severity.ERROR:
                problems.append(found)
            else:
                warnings.append(str(found))
        return problems, warnings
