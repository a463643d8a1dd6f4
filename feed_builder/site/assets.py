"""The site's files beside its pages: the stylesheet, and the images made from the show's cover.

Each is made from the art already scaled for the audio tags (kept between runs), never from the
full-size cover: decoding 3000 px on every publish would cost more than the pages. The stylesheet
and the images the pages name are content-named, so hosts may cache them forever; `favicon.ico`
and `apple-touch-icon.png` keep the names browsers ask for without reading a page.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from feed_builder.core.digest import digest
from feed_builder.core.errors import PodcastError
from feed_builder.core.model import Show
from feed_builder.media.artwork import embedded_art
from feed_builder.site.render import environment

CARD_SIZE = (1200, 630)  # the link-card size Facebook, LinkedIn, Mastodon and others crop to
COVER_SIZE = 400  # shown at 200 CSS px on the index page: sharp on a 2x screen
TOUCH_ICON = "apple-touch-icon.png"
FAVICON = "favicon.ico"


@dataclass(frozen=True)
class SiteNames:
    """What the pages link to, relative to `public/`; sent to the workers that render them."""

    stylesheet: str
    card: str
    cover: str


@dataclass(frozen=True)
class SiteAssets:
    names: SiteNames
    files: tuple[tuple[str, bytes], ...]  # (relpath, content)


def site_assets(show: Show, cache: Path) -> SiteAssets | None:
    """None when the cover cannot be read: the build reports that with its other problems."""
    env = environment(show.root, show.site.theme)
    css = env.loader.get_source(env, "site.css")[0].encode() if env.loader else b""
    try:
        art = Image.open(io.BytesIO(embedded_art(show, show.image, cache)))
        art.load()
    except (PodcastError, OSError):
        return None
    cover = _jpeg(art.resize((COVER_SIZE, COVER_SIZE), Image.Resampling.LANCZOS, reducing_gap=2.0))
    card = _jpeg(_card(art))
    names = SiteNames(f"site-{digest(css)}.css", f"images/site-card-{digest(card)}.jpg",
                      f"images/site-cover-{digest(cover)}.jpg")
    touch = io.BytesIO()
    art.resize((180, 180), Image.Resampling.LANCZOS, reducing_gap=2.0).save(touch, "PNG", optimize=True)
    icon = io.BytesIO()
    small = art.resize((48, 48), Image.Resampling.LANCZOS, reducing_gap=2.0)
    small.save(icon, "ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    files = ((names.stylesheet, css), (names.card, card), (names.cover, cover),
             (TOUCH_ICON, touch.getvalue()), (FAVICON, icon.getvalue()))
    return SiteAssets(names, files)


def _card(art: Image.Image) -> Image.Image:
    """The square cover in the middle of a wide card, on the cover's own average colour: link
    cards crop a square image to a strip that would cut the cover's title off."""
    width, height = CARD_SIZE
    card = Image.new("RGB", CARD_SIZE, art.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0)))
    card.paste(art.resize((height, height), Image.Resampling.LANCZOS, reducing_gap=2.0), ((width - height) // 2, 0))
    return card


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()
