"""Stage 3: directive rules as data (a YAML rule file reviewed like a template).

load_rules() validates a rule file once; evaluate() decides, for one analysis, which units are
told to do what and renders the wording. Conditions are a small closed grammar over FIGURES."""
from __future__ import annotations

from generator.directives.conditions import Condition
from generator.directives.describe import describe_condition, describe_rule
from generator.directives.evaluate import (
    AnnexList,
    Directive,
    Item,
    NoticeTexts,
    RuleSettings,
    UnitItem,
    UnitNotice,
    WidespreadProblem,
    check_notices,
    directives_for_unit,
    evaluate,
    join_names,
)
from generator.directives.figures import AUTHORITY_FIGURES, FIGURES, GROUP_LOOP_FIGURES, Figure, FigureType
from generator.directives.loader import Rule, RuleSet, load_rules
from generator.directives.texts import RuleText

__all__ = [
    "AUTHORITY_FIGURES",
    "FIGURES",
    "GROUP_LOOP_FIGURES",
    "AnnexList",
    "Condition",
    "Directive",
    "Figure",
    "FigureType",
    "Item",
    "NoticeTexts",
    "Rule",
    "RuleSet",
    "RuleSettings",
    "RuleText",
    "UnitItem",
    "UnitNotice",
    "WidespreadProblem",
    "check_notices",
    "describe_condition",
    "describe_rule",
    "directives_for_unit",
    "evaluate",
    "join_names",
    "load_rules",
]
