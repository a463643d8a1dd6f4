"""Validating built items while the build goes on: every item checked once, each finding named
after its episode, and the same report whatever order the builds arrive in."""
from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import pytest

from feed_builder.publish import check as feed_check
from feed_builder.validate import api as validate_api
from feed_builder.publish.check import FeedCheck
from feed_builder.show.settings import load_show
from feed_builder.validate import Finding, Severity

LAST_BUILD = datetime.fromisoformat("2025-01-06T00:00:00+00:00")


def item(n: int, enclosure: bool = True) -> bytes:
    """An item as `render_item` indents it; without an enclosure it is an error."""
    enclosure_line = f'      <enclosure url="https://example.com/{n}.mp3" length="1000" type="audio/mpeg"/>\n'
    return (f"    <item>\n      <title>Episode {n}</title>\n"
            f'      <guid isPermaLink="false">00000000-0000-4000-8000-{n:012d}</guid>\n'
            f"      <pubDate>Mon, 06 Jan 2025 00:00:00 +0000</pubDate>\n"
            f"{enclosure_line if enclosure else ''}    </item>\n").encode()


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feed_check, "VALIDATE_BATCH", 3)


def checked(sample_show: Path, order: list[int], broken: set[int], failed: frozenset[int] = frozenset()) -> FeedCheck:
    show = load_show(sample_show)
    check = FeedCheck(show, show.url("images/cover.jpg"), len(order))
    for n in order:
        check.add(n, sample_show / f"episodes/{n}", None if n in failed else item(n, n not in broken))
    check.finish(LAST_BUILD)
    return check


@pytest.mark.usefixtures("small_batches")
def test_findings_name_their_episode_in_folder_order_whatever_order_the_builds_arrive(sample_show: Path):
    broken = {1, 4, 8, 9}
    in_order = checked(sample_show, list(range(10)), broken)
    assert [str(p).split("show/", 1)[1] for p in in_order.problems] == \
        [f"episodes/{n}/episode.md: rss-enclosure-missing: item has no <enclosure>" for n in sorted(broken)]
    shuffled = list(range(10))
    random.Random(5).shuffle(shuffled)
    for order in (shuffled, list(reversed(range(10)))):
        assert checked(sample_show, order, broken).problems == in_order.problems


@pytest.mark.usefixtures("small_batches")
def test_a_batch_is_checked_once_complete_and_the_first_waits_for_the_real_channel(sample_show: Path,
                                                                               monkeypatch: pytest.MonkeyPatch):
    documents: list[bytes] = []
    real = validate_api.validate_bytes

    def recorded(data: bytes, **kwargs):
        documents.append(data)
        return real(data, **kwargs)

    monkeypatch.setattr(validate_api, "validate_bytes", recorded)
    show = load_show(sample_show)
    check = FeedCheck(show, show.url("images/cover.jpg"), 7)
    for n in (3, 4, 0, 1):
        check.add(n, sample_show / f"episodes/{n}", item(n))
    assert documents == []  # episodes 3-5 and 0-2 are each one short
    check.add(5, sample_show / "episodes/5", None)  # a failed build completes its batch too
    assert len(documents) == 1 and b"Episode 3" in documents[0] and b"Episode 4" in documents[0]
    check.add(6, sample_show / "episodes/6", item(6))
    check.add(2, sample_show / "episodes/2", item(2))
    assert len(documents) == 2
    check.finish(LAST_BUILD)
    assert [d.count(b"<item>") for d in documents] == [2, 1, 3]
    assert b"<lastBuildDate>Mon, 06 Jan 2025 00:00:00 +0000</lastBuildDate>" in documents[-1]


@pytest.mark.usefixtures("small_batches")
def test_a_channel_finding_is_reported_once_not_once_a_batch(sample_show: Path, monkeypatch: pytest.MonkeyPatch):
    real = validate_api.validate_bytes

    def with_a_channel_warning(data: bytes, **kwargs):
        return [*real(data, **kwargs), Finding("feed.xml", 3, Severity.WARNING, "apple-author", "no author")]

    monkeypatch.setattr(validate_api, "validate_bytes", with_a_channel_warning)
    check = checked(sample_show, list(range(10)), set())
    assert [w.split("show/", 1)[1] for w in check.warnings] == ["podcast.toml: apple-author: no author"]


@pytest.mark.parametrize("indent", ["", "  ", "\t", "      "])
def test_an_error_past_the_first_batch_is_found_however_items_are_indented(sample_show: Path, indent: str):
    """Each item's line comes from the bytes it adds, not from how it is laid out: with another
    indentation, findings after the first batch were once dropped and a wrong feed published."""
    count, broken = 160, 149  # episode 150 of 160, in the second batch of 100
    show = load_show(sample_show)
    check = FeedCheck(show, show.url("images/cover.jpg"), count)
    for n in range(count):
        lines = item(n, n != broken).decode().splitlines(keepends=True)
        check.add(n, sample_show / f"episodes/{n}", "".join(indent + line.lstrip(" ") for line in lines).encode())
    check.finish(LAST_BUILD)
    assert [str(p).split("show/", 1)[1] for p in check.problems] == \
        [f"episodes/{broken}/episode.md: rss-enclosure-missing: item has no <enclosure>"]
