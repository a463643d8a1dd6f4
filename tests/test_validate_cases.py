"""Data-driven: every tests/data/feeds/<case>.xml against its <case>.expected.

An .expected file lists `line severity rule-id` per finding; `# key: value`
lines set options (feed_url, max_bytes, max_elements, previous). Messages are not compared,
so wording can improve without touching the data.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from feed_builder.validate import RULES, Limits, validate_bytes

FEEDS = Path(__file__).parent / "data" / "feeds"
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
CASES = sorted(p.stem for p in FEEDS.glob("*.xml"))
# Rules whose findings need media files or a server; proved in test_validate_files / test_validate_online.
ELSEWHERE = {r for r in RULES if r.startswith(("files-", "online-"))} | {"consistency-feed-size", "previous-unreadable"}


def _expected(case: str) -> tuple[dict[str, str], list[tuple[int, str, str]]]:
    options: dict[str, str] = {}
    findings = []
    for raw in (FEEDS / f"{case}.expected").read_text().splitlines():
        if raw.startswith("#"):
            key, _, value = raw[1:].partition(":")
            options[key.strip()] = value.strip()
        elif raw.strip():
            line, severity, rule = raw.split()
            findings.append((int(line), severity, rule))
    return options, findings


@pytest.mark.parametrize("case", CASES)
def test_case(case: str) -> None:
    options, expected = _expected(case)
    previous = options.get("previous")
    found = validate_bytes(
        (FEEDS / f"{case}.xml").read_bytes(),
        source=f"{case}.xml",
        feed_url=options.get("feed_url"),
        previous=(FEEDS / previous).read_bytes() if previous else None,
        limits=Limits(max_bytes=int(options.get("max_bytes", Limits().max_bytes)),
                      max_elements=int(options.get("max_elements", Limits().max_elements))),
        now=NOW,
    )
    assert sorted((f.line, f.severity.value, f.rule_id) for f in found) == sorted(expected)


def test_valid_feed_has_no_findings() -> None:
    assert _expected("valid") == ({}, [])


def test_every_rule_has_a_case() -> None:
    covered = {rule for case in CASES for _, _, rule in _expected(case)[1]}
    assert set(RULES) - covered - ELSEWHERE == set()


def test_every_rule_is_explained() -> None:
    for rule in RULES.values():
        assert rule.summary and len(rule.explanation) > 40 and rule.rule_id.split("-")[0] in {
            "xml", "rss", "apple", "p20", "consistency", "files", "online", "previous"}
