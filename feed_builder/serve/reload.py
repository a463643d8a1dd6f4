"""Live reload: open pages learn of each good rebuild through Server-Sent Events and reload.

The site's own templates know nothing of it: serve adds one `<script src>` to every HTML response.
The script and the event stream live under a dot folder, which no published file can be in, so
they never hide a file of the show.
"""
from __future__ import annotations

import re
import threading

PREFIX = "/.podcast-serve/"
SCRIPT_PATH = PREFIX + "reload.js"
EVENTS_PATH = PREFIX + "events"
SCRIPT = (f'new EventSource("{EVENTS_PATH}").addEventListener("reload", () => location.reload());\n').encode()
_TAG = f'<script src="{SCRIPT_PATH}" defer></script>'.encode()
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
KEEPALIVE_SECONDS = 15.0  # a write every so often: how a dropped page is noticed and its thread freed


def with_reload(html: bytes) -> bytes:
    """The page with the reload script before its last `</body>`, or at its end if it has none."""
    ends = list(_BODY_END.finditer(html))
    at = ends[-1].start() if ends else len(html)
    return html[:at] + _TAG + html[at:]


class Reloads:
    """A counter of good rebuilds that event streams wait on."""

    def __init__(self) -> None:
        self._generation = 0
        self._closed = False
        self._changed = threading.Condition()

    @property
    def generation(self) -> int:
        with self._changed:
            return self._generation

    def announce(self) -> None:
        with self._changed:
            self._generation += 1
            self._changed.notify_all()

    def close(self) -> None:
        """Ends every stream: the server is stopping."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def wait(self, seen: int, timeout: float = KEEPALIVE_SECONDS) -> int | None:
        """The generation once it differs from `seen` or `timeout` passed; None once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._generation != seen, timeout)
            return None if self._closed else self._generation
