"""Files named by an untrusted feed, fetched into the repository: http(s) only, capped, with deadlines.

Audio is streamed to a hidden partial file beside its destination and renamed only once its size
is the one the server announced. An interrupted download (a cut connection, the deadline, a killed
run) keeps its partial file and is resumed with a Range request; the answer is used only if it is a
206 whose Content-Range starts exactly where the partial file ends, otherwise the file starts over.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from feed_builder.core.files import writing
from feed_builder.validate.http import Client, FetchError

SMALL_MAX_BYTES = 20 * 1024 * 1024  # transcripts, chapters, artwork
AUDIO_MAX_BYTES = 4 * 1024 * 1024 * 1024
SMALL_TIMEOUT = 60.0
AUDIO_TIMEOUT = 900.0  # per attempt; a longer download goes on with a Range request
ATTEMPTS = 4
PARTIAL_SUFFIX = ".part"
_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
_USER_AGENT = "podcast-import/1.0"


class DownloadError(Exception):
    """The file could not be fetched whole; the message names the URL and why."""


def fetch_small(url: str) -> bytes:
    """A transcript, a chapter list or an image: whole, in memory, capped."""
    try:
        response = Client(timeout=SMALL_TIMEOUT, max_bytes=SMALL_MAX_BYTES, user_agent=_USER_AGENT).request(url)
    except FetchError as error:
        raise DownloadError(str(error)) from error
    if response.status != 200:
        raise DownloadError(f"{url}: HTTP {response.status} (expected 200)")
    return response.body


def partial_path(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}{PARTIAL_SUFFIX}")


@dataclass(frozen=True)
class Downloaded:
    size: int
    resumed: int  # Range requests that continued a partial file


def download(url: str, dest: Path, *, client: Client | None = None, attempts: int = ATTEMPTS) -> Downloaded:
    """`url` into `dest`, through its partial file; a complete `dest` is not fetched again."""
    client = client or Client(timeout=AUDIO_TIMEOUT, max_bytes=AUDIO_MAX_BYTES, user_agent=_USER_AGENT)
    partial = partial_path(dest)
    if partial.is_symlink():  # planted: appending would write wherever it points
        partial.unlink()
    resumed, last = 0, ""
    for _ in range(attempts):
        have = partial.stat().st_size if partial.exists() else 0
        try:
            total, was_resumed = _attempt(client, url, partial, have)
        except FetchError as error:  # cut or too slow: what arrived is kept for the next attempt
            last = str(error)
            continue
        resumed += was_resumed
        size = partial.stat().st_size
        if total is not None and size != total:
            last = f"{url}: {size:,} of {total:,} bytes arrived"
            continue
        os.replace(partial, dest)
        return Downloaded(size, resumed)
    raise DownloadError(f"{last} (after {attempts} attempts; the {partial.stat().st_size if partial.exists() else 0:,} "
                        "bytes that arrived are kept, and the next import resumes from there)")


def _attempt(client: Client, url: str, partial: Path, have: int) -> tuple[int | None, bool]:
    """One request; returns the file's announced total size and whether it continued `have` bytes."""
    headers = {"Range": f"bytes={have}-"} if have else {}
    with client.stream(url, headers) as answer:
        if answer.status == 416 and have:  # nothing after `have`: complete if the server says so
            m = re.fullmatch(r"bytes \*/(\d+)", answer.headers.get("Content-Range", "").strip())
            if m and int(m.group(1)) == have:
                return have, True
            partial.unlink()
            raise FetchError(f"{url}: HTTP 416 for bytes {have}- (starting over)")
        if answer.status == 206 and have:
            m = _RANGE.fullmatch(answer.headers.get("Content-Range", "").strip())
            if m is None or int(m.group(1)) != have:
                partial.unlink()  # another range than asked for: the bytes cannot be trusted to follow ours
                raise FetchError(f"{url}: Content-Range {answer.headers.get('Content-Range')!r} does not start "
                                 f"at byte {have} (starting over)")
            with open(partial, "ab") as out:
                out.writelines(answer.chunks)
            return (int(m.group(3)) if m.group(3) != "*" else None), True
        if answer.status != 200:
            raise DownloadError(f"{url}: HTTP {answer.status} (expected 200)")
        length = answer.headers.get("Content-Length")
        with writing(partial) as out:  # a server that ignores Range sends it all again: start over
            try:
                out.writelines(answer.chunks)
            finally:
                out.flush()
                os.replace(out.name, partial)  # what arrived is kept, even if the connection was cut
        return (int(length) if length and length.isdigit() else None), False
