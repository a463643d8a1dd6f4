"""`[encode]` in podcast.toml -> EncodeSettings, with every problem's line."""
from __future__ import annotations

from typing import Any

from feed_builder.media.encode.settings import ALTERNATES, FORMATS, SAMPLE_RATES, EncodeSettings
from feed_builder.show.fields import Fields
from feed_builder.show.spec import Field, Kind, Section

ENCODE_FIELDS: Section = {
    "loudness": Field(Kind.NUMBER, "Integrated loudness of published audio, in LUFS (default -16).",
                      minimum=-36.0, maximum=-9.0),
    "true_peak": Field(Kind.NUMBER, "True-peak ceiling, in dBTP (default -1).", minimum=-9.0, maximum=0.0),
    "format": Field(Kind.CHOICE, "The enclosure: mp3 (default) or aac in M4A.", options=FORMATS),
    "bitrate": Field(Kind.INTEGER, "kbit/s of the enclosure (default 128 stereo, 96 mono).", minimum=32, maximum=320),
    "sample_rate": Field(Kind.CHOICE, "Hz of the enclosure (default: the master's if 44100 or 48000, else 44100).",
                         options=SAMPLE_RATES),
    "normalize": Field(Kind.FLAG, "Also level MP3 and M4A masters, otherwise published as they are (default false)."),
    "alternate": Field(Kind.CHOICES, "Renditions beside the enclosure (podcast:alternateEnclosure).",
                       options=ALTERNATES),
}


def read_encode(f: Fields) -> EncodeSettings:
    """The `[encode]` table; every problem joins the show file's others."""
    data = f.data.get("encode")
    if data is None:
        return EncodeSettings()
    if not isinstance(data, dict):
        f.fail("encode", f"{data!r} is not a table (expected an [encode] table)")
        return EncodeSettings()
    e = f.sub("encode", data, ENCODE_FIELDS)
    default = EncodeSettings()
    return EncodeSettings(
        loudness=e.number("loudness", default.loudness),
        true_peak=e.number("true_peak", default.true_peak),
        format=e.choice("format", _member(FORMATS), FORMATS, default.format),
        bitrate=e.integer("bitrate"),
        sample_rate=e.choice("sample_rate", _member(SAMPLE_RATES), map(str, SAMPLE_RATES), None),
        normalize=e.flag("normalize", default.normalize),
        alternate=e.choices("alternate"),
    )


def _member(options: tuple[Any, ...]) -> Any:
    def parse(value: Any) -> Any:
        if isinstance(value, bool) or value not in options:
            raise ValueError(value)
        return value
    return parse
