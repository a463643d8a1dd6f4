"""The public entry points: validate feed bytes (or a built feed on disk) into sorted findings."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from . import engine, xmlparse
from .document import FeedFacts, Wanted
# The passes are imported here, not lazily: importing a pass defines its rules, and RULES must
# list every rule whichever passes a run uses.
from .files_check import check_files
from .findings import Finding, sorted_findings
from .http import Client
from .online import check_online
from .previous import compare
from .registry import RULES, Hit
from .xmlparse import Limits


def _findings(path: str, hits: list[Hit]) -> list[Finding]:
    return [Finding(path, line, RULES[rule].severity, rule, message) for rule, line, message in hits]


def facts_of(data: bytes, *, now: datetime, feed_url: str | None, limits: Limits,
             wanted: Wanted) -> tuple[list[Hit], FeedFacts | None]:
    """Parse and walk once: every hit of the document rules, and the `wanted` facts for the later
    passes (None when none are wanted or the document is no RSS feed)."""
    parsed = xmlparse.parse(data, limits)
    if parsed.root is None:
        return parsed.hits, None
    found, facts = engine.walk(parsed.root, size=len(data), now=now, feed_url=feed_url, wanted=wanted)
    return parsed.hits + found, facts


def validate_bytes(
    data: bytes,
    *,
    source: str,
    feed_url: str | None = None,
    files_dir: Path | None = None,
    previous: bytes | None = None,
    previous_source: str = "previous",
    online: bool = False,
    http_timeout: float = 10.0,
    now: datetime | None = None,
    limits: Limits = Limits(),
) -> list[Finding]:
    """Every finding for one feed, in deterministic order.

    `source` names the feed in findings (a path or URL); `feed_url` is the URL
    it was fetched from, when known. The files, online and previous passes run
    only when asked for; nothing here touches the network unless `online`.
    """
    now = now or datetime.now(timezone.utc)
    wanted = Wanted.LINKS if files_dir is not None or online else \
        Wanted.EPISODES if previous is not None else Wanted.NONE
    hits, facts = facts_of(data, now=now, feed_url=feed_url, limits=limits, wanted=wanted)
    findings = _findings(source, hits)
    if facts is None:
        return sorted_findings(findings)
    if files_dir is not None:
        findings += _findings(source, check_files(facts, files_dir, feed_url=feed_url))
    if online:
        client = Client(timeout=http_timeout)
        findings += _findings(source, check_online(facts, feed_url=feed_url, client=client))
    if previous is not None:
        _, old_facts = facts_of(previous, now=now, feed_url=None, limits=limits, wanted=Wanted.EPISODES)
        findings += _findings(source, compare(old_facts, facts, previous_source=previous_source))
    return sorted_findings(findings)


def validate_built_feed(feed_path: Path, *, public_dir: Path | None = None, now: datetime | None = None) -> list[Finding]:
    """For `podcast publish`: judge what the builder wrote, with its media, as an app would."""
    public_dir = public_dir if public_dir is not None else feed_path.parent
    return validate_bytes(feed_path.read_bytes(), source=str(feed_path), files_dir=public_dir, now=now)
