"""Stage 4: document content, built from one Jinja template per document kind."""
from __future__ import annotations

from generator.content.build import build_document, issue_info
from generator.content.context import (
    DirectiveView,
    DispatchContext,
    NoticeContext,
    TargetResult,
    compared_with,
    target_results,
    unpublished_targets,
)
from generator.content.figure import Chart, ChartLine, ChartSeries, Figure, FigureRow, figures_in
from generator.content.markup import YES, merge_spans
from generator.content.model import Align, Annex, Block, Cell, Document, Header, Paragraph, Signer, Span, Table
from generator.content.policy import require_usable
from generator.content.registry import (
    TEMPLATES_ENV,
    TemplateInfo,
    all_templates,
    find_template,
    load_template_info,
    templates_root,
)

__all__ = [
    "TEMPLATES_ENV",
    "YES",
    "Align",
    "Annex",
    "Block",
    "Cell",
    "Chart",
    "ChartLine",
    "ChartSeries",
    "DirectiveView",
    "DispatchContext",
    "Document",
    "Figure",
    "FigureRow",
    "Header",
    "NoticeContext",
    "Paragraph",
    "Signer",
    "Span",
    "Table",
    "TargetResult",
    "TemplateInfo",
    "all_templates",
    "build_document",
    "compared_with",
    "figures_in",
    "find_template",
    "issue_info",
    "load_template_info",
    "merge_spans",
    "require_usable",
    "target_results",
    "templates_root",
    "unpublished_targets",
]
