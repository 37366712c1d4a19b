"""Kinds of unit by era: documents say "xã, phường, thị trấn" before 1/7/2025 and "xã, phường" after."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_support import PHU_THO, document_text

from generator.build import DISPATCH_TEMPLATE, dispatch_document, prepare
from generator.common.errors import ConfigError
from generator.config import kind_labels, load_profile
from generator.config.profile import PROFILES_DIR
from generator.config.unit_kinds import load_eras
from generator.content.registry import find_template
from generator.snapshot import Period, UnitKind


@pytest.mark.parametrize(("period", "xa"), [
    (Period(2025, 6), "xã, phường, thị trấn"), (Period(2025, 7), "xã, phường"),
    (Period(2025, quarter=2), "xã, phường, thị trấn"), (Period(2025, quarter=3), "xã, phường"),
    (Period(2024), "xã, phường, thị trấn"), (Period(2025), "xã, phường"), (Period(2026, 8), "xã, phường"),
])
def test_commune_label_depends_on_the_period(period: Period, xa: str) -> None:
    labels = kind_labels(period)
    assert labels[UnitKind.XA] == xa and labels[UnitKind.SO_NGANH] == "sở, ban, ngành"


def test_a_profile_may_name_its_own_kinds(tmp_path: Path) -> None:
    """An authority with a special zone says "xã, phường, đặc khu"."""
    text = (PROFILES_DIR / "phu-tho.yaml").read_text(encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text(text + "unit_kind_labels:\n  xa: xã, phường, đặc khu\n", encoding="utf-8")
    assert load_profile(path).kind_labels_for(Period(2026, 8))[UnitKind.XA] == "xã, phường, đặc khu"


def test_a_wrong_era_file_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "kinds.yaml"
    path.write_text("eras:\n  - from_period: 2025-13\n    labels: {xa: xã}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_eras(path)
    assert caught.value.problems[0].row == 2


def test_phu_tho_2026_dispatch_says_xa_phuong_only() -> None:
    """The annex heading of the communes and the notices use the post-reform label."""
    prepared = prepare(PHU_THO)
    text = document_text(dispatch_document(prepared, find_template(DISPATCH_TEMPLATE), None, None))
    assert "XÃ, PHƯỜNG" in text
    assert "thị trấn" not in text.lower()
    commune = next(u for u in prepared.analysis.units if u.kind is UnitKind.XA)
    assert commune.kind_label == "xã, phường"
    assert next(r for r in prepared.analysis.by_kind if r.kind is UnitKind.XA).label == "xã, phường"
