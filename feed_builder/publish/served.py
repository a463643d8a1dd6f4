"""How each file under `public/` is served: one table for `podcast serve`, `podcast deploy` and anything
else that hands the build to a client, so that a file is served with the type the feed declares for it.

A name that carries the digest of its content (audio, images, the stylesheet) never changes its bytes,
so clients and CDNs may keep it forever; every other name (feeds, pages, transcripts, chapters) can
change at the next publish and is kept for minutes only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from feed_builder.core.model import Container
from feed_builder.formats.chapters import JSON_MIME as CHAPTERS_MIME
from feed_builder.formats.transcripts.render import MIME as TRANSCRIPT_MIME

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"

_BY_SUFFIX = {
    **{f".{c.extension}": c.mime for c in Container},
    **{f".{extension}": mime for extension, mime in TRANSCRIPT_MIME.items()},
    ".xml": "application/rss+xml",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".css": "text/css",
    ".js": "text/javascript",
}
# Where one suffix holds two kinds of file, the top folder decides.
_BY_FOLDER = {("chapters", ".json"): CHAPTERS_MIME}
_TEXT = ("text/", "application/json", "application/rss+xml")
_CONTENT_NAMED = re.compile(r"-[0-9a-f]{12}\.[A-Za-z0-9]+\Z")  # core.digest's 12 hex digits before the suffix


@dataclass(frozen=True)
class Served:
    content_type: str
    cache_control: str

    @property
    def immutable(self) -> bool:
        return self.cache_control == IMMUTABLE


def served(relpath: str) -> Served:
    """The headers for the file at `relpath` (slash-separated, relative to `public/`)."""
    path = PurePosixPath(relpath)
    suffix = path.suffix.lower()
    mime = _BY_FOLDER.get((path.parts[0] if len(path.parts) > 1 else "", suffix)) or \
        _BY_SUFFIX.get(suffix, "application/octet-stream")
    if mime.startswith(_TEXT):
        mime += "; charset=utf-8"
    return Served(mime, IMMUTABLE if _CONTENT_NAMED.search(path.name) else SHORT)
