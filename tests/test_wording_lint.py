"""The wording linter: each check fails on a hand-made text that breaks it and passes on a clean one."""

from __future__ import annotations

import pytest
from fixture_documents import NAMES, lint_terms, named_document
from golden_text import golden_path
from wording_lint import MAX_SENTENCE_WORDS, lint

UNITS = ("Sở Tư pháp", "UBND huyện Ba Vì")


def golden(body: str, period: str = "2024-07", annex: str = "") -> str:
    """A minimal golden text with `body` as the [NỘI DUNG] section."""
    text = f"% văn bản: monthly_dispatch\n% kỳ: {period}\n\n[ĐẦU VĂN BẢN]\nV/v thử\n\n[NỘI DUNG]\n{body}\n"
    text += "\n[NƠI NHẬN]\n***Nơi nhận:***\n- Lưu: VT.\n\n[KÝ]\n**Nguyễn Văn A**\n"
    if annex:
        text += f"\n[PHỤ LỤC]\n**Phụ lục**\n**TIÊU ĐỀ**\n\n{annex}\n"
    return text


def test_a_clean_text_passes() -> None:
    """Short sentences, each thing once, units named: no problem."""
    body = ("Tổng số điểm đạt 58,86/100 điểm (tăng 1,61 điểm), tỷ lệ 44,8%.\n\n"
            "Sở Tư pháp và UBND huyện Ba Vì (2 đơn vị) khẩn trương xử lý hồ sơ quá hạn./.")
    table = "[BẢNG 3 cột]\nĐơn vị | Tổng điểm | Tỷ lệ\n---\nSở Tư pháp | 66,90 | 42,4%\nUBND huyện Ba Vì | +3,70 | –"
    assert lint(golden(body, annex=table), UNITS) == []


def test_a_sentence_over_the_cap_is_reported() -> None:
    words = " ".join(f"t{i}" for i in range(MAX_SENTENCE_WORDS + 1))
    problems = lint(golden(f"Câu {words}."), UNITS)
    assert len(problems) == 1 and f"câu {MAX_SENTENCE_WORDS + 2} từ" in problems[0]


def test_wrapped_lines_are_one_paragraph() -> None:
    """Continuation lines (two spaces) belong to the paragraph above: 60 + 20 words is one long sentence."""
    body = "Một " + " ".join(f"t{i}" for i in range(59)) + "\n  " + " ".join(f"u{i}" for i in range(20)) + "."
    assert any("câu 80 từ" in p for p in lint(golden(body), UNITS))


def test_a_repeated_passage_of_eight_words_is_reported_once() -> None:
    phrase = "nêu cao tinh thần trách nhiệm, chỉ đạo thường xuyên, quyết liệt"
    problems = lint(golden(f"Sở Tư pháp {phrase}.\n\nUBND huyện Ba Vì {phrase}."), UNITS)
    assert problems == ["đoạn 1, 2: lặp lại “nêu cao tinh thần trách nhiệm chỉ đạo …”"]
    assert lint(golden("Sở Tư pháp nêu cao tinh thần trách nhiệm.\n\nUBND huyện Ba Vì nêu cao tinh thần."),
                UNITS) == []


def test_minimum_of_one_hundred_percent_is_reported() -> None:
    assert lint(golden("Tỷ lệ số hóa phải đạt tối thiểu 100%."), UNITS) == ["“tối thiểu 100%”: nói “đạt 100%”"]


def test_town_is_reported_only_after_the_reform() -> None:
    body = "UBND các xã, phường, thị trấn thực hiện."
    assert lint(golden(body, period="2025-06"), UNITS) == []
    assert lint(golden(body, period="2026-08"), UNITS) == ["“thị trấn” trong văn bản kỳ 2026-08 (từ 7/2025 không còn thị trấn)"]


def test_an_empty_column_is_reported() -> None:
    table = "[BẢNG 3 cột]\nĐơn vị | Tổng điểm | So với tháng trước\n---\nSở Tư pháp | 66,90 | \nUBND huyện Ba Vì | 60,00 | "
    assert lint(golden("Xem Phụ lục./.", annex=table), UNITS) == ["bảng 1: cột “So với tháng trước” trống ở mọi hàng"]


def test_a_count_of_units_needs_names_or_the_annex() -> None:
    assert lint(golden("Có 28 đơn vị có nhóm chỉ số đạt dưới 50%."), UNITS) == [
        "đoạn 1: “28 đơn vị” không nêu tên, không dẫn Phụ lục"]
    assert lint(golden("Có 28 đơn vị có nhóm chỉ số đạt dưới 50% (danh sách tại Phụ lục)."), UNITS) == []
    assert lint(golden("Có 2 đơn vị chưa đạt: Sở Tư pháp và UBND huyện Ba Vì."), UNITS) == []
    assert lint(golden("Đơn vị xếp thứ 29/29 đơn vị được xếp hạng."), UNITS) == []


def test_decimals_follow_one_rule_in_text_and_tables() -> None:
    body = "Tăng 8,1 điểm; thấp hơn 8 điểm phần trăm; đạt 19,30%; thấp hơn 35,50 điểm phần trăm."
    assert lint(golden(body), UNITS) == [
        "đoạn 1: “8,1 điểm”: điểm viết hai chữ số thập phân",
        "đoạn 1: “19,30%”: tỷ lệ viết một chữ số thập phân",
        "đoạn 1: “35,50 điểm phần trăm”: tỷ lệ viết một chữ số thập phân",
    ]
    table = "[BẢNG 2 cột]\nĐơn vị | Thay đổi\n---\nSở Tư pháp | +3,7\nUBND huyện Ba Vì | 42,40%"
    assert lint(golden("Xem Phụ lục./.", annex=table), UNITS) == [
        "bảng 1: “+3,7” không theo quy tắc số thập phân", "bảng 1: “42,40%” không theo quy tắc số thập phân"]


@pytest.mark.parametrize("name", NAMES)
def test_golden_text_passes_the_wording_linter(name: str) -> None:
    """Every committed golden text: no long sentence, no repeated passage, no "tối thiểu 100%", no "thị
    trấn" after 7/2025, no empty column, no unnamed count of units, decimals by one rule."""
    names = [u.name for u in named_document(name).prepared.snapshot.units]
    problems = lint(golden_path(name).read_text(encoding="utf-8"), names, lint_terms(name))
    assert problems == [], "\n".join(problems)


def test_a_chart_block_is_not_prose() -> None:
    """A chart's alt text may repeat another chart's: the linter reads wording, not chart descriptions."""
    chart = ("[BIỂU ĐỒ hbars, cao 100 mm]\n*Biểu đồ 1. Tổng điểm*\n(alt) Biểu đồ thanh ngang tổng điểm tháng 7/2024 "
             "của 30 đơn vị từ cao đến thấp\nmục: A | B\n")
    assert lint(golden("Xem Phụ lục./.", annex=chart + "\n" + chart.replace("1.", "2.")), UNITS) == []
