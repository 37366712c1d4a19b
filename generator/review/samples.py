"""Sample renders for the review pack: the template under review run on a sample set's edge cases.

A sample set is a folder of monthly snapshots of one authority: the latest month gives the tied
units, a unit without data and a unit that misses every target; the first month, which has no
earlier month beside it, shows a document without comparisons. Months are found by the period
their files declare and the cases in the data, never by name, so any authority's folder works
(`congvan templates review ID --samples DIR`). The package ships one set (`sample_data/`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.analysis import Analysis, UnitAnalysis
from generator.build import Prepared, dispatch_document, notice_document, prepare, rule_settings
from generator.common import formatting
from generator.common.errors import CongvanError
from generator.common.resources import package_path
from generator.content import Annex, Block, Document, Paragraph, Span, Table, TemplateInfo
from generator.directives import directives_for_unit, evaluate, load_rules
from generator.snapshot import SNAPSHOT_SUFFIXES, load_meta

SAMPLES_DIR = package_path("review", "sample_data")


@dataclass(frozen=True)
class SampleCase:
    """One sample: a title, what the reviewer should look at, and the rendered passages."""

    title: str
    note: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class EdgeUnits:
    """The units that make the edge cases in one month's data (None when the data has no such case)."""

    tied: tuple[UnitAnalysis, ...]
    without_data: UnitAnalysis | None
    missing_all: UnitAnalysis | None


def edge_units(analysis: Analysis) -> EdgeUnits:
    tied: tuple[UnitAnalysis, ...] = ()
    for ranking in analysis.by_kind:
        for first, second in zip(ranking.ranked, ranking.ranked[1:]):
            if not tied and first.total == second.total:
                tied = tuple(u for u in ranking.ranked if u.total == first.total)
    without = next((u for u in analysis.units if u.total is None), None)
    missing = next((u for u in analysis.units if u.targets and len(u.missed_targets) == len(u.targets)), None)
    return EdgeUnits(tied, without, missing)


def load_months(folder: Path = SAMPLES_DIR) -> tuple[Prepared, Prepared] | None:
    """The latest and the first month of the sample folder, or None when it has fewer than two."""
    months = {}
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in SNAPSHOT_SUFFIXES) if folder.is_dir() else ():
        try:
            months[load_meta(path).period] = path
        except CongvanError:
            continue  # not a snapshot of this set: the others still make samples
    if len(months) < 2:
        return None
    return prepare(months[max(months)]), prepare(months[min(months)])


def dispatch_samples(template: TemplateInfo, latest: Prepared, first: Prepared) -> tuple[SampleCase, ...]:
    july = dispatch_document(latest, template, None, None)
    april = dispatch_document(first, template, None, None)
    month, early = latest.analysis.authority.period.label, first.analysis.authority.period.label
    edges = edge_units(latest.analysis)
    cases = [
        SampleCase(f"Công văn tháng {month}: toàn bộ phần nội dung",
                   f"Số liệu tháng {month} có đủ các tháng trước để so sánh.", july.body),
        SampleCase(f"Tháng {early}: không có số liệu tháng trước",
                   "Thư mục số liệu không có tháng trước nên công văn không so sánh: câu về tổng điểm không có phần "
                   "“(tăng/giảm … so với tháng …)”. Trích mục 1.", _first_section(april.body)),
    ]
    if edges.tied:
        names = " và ".join(u.name for u in edges.tied)
        cases.append(SampleCase(
            f"Các đơn vị bằng điểm: {names}",
            f"Cùng đạt {formatting.score(edges.tied[0].total or 0)} điểm nên cùng xếp hạng {edges.tied[0].rank}; "
            "đơn vị kế tiếp xếp hạng sau số đơn vị đồng hạng. Trích bảng xếp hạng ở Phụ lục.",
            _rows_about(july, tuple(u.name for u in edges.tied), following=1)))
    for unit, what in ((edges.without_data, "không có đủ số liệu"), (edges.missing_all, "chưa đạt mọi chỉ tiêu")):
        if unit is not None:
            cases.append(SampleCase(f"Đơn vị {what}: {unit.name}",
                                    "Trích các đoạn và các dòng của Phụ lục có nêu đơn vị này.",
                                    _mentions(july, unit.name)))
    return tuple(cases)


def notice_samples(template: TemplateInfo, latest: Prepared, first: Prepared) -> tuple[SampleCase, ...]:
    edges = edge_units(latest.analysis)
    month, early = latest.analysis.authority.period.label, first.analysis.authority.period.label
    cases = []
    if edges.tied:
        unit, others = edges.tied[0], ", ".join(u.name for u in edges.tied[1:])
        cases.append(SampleCase(f"Đơn vị bằng điểm: {unit.name} (tháng {month})",
                                f"Đồng hạng {unit.rank} với {others}.", _notice(latest, template, unit.code)))
    if edges.without_data is not None:
        unit = edges.without_data
        cases.append(SampleCase(f"Đơn vị không có đủ số liệu: {unit.name} (tháng {month})",
                                f"Lý do: {unit.excluded_reason}.", _notice(latest, template, unit.code)))
    if edges.missing_all is not None:
        unit = edges.missing_all
        cases.append(SampleCase(f"Đơn vị chưa đạt mọi chỉ tiêu: {unit.name} (tháng {month})",
                                f"Chưa đạt cả {len(unit.targets)} chỉ tiêu.", _notice(latest, template, unit.code)))
    code = edges.tied[0].code if edges.tied else first.analysis.units[0].code
    cases.append(SampleCase(f"Tháng {early}: không có số liệu tháng trước ({first.analysis.unit(code).name})",
                            "Không có phần so sánh với tháng trước.", _notice(first, template, code)))
    return tuple(cases)


def rule_samples(rules_info: TemplateInfo, latest: Prepared, first: Prepared) -> tuple[SampleCase, ...]:
    """What the rule file under review decides for each sample month, and two units' notices."""
    cases = []
    for prepared in (latest, first):
        targets = prepared.analysis.targets
        directives = evaluate(load_rules(rules_info.main_file, targets), prepared.analysis,
                              rule_settings(prepared.profile, prepared.snapshot))
        blocks: list[Block] = []
        for d in directives:
            blocks.append(Paragraph((Span(f"{d.title} — {len(d.units)} đơn vị", bold=True),), "justify", False))
            blocks.extend(Paragraph((Span(text),)) for text in d.paragraphs)
        month = prepared.analysis.authority.period.label
        cases.append(SampleCase(f"Tháng {month}: các nội dung chỉ đạo trong công văn",
                                f"{len(directives)} nội dung chỉ đạo.", tuple(blocks)))
    edges = edge_units(latest.analysis)
    directives = evaluate(load_rules(rules_info.main_file, latest.analysis.targets), latest.analysis,
                          rule_settings(latest.profile, latest.snapshot))
    for unit in (edges.without_data, edges.missing_all):
        if unit is None:
            continue
        blocks = []
        for d in directives_for_unit(directives, unit.code):
            blocks.append(Paragraph((Span(d.title, bold=True),), "justify", False))
            blocks.extend(Paragraph((Span(t),)) for t in d.notice_text_for(unit.code).split("\n") if t)
        cases.append(SampleCase(f"Thông báo gửi {unit.name}: các nội dung chỉ đạo",
                                "Lời văn “notice” của các quy tắc áp dụng cho đơn vị này.", tuple(blocks)))
    return tuple(cases)


def _notice(prepared: Prepared, template: TemplateInfo, code: str) -> tuple[Block, ...]:
    return notice_document(prepared, template, code, None, None).body


def _first_section(body: tuple[Block, ...]) -> tuple[Block, ...]:
    """The body up to the second numbered heading ("2. ...")."""
    picked: list[Block] = []
    for block in body:
        if isinstance(block, Paragraph) and block.text.startswith("2.") and picked:
            break
        picked.append(block)
    return tuple(picked)


def _tables(document: Document) -> list[Table]:
    annexes: tuple[Annex, ...] = document.annexes
    return [b for a in annexes for b in a.blocks if isinstance(b, Table)] + \
        [b for b in document.body if isinstance(b, Table)]


def _rows_about(document: Document, names: tuple[str, ...], following: int = 0) -> tuple[Block, ...]:
    """Each table's header and the rows naming one of `names` (plus `following` rows after the last)."""
    excerpts: list[Block] = []
    for table in _tables(document):
        hits = [i for i, row in enumerate(table.rows) if any(c.text in names for c in row)]
        if not hits:
            continue
        keep = sorted(set(hits) | set(range(hits[-1] + 1, min(hits[-1] + 1 + following, len(table.rows)))))
        excerpts.append(Table(table.widths, table.header, tuple(table.rows[i] for i in keep), table.caption))
    return tuple(excerpts)


def _mentions(document: Document, name: str) -> tuple[Block, ...]:
    paragraphs = tuple(b for b in document.body if isinstance(b, Paragraph) and name in b.text)
    return paragraphs + _rows_about(document, (name,))
