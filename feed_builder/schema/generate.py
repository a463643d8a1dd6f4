"""JSON Schemas (draft-07, what Taplo and yaml-language-server read) of podcast.toml and the episode
front matter, made from the declarations the loader reads with (`show/spec.py`).

A schema says less than the loader can: it cannot open the cover, count bytes rather than
characters, or compare episodes. What it says, it says from the same declarations, so an editor
never flags a key publish accepts or lets through a key, type, range or option publish refuses.
"""
from __future__ import annotations

import json
from importlib import resources
from typing import Any

from feed_builder.core.urls import URL_CHARACTER
from feed_builder.show.episode import FIELDS as EPISODE_FIELDS
from feed_builder.show.settings import SHOW_FIELDS, SHOW_FILE
from feed_builder.show.spec import Field, Kind, Section

DIALECT = "http://json-schema.org/draft-07/schema#"
SCHEMAS = {  # file name -> (what it describes, its fields)
    "podcast.schema.json": (f"{SHOW_FILE}: the show's settings", SHOW_FIELDS),
    "episode.schema.json": ("episode.md: the front matter of an episode", EPISODE_FIELDS),
}
_NOT_BLANK = r"\S"
_URL = rf"^https://(?![/?#]){URL_CHARACTER}+$"
_URL_OR_LOOPBACK = rf"^(?:https://(?![/?#]){URL_CHARACTER}+|http://(?:127\.0\.0\.1|localhost|\[::1\])(?:[:/?#]{URL_CHARACTER}*)?)$"
_ANY_URL = r"^[Hh][Tt][Tt][Pp][Ss]?://\S+$"
_MOMENT = r"^\d{4}-?\d{2}-?\d{2}(?:[T ]\S+)?$"


def schema(title: str, fields: Section) -> dict[str, Any]:
    return {"$schema": DIALECT, "title": title, **_object(fields)}


def rendered(name: str) -> bytes:
    """The schema file `name` as this version of the declarations makes it."""
    title, fields = SCHEMAS[name]
    return (json.dumps(schema(title, fields), indent=2, ensure_ascii=False) + "\n").encode()


def shipped(name: str) -> bytes:
    """The schema file `name` as installed with the package."""
    return resources.files(__package__).joinpath(name).read_bytes()


def _object(fields: Section) -> dict[str, Any]:
    result: dict[str, Any] = {
        "type": "object",
        "properties": {key: _property(field) for key, field in fields.items()},
        "additionalProperties": False,
    }
    if required := [key for key, field in fields.items() if field.required]:
        result["required"] = required
    dependent = [_options_by(key, field) for key, field in fields.items() if field.options_by]
    if dependent:
        result["allOf"] = [rule for rules in dependent for rule in rules]
    return result


def _options_by(key: str, field: Field) -> list[dict[str, Any]]:
    assert field.options_by is not None
    sibling, options = field.options_by
    return [{"if": {"properties": {sibling: {"const": value}}, "required": [sibling]},
             "then": {"properties": {key: {"enum": sorted(allowed)} if allowed else False}}}
            for value, allowed in options.items()]


def _property(field: Field) -> dict[str, Any]:
    value = {"description": field.doc, **_value(field)}
    if field.required:
        return value
    # YAML reads `key:` with nothing after it as null, which the loader takes as not given.
    if "enum" in value:
        value["enum"] = [*value["enum"], None]
    if isinstance(value.get("type"), str):
        value["type"] = [value["type"], "null"]
    elif "anyOf" in value:
        value["anyOf"] = [*value["anyOf"], {"type": "null"}]
    return value


def _value(field: Field) -> dict[str, Any]:
    if field.kind is Kind.FLAG:
        return {"type": "boolean"}
    if field.kind is Kind.INTEGER:
        limits = {"minimum": 1 if field.minimum is None else field.minimum, **_maximum(field)}
        return {"type": "integer", **limits, **({"enum": list(field.options)} if field.options else {})}
    if field.kind is Kind.NUMBER:
        return {"type": "number", **({"minimum": field.minimum} if field.minimum is not None else {}),
                **_maximum(field)}
    if field.kind is Kind.CHOICE:
        return _choice(field)
    if field.kind is Kind.CHOICES:
        return {"type": "array", "items": _choice(field)}
    if field.kind is Kind.URLS:  # the reader may refuse more; the schema never refuses what it accepts
        return {"type": "array", "items": {"type": "string", "pattern": _ANY_URL}}
    if field.kind is Kind.MOMENT:
        return {"type": "string", "pattern": _MOMENT}
    if field.kind is Kind.WORDS:
        return {"anyOf": [{"type": "string", "pattern": _NOT_BLANK},
                          {"type": "array", "items": {"type": "string", "pattern": _NOT_BLANK}}]}
    if field.kind is Kind.SECTION:
        assert field.fields is not None
        return _object(field.fields)
    if field.kind is Kind.TABLES:
        assert field.fields is not None
        entry = _object(field.fields)
        return {"anyOf": [entry, {"type": "array", "items": entry}]}
    return _string(field)


def _maximum(field: Field) -> dict[str, Any]:
    return {"maximum": field.maximum} if field.maximum is not None else {}


def _choice(field: Field) -> dict[str, Any]:
    """Options are strings, or numbers where TOML writes numbers (a sample rate)."""
    typed = {"type": "string"} if all(isinstance(o, str) for o in field.options) else {}
    return {**typed, **({"enum": list(field.options)} if field.options else {})}


def _string(field: Field) -> dict[str, Any]:
    """TEXT, FILE and URL: a string, non-blank, within its length, matching its patterns."""
    patterns = ([_URL_OR_LOOPBACK if field.loopback else _URL]) if field.kind is Kind.URL else [_NOT_BLANK]
    if field.pattern:
        patterns.append(f"^(?:{field.pattern})$")
    value: dict[str, Any] = {"type": "string", "minLength": 1}
    if field.max_bytes:  # characters, not bytes: never refuses what the loader accepts
        value["maxLength"] = field.max_bytes
    if len(patterns) == 1:
        return {**value, "pattern": patterns[0]}
    return {**value, "allOf": [{"pattern": p} for p in patterns]}
