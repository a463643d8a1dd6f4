"""Findings are data: every check returns them, every formatter consumes them."""
from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    """Ordered so that the worst finding sorts first within a line."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, order=False)
class Finding:
    """One problem at one place; `line` is 0 when no line applies (e.g. a file on disk)."""

    path: str
    line: int
    severity: Severity
    rule_id: str
    message: str

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.severity.rank, self.rule_id, self.message)

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity.value,
            "rule": self.rule_id,
            "message": self.message,
        }


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    """Deterministic order so CI diffs and expected-files are stable; duplicates dropped."""
    return sorted(set(findings), key=Finding.sort_key)
