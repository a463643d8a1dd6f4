"""The build manifest: written a record at a time, read back whole, and distrusted when foreign."""
import json
from pathlib import Path

from feed_builder.publish.manifest import MANIFEST, EpisodeRecord, Manifest, load_manifest, manifest_json


def _manifest() -> Manifest:
    return Manifest("settings", "channel", {
        "114-b": EpisodeRecord("g2", None, "2025-02-01T00:00:00+00:00", {"audio/b.mp3": "1:2"}, {"audio/b-1.mp3": "3:4"}),
        "113-a": EpisodeRecord("g1", 113, "2025-01-06T06:00:00+00:00", {}, {}),
    }, {"feed.xml": "9:9"})


def test_streamed_json_is_exactly_the_one_shot_encoding_and_reads_back(tmp_path: Path):
    m = _manifest()
    data = {"format": m.format, "code": m.code, "settings": m.settings, "channel": m.channel, "feeds": m.feeds,
            "episodes": {name: list(r) for name, r in m.episodes.items()}}
    written = b"".join(manifest_json(m))
    assert written == (json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n").encode()
    (tmp_path / MANIFEST).parent.mkdir(parents=True)
    (tmp_path / MANIFEST).write_bytes(written)
    assert load_manifest(tmp_path) == m


def test_chunks_join_into_the_one_shot_encoding(monkeypatch):
    import feed_builder.publish.manifest as manifest

    whole = b"".join(manifest_json(_manifest()))  # both records in one chunk
    monkeypatch.setattr(manifest, "_CHUNK", 1)  # each record a chunk of its own
    assert b"".join(manifest_json(_manifest())) == whole


def test_a_record_of_the_wrong_shape_is_not_trusted(tmp_path: Path):
    (tmp_path / MANIFEST).parent.mkdir(parents=True)
    text = b"".join(manifest_json(_manifest())).decode()
    (tmp_path / MANIFEST).write_text(text.replace('"113-a":["g1",', '"113-a":['))
    assert load_manifest(tmp_path) is None


def test_a_manifest_of_another_format_is_not_trusted(tmp_path: Path):
    (tmp_path / MANIFEST).parent.mkdir(parents=True)
    (tmp_path / MANIFEST).write_text(b"".join(manifest_json(_manifest())).decode().replace('"format":5', '"format":1'))
    assert load_manifest(tmp_path) is None
