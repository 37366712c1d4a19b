"""Stage 3: directive rules as data (a YAML rule file reviewed like a template).

load_rules() validates a rule file once; evaluate() decides, for one analysis, which units are
told to do what and renders the wording. Conditions are a small closed grammar over FIGURES."""
from __future__ import annotations

from generator.directives.conditions import Condition
from generator.directives.describe import describe_condition, describe_rule
from generator.directives.evaluate import Directive, UnitNotice, directives_for_unit, evaluate, join_names
from generator.directives.figures import FIGURES, Figure, FigureType
from generator.directives.loader import Rule, RuleSet, load_rules

__all__ = [
    "FIGURES",
    "Condition",
    "Directive",
    "Figure",
    "FigureType",
    "Rule",
    "RuleSet",
    "UnitNotice",
    "describe_condition",
    "describe_rule",
    "directives_for_unit",
    "evaluate",
    "join_names",
    "load_rules",
]
