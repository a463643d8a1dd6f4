"""Telling podcast apps that the feed changed: WebSub hubs, Podcast Index, podping.

Each target gets one request per deploy that changed the feed. A notice is a courtesy, not part
of the deploy: the feed is already live and apps poll anyway, so a failure is a warning saying what
to do, never an error. Retried on what may pass (5xx, 429, a dropped or slow connection), never on
another 4xx, which would fail the same way again.
"""
from __future__ import annotations

import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlencode

from feed_builder.deploy.settings import NotifySettings

PODCAST_INDEX_PUBNOTIFY_URL = "https://api.podcastindex.org/api/1.0/hub/pubnotify"
PODPING_URL = "https://podping.cloud/"
USER_AGENT = "feed_builder-deploy/1.0"


@dataclass(frozen=True)
class Notice:
    target: str  # for messages: "WebSub hub https://…", "Podcast Index", "podping"
    url: str
    body: bytes | None = None  # a form POST when set, else a GET
    headers: dict[str, str] = field(default_factory=dict)


def notices(settings: NotifySettings, feed_url: str, medium: str) -> tuple[list[Notice], list[str]]:
    """What to send for a changed feed, and warnings for what cannot be sent."""
    sent, warnings = [], []
    form = urlencode({"hub.mode": "publish", "hub.url": feed_url, "hub.topic": feed_url}).encode()
    for hub in settings.websub_hubs:
        sent.append(Notice(f"WebSub hub {hub}", hub, form, {"Content-Type": "application/x-www-form-urlencoded"}))
    if settings.podcast_index:
        endpoint = os.environ.get("PODCAST_INDEX_PUBNOTIFY_URL") or PODCAST_INDEX_PUBNOTIFY_URL
        sent.append(Notice("Podcast Index", f"{endpoint}?{urlencode({'url': feed_url})}"))
    if settings.podping:
        token = os.environ.get("PODPING_TOKEN")
        if not token:
            warnings.append("podping: PODPING_TOKEN is not set; apps were not pinged "
                            "(set it to the token podping.cloud gave you)")
        else:
            endpoint = os.environ.get("PODPING_URL") or PODPING_URL
            query = urlencode({"url": feed_url, "reason": "update", "medium": medium})
            sent.append(Notice("podping", f"{endpoint}?{query}", None, {"Authorization": token}))
    return sent, warnings


def send(notice: Notice, *, timeout: float = 10.0, attempts: int = 3, backoff: float = 0.5) -> str | None:
    """None when the target accepted; else a warning naming the target, what happened and what to do."""
    reason = ""
    for attempt in range(attempts):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        request = urllib.request.Request(notice.url, data=notice.body, method="POST" if notice.body else "GET",
                                         headers={"User-Agent": USER_AGENT, **notice.headers})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 (http(s) only, from settings)
                answer.read(65536)
                return None
        except urllib.error.HTTPError as e:
            reason = f"HTTP {e.code}"
            if e.code < 500 and e.code != 429:
                break
        except (urllib.error.URLError, OSError) as e:  # refused, reset, timed out
            reason = str(getattr(e, "reason", e))
    return (f"{notice.target}: not notified ({reason}); the feed is live and apps will find the change on "
            "their next poll; check the setting in [notify], or notify again by hand")
