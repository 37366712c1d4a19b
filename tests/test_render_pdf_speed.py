"""The PDF renderer's speed measures: they change how fast it renders, never what it produces.

Output equality is checked by tests/test_render_pdf.py and tests/test_cross_format.py; here, that
the measures are in force and leave the process as they found it.
"""

from __future__ import annotations

import ctypes.util
import gc
import subprocess
import sys
from pathlib import Path

import sample_documents

from generator.common.layout import Layout
from generator.render.pdf import PdfRenderer, document_html, html_to_pdf

ROOT = Path(__file__).resolve().parents[1]


def _collections_during(action) -> list[int]:  # type: ignore[no-untyped-def]
    """The generation of every cyclic garbage collection that runs during `action()`."""
    generations: list[int] = []

    def record(phase: str, info: dict) -> None:  # type: ignore[type-arg]
        if phase == "start":
            generations.append(info["generation"])

    gc.callbacks.append(record)
    try:
        action()
    finally:
        gc.callbacks.remove(record)
    return generations


def test_layout_and_writing_run_one_young_collection_instead_of_many() -> None:
    """WeasyPrint lays out and writes a long annex with one generation-0 pass, not dozens of automatic ones."""
    html = document_html(sample_documents.dispatch(annex_rows=60))
    html_to_pdf(html, Layout())
    assert gc.isenabled()
    assert _collections_during(lambda: html_to_pdf(html, Layout())) == [0]
    assert gc.isenabled()


def test_rendering_leaves_no_cyclic_garbage() -> None:
    """What the rendering left in reference cycles is freed before render() returns."""
    renderer = PdfRenderer(Layout())
    document = sample_documents.dispatch(annex_rows=60)
    gc.collect()
    renderer.render(document)
    assert gc.collect() < 500  # this rendering leaves some 20.000 objects in cycles


def test_a_disabled_collector_stays_disabled() -> None:
    """A caller that turned the collector off finds it off after rendering, and nothing collected."""
    renderer = PdfRenderer(Layout())
    gc.disable()
    try:
        generations = _collections_during(lambda: renderer.render(sample_documents.dispatch(annex_rows=5)))
        assert not gc.isenabled()
        assert generations == []
    finally:
        gc.enable()


def test_weasyprint_loaded_without_library_search_and_with_harfbuzz_subset() -> None:
    """In a fresh interpreter, importing the renderer asks ctypes.util.find_library for nothing.

    The library search runs ldconfig, gcc and ld in subprocesses (≈ 20 ms a name); WeasyPrint still
    gets HarfBuzz-subset (fast font subsetting) and Pango, and find_library is restored afterwards.
    """
    script = (
        "import ctypes.util\n"
        "asked = []\n"
        "original = ctypes.util.find_library\n"
        "def counting(name):\n"
        "    asked.append(name)\n"
        "    return original(name)\n"
        "ctypes.util.find_library = counting\n"
        "import generator.render.pdf\n"
        "from weasyprint.text import ffi\n"
        "print(len(asked), ffi.harfbuzz_subset is not None, ffi.pango is not None,"
        " ctypes.util.find_library is counting)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True, text=True)
    assert result.stdout.split() == ["0", "True", "True", "True"]


def test_a_library_only_the_search_finds_is_still_loaded() -> None:
    """If no library opens without the search, the renderer imports WeasyPrint the searching way, quietly."""
    script = (
        "import cffi\n"
        "dlopen = cffi.FFI.dlopen\n"
        "def no_direct_soname(self, name, *args):\n"
        "    if '.so.' in str(name):\n"
        "        raise OSError(f'simulated: {name} not directly loadable')\n"
        "    return dlopen(self, name, *args)\n"
        "cffi.FFI.dlopen = no_direct_soname\n"
        "import generator.render.pdf\n"
        "from weasyprint.text import ffi\n"
        "print(ffi.pango is not None, ffi.harfbuzz_subset is not None)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True, text=True)
    assert result.stdout.split() == ["True", "True"]


def test_find_library_is_the_standard_one_after_import() -> None:
    """The renderer's import leaves ctypes.util.find_library as the standard library defines it."""
    assert ctypes.util.find_library.__module__ == "ctypes.util"
    assert ctypes.util.find_library.__name__ == "find_library"
