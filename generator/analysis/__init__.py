"""Stage 2: pure analysis of a snapshot and its history (ranks, deltas, shares, targets)."""

from generator.analysis.compute import analyse

__all__ = ["analyse"]
