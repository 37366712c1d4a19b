"""Renderers: the same Document as DOCX (python-docx) and PDF (WeasyPrint), chosen by format name."""

from generator.render.base import FORMATS, REGISTRY, Renderer, RendererEntry, parse_formats, renderer_for

__all__ = ["FORMATS", "REGISTRY", "Renderer", "RendererEntry", "parse_formats", "renderer_for"]
