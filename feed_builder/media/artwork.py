"""Artwork: the cover checked as Apple checks it, and art scaled for embedding in audio files.

Apple refuses a show whose cover is not 1400–3000 px square RGB JPEG or PNG. Players decode
embedded art on small devices and every byte of it is downloaded with every episode, so art is
scaled down (never up: upscaling only adds bytes) and re-encoded as a baseline RGB JPEG, the one
format every tag reader shows. The output depends only on the pixels and the size: Pillow writes
no EXIF, ICC profile or timestamp unless asked, so the same image always gives the same bytes and
the tagged file's name (a digest of its bytes) stays stable between builds.
"""
from __future__ import annotations

import io
import os
import warnings
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageOps

from feed_builder.core.digest import code_digest, digest
from feed_builder.core.errors import PodcastError, Problem, problem
from feed_builder.core.files import write_if_changed
from feed_builder.core.model import Show

_QUALITY = 88
_FORMATS = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",)}
_MAX_PIXELS = 6000 * 6000  # four times Apple's largest cover: room for chapter art, none for a bomb


def scaled_jpeg(path: Path, size: int) -> bytes:
    """The image at `path` as a JPEG whose longer side is at most `size` pixels."""
    try:
        with _open(path) as image:
            # JPEG decodes straight to the nearest power-of-two scale at or above `size`: half the
            # time of decoding 3000 px, and the scaling below still lands on `size` exactly.
            image.draft("RGB", (size, size))
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((size, size), Image.Resampling.LANCZOS)
            rgb = _flatten(upright)
    except (OSError, Image.DecompressionBombError) as error:  # UnidentifiedImageError is an OSError
        raise PodcastError([_unreadable(path, "image", error)]) from error
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=_QUALITY, optimize=True)
    return out.getvalue()


def _open(path: Path) -> Image.Image:
    """The image, header read, refused before any decoding if it has more pixels than art needs:
    decoded, it would take hundreds of MB. Pillow only warns below its own, higher limit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        image = Image.open(path)
    if image.width * image.height > _MAX_PIXELS:
        image.close()
        raise Image.DecompressionBombError(f"{image.width}×{image.height} px")
    return image


def _unreadable(path: Path, field: str, error: Exception) -> Problem:
    """The same words from the check and from the scaling, so that a cover both refuse is one problem."""
    if isinstance(error, Image.DecompressionBombError):
        return problem(path, None, field, "has too many pixels to decode safely (expected a JPEG or PNG of at most "
                       "3000×3000 px)")
    return problem(path, None, field, f"cannot be read as an image: {error} (expected a JPEG or PNG)")


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: transparent PNG art would otherwise turn black in JPEG."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def embedded_art(show: Show, image: Path, cache: Path | None = None) -> bytes:
    """The art to embed for `image`: the show's cover or an episode's own. `cache` is where the
    show's scaled cover is kept between runs (publish's build folder)."""
    version = _stamp(image)
    if cache is not None and image == show.image:
        return _kept(image, version, show.build.artwork_size, cache)
    return _scaled(image, version, show.build.artwork_size)


def prepare_cover(show: Show, cache: Path) -> None:
    """The show's cover scaled before worker processes fork, so that each inherits it instead of
    decoding a full-size cover at the same moment as the others. A broken image is left to the
    episodes, which report it with their other problems."""
    try:
        embedded_art(show, show.image, cache)
    except PodcastError:
        pass


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


@lru_cache(maxsize=4)
def _scaled(path: Path, version: tuple[int, int] | None, size: int) -> bytes:
    """Once per process: every episode without art of its own shares the show's. `version` (the
    file's stamp) is in the key, so a replaced image is never served stale."""
    return scaled_jpeg(path, size)


_KEPT_PREFIX = "cover-"


@lru_cache(maxsize=1)
def _kept(path: Path, version: tuple[int, int] | None, size: int, cache: Path) -> bytes:
    """The show's cover as embedded, kept in `cache` between runs: scaling a full-size cover takes
    longer than tagging an episode, and one edited episode would otherwise pay for it each time.
    One file, named by what it was made from (the code included); any other is replaced."""
    made_from = (os.fspath(path), str(version), str(size), code_digest())
    name = f"{_KEPT_PREFIX}{digest(*(part.encode() for part in made_from))}.jpg"
    try:
        return (cache / name).read_bytes()
    except OSError:
        pass
    data = _scaled(path, version, size)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        for old in cache.glob(f"{_KEPT_PREFIX}*.jpg"):
            old.unlink(missing_ok=True)
        write_if_changed(cache / name, data)
    except OSError:
        pass  # only a cache: the outputs' own writes report an unwritable public/, with its path
    return data


def artwork_problems(path: Path, field: str) -> list[Problem]:
    try:
        with _open(path) as image:
            fmt, (width, height), mode = image.format, image.size, image.mode
    except (OSError, Image.DecompressionBombError) as error:
        return [_unreadable(path, field, error)]
    found = []
    if fmt not in _FORMATS or path.suffix.lower() not in _FORMATS[fmt]:
        found.append(f"is {fmt} named {path.suffix!r} (expected a JPEG named .jpg or a PNG named .png)")
    if width != height or not 1400 <= width <= 3000:
        found.append(f"is {width}×{height} px (expected a square of 1400 to 3000 px)")
    if mode != "RGB":
        found.append(f"has colour mode {mode} (expected RGB)")
    return [problem(path, None, field, message) for message in found]


def conforming_jpeg(path: Path, field: str) -> bytes:
    """Art made into what Apple accepts: flattened to RGB, cropped to its centre square, scaled into
    1400–3000 px. For art an old host published as it was, which publish would otherwise refuse."""
    try:
        with _open(path) as image:
            flat = _flatten(image)
    except (OSError, Image.DecompressionBombError) as error:
        raise PodcastError([_unreadable(path, field, error)]) from error
    side = min(flat.size)
    square = ImageOps.fit(flat, (side, side))
    target = min(max(side, 1400), 3000)
    if target != side:
        square = square.resize((target, target), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    square.save(out, "JPEG", quality=_QUALITY)
    return out.getvalue()
