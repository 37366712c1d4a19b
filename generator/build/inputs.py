"""The first step of every build: read, validate and analyse a snapshot; evaluate the directives."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from generator.analysis import SERIES_LENGTH, Analysis, analyse
from generator.common.collector import collector_paused
from generator.config import Profile, check_switches, load_profile, locate_profile
from generator.content import TargetResult, TemplateInfo, find_template, target_results
from generator.directives import Directive, RuleSettings, check_notices, evaluate, load_rules
from generator.snapshot import Snapshot, load_history, load_snapshot

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
    profile_path: Path | None = None  # the profile's file (messages point at it)

    @cached_property
    def target_results(self) -> tuple[TargetResult, ...]:
        """Per target, who misses it and how many report it (once per snapshot, not per notice)."""
        return target_results(self.analysis)

    def check_notices(self, unit_codes: tuple[str, ...] | None = None) -> None:
        """Render every directive's notice for these units (all when None) now, so that a wording
        that fails for one of them is a TemplateError before anything is written (`prepare`
        renders only what the dispatch needs and each directive's first notice)."""
        with collector_paused():  # thousands of small texts and contexts, as in prepare
            check_notices(self.directives, unit_codes)

    @property
    def plan(self) -> str | None:
        """The plan that set the period's targets, as the profile names it."""
        return self.profile.plan_for(self.snapshot.meta.period.year)


def rule_settings(profile: Profile, snapshot: Snapshot) -> RuleSettings:
    """What the profile gives the directive rules for this snapshot's period."""
    return RuleSettings(profile.issuer, profile.plan_for(snapshot.meta.period.year), profile.switched_off())


def prepare(snapshot_path: Path, history_dir: Path | None = None, profile_path: Path | None = None,
            signer: str | None = None) -> Prepared:
    """Read, validate and analyse a snapshot with its history; evaluate the directive rules. `signer` names
    one of the profile's signers (UsageError listing them when it is none of them); None: the default."""
    with collector_paused():  # a large value of small objects, almost without cycles: see collector.py
        return _prepare(snapshot_path, history_dir, profile_path, signer)


def _prepare(snapshot_path: Path, history_dir: Path | None, profile_path: Path | None, signer: str | None) -> Prepared:
    snapshot = load_snapshot(snapshot_path)
    profile_path = profile_path or locate_profile(snapshot.meta)
    profile = load_profile(profile_path).with_signer(signer)
    history = load_history(snapshot, history_dir, periods_back=SERIES_LENGTH - 1)
    targets = profile.targets_for(snapshot.meta.period.year)
    analysis = analyse(snapshot, history.as_mapping(), targets, profile.kind_labels_for(snapshot.meta.period))
    rules_info = find_template(RULES_TEMPLATE)
    rules = load_rules(rules_info.main_file, targets)
    check_switches(profile, profile_path, tuple(r.id for r in rules.rules))
    directives = evaluate(rules, analysis, rule_settings(profile, snapshot), all_notices=False)
    earlier = history.as_mapping()
    return Prepared(snapshot, profile, analysis, rules_info, directives, snapshot.warnings + history.warnings,
                    tuple(earlier[p].sha256 for p in sorted(earlier)), profile_path)
