"""`--online`: ask the servers what an app would: does each URL answer, and can players seek?

Each enclosure, alternate enclosure and image gets a HEAD and a `Range: bytes=0-1` GET (players
and Apple's crawler need 206 Partial Content to seek); transcripts and
chapters get a HEAD. Requests run in a bounded thread pool with timeouts, a
redirect limit and a byte cap per response (see http.Client).
"""
from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from .document import FeedFacts, Link
from .findings import Severity
from .http import Client, FetchError, Response
from .registry import Hit, Source, define

UNREACHABLE = define(
    "online-unreachable", Severity.ERROR, Source.APPLE, "URL cannot be fetched",
    """The server did not answer within the timeout, refused the connection,
    redirected in a loop or sent more than the byte cap: apps fail the same way.""",
)
STATUS = define(
    "online-status", Severity.ERROR, Source.APPLE, "URL answers with an error status",
    """An enclosure, artwork, transcript or chapters URL answering 4xx/5xx is a
    broken episode for every listener.""",
)
RANGE = define(
    "online-range", Severity.ERROR, Source.APPLE, "Server does not honour byte ranges",
    """Apple requires media servers to support byte-range requests: a GET with
    `Range: bytes=0-1` must answer 206 Partial Content with a Content-Range
    header. Without it players cannot seek or resume and Apple rejects
    the episode.""",
)
LENGTH = define(
    "online-length", Severity.WARNING, Source.APPLE, "Served size differs from enclosure length",
    """The total in Content-Range (or Content-Length) should equal the
    enclosure's length attribute; apps use it for progress and storage.""",
)
CONTENT_TYPE = define(
    "online-content-type", Severity.WARNING, Source.APPLE, "Served Content-Type differs from the feed's type",
    """Apps and Apple's crawler trust the Content-Type header; media served as
    application/octet-stream or with a type other than the enclosure's may not
    play.""",
)
FEED_CONTENT_TYPE = define(
    "online-feed-content-type", Severity.WARNING, Source.RSS, "Feed not served as XML",
    """Serve the feed as application/rss+xml (or application/xml, text/xml);
    browsers and some directories mis-handle text/html or octet-stream.""",
)
REDIRECT = define(
    "online-redirect", Severity.INFO, Source.APPLE, "URL redirects",
    """Redirects work but cost every app a round trip per request; a permanent
    move of the feed itself should be announced with itunes:new-feed-url.""",
)

_FEED_TYPES = frozenset({"application/rss+xml", "application/xml", "text/xml"})
_RANGE_KINDS = frozenset({"enclosure", "alternate", "image"})


def _mime(response: Response) -> str:
    return (response.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()


def _total_size(response: Response) -> int | None:
    content_range = response.headers.get("Content-Range") or ""
    total = content_range.rsplit("/", 1)[-1].strip()
    return int(total) if total.isdigit() else None


def _check_link(client: Client, link: Link, expected_length: int | None) -> list[Hit]:
    hits: list[Hit] = []
    try:
        head = client.request(link.url, "HEAD")
        ranged = client.request(link.url, "GET", {"Range": "bytes=0-1"}) if link.kind in _RANGE_KINDS else None
    except FetchError as error:
        return [(UNREACHABLE, link.line, f"{link.kind} {error}")]
    if head.redirects:
        hits.append((REDIRECT, link.line, f"{link.kind} {link.url} redirects {len(head.redirects)}x to {head.url}"))
    answer = head if head.status != 405 or ranged is None else ranged  # some servers refuse HEAD
    if not 200 <= answer.status < 300:
        return hits + [(STATUS, link.line, f"{link.kind} {link.url} answers HTTP {answer.status}")]
    if link.mime and _mime(answer) and _mime(answer) != link.mime.strip().lower():
        hits.append((CONTENT_TYPE, link.line, f"{link.kind} {link.url} served as {_mime(answer)!r}, feed says {link.mime!r}"))
    if ranged is None:
        return hits
    if ranged.status != 206 or not ranged.headers.get("Content-Range"):
        hits.append((RANGE, link.line, f"{link.kind} {link.url}: Range request answered {ranged.status}"
                     f"{'' if ranged.headers.get('Content-Range') else ' without Content-Range'}"))
    served = _total_size(ranged) or _int(head.headers.get("Content-Length"))
    if expected_length and served is not None and served != expected_length:
        hits.append((LENGTH, link.line, f"{link.kind} {link.url} is {served} bytes, its length attribute says {expected_length}"))
    return hits


def _int(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() else None


def _check_feed(client: Client, url: str) -> list[Hit]:
    try:
        head = client.request(url, "HEAD")
    except FetchError as error:
        return [(UNREACHABLE, 0, f"feed {error}")]
    hits: list[Hit] = []
    if head.redirects:
        hits.append((REDIRECT, 0, f"feed {url} redirects {len(head.redirects)}x to {head.url}"))
    if not 200 <= head.status < 300:
        hits.append((STATUS, 0, f"feed {url} answers HTTP {head.status}"))
    elif _mime(head) not in _FEED_TYPES:
        hits.append((FEED_CONTENT_TYPE, 0, f"feed served as {_mime(head)!r}; use application/rss+xml"))
    return hits


def _jobs(facts: FeedFacts) -> Iterator[tuple[Link, int | None]]:
    for link in facts.links:
        yield link, None
    for episode in facts.episodes:
        if episode.enclosure:
            yield episode.enclosure, episode.enclosure_length
        for link in episode.links:
            yield link, link.length


def check_online(facts: FeedFacts, *, feed_url: str | None, client: Client = Client(), workers: int = 8) -> list[Hit]:
    jobs = list(dict.fromkeys(_jobs(facts)))  # each URL once per place
    feed = feed_url or facts.self_url
    with ThreadPoolExecutor(max_workers=workers) as pool:
        feed_hits = pool.submit(_check_feed, client, feed) if feed else None
        results = pool.map(lambda job: _check_link(client, *job), jobs)
        hits = [hit for found in results for hit in found]
    return hits + (feed_hits.result() if feed_hits else [])
