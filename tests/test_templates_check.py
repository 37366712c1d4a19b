"""`congvan templates check`: static checks of templates and rule files, FILE:LINE: message, exit 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import generator.content.registry as manifest_module
from generator.cli import main
from generator.common.resources import TEMPLATES_DIR
from generator.content.registry import all_templates, find_template
from generator.review.check import check_template

DISPATCH = "monthly_dispatch/template.xml.j2"
PHRASES = "common/phrases.xml.j2"


@pytest.fixture()
def templates(tmp_path: Path) -> Path:
    """A copy of the project's templates; the real folder is never touched."""
    root = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, root)
    return root


def insert_line(root: Path, relative: str, line_number: int, text: str) -> None:
    """Put `text` on line `line_number` (1-based) of a template file."""
    path = root / relative
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(line_number - 1, text)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def problems_of(root: Path, template_id: str = "monthly_dispatch") -> list[str]:
    return [str(p) for p in check_template(find_template(template_id, root)).problems]


def test_shipped_templates_and_rules_pass() -> None:
    """Every template and rule file in templates/ passes the check."""
    results = {info.id: check_template(info) for info in all_templates()}
    assert {k: [str(p) for p in r.problems] for k, r in results.items()} == {k: [] for k in results}
    assert set(results) == {"monthly_dispatch", "unit_notice", "directive_rules"}


def test_misspelt_attribute_is_reported_with_file_line_and_suggestion(templates: Path) -> None:
    """`authority.totl` → FILE:LINE: … (có phải “authority.total”?)."""
    insert_line(templates, DISPATCH, 10, "<p>{{ authority.totl|score }}</p>")
    [problem] = problems_of(templates)
    assert problem.startswith(f"{templates / DISPATCH}:10: ")
    assert "“authority.totl”" in problem and "(có phải “authority.total”?)" in problem


def test_unknown_top_level_name_is_reported(templates: Path) -> None:
    """A name the template's context does not have is reported, with the nearest one."""
    insert_line(templates, DISPATCH, 10, "<p>{{ autority.total }}</p>")
    [problem] = problems_of(templates)
    assert ":10: biến “autority”" in problem and "có phải “authority”" in problem


def test_name_of_the_other_template_kind_is_unknown(templates: Path) -> None:
    """`unit` exists in the notice, not in the dispatch: the dispatch may not use it."""
    insert_line(templates, DISPATCH, 10, "<p>{{ unit.name }}</p>")
    assert any("biến “unit”" in p for p in problems_of(templates))
    assert problems_of(templates, "unit_notice") == []


def test_attribute_after_a_loop_variable_is_checked(templates: Path) -> None:
    """Loop variables take the type of the list: `r.kind.lable` is caught, `loop.lst` too."""
    insert_line(templates, DISPATCH, 10, "{% for r in rankings %}<p>{{ r.kind.lable }}{{ loop.lst }}</p>{% endfor %}")
    problems = problems_of(templates)
    assert any("“r.kind.lable”" in p and "có phải “r.kind.label”" in p for p in problems)
    assert any("“loop.lst”" in p and "có phải “loop.last”" in p for p in problems)


def test_list_used_as_an_object_is_explained(templates: Path) -> None:
    """`rankings.kind` says rankings is a list and to use a loop."""
    insert_line(templates, DISPATCH, 10, "<p>{{ rankings.kind }}</p>")
    [problem] = problems_of(templates)
    assert "danh sách" in problem and "{% for %}" in problem


def test_macro_parameters_loop_and_set_variables_are_not_flagged(templates: Path) -> None:
    """Names a template binds itself (macro parameters, loop and set variables, namespaces) are fine."""
    insert_line(templates, PHRASES, 2, "{% macro extra(anything, more) %}{% set n = namespace(k=0) %}"
                                       "{% for x in anything %}{% set n.k = n.k + 1 %}{{ x.whatever }}{{ more.z }}"
                                       "{% endfor %}{{ n.k }}{% endmacro %}")
    insert_line(templates, DISPATCH, 10, "{% set picked = target_results|selectattr('missed')|list %}"
                                         "{% for r in picked %}<p>{{ r.target.label }}</p>{% endfor %}")
    assert problems_of(templates) == []


def test_context_variable_inside_an_imported_macro_is_flagged(templates: Path) -> None:
    """Imported files see no context: a macro reaching `authority` directly is reported in its own file."""
    insert_line(templates, PHRASES, 2, "{% macro bad() %}{{ authority.total }}{% endmacro %}")
    problems = problems_of(templates)
    assert any(p.startswith(f"{templates / PHRASES}:2: biến “authority”") for p in problems)


def test_unknown_macro_is_reported_with_suggestion(templates: Path) -> None:
    """`phrases.deltas_in_bracket(...)` names the macros the shared file has."""
    insert_line(templates, DISPATCH, 10, "<p>{{ phrases.deltas_in_bracket(authority) }}</p>")
    [problem] = problems_of(templates)
    assert "có phải “phrases.deltas_in_brackets”" in problem


@pytest.mark.parametrize("snippet", ["{{ period.__class__ }}", "{{ issuer.__init__.__globals__ }}"])
def test_python_internals_are_reported(templates: Path, snippet: str) -> None:
    """Attributes starting with "_" are refused before anything renders."""
    insert_line(templates, DISPATCH, 10, f"<p>{snippet}</p>")
    problems = problems_of(templates)
    assert problems and "phần nội bộ của Python" in problems[0] and ":10:" in problems[0]


def test_unknown_filter_and_syntax_error_are_reported(templates: Path) -> None:
    """Compile-time problems: an unknown filter, then a broken tag, each with its line."""
    insert_line(templates, DISPATCH, 10, "<p>{{ authority.total|scor }}</p>")
    assert problems_of(templates) == [f"{templates / DISPATCH}:10: không có bộ lọc “scor” (xem docs/template-variables.md)"]
    insert_line(templates, DISPATCH, 12, "{% if %}")
    [problem] = problems_of(templates)
    assert problem.startswith(f"{templates / DISPATCH}:12: lỗi cú pháp")


def test_broken_rule_file_reports_load_rules_problems(templates: Path) -> None:
    """A rule naming an unknown figure is reported as load_rules reports it, with its line."""
    path = templates / "rules" / "directives.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("figure: holds_most_overdue", "figure: holds_most_overdu"),
                    encoding="utf-8")
    problems = problems_of(templates, "directive_rules")
    assert len(problems) == 1 and "holds_most_overdu" in problems[0] and "directives.yaml:" in problems[0]


def test_cli_check_prints_ok_lines_and_exits_zero(capsys) -> None:
    """`congvan templates check` prints one Vietnamese OK line per template and exits 0."""
    assert main(["templates", "check"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and all(line.startswith("Đạt: ") and "không có lỗi" in line for line in out)


def test_cli_check_exits_two_listing_file_line_problems(templates: Path, monkeypatch, capsys) -> None:
    """With a problem, exit 2 and one `FILE:LINE: message` line per problem on stderr."""
    monkeypatch.setattr(manifest_module, "TEMPLATES_ROOT", templates)
    insert_line(templates, DISPATCH, 10, "<p>{{ authority.totl }}{{ issuer.self_nam }}</p>")
    assert main(["templates", "check", "monthly_dispatch"]) == 2
    err = capsys.readouterr().err
    assert "Có 2 lỗi trong mẫu monthly_dispatch" in err
    assert f"{templates / DISPATCH}:10: biến “authority.totl”" in err
    assert "có phải “issuer.self_name”" in err
