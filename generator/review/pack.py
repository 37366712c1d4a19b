"""`congvan templates review`: a review pack for a legal reviewer who does not read Jinja.

The pack is an ordinary content-model Document rendered by the project's own DOCX and PDF
renderers: the template's wording with every variable highlighted and explained, each
conditional passage with its condition in words, the directive rules in words, and sample
renders of the fixtures' edge cases. For the rule file it explains each rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.build import RULES_TEMPLATE, Prepared
from generator.common import formatting
from generator.common.layout import Layout
from generator.content import Block, Cell, Document, Header, Paragraph, Signer, Span, Table, TemplateInfo, find_template
from generator.content import merge_spans as merge
from generator.directives import describe_rule, load_rules
from generator.output import write_atomic
from generator.render import renderer_for
from generator.review.catalogue import context_root, rule_snippets
from generator.review.check import check_template, require_clean
from generator.review.samples import (
    SAMPLES_DIR,
    SampleCase,
    dispatch_samples,
    load_months,
    notice_samples,
    rule_samples,
)
from generator.review.sources import imports_of, parse_file
from generator.review.walker import MacroTypes, Use
from generator.review.wording import CLOSE, OPEN, file_wording, snippet_wording

REVIEW_DIR = Path("output") / "review"
STATUS_VI = {"approved": "đã phê duyệt", "draft": "dự thảo"}
LETTERS = "abcdefghiklmnopqrstuvxy"  # Vietnamese sub-point letters (no j, w, z)


@dataclass(frozen=True)
class Condition:
    """One `{% if %}` / `{% elif %}` of the template, as the pack states it."""

    file: str
    line: int
    phrase: str


@dataclass(frozen=True)
class ReviewPack:
    """The pack as a Document, plus what it explains (for tests and the command's summary)."""

    document: Document
    variables: tuple[Use, ...]  # one per dotted name, in order of first use
    conditions: tuple[Condition, ...]
    samples: int


def default_output(info: TemplateInfo) -> Path:
    return REVIEW_DIR / f"{info.id}-v{info.version}.pdf"


Section = tuple[str, list[Block]]  # (title, blocks); numbered in order when the pack is assembled


def build_review(info: TemplateInfo, today: date | None = None, samples: Path = SAMPLES_DIR) -> ReviewPack:
    """The review pack of a template or rule file; TemplateError when `templates check` finds problems.

    `samples` is a folder of one authority's monthly snapshots to render the sample documents from."""
    require_clean((check_template(info),))
    months = load_months(samples)
    if info.is_rule_file:
        content, uses, conditions, cases = _rules_body(info, months)
    else:
        content, uses, conditions, cases = _template_body(info, months)
    first_use: dict[str, Use] = {}
    for use in uses:
        first_use.setdefault(use.path, use)
    variables = tuple(first_use.values())
    sections: list[Section] = [("Thông tin về mẫu", [_info_table(info)]), ("Cách đọc hồ sơ này", _how_to_read(info)),
                               *content, ("Giải thích các biến số", _variables_table(variables))]
    if conditions:
        sections.append(("Các điều kiện trong mẫu", _conditions(conditions)))
    sections += [("Văn bản sinh thử từ số liệu mẫu", _samples(cases)), ("Ý kiến của người thẩm định", _opinion())]
    body = tuple(b for i, (title, blocks) in enumerate(sections) for b in (_heading(i + 1, title), *blocks))
    document = _document(info, body, today or date.today())
    return ReviewPack(document, variables, tuple(conditions), len(cases))


def write_review(pack: ReviewPack, pdf_path: Path) -> tuple[Path, Path]:
    """Render the pack as PDF at `pdf_path` and as DOCX beside it; both written atomically."""
    docx_path = pdf_path.with_suffix(".docx")
    layout = Layout()
    pdf, docx = renderer_for("pdf", layout).render(pack.document), renderer_for("docx", layout).render(pack.document)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(pdf_path, pdf)
    write_atomic(docx_path, docx)
    return pdf_path, docx_path


# ---------- document templates ----------


Months = tuple[Prepared, Prepared] | None  # the latest and the first sample month (load_months)
Body = tuple[list[Section], list[Use], list[Condition], tuple[SampleCase, ...]]  # sections, uses, conditions, samples


def _template_body(info: TemplateInfo, months: Months) -> Body:
    context = context_root(info.id)
    macro_types = MacroTypes()
    main = parse_file(info.main_file, info.root)
    wording = file_wording(main, context, info.root, macro_types)
    uses = list(wording.uses)
    conditions = [Condition(info.main_file.name, line, phrase) for line, phrase in wording.conditions]
    sections: list[Section] = [("Lời văn của mẫu", list(wording.blocks))]
    used_macros = set(wording.calls.get("", ()))
    shared_blocks: list[Block] = []  # every imported file's phrases, in one section
    for name in imports_of(main.tree) if main.tree else ():
        path = info.root / name
        parsed = parse_file(path, info.root)
        file_wording(parsed, None, info.root, macro_types)  # first pass: parameter types from nested calls
        shared = file_wording(parsed, None, info.root, macro_types)
        used = _closure(used_macros, shared.calls)
        blocks: list[Block] = [Paragraph((Span("Chỗ "), Span(f"{OPEN}cụm từ “…”{CLOSE}", italic=True, highlight=True),
                                          Span(" ở mục 3 được thay bằng lời văn của cụm từ cùng tên dưới đây (tệp "
                                               f"{name}, dùng chung cho các mẫu).")))]
        for macro, paragraphs in shared.macros.items():
            blocks.append(paragraphs[0])
            if macro not in used:
                blocks.append(_plain("(Mẫu này không dùng cụm từ này.)", italic=True))
            blocks.extend(paragraphs[1:])
        shared_blocks += blocks
        uses += shared.uses
        conditions += [Condition(path.name, line, phrase) for line, phrase in shared.conditions]
    if shared_blocks:
        sections.append(("Các cụm từ dùng chung", shared_blocks))
    sections.append(("Quy tắc chỉ đạo", _rules_summary(info.root, months)))
    samples: tuple[SampleCase, ...] = ()
    if months is not None:
        samples = (dispatch_samples if info.id == "monthly_dispatch" else notice_samples)(info, *months)
    return sections, uses, conditions, samples


def _closure(start: set[str], calls: Mapping[str, tuple[str, ...]]) -> set[str]:
    found, queue = set(start), list(start)
    while queue:
        for callee in calls.get(queue.pop(), ()):
            if callee not in found:
                found.add(callee)
                queue.append(callee)
    return found


def _rules_summary(root: Path, months: Months) -> list[Block]:
    info = find_template(RULES_TEMPLATE, root)
    targets = months[0].analysis.targets if months else None
    rules = load_rules(info.main_file, targets)
    blocks: list[Block] = [_plain("Các nội dung chỉ đạo do tệp quy tắc chỉ đạo (mã directive_rules, có hồ sơ thẩm định "
                                  "riêng) quyết định. Tóm tắt các quy tắc:")]
    for i, rule in enumerate(rules.rules):
        blocks.append(Paragraph(merge([Span(f"{LETTERS[i % len(LETTERS)]}) {rule.title}: ", bold=True),
                                       Span(describe_rule(rule, targets))]), "justify", True))
    return blocks


# ---------- rule files ----------


def _rules_body(info: TemplateInfo, months: Months) -> Body:
    targets = months[0].analysis.targets if months else None
    rules = load_rules(info.main_file, targets)
    blocks: list[Block] = []
    uses: list[Use] = []
    conditions: list[Condition] = []
    for i, rule in enumerate(rules.rules):
        blocks.append(Paragraph(merge([Span(f"{LETTERS[i % len(LETTERS)]}) {rule.title} ", bold=True),
                                       Span(f"(mã {rule.id})", italic=True)]), "justify", False))
        blocks.append(Paragraph(merge([Span("Áp dụng: ", italic=True), Span(describe_rule(rule, targets))])))
        for key, text, root in rule_snippets(rule):
            blocks.append(_plain(f"Lời văn trong {key}:", italic=True))
            if text is None and key != "thông báo gửi đơn vị":
                blocks.append(_plain("(Không có.)"))
                continue
            if text is None:
                blocks.append(_plain("(Không viết riêng: dùng lời văn trong công văn, nêu riêng đơn vị nhận.)"))
                continue
            wording = snippet_wording(text.source, root)
            blocks.extend(wording.blocks)
            uses += wording.uses
            conditions += [Condition(info.main_file.name, text.line + line, f"{phrase} (quy tắc {rule.id})")
                           for line, phrase in wording.conditions]
    samples = rule_samples(info, *months) if months is not None else ()
    return [("Các quy tắc chỉ đạo", blocks)], uses, conditions, samples


# ---------- pieces ----------


def _heading(number: int, title: str) -> Paragraph:
    return Paragraph((Span(f"{number}. {title}", bold=True),), "justify", False)


def _plain(text: str, italic: bool = False) -> Paragraph:
    return Paragraph((Span(text, italic=italic),), "justify", not italic)


def _info_table(info: TemplateInfo) -> Table:
    status = STATUS_VI[info.status]
    if info.changed_since_approval:
        status += " (các tệp đã bị sửa sau khi phê duyệt)"
    rows = (
        ("Mã mẫu", info.id),
        ("Tên", info.title),
        ("Phiên bản", str(info.version)),
        ("Trạng thái", status),
        ("Người phê duyệt", info.approved_by or "(chưa có)"),
        ("Ngày phê duyệt", formatting.short_date(info.approved_on) if info.approved_on else "(chưa có)"),
        ("Các tệp", ", ".join(p.resolve().relative_to(info.root.resolve()).as_posix() for p in info.files)),
        ("Mã kiểm tra (SHA-256)", info.sha256),
    )
    return Table((28, 72), ((Cell("Mục", bold=True, align="center"), Cell("Nội dung", bold=True, align="center")),),
                 tuple((Cell(k), Cell(v)) for k, v in rows))


def _how_to_read(info: TemplateInfo) -> list[Block]:
    if info.is_rule_file:
        first = ("Mục 3 nêu từng quy tắc: áp dụng cho đơn vị nào, khi nào, và lời văn chương trình chèn vào công văn "
                 "và vào thông báo gửi từng đơn vị.")
    else:
        first = ("Mục 3 chép lại lời văn của mẫu đúng thứ tự trong văn bản; phần đầu văn bản (quốc hiệu, số, ngày), "
                 "nơi nhận và chữ ký do chương trình thêm theo hồ sơ cơ quan.")
    return [
        _plain(first),
        Paragraph((Span("Chỗ tô vàng trong dấu ‹ › là chỗ chương trình tự điền số liệu; chữ trong dấu là ý nghĩa "
                        "của số liệu đó, ví dụ "), Span(f"{OPEN}tổng điểm của địa phương{CLOSE}", highlight=True),
                   Span(" (trong văn bản: 58,86). Mục “Giải thích các biến số” nêu tên, ý nghĩa và ví dụ của từng "
                        "số liệu."))),
        _plain("Dòng in nghiêng bắt đầu bằng ► cho biết đoạn văn sau đó chỉ có khi nào, "
               "hoặc được lặp lại cho những gì; "
               "dòng ◄ đánh dấu chỗ kết thúc. Trong một câu, phần trong [nếu …: …] chỉ có khi điều kiện đúng; "
               "“| nếu không: …” là phần thay thế."),
        _plain("Mục “Văn bản sinh thử từ số liệu mẫu” là văn bản thật do mẫu này sinh ra từ số liệu Hà Nội, "
               "gồm các trường hợp đặc biệt: thiếu số liệu tháng trước, đơn vị bằng điểm, đơn vị không có số liệu, "
               "đơn vị chưa đạt mọi chỉ tiêu."),
    ]


def _variables_table(variables: Iterable[Use]) -> list[Block]:
    rows = tuple(
        (Cell(u.path), Cell(u.meaning or "(giá trị dùng trong mẫu)"), Cell(u.example or "")) for u in variables
    )
    header = ((Cell("Biến", bold=True, align="center"), Cell("Ý nghĩa", bold=True, align="center"),
               Cell("Ví dụ", bold=True, align="center")),)
    return [_plain("Tên biến là tên kỹ thuật trong mẫu; "
                   "biến bắt đầu bằng tên vòng lặp (ví dụ r., u., loop.) là giá trị "
                   "của mục đang được lặp.", italic=True),
            Table((30, 45, 25), header, rows)]


def _conditions(conditions: Iterable[Condition]) -> list[Block]:
    blocks: list[Block] = [
        _plain("Mỗi điều kiện dưới đây quyết định một đoạn văn hoặc một phần câu ở trên có hay không.", italic=True)
    ]
    for i, c in enumerate(conditions):
        blocks.append(Paragraph((Span(f"{i + 1}. Khi {c.phrase}"), Span(f" ({c.file}, dòng {c.line})", italic=True)),
                                "justify", True))
    return blocks


def _samples(samples: tuple[SampleCase, ...]) -> list[Block]:
    if not samples:
        return [_plain("(Không có số liệu mẫu trong thư mục fixtures/ha-noi nên không sinh thử được.)", italic=True)]
    blocks: list[Block] = []
    for i, case in enumerate(samples):
        blocks.append(Paragraph((Span(f"{LETTERS[i % len(LETTERS)]}) {case.title}", bold=True),), "justify", False))
        blocks.append(_plain(case.note, italic=True))
        blocks.append(_plain("► Trích văn bản sinh thử:", italic=True))
        blocks.extend(case.blocks)
        blocks.append(_plain("◄ Hết phần trích.", italic=True))
    return blocks


def _opinion() -> list[Block]:
    dots = "." * 110
    return [_plain("Đồng ý phê duyệt / Đề nghị sửa (ghi rõ mục, dòng và nội dung cần sửa):", italic=True),
            *(Paragraph((Span(dots),), "justify", False) for _ in range(5))]


def _document(info: TemplateInfo, body: tuple[Block, ...], today: date) -> Document:
    what = "tệp quy tắc chỉ đạo" if info.is_rule_file else "mẫu văn bản"
    return Document(
        kind="template_review",
        header=Header(
            parent_body=(),
            issuing_body=("HỒ SƠ THẨM ĐỊNH", "MẪU VĂN BẢN"),
            number_line=f"Mẫu: {info.id}, phiên bản {info.version}",
            subject=f"V/v thẩm định {what} “{info.title}”",
            motto_country="TÀI LIỆU NỘI BỘ",
            motto="Dùng để thẩm định, không ban hành",
            date_line=f"Lập ngày {formatting.short_date(today)}",
        ),
        recipients=("Cán bộ pháp chế thẩm định mẫu văn bản",),
        body=body,
        signer=Signer(("NGƯỜI THẨM ĐỊNH",), ("(Ký, ghi rõ họ tên)",), ""),
        copies_to=("Nhóm phát triển phần mềm congvan", "Lưu: hồ sơ mẫu văn bản"),
        draft_mark="DỰ THẢO" if info.is_draft else None,
        title=f"Hồ sơ thẩm định {info.id} phiên bản {info.version}",
    )
