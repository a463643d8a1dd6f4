"""The one rule for a URL a show's files give: the feed, the tags and the chapters carry it as is.

Only RFC 3986's characters, with `%` only as the start of an escape: a space, a quote, an angle
bracket, a control or a non-ASCII character makes a link that some app breaks or refuses.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

_ENCODED = "with spaces, quotes, angle brackets and non-ASCII characters percent-encoded"
NOT_HTTPS = f"is not an https URL (expected https://host/path, {_ENCODED})"
NOT_HTTPS_OR_LOOPBACK = (f"is not an https URL (expected https://host/path, {_ENCODED}; or http://127.0.0.1, "
                         "http://localhost or http://[::1] with a port and path, for a test on this machine)")
# One character of a URL, or an escape; also the JSON Schemas' pattern for URLs (ECMA-262 reads it alike).
URL_CHARACTER = r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})"
_CHARACTERS = re.compile(URL_CHARACTER + "*")


# A server on this machine: an address no subscriber elsewhere can reach, so a test, whatever its scheme.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def is_https_url(value: object) -> bool:
    found = _scheme_and_host(value)
    return found is not None and found[0] == "https"


def is_loopback_http_url(value: object) -> bool:
    """An http URL of a server on this machine (a local S3 server, a preview): what a test uses."""
    found = _scheme_and_host(value)
    return found is not None and found[0] == "http" and found[1] in LOOPBACK_HOSTS


def _scheme_and_host(value: object) -> tuple[str, str] | None:
    if not isinstance(value, str) or not _CHARACTERS.fullmatch(value):
        return None
    try:
        parts = urlsplit(value)
        return (parts.scheme, parts.hostname) if parts.hostname and parts.port != 0 else None
    except ValueError:  # brackets that hold no IPv6 address, a port that is not a number
        return None
