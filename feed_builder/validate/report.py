"""Formatters: the same findings as text for people, JSON for tools, annotations for GitHub Actions."""
from __future__ import annotations

import json
import re
from collections import Counter

from .findings import Finding, Severity

_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def text(findings: list[Finding]) -> str:
    return "".join(f"{f.path}:{f.line}: {f.severity.value} {f.rule_id}: {f.message}\n" for f in findings)


def summary(findings: list[Finding]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {severity.value: counts[severity] for severity in Severity}


# What reads the summary back (the GitHub Action's outputs) matches it with this, kept beside it.
SUMMARY_LINE = re.compile(r".*: (?P<items>\d+) item\(s\), (?P<errors>\d+) error\(s\), (?P<warnings>\d+) warning\(s\)")


def summary_line(feed: str, items: int, findings: list[Finding]) -> str:
    """One line per feed for people and CI logs; the findings themselves go to stdout."""
    counts = summary(findings)
    return (f"{feed}: {items} item(s), {counts[Severity.ERROR.value]} error(s), "
            f"{counts[Severity.WARNING.value]} warning(s)")


def as_json(findings: list[Finding]) -> str:
    return json.dumps({"findings": [f.to_dict() for f in findings], "summary": summary(findings)}, indent=2) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(findings: list[Finding]) -> str:
    """Workflow commands (`::error file=...,line=...,title=...::message`) that annotate the diff."""
    lines = []
    for f in findings:
        where = f"file={_escape_property(f.path)}" + (f",line={f.line}" if f.line else "")
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {where},title={_escape_property(f.rule_id)}::"
                     f"{_escape_data(f.message)}\n")
    return "".join(lines)


FORMATTERS = {"text": text, "json": as_json, "github": github}
