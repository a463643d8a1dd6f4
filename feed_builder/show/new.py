"""`podcast new`: the next episode folder, with a GUID that is generated once and never derived."""
from __future__ import annotations

import json
import re
import unicodedata
import uuid
from datetime import date
from pathlib import Path

from feed_builder.show.episode import EPISODE_FILE, read_front_matter
from feed_builder.core.errors import PodcastError, problem
from feed_builder.core.files import write_if_changed
from feed_builder.show.layout import EPISODES_DIR, episode_folders

SCHEMAS_DIR = "schemas"  # where `podcast init` puts the JSON Schemas editors check the files with
EPISODE_SCHEMA = f"{SCHEMAS_DIR}/episode.schema.json"
_MODELINE = f"# yaml-language-server: $schema=../../{EPISODE_SCHEMA}\n"
_TEMPLATE = """\
---
{modeline}title: {title}
number: {number}
date: {date}
guid: "{guid}"
type: full
explicit: false
summary: >-
  One or two sentences for podcast apps' episode lists.
keywords: []
---
Show notes in Markdown.
"""


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    return "-".join(words[:6]) or "episode"


def next_number(root: Path) -> int:
    """One more than the highest number in any episode, read leniently: a new episode folder must be
    creatable while the previous one still waits for its audio."""
    numbers = [0]
    for folder in episode_folders(root):
        try:
            number = read_front_matter(folder / EPISODE_FILE)[0].get("number")
        except PodcastError:
            continue
        if isinstance(number, int) and not isinstance(number, bool):
            numbers.append(number)
    return max(numbers) + 1


def new_episode(root: Path, title: str, today: date) -> Path:
    if not title.strip():
        raise PodcastError([problem("title", None, "title", "is empty (expected the episode's title)")])
    number = next_number(root)
    folder = root / EPISODES_DIR / f"{number:03d}-{slugify(title)}"
    if folder.exists():
        raise PodcastError([problem(folder, None, "folder", "already exists (expected a new episode folder)")])
    modeline = _MODELINE if (root / EPISODE_SCHEMA).is_file() else ""
    text = _TEMPLATE.format(title=json.dumps(title.strip(), ensure_ascii=False), number=number,
                            date=today.isoformat(), guid=uuid.uuid4(), modeline=modeline)
    write_if_changed(folder / EPISODE_FILE, text.encode())
    return folder
