"""What a reader sees in a generated DOCX or PDF, as words in reading order, split into blocks.

Blocks: `header` (the two-column header), `body` ("Kính gửi" to "./."), `signature` ("Nơi nhận" and
the signer) and `annex` (every annex, in order). The DOCX is walked in document order (body
paragraphs and tables, nested cells included; page headers are separate parts and left out). The
PDF is read with `pdftotext -bbox-layout` (reading order, no -layout), minus the top page margin
(page numbers, draft mark); bordered tables are rebuilt row by row from the cell rulings drawn on
the page, since pdftotext reads a table column by column.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.oxml.ns import qn
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import ContentStream

_WHITESPACE = re.compile(r"[\s\u00a0]+")
_XHTML = "{http://www.w3.org/1999/xhtml}"
BODY_END = "./."
DRAFT_WORDS = ("DỰ", "THẢO")


def words_of(text: str) -> list[str]:
    """Whitespace-separated words; a non-breaking space counts as a space."""
    return [w for w in _WHITESPACE.split(text) if w]


@dataclass
class Blocks:
    """A document's words per block; `cells` keeps each two-column cell's words apart (DOCX only)."""

    header: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)
    annex: list[str] = field(default_factory=list)
    header_cells: list[list[str]] = field(default_factory=list)
    signature_cells: list[list[str]] = field(default_factory=list)

    def all_words(self) -> list[str]:
        return self.header + self.body + self.signature + self.annex

    def text(self) -> str:
        return " ".join(self.all_words())


# ---------- DOCX ----------------------------------------------------------------------------------


class _DocxReader:
    """Paragraph and cell text as displayed: a style or run with w:caps shows its text upper-case."""

    def __init__(self, package: docx.document.Document) -> None:
        self.caps_styles = {s.style_id for s in package.styles if _style_caps(s)}

    def paragraph_words(self, p: etree._Element) -> list[str]:
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        caps = style is not None and style.get(qn("w:val")) in self.caps_styles
        pieces = []
        for r in p.iter(qn("w:r")):
            run_caps = r.find(f"{qn('w:rPr')}/{qn('w:caps')}")
            upper = caps if run_caps is None else run_caps.get(qn("w:val"), "true") not in ("0", "false")
            for child in r:
                if child.tag == qn("w:t"):
                    pieces.append(child.text.upper() if upper and child.text else child.text or "")
                elif child.tag in (qn("w:tab"), qn("w:br"), qn("w:cr")):
                    pieces.append(" ")
        return words_of("".join(pieces))

    def table_cells(self, tbl: etree._Element) -> Iterator[list[str]]:
        """Each cell's words, row by row; a vertically merged continuation cell is skipped."""
        for tr in tbl.iterchildren(qn("w:tr")):
            for tc in tr.iterchildren(qn("w:tc")):
                merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                if merge is not None and merge.get(qn("w:val"), "continue") == "continue":
                    continue
                yield self.container_words(tc)

    def container_words(self, element: etree._Element) -> list[str]:
        """Words of the paragraphs and (nested) tables directly inside a body or a cell, in order."""
        return [w for child in element for w in self.element_words(child)]

    def element_words(self, element: etree._Element) -> list[str]:
        """Words of one paragraph, or of one table cell by cell; nothing for anything else."""
        if element.tag == qn("w:p"):
            return self.paragraph_words(element)
        if element.tag == qn("w:tbl"):
            return [w for cell in self.table_cells(element) for w in cell]
        return []


def _style_caps(style) -> bool:  # type: ignore[no-untyped-def]
    while style is not None:
        font = getattr(style, "font", None)
        if font is not None and font.all_caps is not None:
            return bool(font.all_caps)
        style = getattr(style, "base_style", None)
    return False


def docx_blocks(path: Path) -> Blocks:
    """The DOCX's blocks: the first table is the header, the last table of the first section the signature."""
    package = docx.Document(str(path))
    reader = _DocxReader(package)
    body = package.element.body
    children = [c for c in body if c.tag in (qn("w:p"), qn("w:tbl"))]
    first_section_end = next(
        (i for i, c in enumerate(children) if c.tag == qn("w:p") and c.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None),
        len(children),
    )
    first_section = children[:first_section_end]
    tables = [i for i, c in enumerate(first_section) if c.tag == qn("w:tbl")]
    assert tables and tables[0] == 0, "the DOCX must start with the two-column header table"
    signature_at = tables[-1]
    blocks = Blocks()
    blocks.header_cells = list(reader.table_cells(children[0]))
    blocks.header = [w for cell in blocks.header_cells for w in cell]
    for child in first_section[1:signature_at]:
        blocks.body += reader.element_words(child)
    blocks.signature_cells = list(reader.table_cells(first_section[signature_at]))
    blocks.signature = [w for cell in blocks.signature_cells for w in cell]
    for child in children[first_section_end:]:
        blocks.annex += reader.element_words(child)
    return blocks


# ---------- PDF -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfWord:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    line_end: bool  # last word of its line: a word may continue on the next line (a wrapped URL)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class Box:
    """A ruled table cell on the page (top-left coordinates, points)."""

    top: float
    left: float
    bottom: float
    right: float


@dataclass
class PdfPage:
    number: int
    margin_words: list[str]  # dropped: what sits in the top margin (page number, draft mark)
    items: list[list[PdfWord] | list[list[list[PdfWord]]]]  # a flow line's words, or a table (rows of cells)

    def words(self) -> list[PdfWord]:
        return [w for item in self.items for w in _item_words(item)]


def _item_words(item) -> list[PdfWord]:  # type: ignore[no-untyped-def]
    if item and isinstance(item[0], PdfWord):
        return list(item)
    return [w for row in item for cell in row for w in cell]


def pdf_pages(path: Path, top_margin_pt: float) -> list[PdfPage]:
    """Every page's words in reading order, bordered tables rebuilt row by row."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], check=True, capture_output=True).stdout
    root = etree.fromstring(xml, parser=etree.XMLParser(recover=True, huge_tree=True))
    reader = PdfReader(str(path))
    pages = []
    for number, (page_element, pdf_page) in enumerate(zip(root.iter(f"{_XHTML}page"), reader.pages), start=1):
        height = float(page_element.get("height"))
        horizontal, vertical = _rulings(pdf_page, reader, height)
        flow: list[PdfWord] = []
        for line in page_element.iter(f"{_XHTML}line"):
            line_words = [_word(w) for w in line.iter(f"{_XHTML}word")]
            for i, w in enumerate(line_words):
                flow.append(PdfWord(w[0], *w[1:], line_end=i == len(line_words) - 1))
        margin = [w.text for w in flow if w.y1 <= top_margin_pt]
        content = [w for w in flow if w.y1 > top_margin_pt]
        pages.append(PdfPage(number, margin, _with_tables(content, horizontal, vertical)))
    return pages


def _word(element: etree._Element) -> tuple[str, float, float, float, float]:
    return (element.text or "", float(element.get("xMin")), float(element.get("yMin")),
            float(element.get("xMax")), float(element.get("yMax")))


def _rulings(page, reader: PdfReader, height: float) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:  # type: ignore[no-untyped-def]
    """Stroked straight segments of the page in top-left coordinates: horizontal (y, x0, x1), vertical (x, y0, y1)."""
    ops = ContentStream(page.get_contents(), reader).operations
    ctm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack: list[tuple[float, ...]] = []
    path: list[tuple[tuple[float, float], tuple[float, float]]] = []
    current: tuple[float, float] | None = None
    horizontal, vertical = [], []

    def device(x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = ctm
        return a * x + c * y + e, height - (b * x + d * y + f)

    for operands, op in ops:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop() if stack else ctm
        elif op == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            A, B, C, D, E, F = ctm
            ctm = (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)
        elif op == b"m":
            current = device(float(operands[0]), float(operands[1]))
        elif op == b"l" and current is not None:
            point = device(float(operands[0]), float(operands[1]))
            path.append((current, point))
            current = point
        elif op == b"re":
            x, y, w, h = (float(v) for v in operands)
            corners = [device(x, y), device(x + w, y), device(x + w, y + h), device(x, y + h)]
            path += [(corners[i], corners[(i + 1) % 4]) for i in range(4)]
        elif op in (b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"):
            for (x0, y0), (x1, y1) in path:
                if abs(y0 - y1) < 0.5 and abs(x0 - x1) > 0.5:
                    horizontal.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
                elif abs(x0 - x1) < 0.5 and abs(y0 - y1) > 0.5:
                    vertical.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
            path, current = [], None
        elif op == b"n":
            path, current = [], None
    return horizontal, vertical


def _cell_of(word: PdfWord, horizontal, vertical) -> Box | None:  # type: ignore[no-untyped-def]
    """The ruled box around a word's centre, or None for text outside any bordered cell."""
    x, y = word.cx, word.cy
    lefts = [v[0] for v in vertical if v[0] <= x and v[1] <= y <= v[2]]
    rights = [v[0] for v in vertical if v[0] >= x and v[1] <= y <= v[2]]
    tops = [h[0] for h in horizontal if h[0] <= y and h[1] <= x <= h[2]]
    bottoms = [h[0] for h in horizontal if h[0] >= y and h[1] <= x <= h[2]]
    if not (lefts and rights and tops and bottoms):
        return None
    return Box(round(max(tops), 1), round(max(lefts), 1), round(min(bottoms), 1), round(min(rights), 1))


def _touch(a: Box, b: Box, tolerance: float = 2.0) -> bool:
    return not (a.right < b.left - tolerance or b.right < a.left - tolerance
                or a.bottom < b.top - tolerance or b.bottom < a.top - tolerance)


def _with_tables(words: list[PdfWord], horizontal, vertical) -> list:  # type: ignore[no-untyped-def]
    """Flow lines in reading order; each table in place of its first word, as rows of cells."""
    cells = {id(w): _cell_of(w, horizontal, vertical) for w in words}
    boxes = list(dict.fromkeys(c for c in cells.values() if c is not None))
    table_of = _group_tables(boxes)
    items: list = []
    emitted: set[int] = set()
    line: list[PdfWord] = []
    for w in words:
        box = cells[id(w)]
        if box is None:
            line.append(w)
            if w.line_end:
                items.append(line)
                line = []
            continue
        if line:
            items.append(line)
            line = []
        table = table_of[box]
        if table not in emitted:
            emitted.add(table)
            members = [b for b in boxes if table_of[b] == table]
            items.append(_table_rows(members, [v for v in words if cells[id(v)] in members], cells))
    if line:
        items.append(line)
    return items


def _group_tables(boxes: list[Box]) -> dict[Box, int]:
    parent = list(range(len(boxes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            if _touch(boxes[i], boxes[j]):
                parent[find(i)] = find(j)
    return {b: find(i) for i, b in enumerate(boxes)}


def _table_rows(boxes: list[Box], words: list[PdfWord], cells) -> list[list[list[PdfWord]]]:  # type: ignore[no-untyped-def]
    """Cells grouped into rows by their top rule, left to right; a cell's words line by line."""
    rows: dict[float, list[Box]] = {}
    for box in sorted(boxes, key=lambda b: (b.top, b.left)):
        key = next((t for t in rows if abs(t - box.top) < 1.0), box.top)
        rows.setdefault(key, []).append(box)
    result = []
    for top in sorted(rows):
        row = []
        for box in sorted(rows[top], key=lambda b: b.left):
            row.append(_reading_order([w for w in words if cells[id(w)] == box]))
        result.append(row)
    return result


def _reading_order(words: list[PdfWord]) -> list[PdfWord]:
    lines: list[list[PdfWord]] = []
    for w in sorted(words, key=lambda w: w.y0):
        if lines and abs(lines[-1][0].y0 - w.y0) < 2.0:
            lines[-1].append(w)
        else:
            lines.append([w])
    ordered = []
    for line in lines:
        line.sort(key=lambda w: w.x0)
        ordered += [PdfWord(w.text, w.x0, w.y0, w.x1, w.y1, line_end=i == len(line) - 1) for i, w in enumerate(line)]
    return ordered


def _row_texts(row: list[list[PdfWord]]) -> list[str]:
    return [" ".join(w.text for w in cell) for cell in row]


def drop_repeated_table_headers(pages: list[PdfPage]) -> None:
    """A table continued on the next page repeats its header rows there; keep them once.

    The continuation is the first item of a page; its leading rows are dropped when they equal the
    leading rows of the fragment the table started with (the table that ended the page before).
    """
    first_fragment: list | None = None
    for page in pages:
        items = page.items
        if items and first_fragment is not None and _is_table(items[0]):
            rows = items[0]
            repeated = 0
            while (repeated < len(rows) - 1 and repeated < len(first_fragment)
                   and _row_texts(rows[repeated]) == _row_texts(first_fragment[repeated])):
                repeated += 1
            items[0] = rows[repeated:]
        last = items[-1] if items else None
        if last is not None and _is_table(last):
            if not (items and items[0] is last and first_fragment is not None):
                first_fragment = last
        else:
            first_fragment = None


def _is_table(item) -> bool:  # type: ignore[no-untyped-def]
    return bool(item) and isinstance(item[0], list)


@dataclass
class PdfBlocks:
    """The PDF's words per block, with their line-end flags (see `rejoin_wrapped`).

    The header and the signature block are two borderless columns, which pdftotext may read across
    (even splitting a line of one column around words of the other); `header_columns` and
    `signature_columns` hold each column's words read line by line, from the words' positions.
    """

    header: list[PdfWord]
    body: list[PdfWord]
    signature: list[PdfWord]
    annex: list[PdfWord]
    pages: list[PdfPage]

    @property
    def header_columns(self) -> tuple[list[str], list[str]]:
        return two_columns(self.header)

    @property
    def signature_columns(self) -> tuple[list[str], list[str]]:
        return two_columns(self.signature)

    def text(self) -> str:
        """All words: each column of the header and signature block in reading order."""
        words = [*self.header_columns[0], *self.header_columns[1], *(w.text for w in self.body),
                 *self.signature_columns[0], *self.signature_columns[1], *(w.text for w in self.annex)]
        return " ".join(words)


def two_columns(words: list[PdfWord]) -> tuple[list[str], list[str]]:
    """Split words at the widest vertical strip no word touches; read each side line by line."""
    if not words:
        return [], []
    spans = sorted((w.x0, w.x1) for w in words)
    best_gap, split = 0.0, None
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach > best_gap:
            best_gap, split = x0 - reach, (reach + x0) / 2
        reach = max(reach, x1)
    if split is None:
        return [w.text for w in _reading_order(words)], []
    left = [w for w in words if w.cx < split]
    right = [w for w in words if w.cx >= split]
    return [w.text for w in _reading_order(left)], [w.text for w in _reading_order(right)]


def pdf_blocks(path: Path, top_margin_pt: float, annex_heading: str | None) -> PdfBlocks:
    """The PDF's blocks, split at "Kính gửi", at the body's closing "./." and at the annex's first page."""
    pages = pdf_pages(path, top_margin_pt)
    drop_repeated_table_headers(pages)
    page_words = [page.words() for page in pages]
    flat = [(p, w) for p, words in enumerate(page_words) for w in words]
    texts = [w.text for _, w in flat]
    body_start = next(i for i in range(len(texts) - 1) if texts[i] == "Kính" and texts[i + 1].startswith("gửi"))
    body_end = next(i for i in range(body_start, len(texts)) if texts[i].endswith(BODY_END)) + 1
    annex_start = len(flat)
    if annex_heading:
        heading = words_of(annex_heading)
        for p in range(flat[body_end - 1][0] + 1, len(pages)):
            if [w.text for w in page_words[p][: len(heading)]] == heading:
                annex_start = next(i for i, (page, _) in enumerate(flat) if page == p)
                break
    words = [w for _, w in flat]
    return PdfBlocks(words[:body_start], words[body_start:body_end], words[body_end:annex_start],
                     words[annex_start:], pages)


def rejoin_wrapped(pdf: list[PdfWord], expected: list[str]) -> list[str]:
    """The PDF's words, a word broken at a line end (a long URL) joined again.

    Two PDF words are joined only when the first ends its line and together they make exactly the
    word expected at that point; everything else is kept as read, so any difference still shows.
    """
    result: list[str] = []
    i = 0
    while i < len(pdf):
        text = pdf[i].text
        want = expected[len(result)] if len(result) < len(expected) else None
        j = i
        while want is not None and text != want and pdf[j].line_end and j + 1 < len(pdf) \
                and want.startswith(text + pdf[j + 1].text):
            j += 1
            text += pdf[j].text
        if text == want:
            result.append(text)
            i = j + 1
        else:
            result.append(pdf[i].text)
            i += 1
    return result
