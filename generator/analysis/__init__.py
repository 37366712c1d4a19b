"""Stage 2: pure analysis of a snapshot and its history (ranks, deltas, shares, targets)."""
from __future__ import annotations

from generator.analysis.compute import analyse
from generator.analysis.model import (
                                      Analysis,
                                      AuthorityAnalysis,
                                      Delta,
                                      KindRanking,
                                      PeriodTotal,
                                      Series,
                                      SeriesPoint,
                                      Target,
                                      TargetCheck,
                                      UnitAnalysis,
)
from generator.analysis.ranked_view import RankedTable, authority_line, ranked_tables, signed
from generator.analysis.series import SERIES_LENGTH, TREND_LONG, TREND_SHORT, series_window

__all__ = [
                                      "SERIES_LENGTH",
                                      "TREND_LONG",
                                      "TREND_SHORT",
                                      "Analysis",
                                      "AuthorityAnalysis",
                                      "Delta",
                                      "KindRanking",
                                      "PeriodTotal",
                                      "RankedTable",
                                      "Series",
                                      "SeriesPoint",
                                      "Target",
                                      "TargetCheck",
                                      "UnitAnalysis",
                                      "analyse",
                                      "authority_line",
                                      "ranked_tables",
                                      "series_window",
                                      "signed",
]
