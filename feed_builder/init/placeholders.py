"""Stand-ins that let a new show publish at once: a cover and a few seconds of silent audio.

Both are clearly placeholders (the cover says so in its pixels, the audio is silence) and both
pass the checks publish applies to the real thing, so the first `podcast publish` after
`podcast init` succeeds and the podcaster learns the workflow before recording anything.
"""
from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

COVER_SIZE = 1400  # Apple's smallest accepted square
SILENCE_SECONDS = 5
_TEXT_WIDTH = COVER_SIZE - 240

# MPEG-1 Layer III, 32 kbit/s, 48 kHz, mono, no CRC: a 96-byte frame of 1152 samples. Side
# information and main data all zero mean no coded samples, which every decoder plays as silence;
# no encoder is needed to write it.
_FRAME_HEADER = bytes([0xFF, 0xFB, 0x14, 0xC0])
_FRAME_BYTES = 96
_FRAMES_PER_SECOND = 48000 / 1152


def cover_png(title: str) -> bytes:
    """A 1400 px square RGB PNG naming the show and saying it is to be replaced."""
    image = Image.new("RGB", (COVER_SIZE, COVER_SIZE), (32, 56, 88))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, COVER_SIZE - 61, COVER_SIZE - 61), outline=(236, 196, 92), width=12)
    for text, size, y in ((title, 96, 560), ("placeholder cover", 64, 720), ("replace artwork/cover.png", 48, 820)):
        font = ImageFont.load_default(size=size)
        width = draw.textlength(text, font=font)
        if width > _TEXT_WIDTH:  # a long title is made smaller, not cut
            font = ImageFont.load_default(size=max(8, int(size * _TEXT_WIDTH / width)))
            width = draw.textlength(text, font=font)
        draw.text(((COVER_SIZE - width) / 2, y), text, fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def silent_mp3(seconds: int = SILENCE_SECONDS) -> bytes:
    frame = _FRAME_HEADER + bytes(_FRAME_BYTES - len(_FRAME_HEADER))
    return frame * round(seconds * _FRAMES_PER_SECOND)
