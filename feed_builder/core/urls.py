"""The one rule for a URL a show's files give: the feed, the tags and the chapters carry it as is.

Only RFC 3986's characters, with `%` only as the start of an escape: a space, a quote, an angle
bracket, a control or a non-ASCII character makes a link that some app breaks or refuses.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

NOT_HTTPS = ("is not an https URL (expected https://host/path, with spaces, quotes, angle brackets and "
             "non-ASCII characters percent-encoded)")
# One character of a URL, or an escape; also the JSON Schemas' pattern for URLs (ECMA-262 reads it alike).
URL_CHARACTER = r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})"
_CHARACTERS = re.compile(URL_CHARACTER + "*")


def is_https_url(value: object) -> bool:
    if not isinstance(value, str) or not _CHARACTERS.fullmatch(value):
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme == "https" and bool(parts.hostname) and parts.port != 0
    except ValueError:  # brackets that hold no IPv6 address, a port that is not a number
        return False
