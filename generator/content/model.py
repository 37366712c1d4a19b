"""The document content model: what a dispatch says, independent of DOCX or PDF.

Every string here is final text; renderers lay it out but never format numbers or punctuation,
so the DOCX and the PDF say the same thing word for word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from generator.content.figure import Figure, FigureRow

Align = Literal["left", "center", "right", "justify"]


@dataclass(frozen=True)
class Span:
    """A run of text with its emphasis; `highlight` marks text a reviewer must notice (review packs).

    `nobreak` keeps the run on one line (a URL, "58,86/100 điểm"): no line break inside it.
    """

    text: str
    bold: bool = False
    italic: bool = False
    highlight: bool = False
    nobreak: bool = False


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph. `indent` False for paragraphs without the first-line indent.

    `keep_with_next` keeps it on the page of the block that follows (a heading, a lead-in).
    """

    spans: tuple[Span, ...]
    align: Align = "justify"
    indent: bool = True
    keep_with_next: bool = False

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class Cell:
    text: str
    bold: bool = False
    align: Align = "left"
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Table:
    """A table; `widths` are relative column weights (the renderer scales them to the text width)."""

    widths: tuple[float, ...]
    header: tuple[tuple[Cell, ...], ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str | None = None


Block = Paragraph | Table | Figure | FigureRow


@dataclass(frozen=True)
class Header:
    """The two-column header of NĐ 30/2020 (Phụ lục I)."""

    parent_body: tuple[str, ...]  # upper, regular; may be empty
    issuing_body: tuple[str, ...]  # upper, bold, short rule below
    number_line: str  # "Số: 2562/UBND-KSTTHC" or "Số:      /UBND-KSTTHC"
    subject: str  # trích yếu: "V/v ..."
    motto_country: str  # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    motto: str  # "Độc lập - Tự do - Hạnh phúc"
    date_line: str  # "Hà Nội, ngày 06 tháng 8 năm 2024"


@dataclass(frozen=True)
class Signer:
    """Signature block: authority lines ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), title, name."""

    authority_lines: tuple[str, ...]
    title_lines: tuple[str, ...]
    name: str


@dataclass(frozen=True)
class Annex:
    """An annex on its own page(s): "Phụ lục" heading, upper-case title, optional italic subtitle."""

    heading: str
    title: str
    subtitle: str | None
    blocks: tuple[Block, ...]
    landscape: bool = False


@dataclass(frozen=True)
class Document:
    """One complete document (dispatch or per-unit notice)."""

    kind: str  # template id, e.g. "monthly_dispatch"
    header: Header
    recipients: tuple[str, ...]  # names, unpunctuated
    body: tuple[Block, ...]
    signer: Signer
    copies_to: tuple[str, ...]  # "Nơi nhận" entries, unpunctuated
    annexes: tuple[Annex, ...] = ()
    draft_mark: str | None = None  # e.g. "DỰ THẢO" when made from a draft template
    draft_notes: tuple[str, ...] = ()  # why it is a draft beyond the template (placeholder profile values)
    title: str = field(default="")  # document metadata title (for PDF/DOCX properties)

    recipients_label: str = "Kính gửi:"
    copies_label: str = "Nơi nhận:"

    def recipient_lines(self) -> tuple[str, ...]:
        """Recipients as printed: one on the label's line ("Sở Tư pháp."), or "- name;" ... "- last."."""
        names = self.recipients
        if len(names) == 1:
            return (_close(names[0], "."),)
        return tuple(
            f"- {_close(n, '.' if i == len(names) - 1 else ';')}" for i, n in enumerate(names)
        )

    def copies_lines(self) -> tuple[str, ...]:
        """"Nơi nhận" entries as printed: "- Như trên;" ... "- Lưu: VT, KSTTHC."."""
        items = self.copies_to
        return tuple(
            f"- {_close(n, '.' if i == len(items) - 1 else ';')}" for i, n in enumerate(items)
        )


def _close(text: str, mark: str) -> str:
    """End `text` with `mark`, replacing any trailing ; . or , the author already typed."""
    return text.rstrip().rstrip(";.,") + mark
