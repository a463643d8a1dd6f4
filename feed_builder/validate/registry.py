"""The rule table: what each rule id means, how bad it is, who demands it, and which check emits it.

Behaviour lives in this table rather than in control flow so that `--explain`,
the documentation and the tests all read the same source of truth.
"""
from __future__ import annotations

import enum
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .findings import Severity


class Source(enum.Enum):
    XML = "XML 1.0 and Namespaces in XML (W3C)"
    RSS = "RSS 2.0 specification (RSS Advisory Board)"
    APPLE = "Apple Podcasts: RSS feed requirements (podcasters.apple.com)"
    P20 = "Podcasting 2.0 namespace (podcastindex-org/podcast-namespace, docs/1.0.md)"
    PSP1 = "PSP-1: The Podcast RSS Standard (podcast-standards-project)"
    W3C_VALIDATOR = "W3C Feed Validation Service"
    SUBSCRIBERS = "Podcast app behaviour towards existing subscribers"
    SECURITY = "Safe handling of untrusted XML (OWASP XXE prevention)"


class Scope(enum.Enum):
    """When a check runs during the single walk over the document."""

    CHANNEL = "channel"  # once, with the channel view
    ITEM = "item"  # once per <item>, with the item view
    FEED = "feed"  # once, after the walk, with the collected facts


@dataclass(frozen=True)
class Rule:
    rule_id: str
    severity: Severity
    source: Source
    summary: str
    explanation: str


# A hit is what a check produces; the engine turns it into a Finding with the table's severity.
Hit = tuple[str, int, str]  # (rule_id, line, message)
# Item checks return lists rather than generators: they run once per item, and a generator costs
# more than most of them do.
CheckFn = Callable[[Any, Any], Iterable[Hit]]


class Tally:
    """The hits of one feed as the checks produce them: the first `per_rule` of each rule, and for
    each rule past that, how many more and where.

    A broken or hostile feed of half a million empty items is millions of hits that nobody reads;
    holding and listing them all took more time and memory than every other step. The count is
    reported as one more hit of the same rule, so the exit status is the one the full list gives."""

    def __init__(self, per_rule: int = 100) -> None:
        self.per_rule = per_rule
        self.items = 0  # the feed's <item>s, counted by the walk for the one-line summary
        self._kept: dict[Hit, None] = {}  # insertion-ordered set: the same hit twice is one
        self._listed: dict[str, int] = {}
        self._over: dict[str, tuple[int, int, int]] = {}  # rule -> (count, first line, last line)

    def add(self, hits: Iterable[Hit]) -> None:
        for hit in hits:
            if hit in self._kept:
                continue
            rule, line, _ = hit
            listed = self._listed.get(rule, 0)
            if listed < self.per_rule:
                self._listed[rule] = listed + 1
                self._kept[hit] = None
            else:
                count, first, last = self._over.get(rule, (0, line, line))
                self._over[rule] = (count + 1, min(first, line), max(last, line))

    def hits(self) -> list[Hit]:
        return [*self._kept, *((rule, first, f"{count:,} more like this up to line {last}, not listed")
                               for rule, (count, first, last) in self._over.items())]


@dataclass(frozen=True)
class Check:
    scope: Scope
    rule_ids: tuple[str, ...]
    fn: CheckFn


RULES: dict[str, Rule] = {}
CHECKS: list[Check] = []


def define(rule_id: str, severity: Severity, source: Source, summary: str, explanation: str) -> str:
    """Register a rule once; returns the id so modules can keep it in a constant."""
    if rule_id in RULES:
        raise ValueError(f"rule {rule_id} defined twice")
    RULES[rule_id] = Rule(rule_id, severity, source, summary, inspect.cleandoc(explanation))
    return rule_id


def check(scope: Scope, *rule_ids: str) -> Callable[[CheckFn], CheckFn]:
    """Attach a check function to the table; it may only emit the ids it declares."""

    def register(fn: CheckFn) -> CheckFn:
        unknown = [r for r in rule_ids if r not in RULES]
        if unknown:
            raise ValueError(f"{fn.__name__} emits undefined rules {unknown}")
        CHECKS.append(Check(scope, rule_ids, fn))
        return fn

    return register


def checks_for(scope: Scope) -> list[CheckFn]:
    return [c.fn for c in CHECKS if c.scope is scope]


def explain(rule_id: str) -> str:
    """Human text for `--explain`; raises KeyError for an unknown id."""
    rule = RULES[rule_id]
    return (
        f"{rule.rule_id} ({rule.severity.value}): {rule.summary}\n\n"
        f"{rule.explanation}\n\nSource: {rule.source.value}\n"
    )
