"""The five places congvan reaches past WeasyPrint's public API, for speed, each with a fallback.

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
4. fontTools' subsetter and variable-font instancer, which WeasyPrint's PDF writer imports at start-up
   (-90 ms on every cold start), are imported when WeasyPrint first calls them. HarfBuzz subsets the
   fonts (libharfbuzz-subset0) and Liberation Serif is not a variable font, so neither runs in a normal
   rendering. While WeasyPrint imports, each is stood in for by a `DeferredModule` that imports the real
   module on first use (an attribute read, or a call of a function WeasyPrint binds by name), then
   forwards to it; the stand-ins leave `sys.modules` as soon as WeasyPrint has imported, so any other
   importer gets the real modules.
5. Where a laid-out page begins, read from its boxes (`Page._page_box`): the first element on the
   page that carries a given attribute (the PDF renderer marks table rows `data-at`, to lay a long
   annex out a window of rows at a time). Element ids would tell the same through the public
   `Page.anchors`, but WeasyPrint then lays every id out as a link target: a third slower. Without
   the hook, `first_marked` raises `NoPageBoxes` and the renderer lays each annex out whole (the
   same pages, more memory).
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
# Modules WeasyPrint imports at start-up but calls only off the usual path, with the names it binds
# from them by `from module import name` (those must exist before the module is really imported).
DEFERRED_MODULES: dict[str, tuple[str, ...]] = {
    "fontTools.subset": (),
    "fontTools.varLib.instancer": ("instantiateVariableFont",),
}


class DeferredModule(ModuleType):
    """Stands in for module `name` until first use, then imports it and forwards everything to it."""

    def __init__(self, name: str, functions: tuple[str, ...] = ()) -> None:
        super().__init__(name)
        self.__dict__["_deferred_real"] = None
        for function in functions:
            self.__dict__[function] = self._forwarder(function)

    def _deferred_load(self) -> ModuleType:
        real: ModuleType | None = self.__dict__["_deferred_real"]
        if real is None:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = importlib.import_module(self.__name__)
            self.__dict__["_deferred_real"] = real
        return real

    def _forwarder(self, function: str) -> Callable[..., Any]:
        def forward(*args: Any, **kwargs: Any) -> Any:
            return getattr(self._deferred_load(), function)(*args, **kwargs)

        forward.__name__ = function
        return forward

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):  # the import machinery probes these; the stand-in has none
            raise AttributeError(attribute)
        return getattr(self._deferred_load(), attribute)


@contextmanager
def _deferred(modules: dict[str, tuple[str, ...]]) -> Iterator[None]:
    """Stand-ins for `modules` not yet imported, in sys.modules for as long as the block runs."""
    installed = {name: DeferredModule(name, functions) for name, functions in modules.items()
                 if name not in sys.modules}
    sys.modules.update(installed)
    try:
        yield
    finally:
        for name, stand_in in installed.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


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
        with _no_library_search(), _deferred(DEFERRED_MODULES), redirect_stdout(io.StringIO()):
            return importer("weasyprint")  # (WeasyPrint prints its failures: hence the redirect)
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


class NoPageBoxes(RuntimeError):
    """This WeasyPrint's pages do not show their boxes (`Page._page_box`)."""


def first_marked(page: Any, attribute: str) -> str | None:
    """The `attribute` of the first element laid out on `page` (document order) that has one."""
    page_box = getattr(page, "_page_box", None)
    if page_box is None or not callable(getattr(page_box, "descendants", None)):
        raise NoPageBoxes
    for box in page_box.descendants():
        element = getattr(box, "element", None)
        value = element.get(attribute) if element is not None and hasattr(element, "get") else None
        if value:
            return str(value)
    return None
