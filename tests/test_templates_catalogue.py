"""The variable catalogue: generated from the content model, complete, and committed up to date."""

from __future__ import annotations

from decimal import Decimal

from generator.analysis.model import UnitAnalysis
from generator.cli import main
from generator.common.jinja_env import FILTERS
from generator.content.context import DispatchContext, NoticeContext
from generator.review.catalogue import (
    NO_MEANING,
    RULE_NOTICE_ROOT,
    RULE_TEXT_ROOT,
    TEMPLATE_CONTEXTS,
    TypeRef,
    entries,
    members,
    reachable_classes,
    type_ref,
    type_text,
)
from generator.review.catalogue_doc import CATALOGUE_PATH, FILTER_DOCS, catalogue_markdown, missing_filter_docs
from generator.snapshot.model import Group


def _entry(root, path):
    return next(e for e in entries(root) if e.path == path)


def test_committed_catalogue_matches_the_generated_one() -> None:
    """docs/template-variables.md is exactly what `congvan templates catalogue --write` produces today."""
    assert CATALOGUE_PATH.read_text(encoding="utf-8") == catalogue_markdown(), \
        "run: congvan templates catalogue --write"


def test_every_reachable_attribute_has_a_vietnamese_meaning() -> None:
    """No attribute a template can reach is left without a meaning (a new model field fails here)."""
    missing = [f"{cls.__name__}.{name}" for cls in reachable_classes()
               for name, member in members(cls).items() if member.meaning == NO_MEANING or not member.meaning]
    assert missing == []


def test_every_reachable_attribute_has_an_example() -> None:
    """Every attribute comes with an example value for the reviewer."""
    missing = [f"{cls.__name__}.{name}" for cls in reachable_classes()
               for name, member in members(cls).items() if not member.example]
    assert missing == []


def test_authority_total_entry_has_type_meaning_and_example() -> None:
    """`authority.total` is listed as a decimal with its Vietnamese meaning and the Hà Nội example."""
    entry = _entry(members(DispatchContext), "authority.total")
    assert (entry.type_text, entry.meaning, entry.example) == ("số thập phân", "Tổng điểm của địa phương", "58,86")


def test_properties_are_in_the_catalogue() -> None:
    """Useful properties (unit name, kind label, missed targets, period label) are listed like fields."""
    paths = {e.path for e in entries(members(NoticeContext))}
    for path in ("unit.name", "unit.code", "unit.kind.label", "unit.missed_targets", "period.label",
                 "authority.weakest_group.shortfall", "unit.targets[].missed", "unit.targets[].gap"):
        assert path in paths, path


def test_issuer_meanings_come_from_the_profile_field_descriptions() -> None:
    """Issuer (pydantic) fields take meaning and example from their Field description."""
    entry = _entry(members(DispatchContext), "issuer.short_name")
    assert entry.meaning == "Tên viết gọn dùng trong phụ lục"
    assert entry.example == "UBND Thành phố"


def test_a_repeated_type_is_expanded_once_and_referred_to_after() -> None:
    """UnitAnalysis is expanded at `most_overdue`; the ranking lists refer to it instead of repeating it."""
    root = members(DispatchContext)
    assert _entry(root, "rankings[].ranked").same_as == "most_overdue"
    assert not any(e.path.startswith("rankings[].ranked[].") for e in entries(root))
    assert _entry(root, "most_overdue.name").same_as is None


def test_type_refs_follow_optionals_and_sequences() -> None:
    """`UnitAnalysis | None` is an optional object, `tuple[Group, ...]` a list of groups."""
    optional = type_ref(UnitAnalysis | None)
    assert (optional.kind, optional.cls, optional.optional) == ("object", UnitAnalysis, True)
    groups = type_ref(tuple[Group, ...])
    assert groups.kind == "sequence" and groups.item == TypeRef("object", Group)
    assert type_text(type_ref(Decimal | None)) == "số thập phân, có thể trống"


def test_rule_snippet_roots_match_what_the_rule_loader_allows() -> None:
    """The rule text and notice variables documented are the names docs/rules.md allows."""
    from generator.directives.loader import (
        AUTHORITY_NAMES,
        DETAIL_NAMES,
        GROUP_LOOP_NAMES,
        NOTICE_GROUP_LOOP_NAMES,
        NOTICE_NAMES,
        NOTICE_TARGET_LOOP_NAMES,
        TARGET_LOOP_NAMES,
        TEXT_NAMES,
        WIDESPREAD_NAMES,
    )
    from generator.review.catalogue import RULE_AUTHORITY_ROOT, RULE_DETAIL_ROOT, RULE_WIDESPREAD_ROOT

    assert set(RULE_TEXT_ROOT) == TEXT_NAMES | TARGET_LOOP_NAMES | GROUP_LOOP_NAMES
    assert set(RULE_NOTICE_ROOT) == NOTICE_NAMES | NOTICE_TARGET_LOOP_NAMES | NOTICE_GROUP_LOOP_NAMES
    assert set(RULE_AUTHORITY_ROOT) == AUTHORITY_NAMES
    assert set(RULE_DETAIL_ROOT) == DETAIL_NAMES
    assert set(RULE_WIDESPREAD_ROOT) == WIDESPREAD_NAMES


def test_every_project_filter_is_documented_with_a_rendered_example() -> None:
    """Each filter the environment registers is in the catalogue, its example rendered by the sandbox."""
    assert missing_filter_docs() == ()
    results = {f.name: f.result for f in FILTER_DOCS}
    assert set(FILTERS) <= set(results)
    assert results["score"] == "58,86"
    assert results["count"] == "24.130"
    assert results["cutoff_time"] == "10h00 ngày 02/8/2024"


def test_catalogue_has_a_section_per_template_kind() -> None:
    """The generated page has one variables table per document template and per rule snippet kind."""
    text = catalogue_markdown()
    for template_id in TEMPLATE_CONTEXTS:
        assert f"## Mẫu `{template_id}`" in text
    assert "(`text`)" in text and "(`notice`)" in text
    assert "| `loop.last` |" in text


def test_catalogue_check_command_passes_on_the_committed_file(capsys) -> None:
    """`congvan templates catalogue --check` exits 0 while the committed file is current."""
    assert main(["templates", "catalogue", "--check"]) == 0
    assert "khớp" in capsys.readouterr().out
