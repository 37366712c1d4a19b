"""Page set-up: section properties, page-number headers and the draft mark.

Every section has a different first page (w:titlePg). The first-page header carries no number
(NĐ 30: page 1 shows none) and the default header a centred PAGE field. Annex sections restart at
1 and also hide the number on their first page: NĐ 30 numbers each annex separately, and applying
the same "no number on page 1" rule to that numbering keeps one rule for the clerk to remember.
The draft mark, when set, sits right-aligned in every header, first-page ones included.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.parser import parse_xml
from docx.parts.document import DocumentPart
from docx.parts.hdrftr import HeaderPart

from generator.common.layout import Layout
from generator.render import docx_styles as st
from generator.render.docx_xml import NSDECL, field_run, mm, paragraph, run

A4_SHORT_MM = 210
A4_LONG_MM = 297
_FOOTER_MM = 10


def text_width(layout: Layout, landscape: bool) -> int:
    """Width (twips) between the left and right margins."""
    page = A4_LONG_MM if landscape else A4_SHORT_MM
    return mm(page - layout.margin_left_mm - layout.margin_right_mm)


def header_xml(draft_mark: str | None, width: int, *, numbered: bool) -> str:
    """A w:hdr with the centred PAGE field (when `numbered`) and the draft mark at the right."""
    style = st.style_id(st.PAGE_HEADER)
    draft = run(draft_mark, style=st.style_id(st.DRAFT_MARK)) if draft_mark else ""
    if numbered and draft:
        # Tab stops keep the number centred whatever the draft mark's length.
        body = paragraph(style, run("\t") + field_run("PAGE", "2") + run("\t") + draft,
                         tabs=(("center", width // 2), ("right", width)), align="left")
    elif numbered:
        body = paragraph(style, field_run("PAGE", "2"))
    else:
        body = paragraph(style, draft, align="right" if draft else None)
    return f"<w:hdr {NSDECL}>{body}</w:hdr>"


@dataclass
class HeaderSet:
    """Header parts of one document, made per run of sections of one orientation.

    A section with the orientation of the one before links to its headers (no w:headerReference,
    Word's "Link to Previous"); a change of orientation gets new parts, whose tab stops match the
    new text width. No part is ever shared by two references.
    """

    part: DocumentPart
    layout: Layout
    draft_mark: str | None
    _previous: bool | None = field(default=None)

    def references(self, landscape: bool) -> str:
        """The w:headerReference elements for the next section, empty when it links to the previous."""
        if landscape == self._previous:
            return ""
        self._previous = landscape
        width = text_width(self.layout, landscape)
        default_id = self._add(header_xml(self.draft_mark, width, numbered=True))
        first_id = self._add(header_xml(self.draft_mark, width, numbered=False))
        return (
            f'<w:headerReference w:type="default" r:id="{default_id}"/>'
            f'<w:headerReference w:type="first" r:id="{first_id}"/>'
        )

    def _add(self, xml: str) -> str:
        package = self.part.package
        header = HeaderPart(package.next_partname("/word/header%d.xml"), CT.WML_HEADER, parse_xml(xml), package)
        return self.part.relate_to(header, RT.HEADER)


def sect_pr(layout: Layout, headers: HeaderSet, *, landscape: bool, restart_numbering: bool) -> str:
    """Section properties: A4 in the given orientation, the Layout's margins, both headers."""
    if landscape:
        size = f'<w:pgSz w:w="{mm(A4_LONG_MM)}" w:h="{mm(A4_SHORT_MM)}" w:orient="landscape"/>'
    else:
        size = f'<w:pgSz w:w="{mm(A4_SHORT_MM)}" w:h="{mm(A4_LONG_MM)}"/>'
    margins = (
        f'<w:pgMar w:top="{mm(layout.margin_top_mm)}" w:right="{mm(layout.margin_right_mm)}" '
        f'w:bottom="{mm(layout.margin_bottom_mm)}" w:left="{mm(layout.margin_left_mm)}" '
        f'w:header="{mm(layout.page_header_mm)}" w:footer="{mm(_FOOTER_MM)}" w:gutter="0"/>'
    )
    numbering = '<w:pgNumType w:start="1"/>' if restart_numbering else ""
    return (
        f'<w:sectPr>{headers.references(landscape)}'
        f'<w:type w:val="nextPage"/>{size}{margins}{numbering}<w:cols w:space="720"/><w:titlePg/>'
        '<w:docGrid w:linePitch="360"/></w:sectPr>'
    )
