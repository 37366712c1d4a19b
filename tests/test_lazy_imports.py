"""Heavy libraries load only where they are used: importing the program never pulls them in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "matplotlib", "numpy")


def _loaded_after(code: str) -> set[str]:
    """The heavy top-level modules present in a fresh interpreter after running `code`."""
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_importing_the_cli_and_every_stage_loads_no_heavy_library() -> None:
    """The command line, the conductor and both renderers import without pandas, numpy or matplotlib."""
    code = ("import generator.cli, generator.build, generator.build.batch, generator.render.docx, "
            "generator.render.pdf, generator.analysis")
    assert _loaded_after(code) == set()


def test_a_snapshot_without_history_is_analysed_without_pandas() -> None:
    """One period has nothing to compare: its series is built without the frame library."""
    code = ("from pathlib import Path\nfrom generator.build import prepare\n"
            "prepare(Path('fixtures/phu-tho/2026-08.xlsx'))")
    assert "pandas" not in _loaded_after(code)


def test_a_snapshot_with_history_uses_pandas_for_its_series() -> None:
    """With earlier months the series is built with pandas, imported then and not before."""
    code = ("from pathlib import Path\nfrom generator.build import prepare\n"
            "prepare(Path('fixtures/ha-noi/2024-07.xlsx'))")
    assert "pandas" in _loaded_after(code)
