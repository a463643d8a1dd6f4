"""What a deploy does, decided from `public/` on disk and one listing of the bucket.

The files on disk, not the build manifest, are what is compared: a manifest can be stale, a file
cannot. Content-named files (audio, images, the stylesheet) never change their bytes, so name and
size decide; for every other file equal size is checked by content, against the MD5 that a
single-part ETag is, or our own SHA-256 in the object's metadata for a multipart one.

The order is what keeps every URL of the live feed working when a deploy stops anywhere: what the
feed and pages name goes up before them, archive pages before `feed.xml`, deletions after it.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from feed_builder.core.errors import PodcastError, problem
from feed_builder.core.files import is_temp
from feed_builder.core.repository import outside
from feed_builder.publish.served import Served, served

STATE = ".podcast-deploy.json"  # under the prefix: when each removed file was first found superseded
STAGES = ("content-named files", "transcripts, chapters and pages", "archive feed pages", "feed.xml")


@dataclass(frozen=True)
class Remote:
    size: int
    etag: str  # without quotes

    @property
    def multipart(self) -> bool:
        return "-" in self.etag


@dataclass(frozen=True)
class Upload:
    relpath: str
    path: Path
    size: int
    served: Served
    reason: str  # "new" or "changed"

    @property
    def stage(self) -> int:
        if self.served.immutable:
            return 0
        if self.relpath == "feed.xml":
            return 3
        return 2 if self.relpath.startswith("feed-") and self.relpath.endswith(".xml") and "/" not in self.relpath else 1


@dataclass(frozen=True)
class DeployPlan:
    uploads: tuple[Upload, ...]  # in upload order; a stage is finished before the next starts
    unchanged: int
    deletions: tuple[str, ...]  # due: superseded for longer than the grace period
    deferred: tuple[str, ...]  # superseded, still within the grace period
    held: tuple[str, ...]  # due, but more than max_deletes and no --yes: none are deleted
    superseded: Mapping[str, str]  # relpath -> ISO time first found superseded, deletions excluded

    @property
    def feed_changed(self) -> bool:
        return any(u.stage >= 2 for u in self.uploads)

    def stages(self) -> list[tuple[str, list[Upload]]]:
        return [(name, [u for u in self.uploads if u.stage == n]) for n, name in enumerate(STAGES)]


def local_files(public: Path) -> dict[str, Path]:
    """Every file `publish` made, by its slash-separated path under `public/`. Publish writes
    neither links nor hidden files, so a link is refused (it could carry a file from elsewhere on
    the machine into the bucket), and hidden names, the build's state among them, stay home. The
    type comes from the directory listing itself: no file is resolved or stat'ed to decide it."""
    if outside(public.parent, public):
        raise PodcastError([problem(public, None, "file", "leads outside the show's repository "
                                    "(expected the folder publish writes)")])
    found: dict[str, Path] = {}
    pending = [(public, "")]
    while pending:
        folder, under = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith(".") or is_temp(entry.name):
                    continue
                if entry.is_symlink() or not (entry.is_file() or entry.is_dir()):
                    raise PodcastError([problem(Path(entry.path), None, "file", "is a symbolic link or no regular "
                                                "file (expected only the files publish writes)")])
                if entry.is_dir():
                    pending.append((Path(entry.path), f"{under}{entry.name}/"))
                else:
                    found[under + entry.name] = Path(entry.path)
    return dict(sorted(found.items()))


def make_plan(local: Mapping[str, Path], remote: Mapping[str, Remote], state: Mapping[str, str], *,
              stored_sha256: Callable[[str], str | None], now: datetime, grace_days: int,
              max_deletes: int, yes: bool) -> DeployPlan:
    """`remote` and `state` are the bucket's, by path relative to the prefix."""
    uploads, unchanged = [], 0
    for relpath, path in local.items():
        size = path.stat().st_size
        how = served(relpath)
        there = remote.get(relpath)
        if there is None:
            uploads.append(Upload(relpath, path, size, how, "new"))
        elif there.size != size or not (how.immutable or _same(path, relpath, there, stored_sha256)):
            uploads.append(Upload(relpath, path, size, how, "changed"))
        else:
            unchanged += 1
    superseded = {r: _moment(state.get(r), now) for r in sorted(remote) if r not in local and r != STATE}
    due = tuple(r for r, since in superseded.items() if now - since >= timedelta(days=grace_days))
    held = due if len(due) > max_deletes and not yes else ()
    deletions = () if held else due
    return DeployPlan(
        uploads=tuple(sorted(uploads, key=lambda u: (u.stage, u.relpath))),
        unchanged=unchanged,
        deletions=deletions,
        deferred=tuple(r for r in superseded if r not in due),
        superseded={r: since.isoformat(timespec="seconds") for r, since in superseded.items() if r not in deletions},
        held=held,
    )


def _same(path: Path, relpath: str, there: Remote, stored_sha256: Callable[[str], str | None]) -> bool:
    if not there.multipart:
        return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest() == there.etag
    from feed_builder.core.digest import file_sha256

    return stored_sha256(relpath) == file_sha256(path).hex()


def _moment(text: object, now: datetime) -> datetime:
    """A time from the bucket's state; none, or one that cannot be read, starts the grace period now."""
    try:
        moment = datetime.fromisoformat(text) if isinstance(text, str) else now
    except ValueError:
        return now
    return moment if moment.tzinfo else now
