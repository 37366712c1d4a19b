"""The pipeline, end to end: snapshot → analysis → directives → content. Renderers and files follow.

The CLI and the batch workers call these functions; each stage's value is typed and immutable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.analysis import analyse
from generator.analysis.model import Analysis
from generator.config.profile import Profile, find_profile, load_profile
from generator.content.build import build_document, issue_info
from generator.content.context import DirectiveView, DispatchContext, NoticeContext, target_results
from generator.content.model import Document
from generator.directives import directives_for_unit, evaluate, load_rules
from generator.directives import Directive
from generator.snapshot import load_history, load_snapshot
from generator.snapshot.model import GROUPS, Period, Snapshot
from generator.templating.manifest import TemplateInfo, find_template

DISPATCH_TEMPLATE = "monthly_dispatch"
NOTICE_TEMPLATE = "unit_notice"
RULES_TEMPLATE = "directive_rules"


@dataclass(frozen=True)
class Prepared:
    """Everything computed once per snapshot, shared by the dispatch and every notice."""

    snapshot: Snapshot
    profile: Profile
    analysis: Analysis
    rules: TemplateInfo
    directives: tuple[Directive, ...]
    warnings: tuple[str, ...]
    history_sha256: tuple[str, ...]  # the earlier snapshots the deltas came from


def prepare(snapshot_path: Path, history_dir: Path | None = None, profile_path: Path | None = None) -> Prepared:
    """Read, validate and analyse a snapshot with its history; evaluate the directive rules."""
    snapshot = load_snapshot(snapshot_path)
    profile = load_profile(profile_path) if profile_path else find_profile(snapshot.meta)
    history = load_history(snapshot, history_dir)
    targets = profile.targets_for(snapshot.meta.period.year)
    analysis = analyse(snapshot, history.as_mapping(), targets)
    rules_info = find_template(RULES_TEMPLATE)
    rules = load_rules(rules_info.main_file, targets)
    directives = evaluate(rules, analysis)
    earlier = history.as_mapping()
    return Prepared(snapshot, profile, analysis, rules_info, directives, snapshot.warnings + history.warnings,
                    tuple(earlier[p].sha256 for p in sorted(earlier)))


def _views(directives: tuple[Directive, ...]) -> tuple[DirectiveView, ...]:
    return tuple(DirectiveView(d.rule_id, d.title, d.text, tuple(u.name for u in d.units)) for d in directives)


def dispatch_document(prepared: Prepared, template: TemplateInfo, number: str | None,
                      issue_date: date | None) -> Document:
    """The authority's monthly dispatch."""
    analysis = prepared.analysis
    month = _issue_month(prepared)
    issue = issue_info(prepared.profile, number, issue_date, month)
    context = DispatchContext(
        issuer=prepared.profile.issuer,
        issue=issue,
        period=analysis.authority.period,
        authority=analysis.authority,
        rankings=analysis.by_kind,
        most_overdue=analysis.most_overdue,
        target_results=target_results(analysis),
        directives=_views(prepared.directives),
        unit_count=len(analysis.units),
        groups=GROUPS,
    )
    return build_document(template, context, prepared.profile, issue, issue_date, month)


def notice_document(prepared: Prepared, template: TemplateInfo, unit_code: str, number: str | None,
                    issue_date: date | None) -> Document:
    """One unit's notice: its result and the directives that apply to it."""
    analysis = prepared.analysis
    unit = analysis.unit(unit_code)
    ranking = next(r for r in analysis.by_kind if r.kind == unit.kind)
    month = _issue_month(prepared)
    issue = issue_info(prepared.profile, number, issue_date, month)
    applicable = directives_for_unit(prepared.directives, unit_code)
    views = tuple(DirectiveView(d.rule_id, d.title, d.notice_text_for(unit_code), (unit.name,)) for d in applicable)
    context = NoticeContext(
        issuer=prepared.profile.issuer,
        issue=issue,
        period=analysis.authority.period,
        authority=analysis.authority,
        unit=unit,
        ranking=ranking,
        directives=views,
        groups=GROUPS,
    )
    return build_document(template, context, prepared.profile, issue, issue_date, month)


def _issue_month(prepared: Prepared) -> Period:
    """Without --date, the dispatch is dated in the month the data was read (day left blank)."""
    cutoff = prepared.snapshot.meta.cutoff
    return Period(cutoff.year, cutoff.month)
