"""BS.1770-4 loudness as ffmpeg's ebur128 filter reports it, and the arithmetic of levelling.

A mono signal is measured as dual-mono, the way it is heard from two speakers: "−16 LUFS" then means
the same playback loudness for a mono and a stereo file (Apple's "−19 LUFS mono" is −16 here).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

SILENT = -70.0  # BS.1770's absolute gate: nothing louder was found


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS, stereo-equivalent
    true_peak: float  # dBTP, 4x oversampled
    lra: float  # loudness range, LU
    sample_peak: float | None = None  # dBFS, measured on masters only (clipping)

    @property
    def mono_equivalent(self) -> float:
        """The same loudness as a mono measurement states it (BS.1770 without dual-mono)."""
        return self.integrated - 3.01


def ebur128(mono: bool, sample_peak: bool = False) -> str:
    peaks = "sample+true" if sample_peak else "true"
    return f"ebur128=peak={peaks}:framelog=quiet:dualmono={int(mono)}"


def parse_summary(log: str) -> Loudness | None:
    """The last ebur128 summary in an ffmpeg log, or None if there is none."""
    start = log.rfind("Summary:")
    if start < 0:
        return None
    text = log[start:]
    integrated = _value(r"I:\s+(-?[\d.]+|-inf) LUFS", text)
    lra = _value(r"LRA:\s+(-?[\d.]+|-inf) LU", text)
    true_peak = _value(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", text)
    sample = _value(r"Sample peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", text)
    if integrated is None or lra is None or true_peak is None:
        return None
    return Loudness(integrated, true_peak, lra, sample)


def _value(pattern: str, text: str) -> float | None:
    m = re.search(pattern, text)
    if m is None:
        return None
    return float("-inf") if m.group(1) == "-inf" else float(m.group(1))
