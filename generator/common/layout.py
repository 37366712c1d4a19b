"""Page set-up figures shared by both renderers, with the ranges NĐ 30/2020 Phụ lục I allows.

One value feeds the DOCX and the PDF renderer alike: every font size, column width and gap that
both renderers draw comes from here, so a document looks the same in Word and in the PDF. An
issuer profile may set any figure within its range (`layout:` in the profile YAML). Ranges are
the decree's where it gives one (sizes of the header, body, "Nơi nhận", page numbers, margins),
otherwise what keeps the page readable.
"""

from __future__ import annotations

from pydantic import ConfigDict, Field
from pydantic.dataclasses import dataclass


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class Layout:
    """Margins and widths in mm or cm, sizes and gaps in pt, line spacing as a multiple of single."""

    # ---- page ----
    margin_top_mm: float = Field(default=20, ge=20, le=25)
    margin_bottom_mm: float = Field(default=20, ge=20, le=25)
    margin_left_mm: float = Field(default=30, ge=30, le=35)
    margin_right_mm: float = Field(default=15, ge=15, le=20)
    font_family: str = Field(default="Times New Roman", min_length=1, max_length=64)

    # ---- body ----
    body_size_pt: float = Field(default=14, ge=13, le=14)
    line_spacing: float = Field(default=1.15, ge=1.0, le=1.5)
    space_after_pt: float = Field(default=6, ge=0, le=12)
    first_line_indent_cm: float = Field(default=1.27, ge=1.0, le=1.27)

    # ---- two-column header ----
    header_size_pt: float = Field(default=13, ge=12, le=13, description="Tên cơ quan và Quốc hiệu")
    motto_size_pt: float = Field(default=14, ge=13, le=14, description="Tiêu ngữ “Độc lập - Tự do - Hạnh phúc”")
    number_size_pt: float = Field(default=13, ge=12, le=13, description="Dòng “Số: .../...”")
    subject_size_pt: float = Field(default=12, ge=12, le=13, description="Trích yếu “V/v ...”")
    date_size_pt: float = Field(default=14, ge=13, le=14, description="Địa danh, ngày tháng năm")
    header_left_cm: float = Field(default=6.5, ge=6, le=7.5, description="Cột trái của phần đầu văn bản")
    header_gap_pt: float = Field(default=6, ge=0, le=12, description="Khoảng cách trước dòng Số, ngày và V/v")
    issuing_rule_fraction: float = Field(default=0.4, ge=1 / 3, le=0.5,
                                         description="Độ dài đường kẻ dưới tên cơ quan so với dòng chữ")
    recipients_gap_pt: float = Field(default=18, ge=6, le=24, description="Khoảng cách trước “Kính gửi”")

    # ---- tables ----
    table_size_pt: float = Field(default=12, ge=11, le=13)
    table_dense_size_pt: float = Field(default=11, ge=10, le=12, description="Bảng nhiều cột (phụ lục)")
    dense_table_columns: int = Field(default=8, ge=4, le=30, description="Từ số cột này, bảng dùng cỡ chữ nhỏ")
    table_cell_padding_pt: float = Field(default=2, ge=0, le=6, description="Lề trái, phải trong ô")
    table_cell_padding_v_pt: float = Field(default=1.5, ge=0, le=6, description="Lề trên, dưới trong ô")
    table_gap_pt: float = Field(default=6, ge=0, le=12, description="Khoảng cách sau bảng")

    # ---- "Nơi nhận" and the signature block ----
    signer_size_pt: float = Field(default=14, ge=13, le=14)
    copies_label_size_pt: float = Field(default=12, ge=12, le=12, description="Chữ “Nơi nhận:”")
    copies_size_pt: float = Field(default=11, ge=11, le=12, description="Danh sách “Nơi nhận”")
    copies_hanging_cm: float = Field(default=0.25, ge=0, le=1, description="Thụt dòng thứ hai của một mục")
    copies_column_cm: float = Field(default=7.5, ge=6, le=9, description="Cột “Nơi nhận”; cột ký là phần còn lại")
    signature_gap_pt: float = Field(default=12, ge=0, le=24, description="Khoảng cách giữa nội dung và phần ký")
    signature_space_mm: float = Field(default=25, ge=15, le=40, description="Chỗ ký và đóng dấu")

    # ---- annexes ----
    annex_heading_size_pt: float = Field(default=14, ge=13, le=14)
    annex_title_size_pt: float = Field(default=14, ge=13, le=14)
    annex_subtitle_gap_pt: float = Field(default=12, ge=0, le=18, description="Khoảng cách sau dòng “Kèm theo”")

    # ---- page furniture ----
    page_header_mm: float = Field(default=10, ge=5, le=15, description="Từ mép trên trang đến dòng số trang")
    page_number_size_pt: float = Field(default=13, ge=13, le=14)
    draft_mark_size_pt: float = Field(default=13, ge=11, le=14, description="Dấu “DỰ THẢO”, chữ đậm trong khung")
    draft_note_size_pt: float = Field(default=11, ge=10, le=13, description="Ghi chú của bản dự thảo")
