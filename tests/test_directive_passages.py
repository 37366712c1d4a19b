"""Directive passages a reviewer signs: one passage per loop, names or an annex list, widespread
problems handed to the authority, rules about the authority, and what the profile switches off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from analysis_factories import HA_NOI_TARGETS, analysis_of, unit_analysis

from generator.common.errors import ConfigError
from generator.config import Issuer
from generator.directives import RuleSettings, evaluate, load_rules

ISSUER = Issuer(issuing_body=("ỦY BAN NHÂN DÂN", "TỈNH THỬ"), self_name="Ủy ban nhân dân tỉnh",
                short_name="UBND tỉnh", area_term="Tỉnh", place="Thử", symbol="UBND-KSTTHC", drafting_unit="KSTTHC")


def rules(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text("version: 1\nrules:\n" + body, encoding="utf-8")
    return path


def text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


# Units: A misses two targets and has a weak "Công khai, minh bạch"; B misses one; C misses none.
def units():  # type: ignore[no-untyped-def]
    return [
        unit_analysis("A", "Sở A", groups=[4, 20, 12, 10, 18, 22], overdue=10,
                      rates={"online_payment_rate": 30, "digitization_rate": 80}, targets=HA_NOI_TARGETS),
        unit_analysis("B", "Sở B", groups=[5, 20, 12, 10, 18, 22], overdue=0,
                      rates={"online_payment_rate": 40, "digitization_rate": 100}, targets=HA_NOI_TARGETS),
        unit_analysis("C", "Sở C", groups=[17, 20, 12, 4, 18, 22], overdue=2,
                      rates={"online_payment_rate": 90, "digitization_rate": 100}, targets=HA_NOI_TARGETS),
    ]


def test_a_combined_loop_is_one_passage_with_its_items(tmp_path) -> None:
    """for_each: target with combine: one directive listing each missed target once, with its units."""
    path = rules(tmp_path, f"""\
  - id: below
    title: T
    for_each: target
    combine: true
    when: {{misses_current_target: true}}
    text: {text("{% for item in items %}{{ item.target.id }}: {{ item.names }} ({{ item.count }}/{{ item.considered }}); {% endfor %}")}
    notice: {text("{% for item in items %}{{ item.target.id }} {{ item.check.actual|percent }}; {% endfor %}")}
""")
    analysis = analysis_of(units(), targets=HA_NOI_TARGETS)
    directives = evaluate(load_rules(path, HA_NOI_TARGETS), analysis)
    assert [d.id for d in directives] == ["below"]
    below = directives[0]
    assert below.text == "online_payment: Sở B và Sở A (2/3); digitization: Sở A (1/3);"
    assert below.notice_text_for("A") == "online_payment 30,0%; digitization 80,0%;"
    assert below.notice_text_for("B") == "online_payment 40,0%;"


def test_a_group_loop_reads_the_group_at_hand(tmp_path) -> None:
    """for_each: group with current_group_share: each group under half its maximum, its units named."""
    path = rules(tmp_path, f"""\
  - id: weak
    title: T
    for_each: group
    combine: true
    when: {{figure: current_group_share, op: "<", value: 0.5}}
    text: {text("{% for item in items %}{{ item.group.code }}: {{ item.names }}. {% endfor %}")}
    notice: {text("{% for item in items %}{{ item.group.code }} {{ item.score|score }} {{ item.share|share }}{% endfor %}")}
""")
    directives = evaluate(load_rules(path), analysis_of(units()))
    assert directives[0].text == "ckmb: Sở B và Sở A. tttt: Sở C."
    assert directives[0].notice_text_for("C") == "tttt 4,00 40,0%"


def test_more_units_than_annex_over_go_to_an_annex_list(tmp_path) -> None:
    """Above annex_over units an item is annexed: the text says so and the directive carries the list."""
    path = rules(tmp_path, f"""\
  - id: weak
    title: T
    for_each: group
    combine: true
    when: {{figure: current_group_share, op: "<", value: 0.5}}
    annex_over: 1
    annex_title: {text("Nhóm “{{ item.group.label }}”")}
    annex_column: Điểm
    annex_detail: {text("{{ score|score }}/{{ item.group.max_score|number(0) }}")}
    text: {text("{% for item in items %}{% if item.annexed %}{{ item.count }} đơn vị (Phụ lục){% else %}{{ item.names }}{% endif %}; {% endfor %}")}
""")
    directive = evaluate(load_rules(path), analysis_of(units()))[0]
    assert directive.text == "2 đơn vị (Phụ lục); Sở C;"
    assert len(directive.annex) == 1
    listed = directive.annex[0]
    assert (listed.title, listed.column) == ("Nhóm “Công khai, minh bạch”", "Điểm")
    assert listed.rows == (("Sở B", "5,00/18"), ("Sở A", "4,00/18"))  # by rank


def test_a_widespread_problem_is_handed_to_the_authority_rule(tmp_path) -> None:
    """An item matching every unit it looks at leaves the unit passage and reaches `widespread`."""
    path = rules(tmp_path, f"""\
  - id: weak
    title: T
    for_each: group
    combine: true
    when: {{figure: current_group_share, op: "<", value: 0.95}}
    widespread:
      share: 0.9
      phrase: {text("{% for item in items %}{{ item.group.code }} {{ item.count }}/{{ item.considered }}{% endfor %}")}
    text: {text("{% for item in items %}{{ item.group.code }}: {{ item.names }}{% endfor %}")}
  - id: office
    title: T
    about: authority
    when: {{figure: widespread_count, op: ">", value: 0}}
    text: {text("{{ issuer.control_office }}: {% for w in widespread %}{{ w.rule_id }} {{ w.phrase }}{% endfor %}")}
""")
    directives = evaluate(load_rules(path), analysis_of(units()), RuleSettings(issuer=ISSUER))
    by_id = {d.id: d for d in directives}
    assert by_id["weak"].text == "tttt: Sở C"  # "Công khai, minh bạch" under 95% everywhere: not a unit's problem
    assert not any(d.concerns("A") and d.rule_id == "weak" for d in directives)
    assert by_id["office"].text == "Văn phòng UBND tỉnh: weak ckmb 3/3"
    assert by_id["office"].units == ()


def test_authority_rules_take_authority_figures_and_always(tmp_path) -> None:
    """about: authority rules hold on the analysis as a whole; their condition cannot name unit forms."""
    path = rules(tmp_path, f"""\
  - id: ckmb_low
    title: T
    about: authority
    when: {{figure: overdue_total, op: ">", value: 5}}
    text: {text("{{ issuer.head_title }} / {{ plan }}")}
  - id: always
    title: T
    about: authority
    when: {{always: true}}
    text: Luôn có.
""")
    settings = RuleSettings(issuer=ISSUER, plan="Kế hoạch số 1/KH-UBND")
    directives = evaluate(load_rules(path), analysis_of(units()), settings)
    assert [d.text for d in directives] == ["Chủ tịch UBND tỉnh / Kế hoạch số 1/KH-UBND", "Luôn có."]
    assert evaluate(load_rules(path), analysis_of(units()[1:]), settings)[0].text == "Luôn có."  # 2 overdue: not > 5


def test_authority_rules_refuse_what_concerns_units(tmp_path) -> None:
    """A unit form, a unit figure or a unit-only key in an authority rule is refused at its line."""
    path = rules(tmp_path, """\
  - id: wrong
    title: T
    about: authority
    applies_to: [so_nganh]
    when: {bottom: 3, by: total}
    text: x
  - id: wrong_figure
    title: T
    about: authority
    when: {figure: total, op: ">", value: 1}
    text: x
""")
    with pytest.raises(ConfigError) as error:
        load_rules(path)
    messages = [str(p) for p in error.value.problems]
    assert any(":6:" in m and "applies_to" in m for m in messages)
    assert any(":7:" in m and "bottom" in m for m in messages)
    assert any(":12:" in m and "chỉ số của từng đơn vị" in m for m in messages)


def test_a_switched_off_rule_gives_no_directive(tmp_path) -> None:
    """RuleSettings.switched_off (from the profile's directives:) skips the rule."""
    path = rules(tmp_path, f"  - id: any_overdue\n    title: T\n    when: {{figure: overdue, op: \">\", value: 0}}\n"
                           f"    text: {text('{{ names }}')}\n")
    assert [d.id for d in evaluate(load_rules(path), analysis_of(units()))] == ["any_overdue"]
    assert evaluate(load_rules(path), analysis_of(units()), RuleSettings(switched_off=frozenset({"any_overdue"}))) == ()


def test_the_shipped_rules_name_whose_authority(tmp_path) -> None:
    """The shipped rule file names the control office and the plan from the settings, never a bare title."""
    shipped = Path(__file__).resolve().parents[1] / "generator" / "templates" / "rules" / "directives.yaml"
    settings = RuleSettings(issuer=ISSUER, plan="Kế hoạch số 9/KH-UBND")
    directives = evaluate(load_rules(shipped, HA_NOI_TARGETS), analysis_of(units(), targets=HA_NOI_TARGETS), settings)
    texts = " ".join(d.text for d in directives)
    assert "Kế hoạch số 9/KH-UBND" in texts
    assert "Văn phòng UBND tỉnh" in texts and "Chủ tịch UBND tỉnh" in texts
    assert "trước Chủ tịch Ủy ban nhân dân về" not in texts
