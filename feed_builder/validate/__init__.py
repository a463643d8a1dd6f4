"""`podcast validate`: judge any podcast feed the way apps and directories do.

This package deliberately imports nothing from the rest of feed_builder: it must see our own feeds
exactly as it sees anyone else's. Its names load on first use, so that the builder's no-op path,
which reads the Apple category list from here, never pays for lxml and the rule table.
"""
from importlib import import_module

_HOMES = {
    "validate_built_feed": "api", "validate_bytes": "api",
    "Finding": "findings", "Severity": "findings", "sorted_findings": "findings",
    "RULES": "registry", "Rule": "registry", "explain": "registry",
    "Limits": "xmlparse",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
