"""Templates without limits (issue 14, class 6): rendering has a time and an output budget and no
operation may build a huge value; each refusal names the template and its line (exit 2), and
`templates check` refuses what rendering refuses, without evaluating anything."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.build import dispatch_document, prepare
from generator.common import jinja_env
from generator.common.errors import TemplateError
from generator.common.resources import TEMPLATES_DIR
from generator.content.registry import find_template
from generator.review.check import check_template

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "ha-noi" / "2024-07.xlsx"
DISPATCH = "monthly_dispatch/template.xml.j2"
LINE = 10


@pytest.fixture(scope="module")
def prepared():  # type: ignore[no-untyped-def]
    return prepare(FIXTURE)


@pytest.fixture()
def templates(tmp_path: Path) -> Path:
    root = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, root)
    return root


def with_line(root: Path, text: str) -> Path:
    path = root / DISPATCH
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(LINE - 1, text)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def render_error(root: Path, prepared: object, text: str) -> TemplateError:  # type: ignore[no-untyped-def]
    path = with_line(root, text)
    with pytest.raises(TemplateError) as caught:
        dispatch_document(prepared, find_template("monthly_dispatch", root), None, None)  # type: ignore[arg-type]
    [problem] = caught.value.problems
    assert Path(problem.file).resolve() == path.resolve() and problem.row == LINE, str(problem)
    return caught.value


def check_messages(root: Path, text: str) -> list[str]:
    with_line(root, text)
    return [p.message for p in check_template(find_template("monthly_dispatch", root)).problems
            if p.row == LINE]


@pytest.mark.parametrize(("snippet", "message"), [
    ("{{ 'a' * 10**9 }}", "phép nhân tạo ra giá trị quá lớn (quá 1.000.000 ký tự hoặc phần tử)"),
    ("{{ [1] * 10**7 }}", "phép nhân tạo ra giá trị quá lớn (quá 1.000.000 ký tự hoặc phần tử)"),
    ("{{ 7 ** 100000 }}", "phép lũy thừa tạo ra giá trị quá lớn (quá 1.000.000 ký tự hoặc phần tử)"),
    ("{{ range(10**9)|length }}", "range() có 1.000.000.000 phần tử, quá giới hạn 100.000"),
    ("{{ '%1000000000d' % 1 }}", "không định dạng chuỗi bằng “%” trong mẫu văn bản; hãy dùng bộ lọc"),
    ("{{ '{:>1000000000}'.format(1) }}", "không gọi phương thức “format” trong mẫu văn bản"),
    ("{{ (['abcd'] * 300000)|join('x') }}", "bộ lọc join tạo ra giá trị quá lớn (quá 1.000.000 ký tự hoặc phần tử)"),
])
def test_a_huge_value_is_refused_before_it_is_built(templates: Path, prepared: object, snippet: str,
                                                    message: str) -> None:
    """Each form used to allocate up to gigabytes (or exit 1 with a traceback)."""
    started = time.perf_counter()
    error = render_error(templates, prepared, f"<p>{snippet}</p>")
    assert error.message == "Mẫu văn bản vượt giới hạn khi dựng văn bản"
    assert error.problems[0].message == message
    assert time.perf_counter() - started < 10


def test_nested_loops_stop_at_the_time_budget(templates: Path, prepared: object,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Two nested range(100000) loops (10 milliard turns) stop when the time budget runs out."""
    monkeypatch.setattr(jinja_env, "RENDER_SECONDS", 2.0)
    monkeypatch.setattr(jinja_env.RenderBudget, "__init__", _budget_init(2.0))
    started = time.perf_counter()
    error = render_error(templates, prepared,
                         "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
    assert error.problems[0].message == "mẫu chạy quá 2 giây (vòng lặp quá lớn hoặc không dừng)"
    assert 1.5 < time.perf_counter() - started < 15


def test_loops_over_data_without_output_stop_too(templates: Path, prepared: object,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Seven nested loops over the units that print nothing (no sandbox call at all): the timer stops them."""
    monkeypatch.setattr(jinja_env.RenderBudget, "__init__", _budget_init(2.0))
    loop = "{% set u = rankings[0].ranked %}" + "".join(f"{{% for x{i} in u %}}" for i in range(7)) \
           + "{% endfor %}" * 7
    error = render_error(templates, prepared, loop)
    assert error.problems[0].message == "mẫu chạy quá 2 giây (vòng lặp quá lớn hoặc không dừng)"


def test_output_over_the_budget(templates: Path, prepared: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """A template printing more than the output budget stops where it prints, in bounded memory."""
    monkeypatch.setattr(jinja_env.RenderBudget, "__init__", _budget_init(60.0, output=200_000))
    error = render_error(templates, prepared, "{% for i in range(100000) %}<p>{{ i }} ....</p>{% endfor %}")
    assert error.problems[0].message == "mẫu sinh ra quá 200.000 ký tự"


def test_recursion_is_a_located_template_error(templates: Path, prepared: object) -> None:
    error = render_error(templates, prepared, "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}")
    assert error.message == "Mẫu văn bản gọi lồng nhau quá sâu"
    assert error.problems[0].message == "cụm từ (macro) gọi lại chính nó không dừng"


def test_arithmetic_error_is_a_located_template_error(templates: Path, prepared: object) -> None:
    error = render_error(templates, prepared, "<p>{{ 1 // 0 }}</p>")
    assert error.problems[0].message == "lỗi khi tính trong mẫu: ZeroDivisionError: integer division or modulo by zero"


@pytest.mark.parametrize(("snippet", "render", "check"), [
    ("{{ lipsum(n=100000) }}", "biến không có: “lipsum”", "biến “lipsum”"),
    ("{{ 'x'|attr('upper') }}", "không có bộ lọc “attr”", "không có bộ lọc “attr”"),
    ("{{ 'x'|format(1) }}", "không có bộ lọc “format”", "không có bộ lọc “format”"),
    ("{{ 'x'|center(10**9) }}", "không có bộ lọc “center”", "không có bộ lọc “center”"),
    ("{{ [1, 2]|random }}", "không có bộ lọc “random”", "không có bộ lọc “random”"),
    ("{% include 'common/phrases.xml.j2' %}", "không dùng {% include %}", "không dùng {% include %}"),
    ("{% set x = [] %}{{ x.append(1) }}", "append", "không gọi phương thức “append” trong mẫu văn bản"),
    ("{{ '{0}'.format(1) }}", "không gọi phương thức “format”", "không gọi phương thức “format” trong mẫu văn bản"),
    ("{{ '%s' % 1 }}", "không định dạng chuỗi bằng “%”", "không định dạng chuỗi bằng “%” trong mẫu văn bản"),
])
def test_check_refuses_what_render_refuses(templates: Path, prepared: object, snippet: str, render: str,
                                           check: str, tmp_path: Path) -> None:
    """The forms that passed `templates check` and failed at render (or rendered an include) fail both."""
    checked = tmp_path / "checked"
    shutil.copytree(templates, checked)
    assert any(check in message for message in check_messages(checked, f"<p>{snippet}</p>")), \
        check_messages(checked, f"<p>{snippet}</p>")
    with_line(templates, f"<p>{snippet}</p>")
    with pytest.raises(TemplateError) as caught:
        dispatch_document(prepared, find_template("monthly_dispatch", templates), None, None)  # type: ignore[arg-type]
    assert any(render in p.message for p in caught.value.problems), caught.value.lines()


def test_check_does_not_evaluate_a_huge_constant(templates: Path) -> None:
    """`'a' * 10**9` used to be folded at compile time by `templates check` (858 MB): now it is not,
    shown under an address-space limit far below that."""
    with_line(templates, "<p>{{ 'a' * 10**9 }}</p>")
    code = ("import resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_AS, (600 * 2**20, 600 * 2**20))\n"
            "from generator.content.registry import find_template\n"
            "from generator.review.check import check_template\n"
            f"r = check_template(find_template('monthly_dispatch', __import__('pathlib').Path({str(templates)!r})))\n"
            "print(len(r.problems))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "0"
    assert resource.RLIM_INFINITY  # the limit applied to the child only


def test_cli_exits_2_naming_template_and_line(templates: Path, tmp_path: Path) -> None:
    """End to end: generate with a bad template exits 2 and prints FILE:LINE."""
    path = with_line(templates, "<p>{{ range(10**9)|length }}</p>")
    done = subprocess.run([str(Path(sys.executable).with_name("congvan")), "generate", str(FIXTURE), "--out",
                           str(tmp_path / "out"), "--formats", "docx"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "CONGVAN_TEMPLATES": str(templates)})
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[-2:] == [
        "Lỗi mẫu văn bản: Mẫu văn bản vượt giới hạn khi dựng văn bản",
        f"  {path}:{LINE}: range() có 1.000.000.000 phần tử, quá giới hạn 100.000",
    ]


def _budget_init(seconds: float, output: int = jinja_env.RENDER_OUTPUT_CHARS):  # type: ignore[no-untyped-def]
    def init(self: jinja_env.RenderBudget, seconds: float = seconds, output_chars: int = output,
             deadline: float = 0.0, spent: bool = False) -> None:
        self.seconds, self.output_chars, self.deadline, self.spent = seconds, output_chars, deadline, spent
    return init
