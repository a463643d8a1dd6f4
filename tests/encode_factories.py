"""Masters for the encode tests, made once per session, and an independent meter.

The meter is not ffmpeg's: pyloudnorm (BS.1770-4 integrated loudness) on the decoded samples, a
mono file counted as dual-mono (+3.01 LU), and the true peak as the maximum of the signal
oversampled 4x by scipy.
"""
from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import imageio_ffmpeg
import mutagen
import numpy as np
import pyloudnorm
from scipy.signal import resample_poly

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
SAMPLE_MP3 = Path(__file__).resolve().parent.parent / "audio" / "113-the-eastern-axis.mp3"


def ffmpeg(*args: str) -> None:
    subprocess.run([FFMPEG, "-v", "error", "-nostdin", "-y", *args], check=True)


def speechlike(seconds: float, channels: int, rate: int, seed: int) -> np.ndarray:
    """Noise shaped like speech: syllables at ~4 Hz, words and pauses, a few plosive spikes.
    Each channel its own noise, so a stereo master is not dual-mono."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    envelope = np.abs(np.sin(2 * np.pi * 4.1 * t)) ** 2 * (np.sin(2 * np.pi * 0.37 * t) > -0.4)
    out = np.empty((n, channels))
    for c in range(channels):
        white = rng.standard_normal(n)
        pink = np.convolve(white, np.exp(-np.arange(64) / 12.0), mode="same")  # darker than white, as voices are
        out[:, c] = pink * envelope
    spikes = rng.choice(n, size=int(seconds * 2), replace=False)
    out[spikes] *= 2.5  # plosives: peaks far above the speech around them
    return out / np.max(np.abs(out))


def write_wav(path: Path, samples: np.ndarray, rate: int, peak_db: float) -> Path:
    scaled = samples * 10 ** (peak_db / 20) * 32767
    with wave.open(str(path), "wb") as w:
        w.setnchannels(samples.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.round(scaled).astype("<i2").tobytes())
    return path


def make_masters(folder: Path) -> dict[str, Path]:
    """Mono and stereo, quiet and hot, real speech and synthetic, in every container a master may be."""
    folder.mkdir(parents=True, exist_ok=True)
    quiet_mono = write_wav(folder / "quiet-mono.wav", speechlike(40, 1, 44100, 1), 44100, -20.0)
    hot_stereo = write_wav(folder / "hot-stereo.wav", speechlike(40, 2, 48000, 2), 48000, -0.0)
    masters = {"quiet-mono.wav": quiet_mono, "hot-stereo.wav": hot_stereo}
    ffmpeg("-i", str(hot_stereo), "-c:a", "flac", str(folder / "hot-stereo.flac"))
    ffmpeg("-i", str(quiet_mono), "-c:a", "pcm_s16be", str(folder / "quiet-mono.aiff"))
    ffmpeg("-t", "40", "-i", str(SAMPLE_MP3), "-c:a", "flac", str(folder / "speech-mono.flac"))
    ffmpeg("-t", "40", "-i", str(SAMPLE_MP3), "-ac", "2", "-c:a", "libopus", "-b:a", "48k", str(folder / "speech-stereo.opus"))
    ffmpeg("-i", str(hot_stereo), "-c:a", "libvorbis", "-q:a", "4", str(folder / "hot-stereo.ogg"))
    ffmpeg("-i", str(quiet_mono), "-c:a", "aac", "-b:a", "96k", str(folder / "quiet-mono.m4a"))
    ffmpeg("-i", str(hot_stereo), "-c:a", "libmp3lame", "-b:a", "160k", str(folder / "hot-stereo.mp3"))
    ffmpeg("-i", str(hot_stereo), "-af", "pan=5.1|FL=c0|FR=c1|FC=0.5*c0+0.5*c1|LFE=0.1*c0|BL=0.7*c0|BR=0.7*c1",
           "-ar", "96000", "-c:a", "pcm_s24le", str(folder / "surround-96k.wav"))
    for name in ("hot-stereo.flac", "quiet-mono.aiff", "speech-mono.flac", "speech-stereo.opus", "hot-stereo.ogg",
                 "quiet-mono.m4a", "hot-stereo.mp3", "surround-96k.wav"):
        masters[name] = folder / name
    return masters


def decoded(path: Path) -> tuple[np.ndarray, int]:
    info = mutagen.File(path).info
    rate = 48000 if path.suffix == ".opus" else int(info.sample_rate)
    channels = int(info.channels)
    raw = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-f", "f32le", "-ar", str(rate), "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype="<f4").reshape(-1, channels).astype(np.float64), rate


def playback_loudness(path: Path) -> float:
    """Integrated LUFS as heard from two speakers: a mono file counts as dual-mono."""
    samples, rate = decoded(path)
    loudness = pyloudnorm.Meter(rate).integrated_loudness(samples)
    return loudness + (10 * np.log10(2) if samples.shape[1] == 1 else 0.0)


def true_peak(path: Path) -> float:
    samples, _ = decoded(path)
    return float(20 * np.log10(np.max(np.abs(resample_poly(samples, 4, 1, axis=0)))))
