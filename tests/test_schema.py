"""The JSON Schemas editors and generic tools check a show's files with: made from the loader's own
declarations, shipped as generated, accepting the shipped show and a new one, and refusing, as the
loader does, each bad value a schema can express (keys, types, ranges, options, patterns).
`jsonschema` is the independent reader; the loader is run through `podcast check`."""
from __future__ import annotations

import copy
import json
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from feed_builder.schema.generate import SCHEMAS, rendered, shipped
from feed_builder.show.episode import FIELDS as EPISODE_FIELDS
from feed_builder.show.settings import SHOW_FIELDS
from feed_builder.show.spec import Field, Kind, Section
from tests.conftest import REPO, run

EPISODE = "episodes/113-the-eastern-axis/episode.md"
# A value that breaks each declared pattern: the patterns differ too much to make one from another.
MISMATCHES = {"language": "English", "owner.email": "nobody", "base_url": "https://example.com/podcast?x=1",
              "moved_from": "feed.example.com/old", "deploy.region": "US East"}
# Every optional section of podcast.toml, filled in, so that each of its keys can be broken in turn.
SECTIONS = {
    "site": {"enabled": True},
    "subscribe": [{"name": "Example App", "url": "https://example.com/app/show"}],
    "podroll": [{"feed_guid": "a0e4a2b6-6e4d-5b0e-9f3e-1c2d3e4f5a6b", "feed_url": "https://example.com/other/feed.xml",
                 "title": "Another Example Show"}],
    "guid": "917393e3-1b1e-5cef-ace4-edaa54e1f810",
    "moved_from": "http://example.com/old/feed.xml",
    "deploy": {"target": "s3://example-bucket/podcast", "endpoint_url": "https://s3.example.com", "region": "auto",
               "max_deletes": 256, "grace_days": 30},
    "notify": {"websub_hubs": ["https://hub.example.com/"], "podcast_index": False, "podping": False},
    "encode": {"loudness": -16.0, "true_peak": -1.0, "format": "mp3", "bitrate": 128, "sample_rate": 44100,
               "normalize": False, "alternate": ["opus"]},
}


class _TextDates(yaml.SafeLoader):
    """YAML as an editor's language server reads it for a schema: dates stay strings."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def validator(name: str) -> jsonschema.Draft7Validator:
    schema = json.loads(shipped(name))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def front_matter(path: Path) -> tuple[dict[str, Any], str]:
    _, head, notes = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.load(head, Loader=_TextDates), notes


def toml_text(data: dict[str, Any]) -> str:
    """TOML for the test's documents: scalars and inline tables first, then tables and arrays of tables."""
    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + " }"
        return json.dumps(v, ensure_ascii=False)
    tables = {k: v for k, v in data.items() if isinstance(v, dict) or (
        isinstance(v, list) and v and all(isinstance(x, dict) for x in v) and k != "categories")}
    lines = [f"{json.dumps(k)} = {value(v)}" for k, v in data.items() if k not in tables]
    for key, v in tables.items():
        for entry in v if isinstance(v, list) else [v]:
            lines.append(f"[[{key}]]" if isinstance(v, list) else f"[{key}]")
            lines += [f"{json.dumps(k)} = {value(x)}" for k, x in entry.items()]
    return "\n".join(lines) + "\n"


def test_the_shipped_schemas_are_those_the_declarations_make():
    for name in SCHEMAS:
        assert shipped(name) == rendered(name), f"run: python -m feed_builder.schema"


def test_the_shipped_show_passes_the_schemas():
    assert validator("podcast.schema.json").is_valid(tomllib.loads((REPO / "podcast.toml").read_text()))
    for path in sorted((REPO / "episodes").glob("*/episode.md")):
        assert validator("episode.schema.json").is_valid(front_matter(path)[0]), path


def test_a_new_show_names_its_schemas_and_passes_them(tmp_path: Path):
    assert run(tmp_path, "init", "--yes").exit_code == 0
    assert run(tmp_path, "new", "Second").exit_code == 0
    toml = (tmp_path / "podcast.toml").read_text()
    assert toml.startswith("#:schema ./schemas/podcast.schema.json\n")
    assert (tmp_path / "schemas/podcast.schema.json").read_bytes() == shipped("podcast.schema.json")
    assert validator("podcast.schema.json").is_valid(tomllib.loads(toml))
    episodes = sorted((tmp_path / "episodes").glob("*/episode.md"))
    assert len(episodes) == 2
    for path in episodes:
        assert path.read_text().startswith("---\n# yaml-language-server: $schema=../../schemas/episode.schema.json\n")
        assert (path.parent / "../../schemas/episode.schema.json").resolve().is_file()
        assert validator("episode.schema.json").is_valid(front_matter(path)[0])


@pytest.mark.parametrize("fixture", ["hosts.xml", "seasons.xml", "hostile.xml"])
def test_an_imported_show_passes_the_schemas(tmp_path: Path, fixture: str):
    """What import writes is what a podcaster then edits, with the editor checking it as they type."""
    assert run(tmp_path, "import", str(REPO / "tests/data/import" / fixture), "--no-audio").exit_code == 0
    show = validator("podcast.schema.json")
    settings = tomllib.loads((tmp_path / "podcast.toml").read_text(encoding="utf-8"))
    assert not list(show.iter_errors(settings))
    episodes = sorted((tmp_path / "episodes").glob("*/episode.md"))
    assert episodes
    for path in episodes:
        assert not list(validator("episode.schema.json").iter_errors(front_matter(path)[0])), path


def bad_values(path: str, field: Field) -> Iterator[tuple[str, Any]]:
    """What the declaration says the loader refuses: each (case, value)."""
    wrong_type = {Kind.FLAG: "yes", Kind.INTEGER: "one", Kind.NUMBER: "loud"}.get(field.kind, 12)
    yield "wrong type", wrong_type
    if field.kind in (Kind.TEXT, Kind.FILE, Kind.CHOICE):
        yield "blank", "  "
    if field.kind is Kind.URL:
        yield "not https", "http://example.com/podcast"
    if field.kind is Kind.MOMENT:
        yield "not a date", "tomorrow"
    if field.kind is Kind.TABLES:
        yield "not tables", ["a", "b"]
    if field.max_bytes:
        yield "too long", "x" * (field.max_bytes + 1)
    if field.kind in (Kind.INTEGER, Kind.NUMBER):
        yield "too small", (1 if field.minimum is None else field.minimum) - 1
        if field.maximum is not None:
            yield "too large", field.maximum + 1
    if field.kind is Kind.INTEGER:
        if field.options:
            yield "not an option", max(o for o in field.options if isinstance(o, int)) + 1
    if field.kind is Kind.CHOICE and field.options:
        yield "not an option", "nonsense"
    if field.kind is Kind.CHOICES:
        yield "not an option", ["nonsense"]
    if field.kind is Kind.URLS:
        yield "not a URL", ["hub.example.com"]
    if field.options_by:
        yield "not an option of its sibling's", "nonsense"
    if field.pattern:
        yield "mismatch", MISMATCHES[path]


def cases(fields: Section, prefix: str = "") -> Iterator[tuple[str, list[str], Any]]:
    """(case id, key path, value; None deletes the key) for every declared field, nested ones too."""
    yield f"{prefix}unknown key", [*prefix.split(".")[:-1], "colour"], "blue"
    for key, field in fields.items():
        path = [*prefix.split(".")[:-1], key]
        dotted = ".".join(path)
        if field.required:
            yield f"{dotted} missing", path, None
        for case, value in bad_values(dotted, field):
            yield f"{dotted} {case}", path, value
        if field.fields is not None:
            yield from cases(field.fields, f"{dotted}.")


def changed(data: dict[str, Any], path: list[str], value: Any) -> dict[str, Any]:
    """A copy of `data` with the key at `path` set (None: deleted); in a list of tables, the first."""
    data = copy.deepcopy(data)
    holder: Any = data
    for key in path[:-1]:
        holder = holder[key]
        if isinstance(holder, list):
            holder = holder[0]
    if value is None:
        holder.pop(path[-1], None)
    else:
        holder[path[-1]] = value
    return data


def _show_with_every_section(root: Path) -> dict[str, Any]:
    data = tomllib.loads((root / "podcast.toml").read_text())
    data["people"] = [{"name": "Ann Example", "role": "host", "group": "cast", "href": "https://example.com/ann",
                       "img": "https://example.com/ann.jpg"}]
    return {**data, **copy.deepcopy(SECTIONS)}


SHOW_CASES = list(cases(SHOW_FIELDS))
EPISODE_CASES = list(cases(EPISODE_FIELDS))


@pytest.mark.parametrize("path, value", [pytest.param(p, v, id=i) for i, p, v in SHOW_CASES])
def test_the_loader_and_the_show_schema_refuse_the_same_bad_values(sample_show: Path, monkeypatch, path, value):
    monkeypatch.chdir(sample_show)
    data = _show_with_every_section(sample_show)
    assert validator("podcast.schema.json").is_valid(data)
    bad = changed(data, path, value)
    assert not validator("podcast.schema.json").is_valid(bad)
    (sample_show / "podcast.toml").write_text(toml_text(bad), encoding="utf-8")
    result = run(sample_show, "check", "podcast.toml")
    assert result.exit_code == 1, result.output
    assert f": {'.'.join(path)}: " in result.stderr, result.stderr


@pytest.mark.parametrize("path, value", [pytest.param(p, v, id=i) for i, p, v in EPISODE_CASES])
def test_the_loader_and_the_episode_schema_refuse_the_same_bad_values(sample_show: Path, monkeypatch, path, value):
    monkeypatch.chdir(sample_show)
    data, notes = front_matter(sample_show / EPISODE)
    data["people"] = [{"name": "Ann Example", "href": "https://example.com/ann"}]
    assert validator("episode.schema.json").is_valid(data)
    bad = changed(data, path, value)
    assert not validator("episode.schema.json").is_valid(bad)
    head = yaml.safe_dump(bad, allow_unicode=True, sort_keys=False)
    (sample_show / EPISODE).write_text(f"---\n{head}---\n{notes}", encoding="utf-8")
    result = run(sample_show, "check", EPISODE)
    assert result.exit_code == 1, result.output
    assert f": {'.'.join(path)}: " in result.stderr, result.stderr


def test_a_declared_key_cannot_be_read_with_limits_the_schema_would_not_know(tmp_path: Path):
    from feed_builder.show.fields import Fields
    f = Fields(tmp_path / "podcast.toml", {"description": "x"}, {}, SHOW_FIELDS)
    with pytest.raises(TypeError, match="description is read with max_bytes: declare them instead"):
        f.text("description", max_bytes=10)
    with pytest.raises(TypeError, match="title is read as integer but declared text"):
        f.integer("title")
