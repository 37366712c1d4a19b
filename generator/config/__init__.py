"""Configuration files (issuer profiles) and the YAML reading they share with rule files."""
from __future__ import annotations

from generator.config.profile import (
    ChartSwitches,
    Issuer,
    Profile,
    check_switches,
    find_profile,
    load_profile,
    locate_profile,
)
from generator.config.unit_kinds import kind_labels

__all__ = [
    "ChartSwitches",
    "Issuer",
    "Profile",
    "check_switches",
    "find_profile",
    "kind_labels",
    "load_profile",
    "locate_profile",
]
