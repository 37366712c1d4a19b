"""Loading directive rule files: what is accepted, and every refusal with its exact line."""

from __future__ import annotations

from pathlib import Path

import pytest
from analysis_factories import HA_NOI_TARGETS

from generator.common.errors import ConfigError, Problem
from generator.directives import load_rules
from generator.directives.conditions import AllOf, Comparison, Direction, Ranked, Scope
from generator.snapshot.model import UnitKind

SHIPPED = Path(__file__).resolve().parents[1] / "generator" / "templates" / "rules" / "directives.yaml"

VALID_RULE = """\
  - id: falling
    title: Rà soát giảm điểm
    when: {figure: delta_previous, op: "<", value: 0}
    text: "Đề nghị {{ names }} rà soát."
"""


def write(tmp_path: Path, body: str, header: str = "version: 1\nrules:\n") -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(header + body, encoding="utf-8")
    return path


def line_of(path: Path, marker: str, occurrence: int = 1) -> int:
    """1-based line of the `occurrence`-th line containing `marker`."""
    hits = [n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if marker in text]
    return hits[occurrence - 1]


def refusal(path: Path, targets=None) -> tuple[Problem, ...]:
    with pytest.raises(ConfigError) as caught:
        load_rules(path, targets)
    return caught.value.problems


def only_problem(path: Path, targets=None) -> Problem:
    problems = refusal(path, targets)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_valid_rule_loads_into_typed_values(tmp_path):
    """A minimal rule loads with its id, title, condition and line."""
    path = write(tmp_path, VALID_RULE)
    rules = load_rules(path)
    rule = rules.rule("falling")
    assert rule.title == "Rà soát giảm điểm"
    assert rule.when == Comparison("delta_previous", "<", 0)
    assert rule.line == line_of(path, "- id: falling")
    assert rule.applies_to == () and rule.notice is None and rule.for_each is None


def test_top_defaults_to_kind_scope_and_accepts_all(tmp_path):
    """`top`/`bottom` parse with scope kind by default and scope all on request."""
    path = write(
        tmp_path,
        """\
  - id: ranked
    title: Xếp hạng
    when:
      all:
        - {top: 3, by: overdue}
        - {bottom: 2, by: total, scope: all}
    text: "{{ names }}"
""",
    )
    when = load_rules(path).rule("ranked").when
    assert isinstance(when, AllOf)
    assert when.conditions == (
        Ranked(Direction.TOP, 3, "overdue", Scope.KIND),
        Ranked(Direction.BOTTOM, 2, "total", Scope.ALL),
    )


def test_applies_to_parses_kinds(tmp_path):
    """`applies_to` becomes a tuple of UnitKind."""
    path = write(tmp_path, VALID_RULE + "    applies_to: [huyen, xa]\n")
    assert load_rules(path).rule("falling").applies_to == (UnitKind.HUYEN, UnitKind.XA)


def test_rules_are_sorted_by_order_then_file_position(tmp_path):
    """`order` moves a rule; rules with equal order keep their file order."""
    body = "".join(
        f"  - id: r{i}\n    title: T\n    when: {{figure: total, op: '<', value: 50}}\n    text: x\n{extra}"
        for i, extra in ((1, ""), (2, "    order: -1\n"), (3, ""), (4, "    order: -1\n"))
    )
    assert [r.id for r in load_rules(write(tmp_path, body)).rules] == ["r2", "r4", "r1", "r3"]


def test_unknown_figure_is_refused_with_suggestion_and_line(tmp_path):
    """A misspelt figure names the nearest real one, at the line of `figure:`."""
    path = write(tmp_path, VALID_RULE.replace("delta_previous", "delta_previus"))
    problem = only_problem(path)
    assert problem.row == line_of(path, "delta_previus")
    assert "delta_previus" in problem.message and "có phải “delta_previous”" in problem.message
    assert problem.file == str(path)


def test_unknown_operator_is_refused(tmp_path):
    """An operator outside < <= > >= == != is refused at the line of `op:`."""
    path = write(
        tmp_path,
        """\
  - id: r
    title: T
    when:
      figure: total
      op: "=<"
      value: 50
    text: x
""",
    )
    problem = only_problem(path)
    assert problem.row == line_of(path, 'op: "=<"')
    assert "“=<”" in problem.message


@pytest.mark.parametrize(
    ("figure", "value", "expected"),
    [
        ("total", '"năm mươi"', "cần một số"),
        ("overdue", "2.5", "số nguyên"),
        ("has_data", "1", "true hoặc false"),
        ("overdue_share", "20", "từ 0 đến 1"),
        ("online_payment_rate", "120", "từ 0 đến 100"),
        ("rank", "true", "cần một số"),
    ],
)
def test_value_of_wrong_type_is_refused(tmp_path, figure, value, expected):
    """A value that does not fit the figure's type is refused at the line of `value:`."""
    path = write(
        tmp_path,
        f"""\
  - id: r
    title: T
    when:
      figure: {figure}
      op: "=="
      value: {value}
    text: x
""",
    )
    problem = only_problem(path)
    assert problem.row == line_of(path, "value:")
    assert expected in problem.message


def test_boolean_figure_only_takes_equality(tmp_path):
    """`has_data < true` is refused: a yes/no figure has no order."""
    path = write(tmp_path, VALID_RULE.replace('figure: delta_previous, op: "<", value: 0', 'figure: has_data, op: "<", value: true'))
    problem = only_problem(path)
    assert "== hoặc !=" in problem.message


def test_unknown_rule_key_is_refused_with_suggestion(tmp_path):
    """A misspelt rule key (`notise`) is refused at its own line with the nearest key."""
    path = write(tmp_path, VALID_RULE + "    notise: x\n")
    problem = only_problem(path)
    assert problem.row == line_of(path, "notise:")
    assert "có phải “notice”" in problem.message


@pytest.mark.parametrize("missing", ["id", "title", "when", "text"])
def test_missing_required_key_is_refused_at_rule_line(tmp_path, missing):
    """A rule without id, title, when or text is refused at the line where the rule starts."""
    lines = VALID_RULE.splitlines(keepends=True)
    kept = [line for line in lines if not line.lstrip(" -").startswith(f"{missing}:")]
    if missing == "id":
        kept[0] = "  - " + kept[0].lstrip()
    path = write(tmp_path, "".join(kept))
    problem = only_problem(path)
    assert f"thiếu khóa “{missing}”" in problem.message
    assert problem.row == line_of(path, "- ")


def test_duplicate_id_is_refused_at_second_id_naming_the_first(tmp_path):
    """The second rule with the same id is refused at its line; the message gives the first line."""
    path = write(tmp_path, VALID_RULE + VALID_RULE)
    problem = only_problem(path)
    assert problem.row == line_of(path, "id: falling", 2)
    assert f"dòng {line_of(path, 'id: falling', 1)}" in problem.message


@pytest.mark.parametrize("bad_id", ["Falling", "giảm_điểm", "a-b", "7 x"])
def test_malformed_id_is_refused(tmp_path, bad_id):
    """Ids are [a-z0-9_]+ only."""
    path = write(tmp_path, VALID_RULE.replace("id: falling", f"id: {bad_id}"))
    assert "mã quy tắc" in only_problem(path).message


@pytest.mark.parametrize("form", ["all", "any"])
def test_all_any_must_be_a_list(tmp_path, form):
    """`all:`/`any:` followed by a single mapping instead of a list is refused at its line."""
    path = write(
        tmp_path,
        f"""\
  - id: r
    title: T
    when:
      {form}:
        figure: total
        op: "<"
        value: 50
    text: x
""",
    )
    problem = only_problem(path)
    assert problem.row == line_of(path, f"{form}:")
    assert "danh sách" in problem.message


@pytest.mark.parametrize("count", ["0", "-3", '"3"', "true", "2.5"])
def test_top_bottom_count_must_be_positive_integer(tmp_path, count):
    """`top: 0`, negative, text, true or a fraction are refused at the line of `top:`."""
    path = write(tmp_path, VALID_RULE.replace('{figure: delta_previous, op: "<", value: 0}', f"{{top: {count}, by: overdue}}"))
    problem = only_problem(path)
    assert problem.row == line_of(path, "top:")
    assert "số nguyên dương" in problem.message


def test_top_by_boolean_or_unknown_figure_is_refused(tmp_path):
    """Ranking by a yes/no figure or an unknown one is refused."""
    path = write(
        tmp_path,
        """\
  - id: a
    title: T
    when: {top: 3, by: has_data}
    text: x
  - id: b
    title: T
    when: {bottom: 3, by: totl}
    text: x
""",
    )
    problems = refusal(path)
    assert [p.row for p in problems] == [line_of(path, "has_data"), line_of(path, "totl")]
    assert "có phải “total”" in problems[1].message


def test_jinja_syntax_error_is_refused_at_line_of_text_key(tmp_path):
    """An unclosed Jinja tag in `text` is refused at the line of `text:`, not with a raw exception."""
    path = write(
        tmp_path,
        """\
  - id: r
    title: T
    when: {figure: total, op: "<", value: 50}
    text: >-
      Đề nghị {{ names }}
      {% if units|length > 1 %}các đơn vị rà soát.
""",
    )
    problem = only_problem(path)
    assert problem.row == line_of(path, "text:")
    assert "cú pháp Jinja" in problem.message


def test_unknown_variable_in_text_is_refused(tmp_path):
    """`unit` belongs to notices; a dispatch text using it is refused at load."""
    path = write(tmp_path, VALID_RULE.replace("{{ names }}", "{{ unit.name }}"))
    problem = only_problem(path)
    assert "“unit”" in problem.message and problem.row == line_of(path, "text:")


def test_dunder_access_is_refused_at_load(tmp_path):
    """`{{ unit.__class__ }}` in a notice is refused before anything is rendered."""
    path = write(tmp_path, VALID_RULE + '    notice: "{{ unit.__class__ }}"\n')
    problem = only_problem(path)
    assert "__class__" in problem.message and problem.row == line_of(path, "notice:")


def test_include_is_refused(tmp_path):
    """A rule text may not pull in other template files."""
    path = write(tmp_path, VALID_RULE.replace("Đề nghị {{ names }} rà soát.", "{% include 'x.j2' %}"))
    assert "include" in only_problem(path).message


def test_unknown_kind_in_applies_to_is_refused_at_item_line(tmp_path):
    """An unknown unit kind is refused at the line of that list item, with the nearest kind."""
    path = write(tmp_path, VALID_RULE + "    applies_to:\n      - so_nganh\n      - huyenn\n")
    problem = only_problem(path)
    assert problem.row == line_of(path, "- huyenn")
    assert "có phải “huyen”" in problem.message


def test_misses_current_target_needs_for_each(tmp_path):
    """`misses_current_target` outside a `for_each: target` rule is refused."""
    path = write(tmp_path, VALID_RULE.replace('{figure: delta_previous, op: "<", value: 0}', "{misses_current_target: true}"))
    assert "for_each: target" in only_problem(path).message


def test_misses_target_is_checked_against_given_targets(tmp_path):
    """With targets given, an unknown target id is refused at load with the nearest id."""
    path = write(tmp_path, VALID_RULE.replace('{figure: delta_previous, op: "<", value: 0}', "{misses_target: online_paymnt}"))
    problem = only_problem(path, HA_NOI_TARGETS)
    assert problem.row == line_of(path, "misses_target")
    assert "có phải “online_payment”" in problem.message
    assert load_rules(path).rule("falling") is not None  # without targets the id is checked later


def test_condition_with_two_forms_or_unknown_form_is_refused(tmp_path):
    """A condition mixing forms, or using no known form, is refused."""
    path = write(
        tmp_path,
        """\
  - id: a
    title: T
    when: {figure: total, op: "<", value: 50, top: 3}
    text: x
  - id: b
    title: T
    when: {figur: total}
    text: x
""",
    )
    problems = refusal(path)
    assert "một dạng" in problems[0].message
    assert "có phải “figure”" in problems[1].message and problems[1].row == line_of(path, "figur:")


def test_every_problem_is_reported_at_once(tmp_path):
    """Problems in several rules and keys come back together, in file order."""
    path = write(
        tmp_path,
        """\
  - id: a
    title: T
    when: {figure: totl, op: "<", value: 50}
    text: "{{ names }"
  - id: a
    title: T
    applies_to: [tinh]
    when: {any: []}
    text: x
    extra: 1
""",
    )
    problems = refusal(path)
    assert len(problems) == 6
    assert [p.row for p in problems] == sorted(p.row for p in problems)


def test_top_level_shape_is_checked(tmp_path):
    """A file without a `rules` list, or with a wrong version, is refused."""
    path = write(tmp_path, "", header="version: 2\nrule: []\n")
    messages = " | ".join(p.message for p in refusal(path))
    assert "“rule”" in messages and "phiên bản" in messages and "“rules”" in messages


def test_yaml_syntax_error_is_a_config_error(tmp_path):
    """An unquoted `>=` breaks YAML; the user gets a ConfigError with the line, not a traceback."""
    path = write(tmp_path, VALID_RULE.replace('op: "<"', "op: >="))
    assert refusal(path)[0].row is not None


def test_missing_file_is_a_config_error(tmp_path):
    """A missing rule file is a ConfigError naming the path."""
    with pytest.raises(ConfigError) as caught:
        load_rules(tmp_path / "none.yaml")
    assert "none.yaml" in caught.value.message


def test_shipped_rules_load_with_and_without_targets():
    """The shipped rule file is valid on its own and against Hà Nội's targets."""
    ids = [r.id for r in load_rules(SHIPPED).rules]
    assert ids == ["publication", "most_overdue", "apology", "below_target", "lowest_total", "weak_group",
                   "falling_streak", "falling_total", "missing_data", "control_office", "commendation"]
    assert [r.id for r in load_rules(SHIPPED, HA_NOI_TARGETS).rules] == ids
    assert all(r.notice is not None for r in load_rules(SHIPPED).rules if not r.about_authority)
