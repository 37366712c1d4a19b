"""The two reaches past WeasyPrint's public API fall back to plain WeasyPrint when the library changes."""

from __future__ import annotations

import ctypes.util
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from generator.render.weasyprint_tuning import UA_HOOK, import_weasyprint, lean_html_class


def test_lean_html_class_overrides_the_hook_when_weasyprint_has_it() -> None:
    """With the hook present, the subclass answers our stylesheet and nothing else."""

    class HTML:
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return ["full"]

    lean = lean_html_class(HTML, lambda: "lean")
    assert issubclass(lean, HTML) and lean().__getattribute__(UA_HOOK)() == ["lean"]


def test_lean_html_class_is_plain_html_when_the_hook_is_gone() -> None:
    """A WeasyPrint without `_ua_stylesheets` gets its own class back: full stylesheet, same pages."""

    class HTML:
        pass

    assert lean_html_class(HTML, lambda: "lean") is HTML


@pytest.fixture
def weasyprint_modules_kept() -> Iterator[None]:
    """The fallback drops every weasyprint module from sys.modules; put the real ones back afterwards,
    or later renderings in this process would meet a second copy of WeasyPrint's classes."""
    import generator.render.pdf  # noqa: F401  (the real WeasyPrint is loaded, as in any run that renders)

    kept = {name: module for name, module in sys.modules.items() if name.split(".")[0] == "weasyprint"}
    yield
    for name in [n for n in sys.modules if n.split(".")[0] == "weasyprint"]:
        del sys.modules[name]
    sys.modules.update(kept)


@pytest.mark.usefixtures("weasyprint_modules_kept")
def test_import_falls_back_to_the_searching_import_and_restores_find_library() -> None:
    """A library only the search finds: the first import fails, the second (with the search) succeeds."""
    sys.modules.pop("weasyprint")
    original = ctypes.util.find_library
    seen: list[bool] = []

    def importer(name: str) -> ModuleType:
        searching = ctypes.util.find_library is original
        seen.append(searching)
        if not searching:
            raise OSError("cannot load library 'pango-1.0-0'")
        return ModuleType(name)

    module = import_weasyprint(importer)
    assert module.__name__ == "weasyprint" and seen == [False, True]
    assert ctypes.util.find_library is original


def test_real_weasyprint_renders_after_the_tuned_import() -> None:
    """The tuned import gives the real module, and the standard library search is left as it was."""
    weasyprint = import_weasyprint()
    assert weasyprint.HTML(string="<p>x</p>").write_pdf().startswith(b"%PDF")
    assert ctypes.util.find_library.__module__ == "ctypes.util"


def test_the_real_weasyprint_modules_are_back_after_the_fallback_test() -> None:
    """Runs after the fallback test: WeasyPrint's modules are the ones the renderer bound, so a later
    import of any of them meets the same classes (a second copy breaks WeasyPrint's own type checks)."""
    from generator.render import pdf

    fonts = sys.modules.get(pdf.FontConfiguration.__module__)
    assert fonts is not None and fonts.FontConfiguration is pdf.FontConfiguration
    assert sys.modules["weasyprint"] is pdf.weasyprint
