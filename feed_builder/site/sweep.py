"""The site's files that no page names any more: pages of deleted or renamed episodes, surplus
index pages, an old stylesheet, or the whole site once `[site] enabled = false`.

Run after the new pages are in place, like the feed's own sweep, so a crash never leaves a page
linking to a removed one.
"""
from __future__ import annotations

import os
from pathlib import Path

from feed_builder.core.files import is_temp
from feed_builder.site.assets import FAVICON, TOUCH_ICON

_ROOT_FILES = ("index.html", FAVICON, TOUCH_ICON)


def sweep_site(out: Path, kept: set[str]) -> list[str]:
    """Removes what is ours and not in `kept` (relpaths), and temps a killed run left among the
    pages; returns what it removed."""
    removed = []
    for entry in os.scandir(out):
        ours = entry.name in _ROOT_FILES or (entry.name.startswith("site-") and entry.name.endswith(".css"))
        if entry.is_file(follow_symlinks=False) and ours and entry.name not in kept:
            os.unlink(entry.path)
            removed.append(entry.name)
    for folder in ("episodes", "page"):
        base = out / folder
        if not base.is_dir():
            continue
        for entry in os.scandir(base):
            if not entry.is_dir(follow_symlinks=False):
                continue
            page = f"{folder}/{entry.name}/index.html"
            for inner in os.scandir(entry.path):
                stale = inner.name == "index.html" and page not in kept
                if inner.is_file(follow_symlinks=False) and (stale or is_temp(inner.name)):
                    os.unlink(inner.path)
                    removed += [page] if stale else []
            if page not in kept:
                _remove_if_empty(entry.path)
        _remove_if_empty(base)
    return removed


def _remove_if_empty(folder: os.PathLike[str] | str) -> None:
    try:
        os.rmdir(folder)
    except OSError:  # not empty, or something of the user's is in it: left alone
        pass
