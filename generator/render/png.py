"""A minimal, deterministic PNG writer for 8-bit grey images (the charts are black, white and greys).

Pillow's encoder tries five row filters on every row (≈ 15 ms for a chart at 300 dpi); charts are
mostly flat areas, for which rows without a filter and zlib at level 3 come within a third of
Pillow's size in a fraction of the time (measured on the charts: level 1 and 3 cost the same,
level 6 doubles the time for a quarter less; the run-length strategy doubles the size). Only the
chunks a reader needs are written (IHDR, pHYs with the resolution, IDAT, IEND): no time stamp, no
software name, so the same pixels always give the same bytes.

The image data is compressed in bands of BAND_ROWS rows, each band a deflate stream of its own
ended on a byte boundary (a sync flush, as parallel compressors such as pigz join their pieces),
all in one zlib stream. A notice's chart is its kind's frame with one unit's series drawn on top:
most bands are the frame's own, compressed once (`BandedEncoder`), and only the bands the series
touches are compressed per chart. Every PNG is written this way, with or without a frame, so the
bytes depend on the pixels alone.
"""

from __future__ import annotations

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_METRES_PER_INCH = 0.0254
ZLIB_LEVEL = 3
BAND_ROWS = 16
_ZLIB_HEADER = b"\x78\x5e"  # deflate, 32 KiB window, "fast" level: (0x78 × 256 + 0x5e) % 31 == 0
_ADLER_BASE = 65521
_FINAL_EMPTY_BLOCK = b"\x03\x00"  # a last, empty, fixed-Huffman block: ends the deflate stream


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def scanlines(rows: bytes, width: int, height: int) -> bytes:
    """`height` rows of `width` grey bytes, each prefixed with its filter type (0: none), as PNG stores them."""
    if len(rows) != width * height:
        raise ValueError(f"{len(rows)} bytes for a {width}×{height} image")
    return b"".join(b"\0" + rows[y * width:(y + 1) * width] for y in range(height))


def deflate_band(lines: bytes) -> bytes:
    """`lines` as raw deflate blocks that end on a byte boundary and refer to nothing before them."""
    compressor = zlib.compressobj(ZLIB_LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(lines) + compressor.flush(zlib.Z_SYNC_FLUSH)


def adler32_combine(first: int, second: int, second_length: int) -> int:
    """The Adler-32 of two pieces of data joined, from theirs (zlib's adler32_combine, which Python's
    zlib does not expose): a background band's checksum is computed once, like its compression."""
    remainder = second_length % _ADLER_BASE
    low = (first & 0xFFFF) + (second & 0xFFFF) + _ADLER_BASE - 1
    high = remainder * (first & 0xFFFF) + (first >> 16) + (second >> 16) + _ADLER_BASE - remainder
    return (low % _ADLER_BASE) | ((high % _ADLER_BASE) << 16)


class BandedEncoder:
    """Writes PNGs of images that share most rows with one background, compressing its bands once.

    `background` is scanlines as `scanlines` gives them; a band of a later image equal to the
    background's is not compressed again. The PNG is the one `grey_png` writes for the same pixels.
    """

    def __init__(self, width: int, height: int, dpi: int, background: bytes | None = None) -> None:
        self.width, self.height, self.dpi = width, height, dpi
        self._background = background
        self._band_bytes = (width + 1) * BAND_ROWS
        self._compressed: dict[int, tuple[bytes, int]] = {}  # band start → the background band, deflated, its Adler-32

    def encode(self, lines: bytes) -> bytes:
        """The PNG of `lines` (scanlines of this encoder's size)."""
        if len(lines) != (self.width + 1) * self.height:
            raise ValueError(f"{len(lines)} bytes of scanlines for a {self.width}×{self.height} image")
        background, step = self._background, self._band_bytes
        bands = []
        checksum = 1  # Adler-32 of nothing
        for start in range(0, len(lines), step):
            band = lines[start:start + step]
            if background is not None and band == background[start:start + step]:
                known = self._compressed.get(start)
                if known is None:
                    known = self._compressed[start] = (deflate_band(band), zlib.adler32(band))
                compressed, band_checksum = known
            else:
                compressed, band_checksum = deflate_band(band), zlib.adler32(band)
            bands.append(compressed)
            checksum = adler32_combine(checksum, band_checksum, len(band))
        data = _ZLIB_HEADER + b"".join(bands) + _FINAL_EMPTY_BLOCK + struct.pack(">I", checksum)
        per_metre = round(self.dpi / _METRES_PER_INCH)
        return (
            PNG_SIGNATURE
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", self.width, self.height, 8, 0, 0, 0, 0))  # 8-bit grey
            + _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))
            + _chunk(b"IDAT", data)
            + _chunk(b"IEND", b"")
        )


def grey_png(lines: bytes, width: int, height: int, dpi: int) -> bytes:
    """A PNG of 8-bit grey scanlines (see `scanlines`: 0 black … 255 white), marked `dpi`."""
    return BandedEncoder(width, height, dpi).encode(lines)
