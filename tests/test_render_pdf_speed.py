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


def test_fonttools_subsetter_and_instancer_are_not_imported_for_a_rendering() -> None:
    """In a fresh interpreter, rendering a PDF (HarfBuzz subsets) imports neither fontTools.subset nor
    the variable-font instancer; the stand-ins are gone from sys.modules afterwards."""
    script = (
        "import sys, sample_documents\n"
        "from generator.common.layout import Layout\n"
        "from generator.render.pdf import PdfRenderer\n"
        "pdf = PdfRenderer(Layout()).render(sample_documents.dispatch(annex_rows=3))\n"
        "print(pdf.startswith(b'%PDF-'), 'fontTools.subset' in sys.modules,"
        " 'fontTools.varLib.instancer' in sys.modules, 'fontTools.varLib' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT / "tests", check=True, capture_output=True,
                            text=True)
    assert result.stdout.split() == ["True", "False", "False", "False"]


def test_the_fonttools_subsetter_is_imported_when_weasyprint_needs_it() -> None:
    """Without HarfBuzz-subset, WeasyPrint falls back to fontTools: the stand-in imports it on first
    use and the PDF embeds the same subset font, readable text included."""
    script = (
        "import io, sys, logging, sample_documents\n"
        "logging.getLogger('weasyprint').setLevel(logging.ERROR)\n"
        "from generator.common.layout import Layout\n"
        "from generator.render.pdf import PdfRenderer\n"
        "import weasyprint.pdf.fonts as fonts\n"
        "fonts.harfbuzz_subset = None\n"
        "assert 'fontTools.subset' not in sys.modules\n"
        "pdf = PdfRenderer(Layout()).render(sample_documents.dispatch(annex_rows=3))\n"
        "from pypdf import PdfReader\n"
        "text = ''.join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)\n"
        "print('fontTools.subset' in sys.modules, type(sys.modules['fontTools.subset']).__name__,"
        " 'Nơi nhận' in text)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT / "tests", check=True, capture_output=True,
                            text=True)
    assert result.stdout.split() == ["True", "module", "True"]


def test_a_deferred_function_forwards_to_the_real_module() -> None:
    """A function bound from a deferred module imports the module on its first call and returns its result."""
    script = (
        "import sys\n"
        "from generator.render.weasyprint_tuning import _deferred\n"
        "with _deferred({'colorsys': ('rgb_to_hsv',)}):\n"
        "    from colorsys import rgb_to_hsv\n"
        "    import colorsys as stand_in\n"
        "print('colorsys' in sys.modules, rgb_to_hsv(1.0, 0.0, 0.0), 'colorsys' in sys.modules,"
        " stand_in.hsv_to_rgb is sys.modules['colorsys'].hsv_to_rgb)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True, text=True)
    assert result.stdout.split() == ["False", "(0.0,", "1.0,", "1.0)", "True", "True"]
