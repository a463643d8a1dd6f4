"""The public entry points: validate feed bytes (or a built feed on disk) into sorted findings."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import engine, xmlparse
from .document import FeedFacts, Wanted
# The passes are imported here, not lazily: importing a pass defines its rules, and RULES must
# list every rule whichever passes a run uses.
from .files_check import check_files
from .findings import Finding, sorted_findings
from .http import Client
from .online import check_online
from .previous import compare
from .registry import RULES, Hit, Tally
from .xmlparse import Limits


def _findings(path: str, hits: list[Hit]) -> list[Finding]:
    return [Finding(path, line, RULES[rule].severity, rule, message) for rule, line, message in hits]


def facts_of(data: bytes, hits: Tally, *, now: datetime, feed_url: str | None, limits: Limits,
             wanted: Wanted) -> FeedFacts | None:
    """Parse and walk once, adding the hits of the document rules; returns the `wanted` facts for
    the later passes (None when none are wanted or the document is no RSS feed)."""
    parsed = xmlparse.parse(data, limits)
    hits.add(parsed.hits)
    if parsed.root is None:
        return None
    return engine.walk(parsed.root, hits, size=len(data), now=now, feed_url=feed_url, wanted=wanted)


@dataclass(frozen=True)
class Checked:
    findings: list[Finding]
    items: int  # <item>s in the feed, 0 when it could not be walked


def validate_bytes(data: bytes, **options: Any) -> list[Finding]:
    return check_bytes(data, **options).findings


def check_bytes(
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
) -> Checked:
    """Every finding for one feed, in deterministic order.

    `source` names the feed in findings (a path or URL); `feed_url` is the URL
    it was fetched from, when known. The files, online and previous passes run
    only when asked for; nothing here touches the network unless `online`.
    """
    now = now or datetime.now(timezone.utc)
    wanted = Wanted.LINKS if files_dir is not None or online else \
        Wanted.EPISODES if previous is not None else Wanted.NONE
    hits = Tally()
    facts = facts_of(data, hits, now=now, feed_url=feed_url, limits=limits, wanted=wanted)
    if facts is not None:
        if files_dir is not None:
            hits.add(check_files(facts, files_dir, feed_url=feed_url))
        if online:
            hits.add(check_online(facts, feed_url=feed_url, client=Client(timeout=http_timeout)))
        if previous is not None:
            # The old feed's own problems are not this feed's: its hits are dropped.
            old_facts = facts_of(previous, Tally(), now=now, feed_url=None, limits=limits, wanted=Wanted.EPISODES)
            hits.add(compare(old_facts, facts, previous_source=previous_source))
    return Checked(sorted_findings(_findings(source, hits.hits())), hits.items)


def validate_built_feed(feed_path: Path, *, public_dir: Path | None = None, now: datetime | None = None) -> list[Finding]:
    """For `podcast publish`: judge what the builder wrote, with its media, as an app would."""
    public_dir = public_dir if public_dir is not None else feed_path.parent
    return validate_bytes(feed_path.read_bytes(), source=str(feed_path), files_dir=public_dir, now=now)
