"""Stage 2: pure analysis of a snapshot and its history (ranks, deltas, shares, targets)."""
from __future__ import annotations

from generator.analysis.compute import analyse
from generator.analysis.model import Analysis, AuthorityAnalysis, Delta, KindRanking, Target, TargetCheck, UnitAnalysis

__all__ = [
    "Analysis",
    "AuthorityAnalysis",
    "Delta",
    "KindRanking",
    "Target",
    "TargetCheck",
    "UnitAnalysis",
    "analyse",
]
