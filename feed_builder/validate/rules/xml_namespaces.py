"""Namespace rules: apps match namespace URIs, and some even prefixes, literally."""
from __future__ import annotations

from collections.abc import Iterator

from .. import namespaces as ns
from ..context import Context
from ..document import FeedFacts
from ..findings import Severity
from ..registry import Hit, Scope, Source, check, define

NEAR_MISS = define(
    "xml-namespace-near-miss", Severity.ERROR, Source.APPLE, "Namespace URI almost, but not exactly, right",
    """Apps compare namespace URIs character for character. itunes must be
    http://www.itunes.com/dtds/podcast-1.0.dtd and podcast must be
    https://podcastindex.org/namespace/1.0; a different scheme, case, "www" or
    trailing slash puts every tag of that namespace out of sight.""",
)
LEGACY = define(
    "xml-namespace-legacy", Severity.WARNING, Source.P20, "Old Podcasting 2.0 namespace URI",
    """https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md
    was the namespace URI before https://podcastindex.org/namespace/1.0. The
    spec asks clients to accept both, but not all do; use the new one.""",
)
PREFIX = define(
    "xml-namespace-prefix", Severity.WARNING, Source.PSP1, "itunes or podcast namespace bound to another prefix",
    """XML allows any prefix, but some apps and directories match the literal
    strings "itunes:" and "podcast:". Bind the namespaces to exactly those
    prefixes.""",
)


def _prefix_of(ctx: Context, uri: str) -> tuple[str | None, int]:
    """The prefix a namespace is used with, and where it is declared or first used."""
    for prefix, bound in ctx.root.nsmap.items():
        if bound == uri:
            return prefix, ctx.root.sourceline or 0
    for el in ctx.root.iter(f"{{{uri}}}*"):
        return el.prefix, el.sourceline or 0
    return ns.CANONICAL_PREFIX[uri], 0


@check(Scope.FEED, NEAR_MISS, LEGACY, PREFIX)
def namespaces(ctx: Context, facts: FeedFacts) -> Iterator[Hit]:
    used = {tag[1:].split("}", 1)[0] for tag in ctx.tags if tag.startswith("{")}
    declared = {uri: prefix for prefix, uri in ctx.root.nsmap.items()}
    line = ctx.root.sourceline or 0
    for uri in sorted(used | set(declared)):
        if uri == ns.PODCAST_LEGACY:
            yield LEGACY, line, f"namespace {uri!r}; use {ns.PODCAST!r}"
        elif uri not in ns.CANONICAL_PREFIX and ns.near_miss_key(uri) in ns.NEAR_MISS:
            yield NEAR_MISS, line, f"namespace {uri!r} is not {ns.NEAR_MISS[ns.near_miss_key(uri)]!r}"
    for uri in (ns.ITUNES, ns.PODCAST):
        if uri in used or uri in declared:
            prefix, where = _prefix_of(ctx, uri)
            if prefix != ns.CANONICAL_PREFIX[uri]:
                shown = f"prefix {prefix!r}" if prefix else "the default namespace"
                yield PREFIX, where, f"{uri} is bound to {shown}; apps expect '{ns.CANONICAL_PREFIX[uri]}:'"
