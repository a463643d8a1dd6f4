"""The encode stage for one master, cached: an unchanged master is never encoded again.

The cache is the build's private folder (`public/.build/encode/`, beside the manifest): each entry
is named by a digest of the master's bytes, the `[encode]` settings, the ffmpeg build and this
stage's code, and is its renditions plus a JSON record of their measurements, written last. A
killed encode leaves only temps, which nothing trusts; an entry counts only when its record is
there and names files of the recorded sizes.
"""
from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor, as_completed
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from feed_builder.core.digest import digest, file_sha256
from feed_builder.core.errors import PodcastError, problem
from feed_builder.core.files import open_temp, write_if_changed
from feed_builder.media.encode.chain import Encoded, Rendition, encode, measure
from feed_builder.media.encode.ffmpeg import ffmpeg
from feed_builder.media.encode.loudness import Loudness
from feed_builder.media.encode.master import Master, needs_encoding, read_master
from feed_builder.media.encode.settings import EncodeSettings

CACHE_DIR = ".build/encode"  # under the build's output folder
LIMITER_WARNING = 3.0  # dB: more than this audibly squashes the loudest passages
SILENT_CHANNEL = 40.0  # dB one channel's peak lies under the other's: it carries bleed and noise at most
_STEREO_KBPS = {"mp3": 128, "aac": 128, "opus": 64}
_MONO_KBPS = {"mp3": 96, "aac": 96, "opus": 48}


@dataclass(frozen=True)
class Prepared:
    """A master's renditions in the cache, the enclosure's first."""

    master: Master
    measured: Loudness
    renditions: tuple[Encoded, ...]
    folder: Path
    ffmpeg: str
    master_stamp: str  # the master's size:mtime when it was read
    warnings: tuple[str, ...] = ()

    def path(self, encoded: Encoded) -> Path:
        return self.folder / encoded.file


def renditions(master: Master, s: EncodeSettings) -> tuple[Rendition, ...]:
    channels = min(master.channels, 2)
    kbps = _MONO_KBPS if channels == 1 else _STEREO_KBPS
    rate = s.sample_rate or (master.sample_rate if master.sample_rate in (44100, 48000) else 44100)
    wanted = [Rendition(s.format, s.bitrate or kbps[s.format], rate, channels)]
    if "opus" in s.alternate or master.kind == "opus":
        wanted.append(Rendition("opus", kbps["opus"], 48000, channels))  # Opus runs at 48 kHz
    return tuple(wanted)


def prepare(s: EncodeSettings, out: Path, path: Path) -> Prepared:
    """The master's renditions, from the cache or encoded now. A master replaced while it is read
    is read again, once."""
    for _ in range(2):
        before = _stamp(path)
        prepared = _prepare(s, out / CACHE_DIR, path, before)
        if _stamp(path) == before:
            return prepared
    raise PodcastError([problem(path, None, "audio", "changed while it was being encoded, twice "
                                "(expected it to stay unchanged during a publish: run it again)")])


def _prepare(s: EncodeSettings, folder: Path, path: Path, stamp: str) -> Prepared:
    master = read_master(path)
    tool = ffmpeg()
    key = digest(file_sha256(path), repr(s).encode(), tool.version.encode(), _code().encode())
    record = folder / f"{key}.json"
    cached = _load(record, master, folder, stamp)
    if cached is not None:
        return cached
    wanted = renditions(master, s)
    measured = measure(master, wanted[0].sample_rate)
    made, left_out = [], []
    for r in wanted:
        name = f"{key}.{r.extension}"
        temp = open_temp(folder / name)
        temp.close()
        try:
            made.append(encode(master, measured, r, s, Path(temp.name), name))
            os.replace(temp.name, folder / name)
        except PodcastError as e:
            if r is wanted[0]:  # the enclosure: without it there is no episode
                raise
            # An alternate is an offer apps may take up: one that misses the target is left out of
            # the feed (and, being recorded, not tried again until the master or settings change).
            left_out += [f"its {r.format} alternate is left out: {p.message}" for p in e.problems]
        finally:
            Path(temp.name).unlink(missing_ok=True)
    prepared = Prepared(master, measured, tuple(made), folder, str(tool), stamp,
                        _warnings(measured, made) + tuple(left_out))
    data = {"measured": asdict(measured), "ffmpeg": prepared.ffmpeg, "warnings": list(prepared.warnings),
            "renditions": [{**asdict(e), "size": (folder / e.file).stat().st_size} for e in made]}
    write_if_changed(record, json.dumps(data, sort_keys=True, indent=1).encode())
    return prepared


def _load(record: Path, master: Master, folder: Path, stamp: str) -> Prepared | None:
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        made = []
        for e in data["renditions"]:
            if (folder / e["file"]).stat().st_size != e["size"]:
                return None
            made.append(Encoded(e["format"], e["file"], Loudness.from_record(e["loudness"]), e["gain"], e["limited"],
                                e["passes"]))
        return Prepared(master, Loudness.from_record(data["measured"]), tuple(made), folder, data["ffmpeg"], stamp,
                        tuple(data["warnings"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _warnings(measured: Loudness, made: list[Encoded]) -> tuple[str, ...]:
    warnings = []
    if measured.sample_peak is not None and measured.sample_peak >= -0.01:
        warnings.append(f"the master clips (sample peak {measured.sample_peak:.1f} dBFS): the recording is distorted")
    if len(measured.channel_peaks) == 2 and abs(measured.channel_peaks[0] - measured.channel_peaks[1]) > SILENT_CHANNEL:
        side, peak = min(zip(("left", "right"), measured.channel_peaks), key=lambda c: c[1])
        warnings.append(f"its {side} channel is silent ({peak:.0f} dBTP against {max(measured.channel_peaks):.0f}): "
                        "with headphones it plays in one ear (expected sound in both: export the master as mono)")
    limited = max(e.limited for e in made)
    if limited > LIMITER_WARNING:
        warnings.append(f"the limiter takes {limited:.1f} dB off the loudest peaks (expected at most "
                        f"{LIMITER_WARNING:g}: a master with fewer peaks, or compression, sounds better)")
    return tuple(warnings)


def _stamp(path: Path) -> str:
    st = os.stat(path)
    return f"{st.st_size}:{st.st_mtime_ns}"


@lru_cache(maxsize=1)
def _code() -> str:
    """This stage's own code: an edit elsewhere in the package re-encodes nothing."""
    h = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        h.update(source.name.encode() + b"\0" + source.read_bytes())
    return h.hexdigest()[:16]


def prepare_all(s: EncodeSettings, out: Path, paths: list[Path], jobs: int) -> Iterator[tuple[Path, Prepared | PodcastError]]:
    """Several masters at once: the work is in ffmpeg processes, so threads keep `jobs` cores busy.
    Results arrive as they finish."""
    def one(path: Path) -> tuple[Path, Prepared | PodcastError]:
        try:
            return path, prepare(s, out, path)
        except PodcastError as e:
            return path, e

    with ThreadPoolExecutor(max(1, jobs)) as pool:
        for future in as_completed([pool.submit(one, path) for path in paths]):
            yield future.result()


def prepare_if_needed(s: EncodeSettings, out: Path, path: Path) -> Prepared | None:
    """None for a master published as it is (MP3, or AAC in M4A, unless `normalize` is on)."""
    return prepare(s, out, path) if needs_encoding(path, s.normalize) else None
