"""scaled_jpeg: small, RGB, never upscaled, and the same bytes every time."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from feed_builder.core.errors import PodcastError
from feed_builder.media.tagging import scaled_jpeg
from tests.tagging_factories import image_file


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_scales_down_to_the_size_keeping_the_aspect(tmp_path: Path) -> None:
    image = _open(scaled_jpeg(image_file(tmp_path / "a.png", (3000, 1500)), 1400))
    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (1400, 700))


def test_never_upscales(tmp_path: Path) -> None:
    assert _open(scaled_jpeg(image_file(tmp_path / "a.png", (200, 200)), 1400)).size == (200, 200)


@pytest.mark.parametrize("mode, color", [("RGBA", (255, 0, 0, 0)), ("LA", (0, 0)), ("CMYK", "cyan"), ("L", 128)])
def test_any_mode_becomes_rgb_and_transparency_white(tmp_path: Path, mode: str, color: object) -> None:
    suffix = "jpg" if mode == "CMYK" else "png"
    image = _open(scaled_jpeg(image_file(tmp_path / f"a.{suffix}", (50, 50), color, mode), 1400))
    assert image.mode == "RGB"
    if mode in ("RGBA", "LA"):
        assert all(channel > 250 for channel in image.getpixel((25, 25)))


def test_same_pixels_give_the_same_bytes_without_metadata(tmp_path: Path) -> None:
    source = tmp_path / "a.jpg"
    exif = Image.Exif()
    exif[0x0132] = "2024:05:01 10:00:00"  # DateTime
    Image.new("RGB", (2000, 2000), "purple").save(source, exif=exif)
    first, second = scaled_jpeg(source, 1400), scaled_jpeg(source, 1400)
    assert first == second
    assert b"Exif" not in first and not _open(first).getexif()


def test_exif_rotation_is_applied_before_scaling(tmp_path: Path) -> None:
    source = tmp_path / "a.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° on display
    Image.new("RGB", (400, 200), "green").save(source, exif=exif)
    assert _open(scaled_jpeg(source, 1400)).size == (200, 400)


def test_an_unreadable_image_is_a_problem_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "cover.png"
    bad.write_text("not an image")
    with pytest.raises(PodcastError, match=r"cover.png: image: cannot be read as an image: .* \(expected a JPEG or PNG\)"):
        scaled_jpeg(bad, 1400)
