"""Renderer family: one Document in, one file's bytes out (after Sphinx's builders).

Each format declares its `name` and `suffix` on its class and one line in `REGISTRY`; the
registry feeds `--formats`, the conductor's loop and the manifest. Renderer modules are imported
only when their format is asked for (WeasyPrint alone costs a third of a second to import).
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from generator.common.errors import UsageError
from generator.common.layout import Layout
from generator.content import Document


class Renderer(ABC):
    """Turns a Document into the bytes of one file."""

    name: ClassVar[str]
    suffix: ClassVar[str]  # the file suffix without its dot: "docx"

    def __init__(self, layout: Layout) -> None:
        self.layout = layout

    @abstractmethod
    def render(self, document: Document) -> bytes:
        """The complete file content for `document`."""


@dataclass(frozen=True)
class RendererEntry:
    """One output format: its name on the command line, its file suffix, where its class lives."""

    name: str
    suffix: str
    target: str  # "module:Class", imported on first use
    label: str  # for people: "Word (DOCX)"

    def load(self) -> type[Renderer]:
        module_name, _, class_name = self.target.partition(":")
        renderer: type[Renderer] = getattr(importlib.import_module(module_name), class_name)
        return renderer


REGISTRY: dict[str, RendererEntry] = {
    entry.name: entry
    for entry in (
        RendererEntry("docx", "docx", "generator.render.docx:DocxRenderer", "Word (DOCX)"),
        RendererEntry("pdf", "pdf", "generator.render.pdf:PdfRenderer", "PDF"),
    )
}
FORMATS: tuple[str, ...] = tuple(REGISTRY)


def parse_formats(text: str) -> tuple[str, ...]:
    """"docx,pdf" → ("docx", "pdf"); UsageError for anything unknown or empty."""
    formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in formats if f not in REGISTRY]
    if unknown or not formats:
        raise UsageError(f"--formats không hợp lệ: “{text}”. Chỉ dùng: {', '.join(FORMATS)}.")
    return formats


def renderer_for(fmt: str, layout: Layout) -> Renderer:
    """A renderer of the registered format `fmt`."""
    try:
        entry = REGISTRY[fmt]
    except KeyError:
        raise UsageError(f"Không có định dạng “{fmt}”; các định dạng: {', '.join(FORMATS)}") from None
    return entry.load()(layout)
