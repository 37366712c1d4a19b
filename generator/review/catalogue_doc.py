"""Filters a template may use, and docs/template-variables.md written from the catalogue.

Filter examples are not typed by hand: each is rendered by the project's own sandboxed
environment, so the page shows what the filter really prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from generator.common.jinja_env import FILTERS, text_environment
from generator.review.catalogue import (
    RULE_AUTHORITY_ROOT,
    RULE_DETAIL_ROOT,
    RULE_NOTICE_ROOT,
    RULE_TEXT_ROOT,
    RULE_WIDESPREAD_ROOT,
    TEMPLATE_CONTEXTS,
    Member,
    entries,
    members,
)
from generator.review.meanings import LOOP_MEANINGS

# A maintainer document of the source checkout (not package data): relative to the checkout root.
CATALOGUE_PATH = Path("docs") / "template-variables.md"

_SAMPLE = {"authority": SimpleNamespace(cutoff=datetime(2024, 8, 2, 10, 0, tzinfo=timezone(timedelta(hours=7))))}


@dataclass(frozen=True)
class FilterDoc:
    """One filter: name, Vietnamese meaning, a usage written as in a template, and whether it is ours."""

    name: str
    meaning: str
    usage: str
    project: bool = True

    @property
    def result(self) -> str:
        return text_environment().from_string(self.usage).render(_SAMPLE)


FILTER_DOCS: tuple[FilterDoc, ...] = (
    FilterDoc("score", "Điểm, luôn 2 chữ số thập phân, làm tròn nửa lên", "{{ 58.856|score }}"),
    FilterDoc("count", "Số đếm có dấu chấm phân cách hàng nghìn", "{{ 24130|count }}"),
    FilterDoc("percent", "Giá trị đã là phần trăm (0–100), mặc định 1 chữ số thập phân; percent(0) không lấy số lẻ",
              "{{ 44.83|percent }} / {{ 55|percent(0) }}"),
    FilterDoc("share", "Tỷ lệ (0–1) viết thành phần trăm", "{{ 0.44828|share }}"),
    FilterDoc("change", "Độ lớn của mức thay đổi điểm, bỏ dấu, hai chữ số thập phân (dùng sau “tăng”/“giảm”)",
              "{{ -8.10|change }}"),
    FilterDoc("number", "Số với số chữ số thập phân cho trước; number(2, true) bỏ số 0 thừa",
              "{{ 18|number(0) }} / {{ 8.10|number(2, true) }}"),
    FilterDoc("short_date", "Ngày dạng ngắn theo Nghị định 30", "{{ authority.cutoff|short_date }}"),
    FilterDoc("cutoff_time", "Thời điểm lấy số liệu", "{{ authority.cutoff|cutoff_time }}"),
    FilterDoc("lower", "Viết thường", "{{ 'Thành phố'|lower }}", project=False),
    FilterDoc("upper", "Viết hoa", "{{ 'sở, ban, ngành'|upper }}", project=False),
    FilterDoc("length", "Số phần tử của một danh sách", "{{ ['a', 'b', 'c']|length }}", project=False),
    FilterDoc("abs", "Giá trị tuyệt đối", "{{ -1.61|abs|score }}", project=False),
    FilterDoc("selectattr", "Chỉ giữ các phần tử có thuộc tính đúng (thường kèm |list)",
              "{{ [{'missed': [1]}, {'missed': []}]|selectattr('missed')|list|length }}", project=False),
    FilterDoc("list", "Biến kết quả của bộ lọc trước thành danh sách", "{{ 'ab'|list|length }}", project=False),
    FilterDoc("join", "Nối các phần tử bằng chuỗi cho trước", "{{ ['Sở Tư pháp', 'Sở Y tế']|join(', ') }}",
              project=False),
    FilterDoc("default", "Giá trị thay thế khi biến không có", "{{ none|default('—', true) }}", project=False),
)


@lru_cache(maxsize=1)
def filter_names() -> frozenset[str]:
    return frozenset(f.name for f in FILTER_DOCS)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") if text else "—"


def _code(text: str) -> str:
    """Inline code in a table cell: GitHub tables split cells at "|" even inside backticks."""
    return "`" + text.replace("|", "\\|") + "`"


def _variables_table(root: Mapping[str, Member]) -> list[str]:
    lines = ["| Biến | Kiểu | Ý nghĩa | Ví dụ |", "|---|---|---|---|"]
    for entry in entries(root):
        meaning = entry.meaning if entry.same_as is None else f"{entry.meaning}. Các thuộc tính: như `{entry.same_as}`"
        lines.append(f"| `{entry.path}` | {_cell(entry.type_text)} | {_cell(meaning)} | {_cell(entry.example)} |")
    return lines


def catalogue_markdown() -> str:
    """The whole of docs/template-variables.md."""
    out = [
        "# Danh mục biến và bộ lọc của mẫu văn bản",
        "",
        "<!-- Generated from the content model by `congvan templates catalogue --write`; do not edit by hand.",
        "     tests/test_templates_catalogue.py fails when this file differs from the generated one. -->",
        "",
        "Mỗi mẫu văn bản chỉ được dùng các biến liệt kê ở đây (`congvan templates check` kiểm tra điều này).",
        "`rankings[].kind` nghĩa là thuộc tính `kind` của mỗi phần tử trong danh sách `rankings`; trong mẫu viết",
        "`{% for r in rankings %}{{ r.kind.label }}{% endfor %}`. “Như `x`”: cùng kiểu với `x`, xem các thuộc tính",
        "ở đó. Ví dụ lấy từ số liệu Hà Nội tháng 7/2024.",
        "",
        "## Bộ lọc",
        "",
        "Viết sau biến, cách bằng dấu `|`: `{{ authority.total|score }}`. Bộ lọc định dạng số theo cách viết",
        "tiếng Việt (dấu phẩy thập phân, dấu chấm hàng nghìn).",
        "",
        "| Bộ lọc | Ý nghĩa | Cách viết | Kết quả |",
        "|---|---|---|---|",
    ]
    for f in FILTER_DOCS:
        origin = "" if f.project else " (Jinja)"
        out.append(f"| `{f.name}`{origin} | {_cell(f.meaning)} | {_code(f.usage)} | {_cell(f.result)} |")
    for template_id, cls in TEMPLATE_CONTEXTS.items():
        out += ["", f"## Mẫu `{template_id}` ({cls.__name__})", "", cls.__doc__ or "", ""]
        out += _variables_table(members(cls))
    out += ["", "## Quy tắc chỉ đạo: lời văn trong công văn (`text`)", "",
            "Tệp templates/rules/directives.yaml; xem docs/rules.md.", ""]
    out += _variables_table(RULE_TEXT_ROOT)
    out += ["", "## Quy tắc chỉ đạo: lời văn trong thông báo gửi đơn vị (`notice`)", ""]
    out += _variables_table(RULE_NOTICE_ROOT)
    out += ["", "## Quy tắc chỉ đạo về toàn địa phương (`about: authority`): lời văn `text`", ""]
    out += _variables_table(RULE_AUTHORITY_ROOT)
    out += ["", "## Quy tắc chỉ đạo: danh sách ở Phụ lục (`annex_title`, `annex_detail`)", ""]
    out += _variables_table(RULE_DETAIL_ROOT)
    out += ["", "## Quy tắc chỉ đạo: hạn chế chung (`widespread.phrase`)", ""]
    out += _variables_table(RULE_WIDESPREAD_ROOT)
    out += ["", "## Trong vòng lặp `{% for %}`: biến `loop`", "", "| Biến | Ý nghĩa | Ví dụ |", "|---|---|---|"]
    for name, (meaning, example) in LOOP_MEANINGS.items():
        out.append(f"| `loop.{name}` | {_cell(meaning)} | {_cell(example)} |")
    return "\n".join(out) + "\n"


def write_catalogue(path: Path = CATALOGUE_PATH) -> Path:
    path.write_text(catalogue_markdown(), encoding="utf-8")
    return path


def missing_filter_docs() -> tuple[str, ...]:
    """Project filters registered in the environment but not documented here (must be empty)."""
    return tuple(sorted(set(FILTERS) - filter_names()))
