"""The fields of `podcast.toml` and of the episode front matter, declared once.

Each section's fields are declared beside the function that reads them: the reader (`Fields`)
takes whether a key is required, its limits, its options and its pattern from the declaration, and
`feed_builder/schema` turns the same declarations into the JSON Schemas editors use. A new section
is a new mapping of `Field`s next to its reader, named in its parent's mapping.
"""
from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass


class Kind(enum.Enum):
    TEXT = "text"  # a non-empty string
    FLAG = "flag"  # true or false
    INTEGER = "integer"
    NUMBER = "number"  # an integer or a float
    CHOICE = "choice"  # one of `options`
    CHOICES = "choices"  # a list of `options`
    URL = "url"  # https, in URL characters (core/urls.py)
    URLS = "urls"  # a list of http(s) URLs; the reader says which it accepts
    FILE = "file"  # a path in the repository
    MOMENT = "moment"  # a date, or a date and time
    WORDS = "words"  # a list of words, or one comma-separated string
    TABLES = "tables"  # a list of tables of `fields` (or one table, taken as a list of one)
    SECTION = "section"  # one table of `fields`


@dataclass(frozen=True)
class Field:
    kind: Kind
    doc: str  # what the key means to a podcaster: the schema's description, shown by editors
    required: bool = False
    max_bytes: int | None = None
    minimum: float | None = None  # an int for INTEGER
    maximum: float | None = None
    options: tuple[str | int, ...] = ()
    # The whole value (text, after stripping) must match `pattern`, else `mismatch` is the message.
    pattern: str | None = None
    mismatch: str = ""
    # The allowed values depend on a sibling's: (sibling key, options for each of its values).
    options_by: tuple[str, Mapping[str, Collection[str]]] | None = None
    fields: Mapping[str, Field] | None = None  # for TABLES and SECTION
    loopback: bool = False  # URL: http on this machine is accepted too (a test against a local server)


Section = Mapping[str, Field]
