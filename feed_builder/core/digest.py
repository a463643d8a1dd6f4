"""Digests: short names for content-named files, and the fingerprint of our own code.

A published file whose name carries a digest of its bytes can be cached forever by apps and CDNs:
a URL never serves other bytes than it first did. The code's fingerprint goes into every cache key
of a build, so a new version of the package (an upgrade, or an edit of a renderer or tagger) is
never hidden behind outputs that the old code made.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import feed_builder

_PACKAGE = Path(feed_builder.__file__).parent


def digest(*parts: bytes) -> str:
    """A short name-safe digest: 12 hex digits, 48 bits, ample for one show's files."""
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()[:12]


def file_sha256(path: Path | str) -> bytes:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.digest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Every file of the package, by path and content: sources, and any templates or data beside
    them. Content rather than stamps, so that a reinstall of the same code keeps every cache."""
    h = hashlib.sha256()
    for folder, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(folder, name)
            h.update(os.path.relpath(path, _PACKAGE).replace(os.sep, "/").encode() + b"\0")
            h.update(file_sha256(path))
    return h.hexdigest()[:16]
