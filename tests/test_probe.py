"""Audio facts come from the content: each container's MIME type, whatever the file is named."""
from pathlib import Path

import pytest

from feed_builder.core.errors import PodcastError
from feed_builder.core.model import Container
from mutagen.mp3 import MP3

from feed_builder.media.probe import probe

AUDIO = Path(__file__).parent / "data/audio"


@pytest.mark.parametrize("name, container, mime", [
    ("tone.mp3", Container.MP3, "audio/mpeg"),
    ("tone.m4a", Container.M4A, "audio/x-m4a"),
    ("tone.opus", Container.OPUS, "audio/ogg"),
    ("tone.ogg", Container.VORBIS, "audio/ogg"),
    ("tone.flac", Container.FLAC, "audio/flac"),
])
def test_container_and_mime_come_from_the_content(tmp_path: Path, name: str, container: Container, mime: str):
    misnamed = tmp_path / "episode.mp3"  # every one named .mp3: the name must not matter
    misnamed.write_bytes((AUDIO / name).read_bytes())
    info = probe(misnamed)
    assert (info.container, info.mime) == (container, mime)
    length = info.duration  # every fixture is a tone of a second or more
    assert length > 0.5 and info.channels >= 1


def test_mp3_probe_past_the_tag_agrees_with_mutagen(sample_show: Path):
    master = sample_show / "audio/113-the-eastern-axis.mp3"  # it has an ID3v2 tag
    full = MP3(master).info
    info = probe(master)
    facts = (info.duration, info.bitrate, info.channels, info.sample_rate)
    assert facts == \
           (full.length, full.bitrate, full.channels, full.sample_rate)


def test_text_is_not_audio(tmp_path: Path):
    fake = tmp_path / "episode.mp3"
    fake.write_text("not audio\n" * 100)
    with pytest.raises(PodcastError, match="episode.mp3: audio: .*expected MP3, M4A/AAC"):
        probe(fake)


def test_mp3_probe_skips_a_large_tag_of_ours(tmp_path: Path):
    """Our tags carry transcripts: a tag of several hundred KB must not change the duration."""
    from mutagen.id3 import ID3, USLT

    mp3 = tmp_path / "tagged.mp3"
    mp3.write_bytes((AUDIO / "tone.mp3").read_bytes())
    tags = ID3()
    tags.add(USLT(encoding=1, lang="eng", desc="", text="word " * 60_000))
    tags.save(mp3)
    full = MP3(mp3)
    assert full.tags.size > 300_000
    length = probe(mp3).duration
    assert length == full.info.length
