"""Shared pieces of the end-to-end tests: fixtures on disk, a test profile, rendering to files."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from generator.build import Prepared, prepare
from generator.common.layout import Layout
from generator.content import figures_in
from generator.content.model import Document, Figure, FigureRow, Paragraph, Table
from generator.render import renderer_for

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
HA_NOI = FIXTURES / "ha-noi"
JULY = HA_NOI / "2024-07.xlsx"
PHU_THO = FIXTURES / "phu-tho" / "2026-08.xlsx"
EDGE = FIXTURES / "edge" / "2025-09.json"
MM_TO_PT = 72 / 25.4

TEST_PROFILE = """\
# Test issuer profile for the fictional UBND tỉnh Thử Nghiệm (fixtures/edge), modelled on phu-tho.yaml.
id: {id}
match:
  codes: [{codes}]
  names: [UBND tỉnh Thử Nghiệm]
issuer:
  issuing_body: [ỦY BAN NHÂN DÂN, TỈNH THỬ NGHIỆM]
  self_name: Ủy ban nhân dân tỉnh
  short_name: UBND tỉnh
  area_term: Tỉnh
  place: Thử Nghiệm
  symbol: UBND-KSTTHC
  drafting_unit: KSTTHC
  peer_label: tỉnh, thành phố
signer:
  authority_lines: [TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH]
  title_lines: [PHÓ CHỦ TỊCH]
  name: Nguyễn Văn Thử
documents:
  monthly_dispatch:
    recipients:
      - Các sở, ban, ngành tỉnh
      - UBND các xã, phường
    copies_to:
      - Như trên
      - "Lưu: VT, KSTTHC"
  unit_notice:
    copies_to:
      - Như trên
      - "Lưu: VT, KSTTHC"
targets:
  {year}:
    - id: online_payment
      figure: online_payment_rate
      minimum: 55
      label: Tỷ lệ thanh toán trực tuyến trên tổng số giao dịch thanh toán
"""


def write_profile(folder: Path, codes: tuple[str, ...] = ("T99",), profile_id: str = "thu-nghiem",
                  year: int = 2025) -> Path:
    """A profile YAML for the test authority, matched by `codes`."""
    path = folder / f"{profile_id}.yaml"
    path.write_text(TEST_PROFILE.format(id=profile_id, codes=", ".join(codes), year=year), encoding="utf-8")
    return path


@lru_cache(maxsize=1)
def july() -> Prepared:
    """Hà Nội, July 2024, with its history (read once per test session; the value is immutable)."""
    return prepare(JULY)


def render_files(document: Document, layout: Layout, folder: Path, stem: str,
                 formats: tuple[str, ...] = ("docx", "pdf")) -> dict[str, Path]:
    """Render `document` to `folder/stem.<fmt>` for each format; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for fmt in formats:
        path = folder / f"{stem}.{fmt}"
        path.write_bytes(renderer_for(fmt, layout).render(document))
        paths[fmt] = path
    return paths


def top_margin_pt(layout: Layout) -> float:
    return layout.margin_top_mm * MM_TO_PT


def blocks_text(blocks: tuple) -> list[str]:  # type: ignore[type-arg]
    """Every paragraph's text and every table cell's text, in order."""
    texts = []
    for block in blocks:
        if isinstance(block, Paragraph):
            texts.append(block.text)
        elif isinstance(block, Table):
            texts += [cell.text for row in block.header + block.rows for cell in row]
        elif isinstance(block, (Figure, FigureRow)):  # the picture's own words are pixels in both formats
            texts += [figure.caption or "" for figure in figures_in((block,))]
    return texts


def document_text(document: Document) -> str:
    """All the words of a Document, single-spaced (no page furniture), in reading order."""
    header = document.header
    parts = [*header.parent_body, *header.issuing_body, header.number_line, header.subject,
             header.motto_country, header.motto, header.date_line, document.recipients_label,
             *document.recipient_lines(), *blocks_text(document.body), document.copies_label,
             *document.copies_lines(), *document.signer.authority_lines, *document.signer.title_lines,
             document.signer.name]
    for annex in document.annexes:
        parts += [annex.heading, annex.title, annex.subtitle or "", *blocks_text(annex.blocks)]
    return " ".join(" ".join(part.split()) for part in parts if part.strip())
