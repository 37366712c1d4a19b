"""Issuer profiles: loading with located errors, and choosing the authority's profile for a month."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from generator.common.errors import ConfigError
from generator.config.profile import PROFILES_DIR, find_profile, load_profile
from generator.snapshot.model import Period, SnapshotMeta

VN = timezone(timedelta(hours=7))


def meta(name: str = "UBND Thành phố Hà Nội", code: str | None = "H26", period: str = "2024-07") -> SnapshotMeta:
    month = Period.parse(period)
    return SnapshotMeta(authority_name=name, authority_code=code, period=month,
                        cutoff=datetime(month.year, month.month, 28, tzinfo=VN), score=Decimal("50"))


def test_every_shipped_profile_loads():
    """Each profile under profiles/ validates against the schema."""
    paths = sorted(PROFILES_DIR.glob("*.yaml"))
    assert len(paths) >= 3
    for path in paths:
        assert load_profile(path).id


@pytest.mark.parametrize("period, expected", [("2024-07", "ha-noi"), ("2025-06", "ha-noi"), ("2025-07", "ha-noi-2025")])
def test_profile_is_chosen_by_code_and_month(period, expected):
    """Hà Nội before the 2025 reform has districts; from 2025-07 another profile names communes."""
    assert find_profile(meta(period=period)).id == expected


def test_profile_is_chosen_by_name_without_regard_to_accents_and_case():
    """Without a code, "ubnd thanh pho ha noi" still finds Hà Nội's profile."""
    assert find_profile(meta(name="ubnd  THANH PHO ha noi", code=None)).id == "ha-noi"
    assert find_profile(meta(name="UBND tỉnh Phú Thọ", code=None, period="2026-08")).id == "phu-tho"


def test_unknown_authority_is_a_configuration_error():
    """No profile for the authority: the message names it and suggests --profile."""
    with pytest.raises(ConfigError, match="Không có hồ sơ cơ quan nào ứng với “UBND tỉnh Lạ” \\(mã X01\\)"):
        find_profile(meta(name="UBND tỉnh Lạ", code="X01"))


def test_two_profiles_for_one_month_are_refused(tmp_path):
    """Overlapping periods are ambiguous: both ids are named."""
    shutil.copy(PROFILES_DIR / "ha-noi.yaml", tmp_path / "a.yaml")
    text = (PROFILES_DIR / "ha-noi.yaml").read_text(encoding="utf-8").replace("id: ha-noi", "id: ha-noi-copy")
    (tmp_path / "b.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"Có 2 hồ sơ cơ quan cùng áp dụng.*ha-noi, ha-noi-copy"):
        find_profile(meta(), tmp_path)


def test_a_month_outside_every_profile_is_named(tmp_path):
    """The authority is known but no profile covers the month: say which profiles exist."""
    shutil.copy(PROFILES_DIR / "ha-noi.yaml", tmp_path / "a.yaml")
    with pytest.raises(ConfigError, match="không áp dụng cho tháng 8/2025"):
        find_profile(meta(period="2025-08"), tmp_path)


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = (PROFILES_DIR / "ha-noi.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.mark.parametrize("old, new, needle, message", [
    ("  margin_left_mm: 30", "  margin_left_mm: 25", "margin_left_mm: 25", "nằm ngoài khoảng"),
    ("  symbol: UBND-KSTTHC", "  symbol: UBND - KSTTHC", "symbol: UBND - KSTTHC", "không được có dấu cách"),
    ("      figure: online_payment_rate", "      figure: payment_rate", "figure: payment_rate", "không có trong số liệu"),
    ("  place: Hà Nội", "  place: Hà Nội\n  plase: Hà Nội", "plase:", "không được biết tới"),
    ("  until_period: 2025-06", "  until_period: 2025-13", "until_period: 2025-13", "không phải một tháng"),
])
def test_profile_errors_name_file_and_line(tmp_path, old, new, needle, message):
    """A wrong value or an unknown key is reported at its own line, in Vietnamese."""
    path = _broken(tmp_path, old, new)
    with pytest.raises(ConfigError) as caught:
        load_profile(path)
    lines = [str(p) for p in caught.value.problems]
    assert any(line.startswith(f"{path}:{_line_of(path, needle)}:") and message in line for line in lines), lines


def test_targets_of_a_year_without_its_own_plan_fall_back_to_the_latest_earlier_year():
    """2025 has no plan in the profile: the 2024 targets apply; 2023 has none."""
    profile = load_profile(PROFILES_DIR / "ha-noi.yaml")
    assert [t.minimum for t in profile.targets_for(2025)] == [Decimal(55), Decimal(60), Decimal(100), Decimal(100)]
    assert profile.targets_for(2023) == ()


def test_missing_profile_file_is_a_configuration_error(tmp_path):
    """--profile naming a file that does not exist is a user's mistake, not a crash."""
    with pytest.raises(ConfigError, match="Không tìm thấy hồ sơ cơ quan"):
        load_profile(tmp_path / "none.yaml")

