"""The PNG writer: banded compression gives a standard PNG, the same bytes with or without a background."""

from __future__ import annotations

import io
import random
import zlib

import pytest
from PIL import Image

from generator.render.png import BAND_ROWS, BandedEncoder, adler32_combine, grey_png, scanlines


def picture(width: int, height: int, seed: int, busy_rows: range) -> bytes:
    """White rows, with noise in `busy_rows` (what a unit's bars add to a frame)."""
    chooser = random.Random(seed)
    return b"".join(
        bytes(chooser.randrange(256) for _ in range(width)) if y in busy_rows else b"\xff" * width
        for y in range(height)
    )


@pytest.mark.parametrize("height", [1, BAND_ROWS, BAND_ROWS * 3 + 5])
def test_a_banded_png_decodes_to_its_pixels(height: int) -> None:
    rows = picture(37, height, seed=height, busy_rows=range(0, height, 2))
    image = Image.open(io.BytesIO(grey_png(scanlines(rows, 37, height), 37, height, 220)))
    image.load()
    assert (image.mode, image.size, image.tobytes()) == ("L", (37, height), rows)
    assert image.info["dpi"] == pytest.approx((220, 220), abs=0.05)  # stored as dots per metre


def test_bands_taken_from_the_background_give_the_bytes_of_a_fresh_encoding() -> None:
    width, height = 50, BAND_ROWS * 6 + 3
    background = scanlines(picture(width, height, 1, range(0)), width, height)
    encoder = BandedEncoder(width, height, 220, background)
    for seed, busy in ((2, range(20, 40)), (3, range(1)), (4, range(height - 2, height)), (5, range(0))):
        lines = scanlines(picture(width, height, seed, busy), width, height)
        assert encoder.encode(lines) == grey_png(lines, width, height, 220)
    other = scanlines(picture(width, height, 6, range(10, 11)), width, height)
    assert encoder.encode(other) != encoder.encode(background)


def test_scanlines_of_the_wrong_size_are_refused() -> None:
    with pytest.raises(ValueError):
        BandedEncoder(10, 10, 220).encode(b"\0" * 50)


def test_checksums_of_pieces_combine_into_the_checksum_of_the_whole() -> None:
    chooser = random.Random(7)
    for _ in range(200):
        first = chooser.randbytes(chooser.randrange(300))
        second = chooser.randbytes(chooser.randrange(0, 70000, 7))  # past 65521, the modulus
        assert adler32_combine(zlib.adler32(first), zlib.adler32(second), len(second)) == zlib.adler32(first + second)
