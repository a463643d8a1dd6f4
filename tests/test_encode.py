"""The encode stage: masters of every kind leveled to the target, measured by a meter of our own
(pyloudnorm and a 4x oversampled peak, not ffmpeg), cached, and published as MP3 with an Opus
alternate that apps can read."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import mutagen
import pytest
from lxml import etree
from mutagen.mp3 import MP3
from mutagen.oggopus import OggOpus

from feed_builder.core.errors import PodcastError
from feed_builder.media.encode.settings import EncodeSettings
from feed_builder.media.encode.stage import CACHE_DIR, prepare
from tests.conftest import edit, run
from tests.encode_factories import (decoded, ffmpeg, make_masters, playback_loudness, speechlike, true_peak,
                                   write_wav)

import numpy as np
import pyloudnorm

PODCAST = "{https://podcastindex.org/namespace/1.0}"
WITH_OPUS = EncodeSettings(alternate=("opus",))


@pytest.fixture(scope="session")
def masters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_masters(tmp_path_factory.mktemp("masters"))


def _channels(path: Path) -> int:
    return int(mutagen.File(path).info.channels)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["quiet-mono.wav", "hot-stereo.flac", "quiet-mono.aiff", "speech-stereo.opus",
                                  "hot-stereo.ogg", "quiet-mono.m4a", "hot-stereo.mp3", "surround-96k.wav"])
def test_every_rendition_is_at_the_target_loudness_and_under_the_ceiling(masters, tmp_path: Path, name: str):
    prepared = prepare(WITH_OPUS, tmp_path, masters[name])
    assert [e.format for e in prepared.renditions] == ["mp3", "opus"]
    for e in prepared.renditions:
        path = prepared.path(e)
        assert abs(playback_loudness(path) - -16.0) <= 0.5, (name, e)
        assert true_peak(path) <= -1.0, (name, e)
        assert abs(e.loudness.true_peak - true_peak(path)) <= 0.05, (name, e)  # what `podcast encode` reports
        assert _channels(path) == (1 if "mono" in name else 2)  # mono stays mono, 5.1 is heard as stereo
    if name == "hot-stereo.flac":  # full-scale samples, and peaks far above the speech
        assert [w.split(" ")[1:3] for w in prepared.warnings] == [["master", "clips"], ["limiter", "takes"]]


@pytest.mark.slow
def test_a_mono_master_plays_as_loud_as_a_stereo_one(masters, tmp_path: Path):
    """Measured as the file is (no dual-mono), mono lands at -19 LUFS: Apple's "-19 mono" is -16 stereo."""
    mono = prepare(EncodeSettings(), tmp_path, masters["speech-mono.flac"])
    stereo = prepare(EncodeSettings(), tmp_path, masters["speech-stereo.opus"])
    mono_samples, rate = decoded(mono.path(mono.renditions[0]))
    assert mono_samples.shape[1] == 1
    assert abs(pyloudnorm.Meter(rate).integrated_loudness(mono_samples) - -19.0) <= 0.5
    assert abs(playback_loudness(mono.path(mono.renditions[0])) - playback_loudness(stereo.path(stereo.renditions[0]))) <= 0.5


@pytest.mark.slow
def test_other_settings_target_and_format(masters, tmp_path: Path):
    s = EncodeSettings(format="aac", loudness=-19.0, true_peak=-2.0, bitrate=96, sample_rate=44100)
    prepared = prepare(s, tmp_path, masters["hot-stereo.flac"])
    (encoded,) = prepared.renditions
    path = prepared.path(encoded)
    assert path.suffix == ".m4a" and isinstance(mutagen.File(path), mutagen.mp4.MP4)
    assert mutagen.File(path).info.sample_rate == 44100
    assert abs(playback_loudness(path) - -19.0) <= 0.5
    assert true_peak(path) <= -2.0


def test_an_unchanged_master_is_never_encoded_again(masters, tmp_path: Path):
    first = prepare(EncodeSettings(), tmp_path, masters["quiet-mono.wav"])
    files = sorted((tmp_path / CACHE_DIR).iterdir())
    stamps = [(p.name, p.stat().st_mtime_ns) for p in files]
    again = prepare(EncodeSettings(), tmp_path, masters["quiet-mono.wav"])
    assert again.renditions == first.renditions
    assert [(p.name, p.stat().st_mtime_ns) for p in sorted((tmp_path / CACHE_DIR).iterdir())] == stamps
    louder = prepare(EncodeSettings(loudness=-14.0), tmp_path, masters["quiet-mono.wav"])  # other settings: a new entry
    assert louder.renditions[0].file != first.renditions[0].file


def test_a_damaged_cache_entry_is_encoded_again(masters, tmp_path: Path):
    first = prepare(EncodeSettings(), tmp_path, masters["quiet-mono.wav"])
    path = first.path(first.renditions[0])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # as a killed copy would leave it
    again = prepare(EncodeSettings(), tmp_path, masters["quiet-mono.wav"])
    assert again.path(again.renditions[0]).read_bytes() == data


def test_a_silent_master_is_a_problem_naming_it(tmp_path: Path):
    silent = write_wav(tmp_path / "silent.wav", np.zeros((48000 * 5, 1)), 48000, 0.0)
    with pytest.raises(PodcastError) as caught:
        prepare(EncodeSettings(), tmp_path / "out", silent)
    (problem,) = caught.value.problems
    assert problem.path.endswith("silent.wav") and "silent" in problem.message and "(expected" in problem.message


def test_a_master_with_a_silent_channel_is_warned_about(masters, tmp_path: Path):
    """A microphone on one input of a stereo recorder: the episode would play in one ear. (lavfi's
    sine is at an eighth of full scale: -18 dBFS.)"""
    one_sided = tmp_path / "one-sided.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=f=440:d=20:r=48000", "-af", "pan=stereo|c0=c0|c1=0*c0", str(one_sided))
    warned = prepare(EncodeSettings(), tmp_path / "out", one_sided).warnings
    assert warned == ("its right channel is silent (-inf dBTP against -18): with headphones it plays in one ear "
                      "(expected sound in both: export the master as mono)",)
    assert prepare(EncodeSettings(), tmp_path / "out", one_sided).warnings == warned  # from the cache too
    assert not any("channel" in w for w in prepare(EncodeSettings(), tmp_path / "out", masters["hot-stereo.wav"]).warnings)


@pytest.mark.parametrize("head", [b"RIFF\x24\x00\x00\x00WAVEfmt ", b"RF64\xff\xff\xff\xffWAVEds64"])
def test_a_broken_wav_is_a_problem_naming_it(tmp_path: Path, head: bytes):
    broken = tmp_path / "broken.wav"
    broken.write_bytes(head + os.urandom(200))
    with pytest.raises(PodcastError) as caught:
        prepare(EncodeSettings(), tmp_path / "out", broken)
    assert all(p.path.endswith("broken.wav") and "(expected" in p.message for p in caught.value.problems)


@pytest.mark.parametrize(("setting", "field", "found"), [
    ('loudness = "loud"', "encode.loudness", "'loud' is not allowed"),
    ("loudness = -3", "encode.loudness", "-3 is not allowed"),
    ("true_peak = 1.5", "encode.true_peak", "1.5 is not allowed"),
    ('format = "ogg"', "encode.format", "'ogg' is not allowed"),
    ("bitrate = 8", "encode.bitrate", "8 is out of range"),
    ("sample_rate = 12345", "encode.sample_rate", "12345 is not allowed"),
    ('normalize = "yes"', "encode.normalize", "'yes' is not a boolean"),
    ('alternate = ["flac"]', "encode.alternate", "['flac'] is not allowed"),
    ("gain = 3", "encode.gain", "unknown key"),
])
def test_bad_encode_settings_are_reported_with_their_line(sample_show: Path, setting: str, field: str, found: str):
    with (sample_show / "podcast.toml").open("a", encoding="utf-8") as f:
        f.write(f"\n[encode]\n{setting}\n")
    line = len((sample_show / "podcast.toml").read_text(encoding="utf-8").splitlines())
    result = run(sample_show, "publish")
    assert result.exit_code == 1
    assert f"podcast.toml:{line}: {field}: {found}" in result.stderr
    assert "(expected" in result.stderr
    assert not (sample_show / "public" / "feed.xml").exists()


def _with_master(root: Path, master: Path, settings: str = "") -> None:
    (root / "audio" / "113-the-eastern-axis.mp3").unlink()
    shutil.copy2(master, root / "audio" / f"113-the-eastern-axis{master.suffix}")
    if settings:
        with (root / "podcast.toml").open("a", encoding="utf-8") as f:
            f.write(f"\n[encode]\n{settings}\n")


def _item(root: Path) -> etree._Element:
    return etree.parse(str(root / "public" / "feed.xml")).find("channel/item")


@pytest.mark.slow
def test_a_flac_master_publishes_mp3_with_an_opus_alternate_and_is_not_encoded_again(masters, sample_show: Path):
    _with_master(sample_show, masters["speech-mono.flac"], 'alternate = ["opus"]')
    published = run(sample_show, "publish")
    assert published.exit_code == 0
    assert "encode: 1 to do" in published.stderr  # its own progress stage, before the build
    assert run(sample_show, "validate").exit_code == 0
    public = sample_show / "public"
    item = _item(sample_show)
    enclosure = item.find("enclosure")
    assert enclosure.get("type") == "audio/mpeg"
    mp3 = public / "audio" / enclosure.get("url").rsplit("/", 1)[1]
    assert int(enclosure.get("length")) == mp3.stat().st_size
    assert isinstance(mutagen.File(mp3), MP3) and mutagen.File(mp3).tags["TIT2"].text  # tagged as MP3 masters are
    assert abs(playback_loudness(mp3) - -16.0) <= 0.5 and true_peak(mp3) <= -1.0
    alternates = item.findall(f"{PODCAST}alternateEnclosure")
    assert [a.get("default") for a in alternates] == ["true", None]
    primary, opus = alternates
    assert primary.find(f"{PODCAST}source").get("uri") == enclosure.get("url")
    assert "opus" in opus.get("type") and int(opus.get("bitrate")) > 0
    opus_file = public / "audio" / opus.find(f"{PODCAST}source").get("uri").rsplit("/", 1)[1]
    assert int(opus.get("length")) == opus_file.stat().st_size
    read = OggOpus(opus_file)
    assert read.info.length > 30 and read.tags["TITLE"]  # an Opus file, tagged too
    assert abs(playback_loudness(opus_file) - -16.0) <= 0.5

    cache = sorted((public / CACHE_DIR).iterdir())
    before = {p: p.stat().st_mtime_ns for p in cache}
    edit(sample_show, "episodes/113-the-eastern-axis/episode.md", "keywords: [", "keywords: [Kremlin, ")  # re-tags
    assert run(sample_show, "publish").exit_code == 0
    assert {p: p.stat().st_mtime_ns for p in before} == before  # nothing encoded again
    assert _item(sample_show).find("enclosure").get("url") != enclosure.get("url")  # the episode was rebuilt
    assert sorted((public / CACHE_DIR).iterdir()) == cache


@pytest.mark.slow
@pytest.mark.parametrize(("name", "alternates"), [
    ("speech-stereo.opus", ["audio/mpeg", "audio/ogg; codecs=opus"]),  # an Opus master keeps an Opus rendition
    ("quiet-mono.wav", []),
])
def test_opus_and_wav_masters_publish_mp3(masters, sample_show: Path, name: str, alternates: list[str]):
    _with_master(sample_show, masters[name])
    assert run(sample_show, "publish").exit_code == 0
    assert run(sample_show, "validate").exit_code == 0
    item = _item(sample_show)
    assert item.find("enclosure").get("type") == "audio/mpeg"
    assert [a.get("type") for a in item.findall(f"{PODCAST}alternateEnclosure")] == alternates


def test_an_rf64_wav_is_encoded_as_a_riff_one_is(masters, tmp_path: Path):
    """RF64 is the WAV that recorders and DAWs write past 4 GiB (EBU Tech 3306)."""
    rf64 = tmp_path / "long-session.wav"
    ffmpeg("-i", str(masters["quiet-mono.wav"]), "-c:a", "pcm_s24le", "-rf64", "always", str(rf64))
    assert rf64.read_bytes()[:4] == b"RF64"
    prepared = prepare(EncodeSettings(), tmp_path / "out", rf64)
    mp3 = prepared.path(prepared.renditions[0])
    assert _channels(mp3) == 1 and MP3(mp3).info.length == pytest.approx(40, abs=0.1)
    assert abs(playback_loudness(mp3) - -16.0) <= 0.5 and true_peak(mp3) <= -1.0


@pytest.mark.slow
def test_an_apple_lossless_m4a_is_encoded_where_an_aac_one_is_published_as_it_is(masters, sample_show: Path,
                                                                                tmp_path: Path):
    """Both are M4A to the first bytes; Apple plays only the AAC one from a feed."""
    alac = tmp_path / "hot-stereo.m4a"
    ffmpeg("-i", str(masters["hot-stereo.wav"]), "-c:a", "alac", str(alac))
    assert mutagen.File(alac).info.codec == "alac"
    _with_master(sample_show, alac)
    assert run(sample_show, "publish").exit_code == 0
    public = sample_show / "public"
    assert run(sample_show, "validate", str(public / "feed.xml"), "--files", str(public)).exit_code == 0
    enclosure = _item(sample_show).find("enclosure")
    mp3 = sample_show / "public" / "audio" / enclosure.get("url").rsplit("/", 1)[1]
    assert enclosure.get("type") == "audio/mpeg" and isinstance(mutagen.File(mp3), MP3)
    assert abs(playback_loudness(mp3) - -16.0) <= 0.5 and true_peak(mp3) <= -1.0

    (sample_show / "audio" / "113-the-eastern-axis.m4a").unlink()
    shutil.copy2(masters["quiet-mono.m4a"], sample_show / "audio" / "113-the-eastern-axis.m4a")
    assert run(sample_show, "publish").exit_code == 0
    enclosure = _item(sample_show).find("enclosure")
    published = sample_show / "public" / "audio" / enclosure.get("url").rsplit("/", 1)[1]
    assert enclosure.get("type") in ("audio/x-m4a", "audio/mp4")
    assert mutagen.File(published).info.codec.startswith("mp4a.40.")
    assert playback_loudness(published) == pytest.approx(playback_loudness(masters["quiet-mono.m4a"]), abs=0.01)


def test_mp3_masters_are_published_as_they_are_unless_normalize_is_on(sample_show: Path):
    master = (sample_show / "audio" / "113-the-eastern-axis.mp3").read_bytes()
    assert run(sample_show, "publish").exit_code == 0
    assert not (sample_show / "public" / CACHE_DIR).exists()
    result = run(sample_show, "encode")
    assert result.exit_code == 0 and "published as it is" in result.stdout
    assert (sample_show / "audio" / "113-the-eastern-axis.mp3").read_bytes() == master


@pytest.mark.slow
def test_the_encode_command_prints_what_it_measured_and_fills_publish_cache(sample_show: Path):
    with (sample_show / "podcast.toml").open("a", encoding="utf-8") as f:
        f.write("\n[encode]\nnormalize = true\n")
    result = run(sample_show, "encode", "113")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("audio/113-the-eastern-axis.mp3: ") or "113-the-eastern-axis.mp3:" in lines[0]
    assert "LUFS as mono" in lines[0] and "true peak" in lines[0] and "loudness range" in lines[0]
    assert lines[1].startswith("  -> mp3: -16.") or lines[1].startswith("  -> mp3: -15.")
    assert "gain" in lines[1] and "linear gain" in lines[1]
    assert "ffmpeg" in result.stdout
    cache = {p.name: p.stat().st_mtime_ns for p in (sample_show / "public" / CACHE_DIR).iterdir()}
    assert run(sample_show, "publish").exit_code == 0
    assert {p.name: p.stat().st_mtime_ns for p in (sample_show / "public" / CACHE_DIR).iterdir()} == cache


def test_a_target_the_master_cannot_reach_is_a_problem_naming_it(masters, tmp_path: Path):
    """-9 LUFS under a -9 dBTP ceiling asks speech for no peaks at all: the limiter cannot make it."""
    with pytest.raises(PodcastError) as caught:
        prepare(EncodeSettings(loudness=-9.0, true_peak=-9.0), tmp_path, masters["speech-mono.flac"])
    (problem,) = caught.value.problems
    assert problem.path.endswith("speech-mono.flac") and "after a correction" in problem.message
    assert "(expected -9 ±0.4 LUFS and at most -9 dBTP, 0.05 dB to spare)" in problem.message
    assert not list((tmp_path / CACHE_DIR).iterdir())  # nothing a later run could take for an encode


@pytest.mark.slow
def test_an_alternate_is_published_on_target_or_left_out_never_off_it(tmp_path: Path):
    """Opus adds peaks of its own that a correction cannot always foresee, most on material like
    this (speech with hard plosives, then a long silence): the alternate is then left out with a
    warning naming it, and the enclosure still published. Either way nothing off target is."""
    master = tmp_path / "pause.flac"
    speech = write_wav(tmp_path / "speech.wav", speechlike(30, 2, 48000, 7), 48000, -3.0)
    ffmpeg("-i", str(speech), "-af", "apad=pad_dur=60", "-c:a", "flac", str(master))
    prepared = prepare(EncodeSettings(format="aac", alternate=("opus",)), tmp_path / "public", master)
    assert prepared.renditions[0].format == "aac"
    for made in prepared.renditions:
        path = prepared.path(made)
        assert abs(playback_loudness(path) - -16.0) <= 0.5 and true_peak(path) <= -1.0, made
    if len(prepared.renditions) == 1:
        [warning] = [w for w in prepared.warnings if "alternate" in w]
        assert warning.startswith("its opus alternate is left out: encoded to opus at ")


def test_the_same_master_and_settings_give_the_same_bytes(masters, tmp_path: Path):
    """Two builds, two caches: byte-identical renditions, so published names stay put across clones."""
    a = prepare(WITH_OPUS, tmp_path / "a", masters["quiet-mono.wav"])
    b = prepare(WITH_OPUS, tmp_path / "b", masters["quiet-mono.wav"])
    assert [a.path(e).read_bytes() for e in a.renditions] == [b.path(e).read_bytes() for e in b.renditions]
