"""The show's language as the ISO 639-2 code that ID3 USLT/COMM frames require.

Feeds carry RFC 5646 tags (`en`, `en-US`); ID3 wants three letters. The table holds the bibliographic
(639-2/B) codes that taggers such as iTunes and Mp3tag write, and only languages podcasts are
commonly published in: an unknown language becomes `und` ("undetermined"), which every reader accepts,
rather than a guess.
"""
from __future__ import annotations

UNDETERMINED = "und"

_ISO_639_2 = {
    "ar": "ara", "bg": "bul", "bn": "ben", "ca": "cat", "cs": "cze", "cy": "wel", "da": "dan",
    "de": "ger", "el": "gre", "en": "eng", "eo": "epo", "es": "spa", "et": "est", "eu": "baq",
    "fa": "per", "fi": "fin", "fr": "fre", "ga": "gle", "gl": "glg", "he": "heb", "hi": "hin",
    "hr": "hrv", "hu": "hun", "id": "ind", "is": "ice", "it": "ita", "ja": "jpn", "ka": "geo",
    "kk": "kaz", "ko": "kor", "lt": "lit", "lv": "lav", "mk": "mac", "ms": "may", "mt": "mlt",
    "nb": "nob", "nl": "dut", "nn": "nno", "no": "nor", "pl": "pol", "pt": "por", "ro": "rum",
    "ru": "rus", "sk": "slo", "sl": "slv", "sq": "alb", "sr": "srp", "sv": "swe", "sw": "swa",
    "ta": "tam", "th": "tha", "tl": "tgl", "tr": "tur", "uk": "ukr", "ur": "urd", "vi": "vie",
    "zh": "chi",
}


def iso_639_2(language: str) -> str:
    """`en-US` -> `eng`; a tag that already starts with a three-letter code keeps it."""
    primary = language.strip().split("-")[0].split("_")[0].lower()
    if len(primary) == 3 and primary.isalpha():
        return primary
    return _ISO_639_2.get(primary, UNDETERMINED)
