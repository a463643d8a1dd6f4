"""Artwork checks: Apple refuses a show whose cover is not 1400–3000 px square RGB JPEG or PNG."""
from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from feed_builder.core.errors import Problem, problem

_FORMATS = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",)}


def artwork_problems(path: Path, field: str) -> list[Problem]:
    try:
        with Image.open(path) as image:
            fmt, (width, height), mode = image.format, image.size, image.mode
    except (OSError, UnidentifiedImageError) as e:
        return [problem(path, None, field, f"cannot be read as an image: {e} (expected a JPEG or PNG)")]
    found = []
    if fmt not in _FORMATS or path.suffix.lower() not in _FORMATS[fmt]:
        found.append(f"is {fmt} named {path.suffix!r} (expected a JPEG named .jpg or a PNG named .png)")
    if width != height or not 1400 <= width <= 3000:
        found.append(f"is {width}×{height} px (expected a square of 1400 to 3000 px)")
    if mode != "RGB":
        found.append(f"has colour mode {mode} (expected RGB)")
    return [problem(path, None, field, message) for message in found]
