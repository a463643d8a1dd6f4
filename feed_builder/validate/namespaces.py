"""Namespace URIs exactly as apps match them (literally, character for character)."""
from __future__ import annotations

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
PODCAST_LEGACY = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"

# URI -> the prefix apps that match prefixes literally expect.
CANONICAL_PREFIX = {ITUNES: "itunes", PODCAST: "podcast", ATOM: "atom", CONTENT: "content"}


def near_miss_key(uri: str) -> str:
    """Fold away the differences people get wrong (scheme, www, case, trailing slash)."""
    folded = uri.strip().lower()
    for scheme in ("https://", "http://"):
        if folded.startswith(scheme):
            folded = folded[len(scheme):]
    if folded.startswith("www."):
        folded = folded[4:]
    return folded.rstrip("/")


NEAR_MISS = {near_miss_key(uri): uri for uri in CANONICAL_PREFIX}


def itunes(local: str) -> str:
    return f"{{{ITUNES}}}{local}"


def podcast(local: str) -> str:
    return f"{{{PODCAST}}}{local}"
