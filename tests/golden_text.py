"""A whole document as plain text a reviewer can read, and the golden files that hold it.

The text says everything the Document says, in reading order, with its structure visible:

    % kỳ: 2024-07                       metadata the wording linter reads (the report's period)
    [ĐẦU VĂN BẢN] … [KÍNH GỬI] … [NỘI DUNG] … [NƠI NHẬN] … [KÝ] … [PHỤ LỤC]
    **bold**, *italic*; a paragraph wraps at 100 columns, its continuation lines indented by two
    spaces; a table is "[BẢNG n cột]", its header rows, a "---" line, then one line per row with
    cells joined by " | "; a run of non-breaking spaces (a blank left for the clerk) is "______"; a
    chart is "[BIỂU ĐỒ kind, cao N mm]", its caption, alt text, categories, then each series and
    reference line with its values (two decimals, "—" for a gap).

Golden files live in tests/golden/<name>.txt. `pytest --update-golden` rewrites them from the current
templates; otherwise a difference fails with a unified diff of the two texts.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from decimal import Decimal
from pathlib import Path

from generator.common import formatting
from generator.content import Document
from generator.content.model import Annex, Block, Figure, FigureRow, Paragraph, Span, Table

GOLDEN_DIR = Path(__file__).parent / "golden"
WIDTH = 100
_BLANK = re.compile("\u00a0{2,}")


def _plain(text: str) -> str:
    """A blank for the clerk (two or more U+00A0) shows as underscores; a single one as a space."""
    return _BLANK.sub(lambda m: "_" * len(m.group(0)), text).replace("\u00a0", " ")


def _span(span: Span) -> str:
    text = _plain(span.text)
    core = text.strip(" ")
    if not core or not (span.bold or span.italic):
        return text
    lead, tail = text[: len(text) - len(text.lstrip(" "))], text[len(text.rstrip(" ")):]
    mark = "**" if span.bold else ""
    mark += "*" if span.italic else ""
    return f"{lead}{mark}{core}{mark[::-1]}{tail}"


def paragraph_text(paragraph: Paragraph) -> str:
    """One paragraph on one line, emphasis marked; a non-default alignment is noted in front."""
    text = "".join(_span(s) for s in paragraph.spans)
    align = "" if paragraph.align == "justify" else f"({ {'left': 'trái', 'center': 'giữa', 'right': 'phải'}[paragraph.align]}) "
    return align + text


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False) or [""]


def _table(table: Table) -> list[str]:
    lines = [f"[BẢNG {len(table.widths)} cột]"]
    if table.caption:
        lines.append(f"({_plain(table.caption)})")
    lines += [" | ".join(_plain(c.text) + (" (gộp)" if c.colspan > 1 else "") for c in row) for row in table.header]
    lines.append("---")
    for row in table.rows:
        lines.append(" | ".join(f"**{_plain(c.text)}**" if c.bold and c.text else _plain(c.text) for c in row))
    return lines


def _number(value: Decimal | None) -> str:
    """A chart value to two decimals ("—" for a gap): enough to see the data, short enough to read."""
    return "—" if value is None else formatting.number(value, 2, trim=True)


def _figure(figure: Figure) -> list[str]:
    """A chart as its words and data: caption, alt text, categories, each series and line."""
    chart = figure.chart
    lines = [f"[BIỂU ĐỒ {chart.kind}, cao {figure.height_mm:g} mm]"]
    if figure.caption:
        lines.append(f"*{_plain(figure.caption)}*")
    lines += _wrap(f"(alt) {_plain(figure.alt)}")
    lines.append("mục: " + " | ".join(_plain(c) for c in chart.categories))
    for series in chart.series:
        lines.append(f"{_plain(series.name)} ({series.style}): " + " | ".join(_number(v) for v in series.values))
    for line in chart.lines:
        lines.append(f"đường {_plain(line.name)}: {_number(line.value)}")
    return lines


def _blocks(blocks: tuple[Block, ...]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if lines:
            lines.append("")
        if isinstance(block, Paragraph):
            lines += _wrap(paragraph_text(block))
        elif isinstance(block, Figure):
            lines += _figure(block)
        elif isinstance(block, FigureRow):
            lines.append(f"[HÀNG {len(block.figures)} BIỂU ĐỒ CẠNH NHAU]")
            for figure in block.figures:
                lines += _figure(figure)
        else:
            lines += _table(block)
    return lines


def _annex(annex: Annex) -> list[str]:
    lines = ["[PHỤ LỤC]" + (" (trang ngang)" if annex.landscape else ""), f"**{annex.heading}**", f"**{annex.title}**"]
    if annex.subtitle:
        lines.append(f"*{_plain(annex.subtitle)}*")
    return [*lines, "", *_blocks(annex.blocks)]


def document_golden(document: Document, period: str) -> str:
    """The whole document as golden text; `period` ("2024-07") is recorded for the linter."""
    header = document.header
    lines = [f"% văn bản: {document.kind}", f"% kỳ: {period}", "", "[ĐẦU VĂN BẢN]"]
    lines += [*header.parent_body, *(f"**{line}**" for line in header.issuing_body)]
    lines += [_plain(header.number_line), *_wrap(_plain(header.subject))]
    lines += [f"**{header.motto_country}**", f"**{header.motto}**", f"*{_plain(header.date_line)}*"]
    if document.draft_mark:
        lines.append(f"[dấu: {document.draft_mark}]")
    for note in document.draft_notes:
        lines += _wrap(f"[ghi chú dự thảo: {_plain(note)}]")
    lines += ["", "[KÍNH GỬI]"]
    recipients = document.recipient_lines()
    if len(recipients) == 1:
        lines.append(f"{document.recipients_label} {_plain(recipients[0])}")
    else:
        lines += [document.recipients_label, *(_plain(r) for r in recipients)]
    lines += ["", "[NỘI DUNG]", *_blocks(document.body)]
    lines += ["", "[NƠI NHẬN]", f"***{document.copies_label}***", *(_plain(c) for c in document.copies_lines())]
    signer = document.signer
    lines += ["", "[KÝ]", *(f"**{line}**" for line in (*signer.authority_lines, *signer.title_lines))]
    lines += ["(chỗ ký, đóng dấu)", f"**{signer.name}**" if signer.name.strip() else "(chưa có họ tên người ký)"]
    for annex in document.annexes:
        lines += ["", *_annex(annex)]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def golden_path(name: str) -> Path:
    return GOLDEN_DIR / f"{name}.txt"


def compare_with_golden(name: str, actual: str, update: bool) -> None:
    """Fail with a unified diff when `actual` differs from tests/golden/<name>.txt; rewrite it on update."""
    path = golden_path(name)
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if not path.is_file():
        raise AssertionError(f"{path} is missing: run pytest --update-golden, then read and commit it")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(),
                                    f"tests/golden/{name}.txt (committed)", f"{name} (generated now)", lineterm="", n=2)
        raise AssertionError(f"{name}: the document no longer says what its golden text says.\n"
                             "If the change is intended, run pytest --update-golden, read the new text and commit it.\n"
                             + "\n".join(diff))
