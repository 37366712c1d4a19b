"""The first step of every build: read, validate and analyse a snapshot; evaluate the directives."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.analysis import SERIES_LENGTH, Analysis, analyse
from generator.config import Profile, find_profile, load_profile
from generator.content import TemplateInfo, find_template
from generator.directives import Directive, evaluate, load_rules
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


def prepare(snapshot_path: Path, history_dir: Path | None = None, profile_path: Path | None = None) -> Prepared:
    """Read, validate and analyse a snapshot with its history; evaluate the directive rules."""
    snapshot = load_snapshot(snapshot_path)
    profile = load_profile(profile_path) if profile_path else find_profile(snapshot.meta)
    history = load_history(snapshot, history_dir, periods_back=SERIES_LENGTH - 1)
    targets = profile.targets_for(snapshot.meta.period.year)
    analysis = analyse(snapshot, history.as_mapping(), targets, profile.kind_labels_for(snapshot.meta.period))
    rules_info = find_template(RULES_TEMPLATE)
    rules = load_rules(rules_info.main_file, targets)
    directives = evaluate(rules, analysis)
    earlier = history.as_mapping()
    return Prepared(snapshot, profile, analysis, rules_info, directives, snapshot.warnings + history.warnings,
                    tuple(earlier[p].sha256 for p in sorted(earlier)))
