"""Page set-up figures shared by both renderers, with the ranges NĐ 30/2020 Phụ lục I allows.

One value feeds the DOCX and the PDF renderer alike; an issuer profile may set any figure within
its range (`layout:` in the profile YAML).
"""

from __future__ import annotations

from pydantic import ConfigDict, Field
from pydantic.dataclasses import dataclass


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class Layout:
    """Margins in mm, sizes in pt, line spacing as a multiple of single."""

    margin_top_mm: float = Field(default=20, ge=20, le=25)
    margin_bottom_mm: float = Field(default=20, ge=20, le=25)
    margin_left_mm: float = Field(default=30, ge=30, le=35)
    margin_right_mm: float = Field(default=15, ge=15, le=20)
    body_size_pt: float = Field(default=14, ge=13, le=14)
    header_size_pt: float = Field(default=13, ge=12, le=13, description="Tên cơ quan và Quốc hiệu")
    copies_size_pt: float = Field(default=11, ge=11, le=12, description="Danh sách “Nơi nhận”")
    line_spacing: float = Field(default=1.15, ge=1.0, le=1.5)
    space_after_pt: float = Field(default=6, ge=0, le=12)
    first_line_indent_cm: float = Field(default=1.27, ge=1.0, le=1.27)
    font_family: str = Field(default="Times New Roman", min_length=1, max_length=64)
