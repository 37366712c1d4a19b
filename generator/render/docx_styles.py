"""The named Word styles of a công văn, and the lean base package that defines them once.

All formatting that a clerk should keep while editing lives here, in styles ("CV Body", "CV Number",
...), so that typing into the file in Word keeps the NĐ 30/2020 layout. The base package is built
once per Layout and cached as bytes; each document re-opens it (cheap) instead of rebuilding styles.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from typing import TypedDict

from generator.common.layout import Layout
from generator.render.docx_xml import NSDECL, cm, esc, half_points

# Frames (draft mark, draft note): 0,75 pt rule (w:sz is in eighths of a point), 1 pt from the text.
BOX_RULE_EIGHTHS = 6
BOX_PADDING_PT = 1


@dataclass(frozen=True)
class StyleSizes:
    """Font sizes (pt) of each component, read from the Layout (the PDF stylesheet reads the same)."""

    body: float
    header: float
    motto: float
    number: float
    subject: float
    date: float
    signer: float
    copies_label: float
    copies: float
    annex_heading: float
    annex_title: float
    table: float
    table_dense: float
    page_number: float
    draft_mark: float
    draft_note: float

    @classmethod
    def from_layout(cls, layout: Layout) -> StyleSizes:
        return cls(
            body=layout.body_size_pt,
            header=layout.header_size_pt,
            motto=layout.motto_size_pt,
            number=layout.number_size_pt,
            subject=layout.subject_size_pt,
            date=layout.date_size_pt,
            signer=layout.signer_size_pt,
            copies_label=layout.copies_label_size_pt,
            copies=layout.copies_size_pt,
            annex_heading=layout.annex_heading_size_pt,
            annex_title=layout.annex_title_size_pt,
            table=layout.table_size_pt,
            table_dense=layout.table_dense_size_pt,
            page_number=layout.page_number_size_pt,
            draft_mark=layout.draft_mark_size_pt,
            draft_note=layout.draft_note_size_pt,
        )


def style_id(name: str) -> str:
    """The w:styleId of a style name ("CV Body" -> "CVBody")."""
    return name.replace(" ", "")


# Style names, as a clerk sees them in Word's style gallery.
BODY = "CV Body"
PARENT_BODY = "CV Parent Body"
HEADER_BODY = "CV Header Body"
HEADER_RULE = "CV Header Rule"
MOTTO_COUNTRY = "CV Motto Country"
MOTTO = "CV Motto"
NUMBER = "CV Number"
SUBJECT = "CV Subject"
DATE = "CV Date"
RECIPIENTS = "CV Recipients"
TABLE_CAPTION = "CV Table Caption"
FIGURE = "CV Figure"  # the paragraph holding a chart's picture
FIGURE_CAPTION = "CV Figure Caption"
TABLE_TEXT = "CV Table Text"
TABLE_TEXT_DENSE = "CV Table Text Dense"
SIGNER = "CV Signer"
SIGNER_NAME = "CV Signer Name"
COPIES_LABEL = "CV Copies Label"
COPIES = "CV Copies"
ANNEX_HEADING = "CV Annex Heading"
ANNEX_TITLE = "CV Annex Title"
ANNEX_SUBTITLE = "CV Annex Subtitle"
PAGE_HEADER = "CV Page Header"
SECTION_END = "CV Section End"
DRAFT_MARK = "CV Draft Mark"  # character style
DRAFT_NOTE = "CV Draft Note"  # the boxed note of a draft, under the header
TABLE = "CV Table"  # table style, single borders
LAYOUT_TABLE = "CV Layout Table"  # table style, no borders (header and signature blocks)

def _rpr(font: str, size: float | None = None, *, bold: bool = False, italic: bool = False,
         caps: bool = False, color: str | None = None, boxed: bool = False) -> str:
    """Run properties of a style: the font in every script slot and Vietnamese language, always.

    `boxed` draws a thin black frame around the text (the draft mark, as the PDF draws it).
    """
    parts = [f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>']
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if italic:
        parts.append("<w:i/><w:iCs/>")
    if caps:
        parts.append("<w:caps/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if size is not None:
        parts.append(f'<w:sz w:val="{half_points(size)}"/><w:szCs w:val="{half_points(size)}"/>')
    if boxed:
        parts.append(f'<w:bdr w:val="single" w:sz="{BOX_RULE_EIGHTHS}" w:space="{BOX_PADDING_PT}" w:color="000000"/>')
    parts.append('<w:lang w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>"


class _SharedPPr(TypedDict, total=False):
    """Paragraph properties shared by several styles, spread into `_ppr` with `**`."""

    align: str
    line: float


def _ppr(*, align: str = "left", before: float = 0, after: float = 0, line: float = 1.0,
         first_line_cm: float = 0, hanging_cm: float = 0, keep_next: bool = False,
         bottom_rule: bool = False, contextual: bool = False, widows: bool = False, boxed: bool = False) -> str:
    """Paragraph properties of a style; spacing in points, line spacing as a multiple.

    `hanging_cm` indents every line but the first (for "- " lists whose wrapped lines align).
    `contextual` drops the spacing between consecutive paragraphs of the same style.
    `widows` keeps at least two lines of a paragraph together at a page break (the PDF's default).
    `boxed` frames the paragraph (the draft note).
    """
    parts = []
    if keep_next:
        parts.append("<w:keepNext/>")
    if widows:
        parts.append("<w:widowControl/>")
    if boxed:
        sides = "".join(f'<w:{side} w:val="single" w:sz="{BOX_RULE_EIGHTHS}" w:space="{BOX_PADDING_PT}" '
                        'w:color="000000"/>' for side in ("top", "left", "bottom", "right"))
        parts.append(f"<w:pBdr>{sides}</w:pBdr>")
    if bottom_rule:
        parts.append('<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>')
    parts.append(
        f'<w:spacing w:before="{round(before * 20)}" w:after="{round(after * 20)}" '
        f'w:line="{round(line * 240)}" w:lineRule="auto"/>'
    )
    if hanging_cm:
        parts.append(f'<w:ind w:left="{cm(hanging_cm)}" w:right="0" w:hanging="{cm(hanging_cm)}"/>')
    else:
        parts.append(f'<w:ind w:left="0" w:right="0" w:firstLine="{cm(first_line_cm)}"/>')
    if contextual:
        parts.append("<w:contextualSpacing/>")
    parts.append(f'<w:jc w:val="{align}"/>')
    return f"<w:pPr>{''.join(parts)}</w:pPr>"


def _paragraph_style(name: str, ppr: str, rpr: str, *, default: bool = False) -> str:
    sid = "Normal" if default else style_id(name)
    based = "" if default else '<w:basedOn w:val="Normal"/>'
    flag = ' w:default="1"' if default else ""
    return (
        f'<w:style w:type="paragraph"{flag} w:styleId="{sid}"><w:name w:val="{esc(name)}"/>{based}'
        f'<w:next w:val="{sid}"/><w:qFormat/>{ppr}{rpr}</w:style>'
    )


def _table_style(name: str, borders: str, cell_margin: int) -> str:
    sides = "".join(
        f'<w:{side} {borders}/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    return (
        f'<w:style w:type="table" w:styleId="{style_id(name)}"><w:name w:val="{name}"/>'
        '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>'
        f'<w:tblPr><w:tblBorders>{sides}</w:tblBorders><w:tblCellMar>'
        f'<w:top w:w="0" w:type="dxa"/><w:left w:w="{cell_margin}" w:type="dxa"/>'
        f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{cell_margin}" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr></w:style>"
    )


def styles_xml(layout: Layout) -> str:
    """word/styles.xml: document defaults plus every CV style, nothing else."""
    f = layout.font_family
    s = StyleSizes.from_layout(layout)
    single: _SharedPPr = {"line": 1.0}
    centre: _SharedPPr = {"align": "center", **single}
    styles = [
        _paragraph_style("Normal", _ppr(**single), _rpr(f, s.body), default=True),
        _paragraph_style(BODY, _ppr(align="both", after=layout.space_after_pt, line=layout.line_spacing,
                                    first_line_cm=layout.first_line_indent_cm, widows=True), _rpr(f, s.body)),
        _paragraph_style(PARENT_BODY, _ppr(**centre), _rpr(f, s.header, caps=True)),
        _paragraph_style(HEADER_BODY, _ppr(**centre), _rpr(f, s.header, bold=True, caps=True)),
        # An empty paragraph whose bottom border is the short rule; its indents set the length.
        _paragraph_style(HEADER_RULE, _ppr(bottom_rule=True, **centre), _rpr(f, 1)),
        _paragraph_style(MOTTO_COUNTRY, _ppr(**centre), _rpr(f, s.header, bold=True, caps=True)),
        _paragraph_style(MOTTO, _ppr(**centre), _rpr(f, s.motto, bold=True)),
        _paragraph_style(NUMBER, _ppr(before=layout.header_gap_pt, **centre), _rpr(f, s.number)),
        _paragraph_style(SUBJECT, _ppr(before=layout.header_gap_pt, **centre), _rpr(f, s.subject)),
        _paragraph_style(DATE, _ppr(before=layout.header_gap_pt, **centre), _rpr(f, s.date, italic=True)),
        _paragraph_style(DRAFT_NOTE, _ppr(before=layout.header_gap_pt, after=layout.header_gap_pt, boxed=True,
                                          **single), _rpr(f, s.draft_note, italic=True)),
        _paragraph_style(RECIPIENTS, _ppr(before=layout.recipients_gap_pt, after=layout.space_after_pt,
                                          contextual=True, **single), _rpr(f, s.body)),
        _paragraph_style(TABLE_CAPTION, _ppr(before=layout.space_after_pt, after=layout.space_after_pt,
                                             keep_next=True, **centre), _rpr(f, s.body, bold=True)),
        _paragraph_style(TABLE_TEXT, _ppr(before=layout.table_cell_padding_v_pt, after=layout.table_cell_padding_v_pt,
                                          **single), _rpr(f, s.table)),
        _paragraph_style(TABLE_TEXT_DENSE, _ppr(before=layout.table_cell_padding_v_pt,
                                                after=layout.table_cell_padding_v_pt, **single),
                         _rpr(f, s.table_dense)),
        _paragraph_style(FIGURE, _ppr(before=layout.space_after_pt, **centre), _rpr(f, s.body)),
        _paragraph_style(FIGURE_CAPTION, _ppr(before=3, after=layout.space_after_pt, **centre),
                         _rpr(f, s.table, italic=True)),
        _paragraph_style(SIGNER, _ppr(keep_next=True, **centre), _rpr(f, s.signer, bold=True, caps=True)),
        _paragraph_style(SIGNER_NAME, _ppr(**centre), _rpr(f, s.signer, bold=True)),
        _paragraph_style(COPIES_LABEL, _ppr(keep_next=True, **single),
                         _rpr(f, s.copies_label, bold=True, italic=True)),
        _paragraph_style(COPIES, _ppr(hanging_cm=layout.copies_hanging_cm, **single), _rpr(f, s.copies)),
        _paragraph_style(ANNEX_HEADING, _ppr(keep_next=True, **centre), _rpr(f, s.annex_heading, bold=True)),
        _paragraph_style(ANNEX_TITLE, _ppr(keep_next=True, **centre),
                         _rpr(f, s.annex_title, bold=True, caps=True)),
        _paragraph_style(ANNEX_SUBTITLE, _ppr(after=layout.annex_subtitle_gap_pt, keep_next=True, **centre),
                         _rpr(f, s.annex_title, italic=True)),
        _paragraph_style(PAGE_HEADER, _ppr(**centre), _rpr(f, s.page_number)),
        # Holds a section break after the signature block; 1 pt so it never spills onto a new page.
        _paragraph_style(SECTION_END, _ppr(**single), _rpr(f, 1)),
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
        "<w:unhideWhenUsed/></w:style>",
        f'<w:style w:type="character" w:styleId="{style_id(DRAFT_MARK)}"><w:name w:val="{DRAFT_MARK}"/>'
        f'<w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/>{_rpr(f, s.draft_mark, bold=True, boxed=True)}'
        "</w:style>",
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        _table_style(TABLE, 'w:val="single" w:sz="4" w:space="0" w:color="000000"',
                     round(layout.table_cell_padding_pt * 20)),
        _table_style(LAYOUT_TABLE, 'w:val="none" w:sz="0" w:space="0" w:color="auto"', 0),
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
    ]
    defaults = (
        f"<w:docDefaults><w:rPrDefault>{_rpr(f, s.body, color='000000')}</w:rPrDefault>"
        f"<w:pPrDefault>{_ppr(**single)}</w:pPrDefault></w:docDefaults>"
    )
    return (
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        f"<w:styles {NSDECL}>{defaults}{''.join(styles)}</w:styles>"
    )


_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/word/document.xml" \
ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
<Override PartName="/word/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>\
<Override PartName="/word/settings.xml" \
ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>\
<Override PartName="/word/fontTable.xml" \
ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>\
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
<Override PartName="/docProps/app.xml" \
ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
</Types>"""

_PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>\
<Relationship Id="rId2" \
Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" \
Target="docProps/core.xml"/>\
<Relationship Id="rId3" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" \
Target="docProps/app.xml"/>\
</Relationships>"""

_DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" \
Target="settings.xml"/>\
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" \
Target="fontTable.xml"/>\
</Relationships>"""

_SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings {NSDECL}><w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>\
<w:characterSpacingControl w:val="doNotCompress"/><w:compat>\
<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>\
</w:compat><w:themeFontLang w:val="vi-VN"/><w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/>\
</w:settings>"""

_CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title></dc:title><dc:language>vi-VN</dc:language>\
<cp:revision>1</cp:revision></cp:coreProperties>"""

_APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">\
<Application>congvan</Application></Properties>"""


def _font_table(font: str) -> str:
    return (
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        f'<w:fonts {NSDECL}><w:font w:name="{esc(font)}"><w:panose1 w:val="02020603050405020304"/>'
        '<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font></w:fonts>'
    )


@lru_cache(maxsize=8)
def base_package(layout: Layout) -> bytes:
    """A minimal .docx with the CV styles and an empty body, for python-docx to open per document."""
    document = (
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        f"<w:document {NSDECL}><w:body><w:sectPr/></w:body></w:document>"
    )
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _PACKAGE_RELS,
        "word/document.xml": document,
        "word/_rels/document.xml.rels": _DOCUMENT_RELS,
        "word/styles.xml": styles_xml(layout),
        "word/settings.xml": _SETTINGS,
        "word/fontTable.xml": _font_table(layout.font_family),
        "docProps/core.xml": _CORE,
        "docProps/app.xml": _APP,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()
