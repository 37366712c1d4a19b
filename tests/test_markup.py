"""The template markup: words kept together, blanks kept, paragraphs kept with what follows."""

from __future__ import annotations

import pytest

from generator.common.errors import TemplateError
from generator.content.markup import parse_markup
from generator.content.model import Paragraph, Span, Table

NBSP = "\u00a0"


def _parse(body: str, subject: str = "V/v thử") -> object:
    return parse_markup(f"<document><subject>{subject}</subject><body>{body}</body></document>", "t.xml.j2")


def test_nobr_in_a_paragraph_is_one_unbreakable_span() -> None:
    """<nobr> marks its words as one span that the renderers never break."""
    body = _parse("<p>Xem (<nobr>https://dichvucong.gov.vn</nobr>) và <nobr>58,86/100 điểm</nobr>.</p>").body
    assert body == (Paragraph((Span("Xem ("), Span("https://dichvucong.gov.vn", nobreak=True), Span(") và "),
                               Span("58,86/100 điểm", nobreak=True), Span("."))),)


def test_nobr_in_a_cell_or_subject_joins_words_with_non_breaking_spaces() -> None:
    """Cells and the subject are plain text: <nobr> words are joined by U+00A0."""
    markup = _parse('<table widths="1"><tr head="yes"><td>Số hóa <nobr>hồ sơ</nobr> (22)</td></tr></table>',
                    subject="V/v công khai kết quả <nobr>tháng 7/2024</nobr>")
    table = markup.body[0]
    assert isinstance(table, Table)
    assert table.header[0][0].text == f"Số hóa hồ{NBSP}sơ (22)"
    assert markup.subject == f"V/v công khai kết quả tháng{NBSP}7/2024"


def test_non_breaking_spaces_are_never_collapsed() -> None:
    """A run of U+00A0 (a blank for the clerk) survives the whitespace collapsing, in text and attributes."""
    markup = parse_markup(
        "<document><subject>V/v</subject><body><p>Số:&#160;&#160;&#160;&#160;/UBND</p></body>"
        '<annex heading="Phụ lục" title="T" subtitle="(Kèm theo Văn bản số &#160;&#160;&#160;/UBND)"/></document>',
        "t.xml.j2")
    assert markup.body[0].text == f"Số:{NBSP * 4}/UBND"  # type: ignore[union-attr]
    assert markup.annexes[0].subtitle == f"(Kèm theo Văn bản số {NBSP * 3}/UBND)"


def test_keep_next_marks_a_paragraph_kept_with_the_following_block() -> None:
    """<p keep="next"> (a heading, a lead-in) sets keep_with_next; other values are refused with the line."""
    body = _parse('<p keep="next"><b>1. Kết quả</b></p><p>Nội dung.</p>').body
    assert [b.keep_with_next for b in body] == [True, False]  # type: ignore[union-attr]
    with pytest.raises(TemplateError) as error:
        _parse('<p keep="page">x</p>')
    assert "keep" in str(error.value.problems[0])
