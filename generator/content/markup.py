"""Parse the small XML vocabulary that document templates produce into content-model blocks.

Vocabulary (all a template may write):
  <document title="...">
    <subject>V/v ...</subject>
    <recipients><to>...</to>...</recipients>
    <body> <p [indent="no"] [align="center|left|right|justify"] [keep="next"]>
             text <b>bold</b> <i>italic</i> <nobr>kept on one line</nobr></p>
           <table widths="4 30 7 ..."><tr head="yes"><td [align] [colspan] [rowspan] [b="yes"]>..</td></tr></table>
           <figure chart="line|hbars" alt=".." ...>..</figure>   (a chart: see chart_markup.py)
           <figures><figure ..>..</figure> <figure ..>..</figure></figures>   (charts side by side)
    </body>
    <copies><to>...</to>...</copies>          (optional; the profile's list otherwise)
    <annex heading=".." title=".." [subtitle=".."] [landscape="yes"]> blocks </annex>
  </document>
Whitespace inside text is collapsed, so template authors may wrap lines freely; a non-breaking
space (&#160;) is kept. <nobr> may also wrap words of a <subject>, <td> or <to>: its spaces become
non-breaking spaces there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from lxml import etree

from generator.common.errors import Problem, TemplateError
from generator.content.chart_markup import read_figure, read_figure_row
from generator.content.model import Align, Annex, Block, Cell, Paragraph, Span, Table

# Collapsible white space: not U+00A0, which templates and the program use on purpose (blanks left
# for the clerk, words kept together).
_SPACE = re.compile(r"[ \t\n\r\f\v]+")
NBSP = "\u00a0"
_ALIGNS: dict[str, Align] = {"left": "left", "center": "center", "right": "right", "justify": "justify"}
YES = {"yes", "true", "1", "co", "có"}  # how templates may write a true attribute


@dataclass(frozen=True)
class ParsedMarkup:
    """What a template said, before the profile supplies header and signer."""

    title: str
    subject: str
    recipients: tuple[str, ...] | None
    body: tuple[Block, ...]
    copies: tuple[str, ...] | None
    annexes: tuple[Annex, ...]


def parse_markup(text: str, source: str) -> ParsedMarkup:
    """Parse rendered template output; TemplateError with `source:LINE` on any malformed markup."""
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise TemplateError(
            "Mẫu văn bản sinh ra nội dung không đúng cấu trúc",
            (Problem(source, f"lỗi cấu trúc: {exc.msg}", row=exc.lineno),),
        ) from None
    reader = _Reader(source)
    markup = reader.document(root)
    if reader.problems:
        raise TemplateError("Mẫu văn bản sinh ra nội dung không đúng cấu trúc", tuple(reader.problems))
    return markup


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def fail(self, element: etree._Element, message: str) -> None:
        self.problems.append(Problem(self.source, message, row=element.sourceline))

    def document(self, root: etree._Element) -> ParsedMarkup:
        if root.tag != "document":
            self.fail(root, f"phần tử gốc phải là <document>, không phải <{_tag(root)}>")
        subject, recipients, copies = "", None, None
        body: tuple[Block, ...] = ()
        annexes: list[Annex] = []
        for child in root:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "subject":
                subject = _text(child)
            elif child.tag == "recipients":
                recipients = self.items(child)
            elif child.tag == "copies":
                copies = self.items(child)
            elif child.tag == "body":
                body = self.blocks(child)
            elif child.tag == "annex":
                annexes.append(self.annex(child))
            else:
                self.fail(child, f"phần tử <{child.tag}> không được dùng trong <document>")
        if not subject:
            self.fail(root, "thiếu <subject> (trích yếu “V/v ...”)")
        return ParsedMarkup(root.get("title", subject), subject, recipients, body, copies, tuple(annexes))

    def items(self, element: etree._Element) -> tuple[str, ...]:
        items = []
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "to":
                self.fail(child, f"trong <{_tag(element)}> chỉ dùng <to>, không dùng <{child.tag}>")
            elif _text(child):
                items.append(_text(child))
        return tuple(items)

    def blocks(self, element: etree._Element) -> tuple[Block, ...]:
        blocks: list[Block] = []
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "p":
                paragraph = self.paragraph(child)
                if paragraph.spans:
                    blocks.append(paragraph)
            elif child.tag == "table":
                blocks.append(self.table(child))
            elif child.tag == "figure":
                figure = read_figure(child, self.fail)
                if figure is not None:
                    blocks.append(figure)
            elif child.tag == "figures":
                row = read_figure_row(child, self.fail)
                if row is not None:
                    blocks.append(row)
            else:
                self.fail(child, f"phần tử <{child.tag}> không được dùng ở đây (chỉ <p>, <table>, <figure> và "
                                 "<figures>)")
        return tuple(blocks)

    def paragraph(self, element: etree._Element) -> Paragraph:
        spans = merge_spans(self.spans(element, bold=False, italic=False, nobreak=False))
        keep = element.get("keep", "")
        if keep not in ("", "next"):
            self.fail(element, f"keep=“{keep}” không hợp lệ (chỉ dùng keep=\"next\")")
        return Paragraph(spans, align=self.align(element, "justify"), indent=element.get("indent", "yes") in YES,
                         keep_with_next=keep == "next")

    def spans(self, element: etree._Element, bold: bool, italic: bool, nobreak: bool) -> list[Span]:
        spans = [Span(element.text, bold, italic, nobreak=nobreak)] if element.text else []
        for child in element:
            if isinstance(child.tag, str):
                if child.tag in ("b", "i", "nobr"):
                    spans += self.spans(child, bold or child.tag == "b", italic or child.tag == "i",
                                        nobreak or child.tag == "nobr")
                else:
                    self.fail(child, f"trong đoạn văn chỉ dùng <b>, <i> và <nobr>, không dùng <{child.tag}>")
            if child.tail:
                spans.append(Span(child.tail, bold, italic, nobreak=nobreak))
        return spans

    def align(self, element: etree._Element, default: Align) -> Align:
        value = element.get("align", default)
        align = _ALIGNS.get(value)
        if align is None:
            self.fail(element, f"align=“{value}” không hợp lệ (left, center, right, justify)")
            return default
        return align

    def table(self, element: etree._Element) -> Table:
        try:
            widths = tuple(float(w) for w in element.get("widths", "").replace(",", " ").split())
        except ValueError:
            widths = ()
            self.fail(element, "widths của <table> phải là các số cách nhau bởi dấu cách")
        header: list[tuple[Cell, ...]] = []
        rows: list[tuple[Cell, ...]] = []
        for tr in element:
            if not isinstance(tr.tag, str):
                continue
            if tr.tag != "tr":
                self.fail(tr, f"trong <table> chỉ dùng <tr>, không dùng <{tr.tag}>")
                continue
            head = tr.get("head", "no") in YES
            cells = tuple(self.cell(td, head) for td in tr if isinstance(td.tag, str))
            (header if head else rows).append(cells)
        span = max((sum(c.colspan for c in r) for r in header + rows), default=0)
        if widths and span and len(widths) != span:
            self.fail(element, f"<table> khai báo {len(widths)} độ rộng cột nhưng có {span} cột")
        return Table(widths or (1.0,) * span, tuple(header), tuple(rows), element.get("caption"))

    def cell(self, td: etree._Element, head: bool) -> Cell:
        if td.tag != "td":
            self.fail(td, f"trong <tr> chỉ dùng <td>, không dùng <{_tag(td)}>")
        try:
            colspan, rowspan = int(td.get("colspan", "1")), int(td.get("rowspan", "1"))
        except ValueError:
            self.fail(td, "colspan/rowspan phải là số nguyên")
            colspan = rowspan = 1
        return Cell(_text(td), bold=head or td.get("b", "no") in YES,
                    align=self.align(td, "center" if head else "left"), colspan=colspan, rowspan=rowspan)

    def annex(self, element: etree._Element) -> Annex:
        for required in ("heading", "title"):
            if not element.get(required):
                self.fail(element, f"<annex> thiếu thuộc tính {required}")
        return Annex(
            heading=_collapse(element.get("heading", "")),
            title=_collapse(element.get("title", "")),
            subtitle=_collapse(element.get("subtitle", "")) or None,
            blocks=self.blocks(element),
            landscape=element.get("landscape", "no") in YES,
        )


def _tag(element: etree._Element) -> str:
    """An element's tag for a message: always text once parsed (lxml's types also allow bytes and QName)."""
    return str(element.tag)


def _collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip(" ")


def _text(element: etree._Element) -> str:
    """The element's text, collapsed; words inside <nobr> joined by non-breaking spaces."""
    pieces = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            inner = _text(child)
            pieces.append(inner.replace(" ", NBSP) if child.tag == "nobr" else inner)
        pieces.append(child.tail or "")
    return _collapse("".join(pieces))


def merge_spans(spans: list[Span]) -> tuple[Span, ...]:
    """Collapse whitespace across spans, trim the ends, join neighbours of the same style."""
    merged: list[Span] = []
    for span in spans:
        text = _SPACE.sub(" ", span.text)
        if merged and merged[-1].text.endswith(" ") and text.startswith(" "):
            text = text[1:]
        if not text:
            continue
        if merged and _style(merged[-1]) == _style(span):
            merged[-1] = replace(merged[-1], text=merged[-1].text + text)
        else:
            merged.append(replace(span, text=text))
    # A space that ends a span before a plain (not highlighted) one moves into it: WeasyPrint may
    # otherwise break a justified line right after its first word (seen with “…” before <i>).
    for i in range(len(merged) - 1):
        if merged[i].text.endswith(" ") and not merged[i + 1].highlight and not merged[i + 1].nobreak:
            merged[i] = replace(merged[i], text=merged[i].text[:-1])
            merged[i + 1] = replace(merged[i + 1], text=" " + merged[i + 1].text)
    if merged:
        merged[0] = replace(merged[0], text=merged[0].text.lstrip(" "))
        merged[-1] = replace(merged[-1], text=merged[-1].text.rstrip(" "))
    return tuple(s for s in merged if s.text)


def _style(span: Span) -> tuple[bool, bool, bool, bool]:
    return (span.bold, span.italic, span.highlight, span.nobreak)
