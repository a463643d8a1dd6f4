"""`podcast validate`: judge any podcast feed the way apps and directories do.

This package deliberately imports nothing from the rest of feed_builder: it
must see our own feeds exactly as it sees anyone else's.
"""
from .api import validate_built_feed, validate_bytes
from .findings import Finding, Severity, sorted_findings
from .registry import RULES, Rule, explain
from .xmlparse import Limits

__all__ = [
    "Finding", "Limits", "RULES", "Rule", "Severity", "explain", "sorted_findings",
    "validate_built_feed", "validate_bytes",
]
