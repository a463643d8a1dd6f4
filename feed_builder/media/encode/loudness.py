"""BS.1770-4 loudness as ffmpeg's ebur128 filter reports it, the true peak beside it, and the
arithmetic of levelling.

A mono signal is measured as dual-mono, the way it is heard from two speakers: "−16 LUFS" then means
the same playback loudness for a mono and a stereo file (Apple's "−19 LUFS mono" is −16 here).

The true peak is BS.1770's too (the largest sample of the signal oversampled 4x), but not ebur128's
own meter: that one resamples every rate to 192 kHz in double precision, in the same filter thread
as the loudness, and costs more than all the rest of the measurement. Here it is an integer 4x
resampling in single precision in a filter graph of its own, which ffmpeg runs beside the loudness
on another core.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SILENT = -70.0  # BS.1770's absolute gate: nothing louder was found


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS, stereo-equivalent
    true_peak: float  # dBTP, 4x oversampled
    lra: float  # loudness range, LU
    sample_peak: float | None = None  # dBFS, measured on masters only (clipping)
    channel_peaks: tuple[float, ...] = ()  # dBTP of each channel as heard, measured on masters only

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> Loudness:
        """As `asdict` wrote it into JSON, which turned the tuple into a list."""
        return cls(**{**data, "channel_peaks": tuple(data["channel_peaks"])})

    @property
    def mono_equivalent(self) -> float:
        """The same loudness as a mono measurement states it (BS.1770 without dual-mono)."""
        return self.integrated - 3.01


def ebur128(mono: bool, sample_peak: bool = False) -> str:
    """Integrated loudness and loudness range (and the sample peak): the true peak is `true_peak`'s."""
    return f"ebur128={'peak=sample:' if sample_peak else ''}framelog=quiet:dualmono={int(mono)}"


def true_peak(rate: int, per_channel: bool = False) -> str:
    """A stream at `rate`, oversampled 4x, and its largest sample over all channels (and in each)."""
    return (f"aresample={4 * rate},aformat=sample_fmts=fltp|flt,"
            f"astats=measure_perchannel={'Peak_level' if per_channel else 'none'}:measure_overall=Peak_level")


def parse_summary(log: str) -> Loudness | None:
    """The last ebur128 summary and `true_peak` reading in an ffmpeg log, or None without both."""
    start, peak = log.rfind("Summary:"), log.rfind("Peak level dB:")
    if start < 0 or peak < 0:
        return None
    text = log[start:]
    integrated = _value(r"I:\s+(-?[\d.]+|-inf) LUFS", text)
    lra = _value(r"LRA:\s+(-?[\d.]+|-inf) LU", text)
    sample = _value(r"Sample peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", text)
    true = _value(r"Peak level dB: (-?[\d.]+|-inf)", log[peak:])
    if integrated is None or lra is None or true is None:
        return None
    channels = tuple(float(v) for v in re.findall(r"Channel: \d+\n[^\n]*Peak level dB: (-?[\d.]+|-inf)", log))
    return Loudness(integrated, true, lra, sample, channels)


def _value(pattern: str, text: str) -> float | None:
    m = re.search(pattern, text)
    if m is None:
        return None
    return float("-inf") if m.group(1) == "-inf" else float(m.group(1))
