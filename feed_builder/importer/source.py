"""SOURCE (a feed URL or file) -> the feed's values, parsed as the validator parses any feed:
capped in size and elements, no entities, no DTD, no network from inside the XML."""
from __future__ import annotations

from feed_builder.core.errors import PodcastError, problem
from feed_builder.importer.feed import FeedShow, read_feed
from feed_builder.validate.http import Client, FetchError
from feed_builder.validate.xmlparse import DEFAULT_MAX_BYTES, Limits, parse

FEED_TIMEOUT = 30.0


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def load_source(source: str) -> FeedShow:
    """The feed at `source`; a locked feed is refused here, before anything is fetched or written."""
    data, fetched_from = _read(source)
    parsed = parse(data, Limits(max_bytes=DEFAULT_MAX_BYTES))
    if parsed.root is None:
        raise PodcastError([problem(source, line or None, "feed", f"{message} (expected an RSS feed)")
                            for _, line, message in parsed.hits])
    try:
        show = read_feed(parsed.root, fetched_from)
    except ValueError as error:
        raise PodcastError([problem(source, None, "feed", f"{error} (expected an RSS 2.0 <rss><channel>)")]) from error
    if show.locked:
        owner = show.locked_owner or show.owner_email or "the owner (no e-mail in the feed)"
        raise PodcastError([problem(source, None, "podcast:locked", f"the feed is locked by {owner}; a locked feed "
                                    "must not be imported (expected podcast:locked no: its owner unlocks it at "
                                    "the current host, then imports again)")])
    return show


def _read(source: str) -> tuple[bytes, str]:
    """The feed's bytes and the URL they came from, redirects followed ("" for a file): what the
    feed's relative URLs are relative to."""
    if is_url(source):
        try:
            response = Client(timeout=FEED_TIMEOUT, max_bytes=DEFAULT_MAX_BYTES, user_agent="podcast-import/1.0").request(source)
        except FetchError as error:
            raise PodcastError([problem(source, None, "source", f"cannot be fetched: {error} "
                                        "(expected a feed URL that answers)")]) from error
        if response.status != 200:
            raise PodcastError([problem(source, None, "source", f"answered HTTP {response.status} (expected 200)")])
        return response.body, response.url
    try:
        with open(source, "rb") as file:
            return file.read(DEFAULT_MAX_BYTES + 1), ""
    except OSError as error:
        raise PodcastError([problem(source, None, "source", f"cannot be read: {error.strerror} "
                                    "(expected a feed file or an http(s) URL)")]) from error
