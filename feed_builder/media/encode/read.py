"""`[encode]` in podcast.toml -> EncodeSettings, with every problem's line."""
from __future__ import annotations

from typing import Any

from feed_builder.media.encode.settings import ALTERNATES, FORMATS, SAMPLE_RATES, EncodeSettings
from feed_builder.show.fields import Fields

_KEYS = {"loudness", "true_peak", "format", "bitrate", "sample_rate", "normalize", "alternate"}


def read_encode(f: Fields) -> EncodeSettings:
    """The `[encode]` table; every problem joins the show file's others."""
    data = f.data.get("encode")
    if data is None:
        return EncodeSettings()
    if not isinstance(data, dict):
        f.fail("encode", f"{data!r} is not a table (expected an [encode] table)")
        return EncodeSettings()
    e = f.sub("encode", data, _KEYS)
    default = EncodeSettings()
    fmt = e.choice("format", _member(FORMATS), FORMATS, default.format)
    alternate = _alternate(e, data.get("alternate"))
    return EncodeSettings(
        loudness=_number(e, data, "loudness", -36.0, -9.0, default.loudness),
        true_peak=_number(e, data, "true_peak", -9.0, 0.0, default.true_peak),
        format=fmt,
        bitrate=e.integer("bitrate", minimum=32, maximum=320),
        sample_rate=e.choice("sample_rate", _member(SAMPLE_RATES), map(str, SAMPLE_RATES), None),
        normalize=e.flag("normalize", default.normalize),
        alternate=alternate,
    )


def _member(options: tuple[Any, ...]) -> Any:
    def parse(value: Any) -> Any:
        if isinstance(value, bool) or value not in options:
            raise ValueError(value)
        return value
    return parse


def _number(e: Fields, data: dict[str, Any], key: str, low: float, high: float, default: float) -> float:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        e.fail(key, f"{value!r} is not allowed (expected a number from {low:g} to {high:g})")
        return default
    return float(value)


def _alternate(e: Fields, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v in ALTERNATES for v in value):
        e.fail("alternate", f"{value!r} is not allowed (expected a list of: {', '.join(ALTERNATES)})")
        return ()
    return tuple(dict.fromkeys(value))
