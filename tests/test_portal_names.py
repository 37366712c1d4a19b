"""Official unit names (NĐ 30/2020, Phụ lục II) from the portal's spelling: rules as data, overrides win."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.common.errors import ConfigError
from generator.portal.rules import load_rules, official_name


@pytest.mark.parametrize(("portal", "official"), [
    ("Sở Nông Nghiệp và Môi Trường - Tỉnh Phú Thọ", "Sở Nông nghiệp và Môi trường"),
    ("UBND Phường Thanh Miếu", "UBND phường Thanh Miếu"),
    ("Văn phòng UBND Tỉnh - Tỉnh Phú Thọ", "Văn phòng UBND tỉnh"),
    ("Ban quản lý các khu công nghiệp - Tỉnh Phú Thọ", "Ban Quản lý các khu công nghiệp"),
    ("Sở Công Thương - Tỉnh Phú Thọ", "Sở Công Thương"),
    ("Sở Văn hóa, Thể thao và Du lịch - Tỉnh Phú Thọ", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Thanh tra tỉnh - Tỉnh Phú Thọ", "Thanh tra tỉnh"),
    ("Sở Dân Tộc và Tôn Giáo - Tỉnh Phú Thọ", "Sở Dân tộc và Tôn giáo"),
    ("UBND xã Vĩnh Tường - tỉnh Phú Thọ", "UBND xã Vĩnh Tường"),
    ("UBND xã Tam Dương Bắc", "UBND xã Tam Dương Bắc"),
    ("UBND  Xã   pà cò", "UBND xã Pà Cò"),
    ("Sở Lao động - Thương binh và Xã hội - Thành phố Hà Nội", "Sở Lao động - Thương binh và Xã hội"),
    ("Văn phòng Đoàn ĐBQH và HĐND tỉnh", "Văn phòng Đoàn ĐBQH và HĐND tỉnh"),
    ("UBND Thị Xã Sơn Tây", "UBND thị xã Sơn Tây"),
    ("UBND Thị Trấn Xuân Mai", "UBND thị trấn Xuân Mai"),
    ("Trung tâm Phục Vụ Hành Chính Công", "Trung tâm Phục vụ hành chính công"),
    ("Bệnh viện Đa khoa tỉnh", "Bệnh viện Đa khoa tỉnh"),  # not recognised: kept as written
])
def test_rules(portal: str, official: str) -> None:
    assert load_rules().names.official(portal) == official


def test_the_profile_table_wins_by_id_then_code() -> None:
    rules = load_rules().names
    overrides = {"id-1": "Tên theo mã định danh", "H44.03": "Ban Quản lý các khu công nghiệp tỉnh"}
    assert official_name("Ban quản lý", "id-1", "H44.03", overrides, rules) == "Tên theo mã định danh"
    assert official_name("Ban quản lý", "id-2", "H44.03", overrides, rules) == "Ban Quản lý các khu công nghiệp tỉnh"
    assert official_name("UBND Phường Âu Cơ", "id-3", None, overrides, rules) == "UBND phường Âu Cơ"


def test_a_broken_rule_file_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "portal.yaml"
    path.write_text("kinds:\n  PROVINCE: so_nganh\n  COMMUNE: district\nnames: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_rules(path)
    assert caught.value.problems[0].row == 3
