"""Importing a library without the optional heavy modules it would pull in for nothing.

openpyxl imports numpy when numpy is installed (pandas and matplotlib bring it), only to treat
numpy scalars as numbers when a cell is written. Reading a snapshot never meets one, and congvan
writes plain Python numbers, so openpyxl is imported with numpy hidden: every command that reads an
XLSX then starts without numpy's import time. A process that has already imported numpy gets the
ordinary import.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType


def import_without(name: str, hidden: tuple[str, ...]) -> ModuleType:
    """`import name`, with the modules in `hidden` reported missing while it imports (if not loaded yet)."""
    if name in sys.modules:
        return sys.modules[name]
    absent = [module for module in hidden if module not in sys.modules]
    for module in absent:
        sys.modules[module] = None  # type: ignore[assignment]  # `import module` then raises ImportError
    try:
        return importlib.import_module(name)
    finally:
        for module in absent:
            if sys.modules.get(module, ...) is None:
                del sys.modules[module]
