"""`podcast init`: a new show's repository that publishes at once.

Everything is made in a hidden folder inside the target and loaded with the same loaders publish
uses before anything is moved into place, so a bad answer (a language code, a category Apple does
not have, an http URL) is reported like any other problem and leaves the folder as it was.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

from feed_builder.core.errors import PodcastError, Problem, problem
from feed_builder.core.files import write_if_changed
from feed_builder.init.answers import Answers
from feed_builder.init.placeholders import SILENCE_SECONDS, cover_png, silent_mp3
from feed_builder.show.catalogue import load_catalogue
from feed_builder.show.layout import AUDIO_DIR, EPISODES_DIR
from feed_builder.schema.generate import SCHEMAS, shipped
from feed_builder.show.new import SCHEMAS_DIR, new_episode
from feed_builder.show.settings import SHOW_FILE

COVER = "artwork/cover.png"
FIRST_EPISODE = "Trailer"
# What makes a folder a show already; any of them stops init before it writes anything.
SHOW_PARTS = (SHOW_FILE, EPISODES_DIR, AUDIO_DIR, "artwork", SCHEMAS_DIR)
IGNORED = ("public/", ".venv/")

_SHOW_TEMPLATE = """\
#:schema ./{schemas}/podcast.schema.json
# Show settings. Every key is described in the publisher's README ("podcast.toml reference").
# Values marked EXAMPLE are placeholders: replace them before publishing for real.

# The show's name, as podcast apps list it.
title = {title}{title_note}
# What the show is about, for directories and apps (at most 4000 bytes).
description = "EXAMPLE: one paragraph about the show. Replace it."
# Language code of the spoken audio, such as en or en-US.
language = {language}{language_note}
# The show's author, as apps show it (itunes:author).
author = {author}{author_note}
# The copyright line of the feed.
copyright = {copyright}{author_note}
# The show's cover: a 1400-3000 px square RGB JPEG (.jpg) or PNG (.png) in this repository.
image = "{cover}"  # EXAMPLE: a placeholder cover; replace the file with the real artwork
# Apple Podcasts categories, spelled exactly as Apple spells them.
categories = [{category}]{category_note}
# https URL where public/ is served from; the feed is <base_url>/feed.xml.
base_url = {base_url}{base_url_note}
# Whether the show is explicit (true or false).
explicit = false
# episodic (newest first) or serial (in order).
type = "episodic"

# Who apps and directories contact about the show (itunes:owner).
[owner]
name = {author}{author_note}
email = {email}{email_note}
"""

_README_TEMPLATE = """\
# {title}

A podcast kept in this repository and published with `podcast` (podcast-publisher).

```sh
podcast new "Episode title"   # the next episode folder, with its GUID
podcast publish               # build public/: the feed, tagged audio, transcripts, chapters
```

Before publishing for real, replace every value marked EXAMPLE in `podcast.toml`, the
placeholder cover `{cover}` and the placeholder episode `{episode}/` (its audio,
`{audio}`, is {seconds} seconds of silence). `schemas/` lets editors check `podcast.toml` and
each episode's front matter as you type.
"""


_STAGING = ".podcast-init-"


def init_show(folder: Path, answers: Answers, today: date) -> list[Path]:
    """Scaffold the show into `folder` (created if missing); returns what was created."""
    taken = [part for part in SHOW_PARTS if os.path.lexists(folder / part)]
    if taken:
        raise PodcastError([problem(folder / part, None, "init", "already exists (expected a folder without "
                                    "a show: init never overwrites one)") for part in taken])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f"{_STAGING}*"):  # left by a run killed before it could clean up
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=_STAGING, dir=folder))
    try:
        created = _scaffold(staging, answers, today)
        _check(staging, folder)
        for name in created:
            os.replace(staging / name, folder / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [folder / name for name in created]


def _scaffold(root: Path, answers: Answers, today: date) -> list[str]:
    write_if_changed(root / SHOW_FILE, show_file(answers, today).encode())
    (root / SCHEMAS_DIR).mkdir()  # before the first episode, whose front matter then names its schema
    for name in SCHEMAS:
        write_if_changed(root / SCHEMAS_DIR / name, shipped(name))
    (root / "artwork").mkdir()
    write_if_changed(root / COVER, cover_png(answers.title))
    episode = new_episode(root, FIRST_EPISODE, today)
    audio = f"{AUDIO_DIR}/{episode.name}.mp3"
    (root / AUDIO_DIR).mkdir()
    write_if_changed(root / audio, silent_mp3())
    created = [SCHEMAS_DIR, "artwork", EPISODES_DIR, AUDIO_DIR]
    if not (root.parent / "README.md").exists():  # a repository made on a forge often has one
        readme = _README_TEMPLATE.format(title=answers.title, cover=COVER, episode=f"{EPISODES_DIR}/{episode.name}",
                                         audio=audio, seconds=SILENCE_SECONDS)
        write_if_changed(root / "README.md", readme.encode())
        created.append("README.md")
    write_if_changed(root / ".gitignore", _gitignore(root.parent / ".gitignore").encode())
    # podcast.toml last: a run killed while moving leaves no folder that loads as a show
    return [*created, ".gitignore", SHOW_FILE]


def show_file(answers: Answers, today: date) -> str:
    category = f"{{ name = {_quote(answers.category)}" + (
        f", subcategory = {_quote(answers.subcategory)} }}" if answers.subcategory else " }")
    return _SHOW_TEMPLATE.format(
        title=_quote(answers.title), language=_quote(answers.language), author=_quote(answers.author),
        copyright=_quote(f"© {today.year} {answers.author}"), cover=COVER, category=category, schemas=SCHEMAS_DIR,
        base_url=_quote(answers.base_url), email=_quote(answers.email),
        **{f"{key}_note": answers.note(key) for key in ("title", "language", "author", "category", "base_url", "email")},
    )


def _quote(text: str) -> str:
    """A TOML basic string: JSON's escapes are a subset of TOML's."""
    return json.dumps(text, ensure_ascii=False)


def _gitignore(existing: Path) -> str:
    """The user's .gitignore, if any, with the build and the virtual environment added."""
    text = existing.read_text(encoding="utf-8") if existing.is_file() else ""
    have = {line.strip() for line in text.splitlines()}
    missing = [line for line in IGNORED if line not in have and line.rstrip("/") not in have]
    if text and not text.endswith("\n"):
        text += "\n"
    return text + "".join(f"{line}\n" for line in missing)


def _check(staging: Path, folder: Path) -> None:
    """Load what was made as publish will; problems name the files where they will be."""
    try:
        load_catalogue(staging)
    except PodcastError as e:
        raise PodcastError([_moved(p, staging, folder) for p in e.problems]) from None


def _moved(p: Problem, staging: Path, folder: Path) -> Problem:
    relative = os.path.relpath(os.path.abspath(p.path), os.path.abspath(staging))
    return problem(folder / relative, p.line, p.field, p.message)
