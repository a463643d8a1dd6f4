"""One item's files: transcript, chapters and image fetched into the episode's temp folder, each
kept only if the reader that `publish` uses accepts it."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from feed_builder.core.errors import PodcastError
from feed_builder.core.files import write_if_changed
from feed_builder.formats.chapters import check_chapters, read_chapters
from feed_builder.formats.transcripts import check_transcript, read_transcript
from feed_builder.importer.feed import FeedItem, Link
from feed_builder.importer.fetch import DownloadError, fetch_small
from feed_builder.media.artwork import artwork_problems, conforming_jpeg

# The richest form first: JSON keeps speakers and times, VTT voices and times, SRT times only.
TRANSCRIPT_FORMS = {"application/json": ".json", "text/vtt": ".vtt", "application/x-subrip": ".srt",
                    "application/srt": ".srt", "text/srt": ".srt", "text/plain": ".txt"}


def image_extension(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    return None


def _kept(folder: Path, name: str, data: bytes, check: Callable[[Path], object]) -> str | None:
    """Writes `data` as `name` and reads it back as publish will; the reason if it is refused."""
    path = folder / name
    write_if_changed(path, data)
    try:
        check(path)
    except PodcastError as error:
        path.unlink()
        return error.problems[0].message
    return None


def _timed_within(duration: float | None) -> tuple[Callable[[Path], object], Callable[[Path], object]]:
    """The transcript and chapter checks publish makes, against the audio's duration when it is
    known (the audio was downloaded first): a cue or chapter past the end would stop publish."""
    def transcript_check(path: Path) -> None:
        read = read_transcript(path)
        if duration is not None and (problems := check_transcript(read, duration)):
            raise PodcastError(problems)

    def chapters_check(path: Path) -> None:
        read = read_chapters(path)
        if duration is not None and (problems := check_chapters(read, duration, path)):
            raise PodcastError(problems)

    return transcript_check, chapters_check


def _ordered(transcripts: tuple[Link, ...]) -> list[tuple[Link, str]]:
    forms = [(t, TRANSCRIPT_FORMS[t.type]) for t in transcripts if t.type in TRANSCRIPT_FORMS]
    ranks = list(dict.fromkeys(TRANSCRIPT_FORMS.values()))
    return sorted(forms, key=lambda f: ranks.index(f[1]))


def transcript(item: FeedItem, folder: Path, dropped: list[str], duration: float | None) -> str | None:
    """The richest transcript publish can read. A JSON of one segment beside a plain text is the
    text given to apps that read only timed forms (as publish itself does): the text is the source."""
    forms = _ordered(item.transcripts)
    has_text = any(ext == ".txt" for _, ext in forms)
    for link, extension in forms:
        try:
            data = fetch_small(link.url)
        except DownloadError as error:
            dropped.append(f"transcript {link.url}: {error}")
            continue
        name = f"transcript{extension}"
        reason = _kept(folder, name, data, _timed_within(duration)[0])
        if reason is None and extension == ".json" and has_text and len(read_transcript(folder / name).segments) <= 1:
            (folder / name).unlink()
            continue
        if reason is None:
            return link.type
        dropped.append(f"transcript {link.url}: {reason}")
    if item.transcripts and not forms:
        dropped.append(f"transcript: no form publish reads ({', '.join(t.type for t in item.transcripts)})")
    return None


def chapters(item: FeedItem, folder: Path, dropped: list[str], duration: float | None) -> str | None:
    check = _timed_within(duration)[1]
    if item.chapters is not None:
        try:
            reason = _kept(folder, "chapters.json", fetch_small(item.chapters.url), check)
        except DownloadError as error:
            reason = str(error)
        if reason is None:
            return "podcast:chapters"
        dropped.append(f"chapters {item.chapters.url}: {reason}")
    if item.psc_chapters:
        lines = [f"{_timestamp(start)} {title}" + (f" {href}" if href and href.startswith("https://") else "")
                 for start, title, href in item.psc_chapters]
        reason = _kept(folder, "chapters.txt", ("\n".join(lines) + "\n").encode(), check)
        if reason is None:
            return "psc:chapters"
        dropped.append(f"psc:chapters: {reason}")
    return None


def _timestamp(start: str) -> str:
    """Podlove's `HH:MM:SS.mmm` (or fewer parts) as chapters.txt's `HH:MM:SS.mmm`."""
    try:
        seconds = sum(float(part) * 60 ** i for i, part in enumerate(reversed(start.split(":"))))
    except ValueError:
        return start  # refused, with its line, by the chapter reader
    whole, ms = divmod(round(seconds * 1000), 1000)
    h, rest = divmod(whole, 3600)
    text = f"{h:02d}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{text}.{ms:03d}" if ms else text


def artwork(data: bytes, folder: Path, stem: str, url: str, dropped: list[str]) -> str | None:
    """`data` as `<stem>.jpg` or `.png` in `folder`, made into what publish accepts if it is not
    (said, with the reason); None if it is no image at all."""
    extension = image_extension(data)
    if extension is None:
        dropped.append(f"image {url}: not a JPEG or PNG")
        return None
    path = folder / f"{stem}{extension}"
    write_if_changed(path, data)
    if problems := artwork_problems(path, "image"):
        try:
            converted = conforming_jpeg(path, "image")
        except PodcastError as error:
            dropped.append(f"image {url}: {error.problems[0].message}")
            path.unlink()
            return None
        path.unlink()
        path = folder / f"{stem}.jpg"
        write_if_changed(path, converted)
        dropped.append(f"image {url} as it was: {problems[0].message}; made into a square RGB JPEG")
    return path.name


def image(item: FeedItem, folder: Path, dropped: list[str]) -> str | None:
    if item.image is None:
        return None
    try:
        data = fetch_small(item.image)
    except DownloadError as error:
        dropped.append(f"image {item.image}: {error}")
        return None
    return artwork(data, folder, "image", item.image, dropped)
