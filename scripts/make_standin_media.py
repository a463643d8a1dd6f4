"""Make the sample show's stand-in audio and cover art.

The repository ships no real recording of episode 113, so `audio/113-the-eastern-axis.mp3` is
speech synthesized from the episode's own transcript, and `artwork/cover.jpg` is drawn here. Both
are committed; run this again only to remake them (needs Debian's espeak-ng and lame, and Pillow):

    apt-get install espeak-ng lame && .venv/bin/python scripts/make_standin_media.py
"""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
EPISODE = "113-the-eastern-axis"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def make_audio() -> None:
    """espeak-ng reads the transcript; lame encodes mono 48 kbit/s CBR, as a spoken podcast would."""
    transcript = ROOT / "episodes" / EPISODE / "transcript.txt"
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-f", str(transcript), "-w", str(wav)], check=True)
        subprocess.run(
            ["lame", "--quiet", "-m", "m", "-b", "48", "--resample", "22.05", "--noreplaygain",
             "--tt", "stand-in", str(wav), str(ROOT / "audio" / f"{EPISODE}.mp3")],
            check=True,
        )


def make_cover() -> None:
    """A 3000 px square RGB JPEG, the largest size Apple accepts, so every smaller one derives from it."""
    size = 3000
    image = Image.new("RGB", (size, size), (24, 32, 56))
    draw = ImageDraw.Draw(image)
    draw.rectangle((150, 150, size - 150, size - 150), outline=(230, 180, 60), width=40)
    big = ImageFont.truetype(FONT, 900) if Path(FONT).exists() else ImageFont.load_default(900)
    small = ImageFont.truetype(FONT, 220) if Path(FONT).exists() else ImageFont.load_default(220)
    draw.text((size / 2, 1250), "4min", font=big, fill=(245, 240, 230), anchor="mm")
    draw.text((size / 2, 2150), "Podcast (English)", font=small, fill=(230, 180, 60), anchor="mm")
    image.save(ROOT / "artwork" / "cover.jpg", "JPEG", quality=85, optimize=True)


if __name__ == "__main__":
    make_audio()
    make_cover()
