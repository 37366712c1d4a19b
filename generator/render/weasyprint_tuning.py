"""The three places congvan reaches past WeasyPrint's public API, for speed, each with a fallback.

1. Importing WeasyPrint without ctypes' subprocess library search (-170 ms on every cold start).
   WeasyPrint tries names such as "libgobject-2.0-0" before "libgobject-2.0.so.0"; cffi hands
   every name the dynamic loader refuses to ctypes.util.find_library, which on Linux runs ldconfig,
   gcc and ld in subprocesses: 15-20 ms a name, 22 names. Without that search WeasyPrint goes on to
   the ".so.N" names, which the dynamic loader opens directly: the same libraries. The standard
   function is swapped only while WeasyPrint imports, and if the import then fails (a library that
   only the search finds) it is imported again the normal way.
2. A trimmed user-agent stylesheet (-50 ms per document) through `HTML._ua_stylesheets`,
   WeasyPrint's own hook. If a later version renames it, `lean_html_class` returns the plain
   `weasyprint.HTML`: the full HTML5 stylesheet applies, same pages, slower. Tests prove both
   fallbacks and compare the two renderings page by page.
3. PNG pictures go into the PDF as they are (-15 ms per chart at 300 dpi) through
   `RasterImage._get_png_data`. WeasyPrint decodes every PNG and encodes it again with Pillow only
   to take the IDAT chunks, which a PDF FlateDecode stream with PNG predictors accepts unchanged
   from any 8-bit, non-interlaced grey or RGB PNG without transparency: the charts congvan draws.
   Any other image, or a WeasyPrint without the hook, takes WeasyPrint's own path.
"""

from __future__ import annotations

import ctypes.util
import importlib
import io
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from types import ModuleType
from typing import Any

UA_HOOK = "_ua_stylesheets"
PNG_HOOK = "_get_png_data"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@contextmanager
def _no_library_search() -> Iterator[None]:
    """While WeasyPrint loads its C libraries, names the dynamic loader refuses fail at once (Linux)."""
    if not sys.platform.startswith("linux"):
        yield
        return
    find_library = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = find_library


def import_weasyprint(importer: Callable[[str], ModuleType] = importlib.import_module) -> ModuleType:
    """`weasyprint`, imported the fast way when possible and the normal way otherwise."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    try:
        with _no_library_search(), redirect_stdout(io.StringIO()):  # WeasyPrint prints its failures
            return importer("weasyprint")
    except OSError:  # a library only the search finds: load the slow, searching way
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
        return importer("weasyprint")


def lean_html_class(html_class: type[Any], user_agent_stylesheet: Callable[[], Any]) -> type[Any]:
    """A subclass of `html_class` whose user-agent stylesheet is ours, or `html_class` itself when the
    hook is gone (the full stylesheet then applies)."""
    if not callable(getattr(html_class, UA_HOOK, None)):
        return html_class

    def _ua_stylesheets(self: Any, forms: bool = False) -> list[Any]:
        return [user_agent_stylesheet()]

    return type("LeanHTML", (html_class,), {UA_HOOK: _ua_stylesheets})


def png_idat(data: bytes) -> bytes | None:
    """The joined IDAT chunks of an 8-bit, non-interlaced grey or RGB PNG without transparency; None
    for any other image (WeasyPrint then re-encodes it itself)."""
    if not data.startswith(_PNG_SIGNATURE):
        return None
    position, idat = len(_PNG_SIGNATURE), []
    while position + 8 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        tag = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        if len(body) != length:
            return None
        if tag == b"IHDR":
            if length != 13 or body[8] != 8 or body[9] not in (0, 2) or body[12] != 0:
                return None  # not 8 bits per sample, not grey or RGB, or interlaced
        elif tag in (b"tRNS", b"PLTE"):
            return None
        elif tag == b"IDAT":
            idat.append(body)
        elif tag == b"IEND":
            break
        position += 12 + length
    return b"".join(idat) or None


def pass_png_through(raster_image_class: type[Any]) -> bool:
    """Make `raster_image_class` embed suitable PNGs' compressed data as it is; False when the hook is
    gone (WeasyPrint re-encodes every PNG, as it does by default)."""
    original = getattr(raster_image_class, PNG_HOOK, None)
    if not callable(original):
        return False
    if getattr(original, "congvan_passthrough", False):
        return True

    def _get_png_data(pillow_image: Any) -> Any:
        source = getattr(pillow_image, "fp", None)  # Image.open keeps the file it reads from
        if isinstance(source, io.BytesIO) and getattr(pillow_image, "format", None) == "PNG":
            data = png_idat(source.getvalue())
            if data is not None:
                return data
        return original(pillow_image)

    _get_png_data.congvan_passthrough = True  # type: ignore[attr-defined]
    setattr(raster_image_class, PNG_HOOK, staticmethod(_get_png_data))
    return True
