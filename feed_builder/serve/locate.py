"""Which file of the preview folder a request path names, if any.

The preview is served to a browser on the same machine, which may be sent anywhere by a page it
opened: `..`, an encoded slash or backslash, a hidden name (`.build/`, where the manifest is) or a
symlink out of the folder all name nothing. A folder is served by its `index.html` only: there is
no listing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from feed_builder.core.repository import outside

_ENCODED_SEPARATOR = re.compile(r"%(2f|5c|00)", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    path: Path
    relpath: str  # slash-separated, relative to the folder, as `publish.served` reads it


@dataclass(frozen=True)
class Redirect:
    location: str  # a folder asked for without its slash: relative links on its page need one


def locate(folder: Path, target: str) -> Found | Redirect | None:
    """`target` is the request line's path, query included, as the client sent it."""
    raw = urlsplit(target).path
    if not raw.startswith("/") or _ENCODED_SEPARATOR.search(raw):
        return None
    try:
        parts = [p for p in unquote(raw, errors="strict").split("/") if p]
    except UnicodeDecodeError:  # no file name is made of bytes that are not UTF-8
        return None
    if any(p.startswith(".") or "\\" in p or "\0" in p for p in parts):
        return None
    path = folder.joinpath(*parts)
    if path.is_dir() and not outside(folder, path):
        if not raw.endswith("/"):
            return Redirect(raw + "/")
        path, parts = path / "index.html", [*parts, "index.html"]
    if outside(folder, path) or not path.is_file():
        return None
    return Found(path, "/".join(parts))
