"""The documents of a build: the authority's dispatch and one unit's notice, from a Prepared snapshot."""

from __future__ import annotations

from datetime import date

from generator.build.inputs import Prepared
from generator.content import (
    DirectiveView,
    DispatchContext,
    Document,
    NoticeContext,
    TemplateInfo,
    build_document,
    compared_with,
    issue_info,
    unpublished_targets,
)
from generator.directives import Directive, directives_for_unit
from generator.snapshot import GROUPS, Period


def _views(directives: tuple[Directive, ...]) -> tuple[DirectiveView, ...]:
    return tuple(DirectiveView(d.rule_id, d.title, d.text, tuple(u.name for u in d.units), d.annex)
                 for d in directives)


def dispatch_document(prepared: Prepared, template: TemplateInfo, number: str | None,
                      issue_date: date | None) -> Document:
    """The authority's monthly dispatch."""
    analysis = prepared.analysis
    month = _issue_month(prepared)
    issue = issue_info(prepared.profile, number, issue_date, month)
    results = prepared.target_results
    context = DispatchContext(
        issuer=prepared.profile.issuer,
        issue=issue,
        period=analysis.authority.period,
        plan=prepared.plan,
        authority=analysis.authority,
        rankings=analysis.by_kind,
        most_overdue=analysis.most_overdue,
        target_results=results,
        directives=_views(prepared.directives),
        unit_count=len(analysis.units),
        groups=GROUPS,
        charts=prepared.profile.charts,
        score_targets=tuple(prepared.profile.score_target_for(p.year) for p in analysis.window),
        compared_with=compared_with(analysis),
        unpublished_targets=unpublished_targets(results),
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
    views = tuple(DirectiveView(d.rule_id, d.title, d.notice_text_for(unit_code), (unit.name,), ())
                  for d in applicable)
    context = NoticeContext(
        issuer=prepared.profile.issuer,
        issue=issue,
        period=analysis.authority.period,
        plan=prepared.plan,
        authority=analysis.authority,
        unit=unit,
        ranking=ranking,
        directives=views,
        groups=GROUPS,
        charts=prepared.profile.charts,
        unpublished_targets=unpublished_targets(prepared.target_results),
    )
    return build_document(template, context, prepared.profile, issue, issue_date, month)


def _issue_month(prepared: Prepared) -> Period:
    """Without --date, the dispatch is dated in the month the data was read (day left blank)."""
    cutoff = prepared.snapshot.meta.cutoff
    return Period(cutoff.year, cutoff.month)
