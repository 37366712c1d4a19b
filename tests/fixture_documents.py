"""The documents every reader-facing test looks at: each fixture's dispatch and five unit notices.

Named once here so the golden texts, the wording linter and the DOCX/PDF parity test cover the same
set. Dispatches: Hà Nội 4/2024 … 7/2024 (history from the folder), Phú Thọ 8/2026, the escaping edge
case. Notices (Hà Nội 7/2024): an ordinary unit, the unit holding most overdue dossiers, a unit
without enough data, a unit meeting every target, the last-ranked unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from e2e_support import EDGE, HA_NOI, PHU_THO, write_profile

from generator.build import DISPATCH_TEMPLATE, NOTICE_TEMPLATE, Prepared, dispatch_document, notice_document, prepare
from generator.common.layout import Layout
from generator.content import Document, find_template
from generator.snapshot import GROUPS

DISPATCHES = ("ha-noi-2024-04", "ha-noi-2024-05", "ha-noi-2024-06", "ha-noi-2024-07", "phu-tho-2026-08",
              "edge-2025-09")
# name → unit code in fixtures/ha-noi/2024-07.xlsx (fixtures/README.md lists the planted cases)
NOTICES = {
    "notice-normal": "SNV",  # Sở Nội vụ: mid-table, some targets missed
    "notice-most-overdue": "STP",  # Sở Tư pháp: 24.130 of 53.828 overdue dossiers
    "notice-no-data": "H-THANHOAI",  # UBND huyện Thanh Oai: no MĐHL score, no total, no rank
    "notice-all-targets": "SKHDT",  # Sở Kế hoạch và Đầu tư: meets every 2024 target
    "notice-bottom": "H-DANPHUONG",  # UBND huyện Đan Phượng: 29/29 ranked district-level units
}
NAMES = (*DISPATCHES, *NOTICES)


@dataclass(frozen=True)
class Named:
    name: str
    document: Document
    layout: Layout
    prepared: Prepared


@lru_cache(maxsize=1)
def _edge_profile() -> Path:
    import tempfile

    return write_profile(Path(tempfile.mkdtemp(prefix="congvan-edge-profile-")))


@lru_cache(maxsize=8)
def prepared_for(name: str) -> Prepared:
    """The prepared snapshot behind a named document (read once per test session)."""
    if name.startswith("ha-noi-"):
        return prepare(HA_NOI / f"{name.removeprefix('ha-noi-')}.xlsx")
    if name.startswith("phu-tho-"):
        return prepare(PHU_THO)
    if name.startswith("edge-"):
        return prepare(EDGE, profile_path=_edge_profile())
    return prepare(HA_NOI / "2024-07.xlsx")


@cache
def named_document(name: str) -> Named:
    """One named document, made with the shipped templates, without number and date."""
    prepared = prepared_for(name)
    if name in NOTICES:
        document = notice_document(prepared, find_template(NOTICE_TEMPLATE), NOTICES[name], None, None)
    else:
        document = dispatch_document(prepared, find_template(DISPATCH_TEMPLATE), None, None)
    return Named(name, document, prepared.profile.to_layout(), prepared)


def lint_terms(name: str) -> tuple[str, ...]:
    """Names the wording linter counts as one word: targets, groups, the issuer's names, the source."""
    prepared = named_document(name).prepared
    issuer = prepared.profile.issuer
    analysis = prepared.analysis
    return (*(t.label for t in analysis.targets), *(g.label for g in GROUPS), issuer.self_name, issuer.short_name,
            issuer.head_title, issuer.control_office, issuer.unit_heads, analysis.authority.source)
