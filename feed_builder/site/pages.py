"""One episode's page and its card (its entry in the index pages), from the same
`PublishedEpisode` as its feed item.

Both are rendered where the item is, in the worker that built the episode, and kept like the item:
the page is a published file, the card is kept under `.build/cards/` and copied into the index
pages, so an unchanged episode costs the index nothing but copying bytes. Links between pages are
relative (the build works wherever it is served); what must be absolute (canonical, Open Graph,
the audio) comes from `base_url`.
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from feed_builder.core.model import PublishedEpisode, Show
from feed_builder.formats.notes import plain_summary
from feed_builder.formats.timecode import clock, json_seconds
from feed_builder.publish.manifest import BUILD_DIR
from feed_builder.site.assets import CARD_SIZE, FAVICON, TOUCH_ICON, SiteNames
from feed_builder.site.render import render

CARDS_DIR = f"{BUILD_DIR}/cards"


def page_relpath(folder_name: str) -> str:
    return f"episodes/{folder_name}/index.html"


def card_relpath(folder_name: str) -> str:
    return f"{CARDS_DIR}/{folder_name}.html"


@dataclass(frozen=True)
class Moment:
    """A point in the audio: `#t=` (Media Fragments) wants seconds, people read a clock."""

    seconds: int | float
    clock: str
    title: str
    url: str | None = None
    speaker: str | None = None


@dataclass(frozen=True)
class Head:
    """What every page's <head> says about it."""

    title: str
    description: str
    canonical: str
    root: str  # from the page to public/, for relative links
    image: str
    image_width: int
    image_height: int
    stylesheet: str
    favicon: str
    touch_icon: str
    audio: str | None = None
    audio_type: str | None = None


def head(show: Show, names: SiteNames, *, title: str, description: str, relpath: str,
         audio: tuple[str, str] | None = None, root: str | None = None) -> Head:
    root = "../" * relpath.count("/") if root is None else root
    canonical = show.url(relpath.removesuffix("index.html")) if relpath != "index.html" else f"{show.base_url}/"
    return Head(title, description, canonical, root, show.url(names.card), *CARD_SIZE,
                names.stylesheet, FAVICON, TOUCH_ICON, *(audio or (None, None)))


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"


def episode_context(show: Show, pe: PublishedEpisode, names: SiteNames) -> dict[str, object]:
    e = pe.episode
    description = e.summary or plain_summary(e.notes)
    transcript = e.transcript
    cues: tuple[Moment, ...] = ()
    paragraphs: tuple[str, ...] = ()
    if transcript and transcript.timed:
        cues = tuple(Moment(json_seconds(s.start or 0), clock(s.start or 0), s.text, speaker=s.speaker)
                     for s in transcript.segments)
    elif transcript:
        paragraphs = tuple(s.text for s in transcript.segments)
    return {
        "show": show,
        "episode": e,
        "head": head(show, names, title=f"{e.title} – {show.title}", description=description,
                     relpath=page_relpath(e.slug), audio=(pe.audio.url, pe.audio.mime)),
        "description": description,
        "audio": pe.audio,
        "audio_label": f"{pe.audio_info.container.extension.upper()}, {_size(pe.audio.size)}",
        "duration": clock(pe.audio_info.duration),
        "notes": Markup(pe.notes_html),  # our renderer's HTML: raw HTML in notes is escaped unless allowed
        "chapters": tuple(Moment(json_seconds(c.start), clock(c.start), c.title, c.url) for c in pe.chapters),
        "cues": cues,
        "paragraphs": paragraphs,
        "transcripts": pe.transcripts,
    }


def render_episode(show: Show, pe: PublishedEpisode, names: SiteNames) -> tuple[bytes, bytes]:
    """The episode's page and its card."""
    context = episode_context(show, pe, names)
    page = render(show.root, show.site.theme, "episode.html", **context)
    card = render(show.root, show.site.theme, "card.html", **context)
    return page.encode(), card.encode()
