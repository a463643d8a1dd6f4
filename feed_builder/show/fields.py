"""Typed reading of one settings mapping, collecting every problem instead of stopping at the first.

`podcast.toml` and the episode front matter are both "a mapping from a file with known lines";
`Fields` turns one into typed values and `Problem`s naming the file, the key's line and what was
expected, so both files are checked the same way and a user sees all their mistakes in one run.
Given the section's declarations (`show/spec.py`), a read takes whether the key is required, its
limits and its pattern from there, the same place the JSON Schemas are made from.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any, TypeVar

from feed_builder.core.errors import Problem, problem
from feed_builder.core.printable import unprintable
from feed_builder.core.repository import OUTSIDE, outside
from feed_builder.core.urls import NOT_HTTPS, NOT_HTTPS_OR_LOOPBACK, is_https_url, is_loopback_http_url
from feed_builder.show.spec import Field, Kind, Section

T = TypeVar("T")
_MISSING = object()


class Fields:
    """Reads typed values out of `data`; each failed read records a Problem and returns None."""

    def __init__(
        self,
        path: Path,
        data: Mapping[str, Any],
        lines: Mapping[str, int],
        known: Iterable[str] | Section,
        *,
        prefix: str = "",
        problems: list[Problem] | None = None,
    ):
        self.path = path
        self.data = data
        self.lines = lines
        self.prefix = prefix
        self.problems: list[Problem] = [] if problems is None else problems
        self.spec: Section = known if isinstance(known, Mapping) else {}
        for key in data:
            if key not in known:
                self.fail(key, f"unknown key (expected one of: {', '.join(sorted(known))})")

    def line(self, key: str) -> int | None:
        """The key's own line, else the line of the table that holds it."""
        return self.lines.get(self.prefix + key) or self.lines.get(self.prefix.rstrip("."))

    def fail(self, key: str, message: str, line: int | None = None) -> None:
        self.problems.append(problem(self.path, line or self.line(key), self.prefix + key, message))

    def sub(self, key: str, data: Mapping[str, Any], known: Iterable[str] | Section) -> Fields:
        """Fields of a nested table, reported as `key.name`, sharing this reader's problem list."""
        return Fields(self.path, data, self.lines, known, prefix=f"{self.prefix}{key}.", problems=self.problems)

    def declared(self, key: str, *kinds: Kind, **limits: Any) -> Field | None:
        """The key's declaration. Reading a key as another kind than declared, or with limits of
        the reader's own, is this program's bug, not the user's: the schema would not know them."""
        field = self.spec.get(key)
        if self.spec and (field is None or field.kind not in kinds):
            raise TypeError(f"{self.prefix}{key} is read as {'/'.join(k.value for k in kinds)} but declared "
                            f"{field.kind.value if field else 'nowhere'}")
        if field is not None and (given := [name for name, value in limits.items() if value is not None]):
            raise TypeError(f"{self.prefix}{key} is read with {', '.join(given)}: declare them instead")
        return field

    def _matches(self, key: str, field: Field | None, value: str) -> bool:
        if field is not None and field.pattern is not None and not re.fullmatch(field.pattern, value):
            self.fail(key, f"{value!r} {field.mismatch}")
            return False
        return True

    def _get(self, key: str, required: bool) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:  # a missing key has no line: point at its table, or the file's start
                self.fail(key, "missing (expected a value)", line=self.line(key) or 1)
            return _MISSING
        return value

    def text(self, key: str, *, required: bool | None = None, max_bytes: int | None = None) -> str | None:
        field = self.declared(key, Kind.TEXT, Kind.CHOICE, Kind.FILE, required=required, max_bytes=max_bytes)
        if field is not None:
            required, max_bytes = field.required, field.max_bytes
        value = self._get(key, True if required is None else required)
        if value is _MISSING:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"{_show(value)} is not text (expected a non-empty string)")
            return None
        text = self.check_text(key, value.strip(), max_bytes=max_bytes)
        return text if text is not None and self._matches(key, field, text) else None

    def check_text(self, key: str, value: str, *, max_bytes: int | None = None) -> str | None:
        """Refuse what XML 1.0 cannot carry: apps drop a feed that contains it."""
        found = unprintable(value)
        if found:
            self.fail(key, found[1])
            return None
        if max_bytes is not None and len(value.encode()) > max_bytes:
            self.fail(key, f"is {len(value.encode())} bytes long (expected at most {max_bytes})")
            return None
        return value

    def flag(self, key: str, default: bool) -> bool:
        self.declared(key, Kind.FLAG)
        value = self._get(key, False)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.fail(key, f"{_show(value)} is not a boolean (expected true or false)")
            return default
        return value

    def integer(self, key: str, *, required: bool | None = None, minimum: float | None = None,
                maximum: float | None = None) -> int | None:
        field = self.declared(key, Kind.INTEGER, required=required, minimum=minimum, maximum=maximum)
        if field is not None:
            required, minimum, maximum = field.required, field.minimum, field.maximum
        minimum = 1 if minimum is None else minimum
        value = self._get(key, bool(required))
        if value is _MISSING:
            return None
        expected = f"an integer from {minimum} to {maximum}" if maximum else f"an integer ≥ {minimum}"
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"{_show(value)} is not a whole number (expected {expected})")
        elif value < minimum or (maximum is not None and value > maximum):
            self.fail(key, f"{_show(value)} is out of range (expected {expected})")
        else:
            return value
        return None

    def number(self, key: str, default: float) -> float:
        """A float within the declared limits; TOML writes -16 and -16.0 alike."""
        field = self.declared(key, Kind.NUMBER)
        low, high = (field.minimum, field.maximum) if field else (None, None)
        value = self._get(key, False)
        if value is _MISSING:
            return default
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or (low is not None and value < low) or (high is not None and value > high)):
            self.fail(key, f"{_show(value)} is not allowed (expected a number from {low:g} to {high:g})")
            return default
        return float(value)

    def choices(self, key: str) -> tuple[str, ...]:
        """A list of the declared options, each kept once, in the order given."""
        field = self.declared(key, Kind.CHOICES)
        options = [str(o) for o in field.options] if field else []
        value = self._get(key, False)
        if value is _MISSING:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v in options for v in value):
            self.fail(key, f"{_show(value)} is not allowed (expected a list of: {', '.join(options)})")
            return ()
        return tuple(dict.fromkeys(value))

    def urls(self, key: str, accept: Callable[[str], bool]) -> tuple[str, ...]:
        """A list of addresses; one `accept` refuses gets the declaration's `mismatch`."""
        field = self.declared(key, Kind.URLS)
        value = self._get(key, False)
        if value is _MISSING:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, f"{_show(value)} is not a list of URLs (expected [\"https://example.com/\"])")
            return ()
        for url in value:
            if not accept(url):
                self.fail(key, f"{_show(url)} {field.mismatch if field else 'is not allowed'}")
        return tuple(url for url in value if accept(url))

    def choice(self, key: str, parse: Callable[[str], T], options: Iterable[str], default: T) -> T:
        self.declared(key, Kind.CHOICE)
        value = self._get(key, False)
        if value is _MISSING:
            return default
        try:
            return parse(value)
        except ValueError:
            self.fail(key, f"{_show(value)} is not allowed (expected one of: {', '.join(options)})")
            return default

    def https_url(self, key: str, value: Any = _MISSING, *, required: bool | None = None) -> str | None:
        field = self.declared(key, Kind.URL, required=required)
        if value is _MISSING:
            value = self._get(key, field.required if field else required is not False)
            if value is _MISSING:
                return None
        loopback = field is not None and field.loopback
        if not (is_https_url(value) or (loopback and is_loopback_http_url(value))):
            self.fail(key, f"{_show(value)} {NOT_HTTPS_OR_LOOPBACK if loopback else NOT_HTTPS}")
            return None
        return value if self._matches(key, field, value) else None

    def file(self, key: str, root: Path, folder: Path, expected: str, *, required: bool | None = None) -> Path | None:
        """A file named relative to `folder`; one that leaves the show's repository at `root` (an
        absolute path, `..`, a symlink) is refused before anything reads it."""
        name = self.text(key, required=required if self.spec else bool(required))
        if name is None:
            return None
        path = folder / name
        if not path.is_file():
            self.fail(key, f"{name!r} does not exist (expected {expected})")
        elif outside(root, path):
            self.fail(key, f"{name!r} {OUTSIDE}")
        else:
            return path
        return None

    def moment(self, key: str) -> datetime | None:
        """A publication date; a date alone means midnight UTC, a naive time is taken as UTC."""
        self.declared(key, Kind.MOMENT)
        value = self._get(key, True)
        if value is _MISSING:
            return None
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                self.fail(key, f"{_show(value)} is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+00:00)")
                return None
        if isinstance(value, datetime):
            return self._within_utc(key, value if value.tzinfo else value.replace(tzinfo=timezone.utc))
        if isinstance(value, date):
            return datetime.combine(value, time(), timezone.utc)
        self.fail(key, f"{_show(value)} is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+00:00)")
        return None

    def _within_utc(self, key: str, moment: datetime) -> datetime | None:
        """Publish orders episodes by their date in UTC, where 0001-01-01T00:00+01:00 falls in year 0."""
        try:
            moment.astimezone(timezone.utc)
        except OverflowError:
            self.fail(key, f"{moment.isoformat()!r} falls outside the years 1 to 9999 in UTC "
                      "(expected a date from 0001-01-01 to 9999-12-31 in UTC)")
            return None
        return moment

    def table(self, key: str) -> list[Mapping[str, Any]]:
        """A list of mappings (TOML array of tables, YAML list of mappings); one mapping is a list of one."""
        self.declared(key, Kind.TABLES)
        value = self._get(key, False)
        if value is _MISSING:
            return []
        items = [value] if isinstance(value, Mapping) else value
        if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
            self.fail(key, f"{_show(value)} is not a list of tables (expected entries with named fields)")
            return []
        return items

    def strings(self, key: str) -> tuple[str, ...]:
        self.declared(key, Kind.WORDS)
        value = self._get(key, False)
        if value is _MISSING:
            return ()
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",")]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(key, f"{_show(value)} is not a list of words (expected [one, two] or \"one, two\")")
            return ()
        checked = [self.check_text(key, v.strip()) for v in value]
        return tuple(v for v in checked if v is not None)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
