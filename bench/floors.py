"""Floors: the least work any publisher must do on a catalogue, timed in this process.

Targets for `podcast publish` are ratios to these, measured in the same run on the same disk,
because absolute times on shared machines vary more than the effects being measured (a new file
costs 23-500 us here depending on the moment). Each floor does its job with the fastest plain
library call and nothing else: no validation, no atomic writes, no error collection.

    python bench/floors.py /tmp/catalogue    # (d) and (e) too once it has a published public/
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from comrak import ParseOptions, render_markdown
from lxml import etree
from mutagen.id3 import (
    APIC,
    COMM,
    ID3,
    PCST,
    TALB,
    TCAT,
    TCON,
    TCOP,
    TDES,
    TGID,
    TIT2,
    TKWD,
    TPE1,
    TPOS,
    TRCK,
    TYER,
    USLT,
    WFED,
    WOAF,
    Encoding,
    PictureType,
)
from PIL import Image

BASE_URL = "https://example.com/4min-podcast"
ARTWORK_SIZE = 1400
SMART = ParseOptions()
SMART.smart = True  # as our notes are rendered
MANIFEST = ".build/manifest.json"  # under public/; its size sets the no-op floor's record
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "podcast": "https://podcastindex.org/namespace/1.0",
}
T = TypeVar("T")


@dataclass(frozen=True)
class Parsed:
    """What the feed and tag floors need from one episode, as read by the first floor."""

    slug: str
    meta: dict[str, Any]
    notes: str
    html: str
    transcript: str
    master: Path
    master_size: int


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Seconds `fn` takes, starting with no dirty pages: an earlier step's writeback would be billed to it."""
    os.sync()
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def episode_folders(catalogue: Path) -> list[Path]:
    return sorted(p for p in (catalogue / "episodes").iterdir() if p.is_dir())


def read_and_render(catalogue: Path) -> list[Parsed]:
    """Floor (a): every episode.md through the C YAML loader and comrak; its transcript and master's size."""
    parsed = []
    for folder in episode_folders(catalogue):
        text = (folder / "episode.md").read_text(encoding="utf-8")
        first, second = list(_FENCE.finditer(text))[:2]
        meta = yaml.load(text[first.end():second.start()], Loader=yaml.CSafeLoader)
        notes = text[second.end():]
        html = render_markdown(notes, parse_options=SMART)
        spoken = (folder / "transcript.txt").read_text(encoding="utf-8")
        master = catalogue / "audio" / f"{folder.name}.mp3"
        parsed.append(Parsed(folder.name, meta, notes, html, spoken, master, master.stat().st_size))
    return parsed


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    prefix, _, local = tag.rpartition(":")
    element = etree.SubElement(parent, f"{{{_NS[prefix]}}}{local}" if prefix else tag, attrib)
    element.text = text
    return element


def build_feed(parsed: list[Parsed]) -> bytes:
    """Floor (b): the same elements per item as our feed, with lxml directly, serialized."""
    rss = etree.Element("rss", nsmap=_NS, version="2.0")
    channel = _sub(rss, "channel")
    _sub(channel, "title", "Synthetic show")
    for p in parsed:
        m, slug = p.meta, p.slug
        item = _sub(channel, "item")
        _sub(item, "title", m["title"])
        _sub(item, "description", m["summary"])
        _sub(item, "content:encoded").text = etree.CDATA(p.html)
        _sub(item, "guid", m["guid"], isPermaLink="false")
        _sub(item, "enclosure", url=f"{BASE_URL}/audio/{slug}-0123456789ab.mp3",
             length=str(p.master_size), type="audio/mpeg")
        _sub(item, "pubDate", f"{m['date']:%a, %d %b %Y} 00:00:00 +0000")
        _sub(item, "itunes:duration", "1")
        _sub(item, "itunes:season", str(m["season"]))
        _sub(item, "itunes:episode", str(m["number"]))
        _sub(item, "itunes:episodeType", m["type"])
        _sub(item, "itunes:explicit", "false")
        _sub(item, "podcast:season", str(m["season"]), name=m["season_name"])
        _sub(item, "podcast:episode", str(m["number"]))
        _sub(item, "podcast:transcript", url=f"{BASE_URL}/transcripts/{slug}.txt", type="text/plain",
             language="en")
    return etree.tostring(rss, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def scaled_cover(catalogue: Path) -> bytes:
    with Image.open(catalogue / "artwork" / "cover.jpg") as image:
        image.thumbnail((ARTWORK_SIZE, ARTWORK_SIZE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    return out.getvalue()


def id3_tag(p: Parsed, cover: bytes) -> bytes:
    """An ID3v2.3 tag with the frames our tagger writes (Apple's podcast frames too), rendered by mutagen."""
    m, utf = p.meta, Encoding.UTF16  # v2.3 has no UTF-8
    tag = ID3()
    for frame in (
        TIT2(encoding=utf, text=[m["title"]]), TPE1(encoding=utf, text=["4min Podcast"]),
        TALB(encoding=utf, text=["4min Podcast (English)"]), TRCK(encoding=utf, text=[str(m["number"])]),
        TPOS(encoding=utf, text=[str(m["season"])]), TYER(encoding=utf, text=[str(m["date"].year)]),
        TCON(encoding=utf, text=["Podcast"]), COMM(encoding=utf, lang="eng", desc="", text=[m["summary"]]),
        USLT(encoding=utf, lang="eng", desc="", text=p.transcript), TDES(encoding=utf, text=[p.notes]),
        TKWD(encoding=utf, text=[",".join(map(str, m["keywords"]))]), TGID(encoding=utf, text=[m["guid"]]),
        TCAT(encoding=utf, text=["News"]), TCOP(encoding=utf, text=["© 4min Podcast"]),
        WFED(url=f"{BASE_URL}/feed.xml"), WOAF(url=BASE_URL), PCST(value=0),
        APIC(encoding=Encoding.LATIN1, mime="image/jpeg", type=PictureType.COVER_FRONT, desc="", data=cover),
    ):
        tag.add(frame)
    out = io.BytesIO()
    tag.save(out, v1=0, v2_version=3)
    return out.getvalue()


def audio_start(data: bytes) -> int:
    """Where the master's audio frames begin: after its own ID3v2 tag, if it has one."""
    if data[:3] != b"ID3":
        return 0
    size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
    return 10 + size + (10 if data[5] & 0x10 else 0)


def tagged_copies(catalogue: Path, parsed: list[Parsed], out: Path) -> None:
    """Floor (c): scale the cover once, then per master one tag render and one new file."""
    cover = scaled_cover(catalogue)
    for p in parsed:
        data = p.master.read_bytes()
        with open(out / f"{p.slug}.mp3", "wb") as f:
            f.write(id3_tag(p, cover))
            f.write(memoryview(data)[audio_start(data):])


def input_files(catalogue: Path) -> list[Path]:
    """Everything a publish reads: show file, artwork, each episode's files, each master."""
    files = [catalogue / "podcast.toml", catalogue / "artwork" / "cover.jpg"]
    for folder in episode_folders(catalogue):
        files += [folder / "episode.md", folder / "transcript.txt", catalogue / "audio" / f"{folder.name}.mp3"]
    return files


def output_files(public: Path) -> list[Path]:
    """Every file a publish left under `public/` but the manifest: a no-op publish must find each
    one intact (a deleted or hand-edited output is rebuilt), the kept items under .build/ included."""
    manifest = public / MANIFEST
    return [path for folder, _, names in os.walk(public) for name in names
            if (path := Path(folder, name)) != manifest]


def write_record(catalogue: Path, path: Path) -> tuple[int, int]:
    """The record a no-op check loads: the stat stamp of every input and output, padded with one
    string to the size of the manifest the last publish wrote. The target takes the manifest's size
    as given, so the floor reads as many bytes, whatever the package chose to put in them. Returns
    the record's size and the manifest's."""
    public = catalogue / "public"
    record = {
        "inputs": {str(f.relative_to(catalogue)): _stamp(f) for f in input_files(catalogue)},
        "outputs": {str(f.relative_to(public)): _stamp(f) for f in output_files(public)},
        "pad": "",
    }
    target = (public / MANIFEST).stat().st_size
    text = json.dumps(record, separators=(",", ":"))
    record["pad"] = "x" * max(0, target - len(text.encode()))
    data = json.dumps(record, separators=(",", ":")).encode()
    path.write_bytes(data)
    return len(data), target


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def noop_check(catalogue: Path, record: Path) -> None:
    """Floor (d): load the record, stat every input and output it names."""
    with record.open("rb") as f:
        loaded = json.load(f)
    base, public = os.fspath(catalogue), os.fspath(catalogue / "public")
    for relpath in loaded["inputs"]:
        os.stat(f"{base}/{relpath}")
    for relpath in loaded["outputs"]:
        os.stat(f"{public}/{relpath}")


def measure_floors(catalogue: Path, scratch: Path) -> dict[str, float]:
    """Seconds of the cold publish's floors (a), (b), (c). Scratch output goes to `scratch`, which
    must be on the same disk as `catalogue/public`; the caller removes it once nothing else is timed
    (see `bench_publish.trash`)."""
    scratch.mkdir(parents=True, exist_ok=True)
    read, parsed = timed(lambda: read_and_render(catalogue))
    feed, _ = timed(lambda: build_feed(parsed))
    tag, _ = timed(lambda: tagged_copies(catalogue, parsed, scratch))
    return {"read_render": read, "feed_lxml": feed, "tagged_copy": tag}


def measure_noop_floors(catalogue: Path, scratch: Path) -> tuple[dict[str, float], int, int]:
    """Seconds of floors (d) and (e), on the `public/` a publish left in `catalogue`, with the
    sizes of the floor's record and of the manifest it stands for."""
    scratch.mkdir(parents=True, exist_ok=True)
    size, manifest_size = write_record(catalogue, scratch / "record.json")
    noop, _ = timed(lambda: noop_check(catalogue, scratch / "record.json"))
    copy, _ = timed(lambda: shutil.copyfile(catalogue / "public" / "feed.xml", scratch / "feed.xml"))
    return {"noop_check": noop, "feed_copy": copy}, size, manifest_size


LABELS = {
    "read_render": "(a) read front matter + render notes",
    "feed_lxml": "(b) feed with raw lxml",
    "tagged_copy": "(c) one-pass tagged copy of masters",
    "noop_check": "(d) no-op check: load a manifest-sized record, stat inputs + outputs",
    "feed_copy": "(e) copy feed.xml to a new file",
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalogue", type=Path, help="a show made by make_catalogue.py")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.catalogue, prefix=".floors-") as scratch:
        floors = measure_floors(args.catalogue, Path(scratch) / "cold")
        if (args.catalogue / "public" / MANIFEST).exists():
            more, size, manifest_size = measure_noop_floors(args.catalogue, Path(scratch) / "noop")
            floors |= more
            print(f"record {size:,} bytes for a manifest of {manifest_size:,}")
        else:
            print("(d) and (e) skipped: no public/ published yet")
    width = max(len(LABELS[key]) for key in floors)
    for key, seconds in floors.items():
        print(f"{LABELS[key]:<{width}} {seconds:8.3f} s")


if __name__ == "__main__":
    main()
