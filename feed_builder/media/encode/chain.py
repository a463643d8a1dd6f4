"""One master into one rendition: measure → linear gain → oversampled true-peak limiter → encode,
with the encoded stream measured in the same ffmpeg run (a loopback decoder), and corrected once.
Loudness and true peak are measured in two filter graphs fed by the same decoder: ffmpeg runs
each graph in a thread, so the two meters share the machine's cores instead of queuing in one.

Why not ffmpeg's `loudnorm`: with `linear=true` it silently falls back to dynamic mode whenever the
gain would push peaks over its target, which speech masters nearly always do. A plain gain keeps
the dynamics; the limiter runs at 4x the sample rate, so it catches the peaks between samples
that a 1x limiter misses and that decoders then clip.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from feed_builder.core.errors import PodcastError, problem
from feed_builder.media.encode.ffmpeg import run
from feed_builder.media.encode.loudness import SILENT, Loudness, ebur128, parse_summary, true_peak
from feed_builder.media.encode.master import Master
from feed_builder.media.encode.settings import EncodeSettings

FIRST_LIMIT = 1.0  # dB under the ceiling: lossy encoders add overshoot, and a second pass costs a whole encode
TOLERANCE = 0.35  # LU off target that a first pass may keep: within the tests' ±0.5 for any BS.1770 meter
WORST = 0.4  # LU off target after the correction: beyond it, the master fails
PEAK_GUARD = 0.05  # dB under the ceiling that the encoded true peak must stay (4x meters differ by hundredths)
# Gain a first pass adds for the encoder: LAME's lowpass removes high frequencies, which BS.1770's
# K-weighting counts, so an MP3 comes out a little quieter than what went in. Aiming there spares
# most masters the second pass, a whole encode.
_FIRST_PASS_BIAS = {"mp3": 0.3}
_CODECS = {
    "mp3": ["-c:a", "libmp3lame", "-f", "mp3"],
    "aac": ["-c:a", "aac", "-movflags", "+faststart", "-f", "mp4"],
    "opus": ["-c:a", "libopus", "-application", "audio", "-f", "ogg"],
}


@dataclass(frozen=True)
class Rendition:
    format: str  # mp3, aac or opus
    bitrate: int  # kbit/s
    sample_rate: int
    channels: int

    @property
    def extension(self) -> str:
        return {"aac": "m4a"}.get(self.format, self.format)


@dataclass(frozen=True)
class Encoded:
    format: str
    file: str  # its name in the cache folder
    loudness: Loudness  # of the encoded file
    gain: float  # dB applied
    limited: float  # dB the limiter takes off the loudest true peak; 0: it never acts
    passes: int

    @property
    def mode(self) -> str:
        return f"linear gain + true-peak limiter ({self.limited:.1f} dB)" if self.limited else "linear gain"


def measure(master: Master, rate: int) -> Loudness:
    """The master as the enclosure will carry it: its channels, at `rate` (what a high-rate master
    holds above the enclosure's band is counted by BS.1770 but never published)."""
    layout = f"[0:a:0]{_layout(master.channels, rate)},"
    log = run(master.path, [*_input(master), *_meters(layout, master.mono, rate, sample_peak=True)])
    found = parse_summary(log)
    if found is None:
        raise PodcastError([problem(master.path, None, "audio", "could not be measured (expected audio ffmpeg can decode)")])
    if found.integrated <= SILENT:
        raise PodcastError([problem(master.path, None, "audio", "is silent: nothing above BS.1770's -70 LUFS gate "
                                    "(expected a recording to level)")])
    return found


def encode(master: Master, measured: Loudness, r: Rendition, s: EncodeSettings, dest: Path, name: str) -> Encoded:
    """`dest` is written (a temp the caller renames); `name` is what the cache will call it."""
    gain = s.loudness - measured.integrated + _FIRST_PASS_BIAS.get(r.format, 0.0)
    limit = s.true_peak - FIRST_LIMIT
    ceiling = s.true_peak - PEAK_GUARD
    for attempt in (1, 2):
        limited = max(0.0, measured.true_peak + gain - limit)
        out = _render(master, r, gain, limit if limited else None, dest)
        off = s.loudness - out.integrated
        if abs(off) <= (TOLERANCE if attempt == 1 else WORST) and out.true_peak <= ceiling:
            return Encoded(r.format, name, out, round(gain, 2), round(limited, 2), attempt)
        gain += off
        if out.true_peak > ceiling:  # the limiter now acts below the peak that overshot
            limit = min(limit, measured.true_peak + gain - off) - (out.true_peak - ceiling) - 0.2
    raise PodcastError([problem(master.path, None, "audio", f"encoded to {r.format} at {out.integrated:.1f} LUFS, "
                                f"{out.true_peak:.2f} dBTP after a correction (expected {s.loudness:g} ±{WORST} LUFS "
                                f"and at most {s.true_peak:g} dBTP, {PEAK_GUARD:g} dB to spare)")])


def _render(master: Master, r: Rendition, gain: float, limit: float | None, dest: Path) -> Loudness:
    chain = [_layout(r.channels, master.sample_rate), f"volume={gain:.2f}dB"]
    if limit is not None:  # straight to 4x the enclosure's rate: the way down is then a plain decimation
        chain += [f"aresample={4 * r.sample_rate}",
                  f"alimiter=limit={10 ** (limit / 20):.5f}:level=false:latency=true:attack=2:release=60"]
    chain.append(f"aresample={r.sample_rate}")
    log = run(master.path, [
        *_input(master), "-filter_complex", f"[0:a:0]{','.join(chain)}[a]",
        "-map", "[a]", *_CODECS[r.format], "-b:a", f"{r.bitrate}k", "-map_metadata", "-1", "-map_chapters", "-1",
        "-fflags", "+bitexact", "-flags:a", "+bitexact", "-y", str(dest),
        "-dec", "0:0", *_meters("[dec:0]", r.channels == 1, r.sample_rate),
    ])
    found = parse_summary(log)
    if found is None:
        raise PodcastError([problem(master.path, None, "audio", f"its {r.format} encoding could not be measured "
                                    "(expected audio ffmpeg can decode)")])
    return found


def _input(master: Master) -> list[str]:
    """The master, decoded in one thread: FLAC's frame threads cost more in handing frames between
    them than they save, and the filter graphs already keep the other core busy."""
    return ["-threads", "1", "-i", str(master.path)]


def _meters(source: str, mono: bool, rate: int, sample_peak: bool = False) -> list[str]:
    """Loudness and true peak of `source` (a filter chain's start), each in a graph of its own; with
    `sample_peak`, for a master, its clipping and the peak of each channel too.
    The meters log what they found when they close; the audio they pass on is dropped (`aselect=0`)
    rather than converted and handed to the null output, which cost as much as the true peak."""
    graphs, maps = [], []
    for i, meter in enumerate((ebur128(mono, sample_peak), true_peak(rate, per_channel=sample_peak))):
        graphs += ["-filter_complex", f"{source}{meter},aselect=0[m{i}]"]
        maps += ["-map", f"[m{i}]"]
    return [*graphs, *maps, "-f", "null", "-"]


def _layout(channels: int, rate: int) -> str:
    """Mono stays mono; anything wider is heard, and so measured, as stereo. The explicit resampler
    makes the downmix, the same in the measuring and the encoding runs: left to ffmpeg's filter
    negotiation, a 5.1 master was mixed down once normalised and once not."""
    return f"aformat=channel_layouts={'mono' if channels == 1 else 'stereo'},aresample={rate}"
