"""The `[encode]` settings, a value every stage can hold (read by `read.py`).

Defaults follow Apple's guidance: −16 LUFS integrated (stereo-equivalent: a mono master is measured
as dual-mono, so this is the guidelines' "−19 LUFS mono"), true peak at most −1 dBTP, MP3 at 128
kbit/s stereo or 96 kbit/s mono.
"""
from __future__ import annotations

from dataclasses import dataclass

FORMATS = ("mp3", "aac")
ALTERNATES = ("opus",)
SAMPLE_RATES = (22050, 24000, 32000, 44100, 48000)


@dataclass(frozen=True)
class EncodeSettings:
    format: str = "mp3"  # the enclosure: mp3, or aac in M4A
    loudness: float = -16.0  # integrated LUFS, stereo-equivalent
    true_peak: float = -1.0  # dBTP ceiling
    bitrate: int | None = None  # kbit/s of the enclosure; None: 128 stereo, 96 mono
    sample_rate: int | None = None  # None: the master's when it is 44.1 or 48 kHz, else 44.1 kHz
    normalize: bool = False  # also level MP3 and M4A masters, which are otherwise published as they are
    alternate: tuple[str, ...] = ()  # renditions beside the enclosure (podcast:alternateEnclosure)
