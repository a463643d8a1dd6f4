"""`podcast serve`: build the preview, serve it, rebuild on every edit until Ctrl-C.

The preview is `preview/` in the show's repository, kept apart from `public/` (which holds the
build for the real base URL) and from the show's sources; it ignores itself for git. Its URLs are
`http://127.0.0.1:PORT/...`, so a new port re-tags every episode (the feed URL is in the tags): a
fixed `--port` keeps rebuilds to what changed.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from feed_builder.core.errors import PodcastError
from feed_builder.publish.decide import publish
from feed_builder.serve.server import PreviewServer

PREVIEW_DIR = "preview"
PUBLIC_DIR = "public"
HOST = "127.0.0.1"
WAKE_MS = 200  # how soon the watcher first reports that it runs


@contextmanager
def previewing(root: Path, port: int, say: Callable[[str], None], warn: Callable[[str], None]) -> Iterator[PreviewServer]:
    """The server bound (port 0: any free port) and the preview built for its address, serving
    from a thread until the block ends."""
    folder = root / PREVIEW_DIR
    server = PreviewServer((HOST, port), folder)
    try:
        rebuild(root, server, say, warn)
        thread = threading.Thread(target=server.serve_forever, name="podcast-serve", daemon=True)
        thread.start()
        try:
            yield server
        finally:
            server.shutdown()
            thread.join()
    finally:
        server.server_close()


def address(server: PreviewServer) -> str:
    return f"http://{HOST}:{server.server_address[1]}"


def rebuild(root: Path, server: PreviewServer, say: Callable[[str], None], warn: Callable[[str], None]) -> None:
    """Publishes the preview; raises PodcastError and leaves the last good build as it was."""
    report = publish(root, server.folder, base_url=address(server))
    ignore = server.folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# podcast serve's preview build: never committed\n*\n", encoding="utf-8")
    for warning in report.warnings:
        warn(f"warning: {warning}")
    if report.written or report.removed:
        say(f"rebuilt: {report.built} episode(s), {len(report.written)} file(s) written, "
            f"{len(report.removed)} removed")
        server.reloads.announce()


def serve(root: Path, port: int, watching: bool, say: Callable[[str], None], warn: Callable[[str], None]) -> None:
    """Until Ctrl-C. `say` gets the address and each rebuild, `warn` the problems and warnings."""
    try:
        with previewing(root, port, say, warn) as server:
            def ready() -> None:
                say(f"Serving {address(server)}/ (feed: {address(server)}/feed.xml) from {server.folder}; "
                    "Ctrl-C stops.")

            if watching:
                watch(root, server, say, warn, ready)
            else:
                ready()
                threading.Event().wait()
    except KeyboardInterrupt:
        pass


def watch(root: Path, server: PreviewServer, say: Callable[[str], None], warn: Callable[[str], None],
          ready: Callable[[], None]) -> None:
    """Rebuilds after each burst of edits; a bad edit is reported and the last good build served.

    The watcher's first report, even of nothing, says that it is running: `ready` is called then,
    and one more rebuild catches an edit made between the first build and that moment.
    """
    import watchfiles  # only for serve, and only with watching on

    bases = {Path(os.path.abspath(root)), Path(os.path.realpath(root))}  # watchfiles may report either

    def is_source(change: watchfiles.Change, path: str) -> bool:
        for base in bases:
            if Path(path).is_relative_to(base):
                parts = Path(path).relative_to(base).parts
                return bool(parts) and parts[0] not in (PREVIEW_DIR, PUBLIC_DIR) and \
                    not any(part.startswith(".") or part == "__pycache__" for part in parts)
        return False

    started = False
    for changes in watchfiles.watch(root, watch_filter=is_source, raise_interrupt=True,
                                    yield_on_timeout=True, rust_timeout=WAKE_MS):
        if started and not changes:
            continue
        if not started:
            started = True
            ready()
        try:
            rebuild(root, server, say, warn)
        except PodcastError as e:
            for p in e.problems:
                warn(str(p))
            warn(f"{len(e.problems)} problem(s) found; still serving the last good build.")
