"""The item cache: each episode's rendered <item> kept under `public/.build/items/`, so that a
publish renders only the items of episodes that changed and copies the others' bytes.

One file per episode, named after its folder. The manifest records each item file's stamp like any
other output, so a kept item that was edited, removed, or left by other code (the manifest of
another code version is not trusted at all) is never copied: its episode is built again. The feed
pages themselves are only outputs, free to be paged, re-indented or edited by hand.
"""
from __future__ import annotations

import os
from pathlib import Path

from feed_builder.publish.manifest import BUILD_DIR
from feed_builder.core.files import StoredFile

ITEMS_DIR = f"{BUILD_DIR}/items"


def item_relpath(folder_name: str) -> str:
    return f"{ITEMS_DIR}/{folder_name}.xml"


def kept_item(out: Path, folder_name: str, size: int) -> StoredFile:
    """The kept item of an episode, as a part of a feed page; `size` from its recorded stamp."""
    return StoredFile(os.path.join(out, item_relpath(folder_name)), size)
