"""Load a directive rule file (YAML): validate everything, report every problem at once.

File shape (docs/rules.md has the full reference):

    version: 1
    rules:
      - id: most_overdue
        title: Xử lý dứt điểm hồ sơ quá hạn
        about: authority                   # optional: one passage about the authority as a whole
        applies_to: [so_nganh, huyen]      # optional
        for_each: target                   # optional: target or group
        combine: true                      # optional: the loop's matches make one passage (`items`)
        order: 10                          # optional
        when: {figure: holds_most_overdue, op: "==", value: true}
        text: "..."                        # Jinja, monthly dispatch
        notice: "..."                      # Jinja, per-unit notice (optional)
        annex_over: 8                      # optional: more units than this are listed in the annex
        annex_title: "..."                 # Jinja, title of that list (required with annex_over)
        annex_column: "..."                # heading of the list's detail column (optional)
        annex_detail: "..."                # Jinja, one unit's detail (optional)
        widespread: {share: 0.9, phrase: "..."}   # optional: a problem of (nearly) every unit
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.analysis import Target
from generator.common.errors import ConfigError, Problem
from generator.common.yamlfile import KeyPath, YamlDocument, load_yaml
from generator.directives.conditions import Condition, MissesTarget, walk
from generator.directives.parsing import ConditionParser, RuleKind, suggestion
from generator.directives.texts import RuleText, compile_text
from generator.snapshot import UnitKind

RULE_KEYS = ("id", "title", "about", "applies_to", "for_each", "combine", "order", "when", "text", "notice",
             "annex_over", "annex_title", "annex_column", "annex_detail", "widespread")
REQUIRED_KEYS = ("id", "title", "when", "text")
FILE_KEYS = ("version", "rules")
FORMAT_VERSION = 1
FOR_EACH_CHOICES = ("target", "group")
ABOUT_CHOICES = ("units", "authority")
WIDESPREAD_KEYS = ("share", "phrase")
# Keys a rule about the authority as a whole cannot have: it concerns no unit.
UNIT_ONLY_KEYS = ("applies_to", "for_each", "combine", "notice", "annex_over", "annex_title", "annex_column",
                  "annex_detail", "widespread")
_ID = re.compile(r"[a-z0-9_]+")

# What each snippet may name; `target` / `check` only exist in `for_each: target` rules, `group`
# (and a notice's `score`, `share`) in `for_each: group` rules; a combined loop names `items`.
SHARED_NAMES = frozenset({"analysis", "targets", "issuer", "plan"})
TEXT_NAMES = SHARED_NAMES | {"units", "names", "items", "annexed"}
NOTICE_NAMES = SHARED_NAMES | {"unit", "items"}
TARGET_LOOP_NAMES = frozenset({"target"})
NOTICE_TARGET_LOOP_NAMES = frozenset({"target", "check"})
GROUP_LOOP_NAMES = frozenset({"group"})
NOTICE_GROUP_LOOP_NAMES = frozenset({"group", "score", "share"})
AUTHORITY_NAMES = SHARED_NAMES | {"widespread"}
ITEM_NAMES = frozenset({"item", "analysis", "issuer"})  # annex_title
DETAIL_NAMES = ITEM_NAMES | {"unit", "check", "score", "share"}  # annex_detail: one unit of one item
WIDESPREAD_NAMES = frozenset({"items", "analysis", "issuer"})  # widespread.phrase: the rule's widespread items


@dataclass(frozen=True)
class Widespread:
    """When a rule's matches cover nearly every unit it looks at, they are one shared problem."""

    share: Decimal  # matched / looked-at units from which the problem is widespread (0-1)
    phrase: RuleText  # how an authority rule names it, rendered per item


@dataclass(frozen=True)
class AnnexSpec:
    """How a rule lists its units in the annex when there are more than `over`."""

    over: int
    title: RuleText
    column: str
    detail: RuleText | None


@dataclass(frozen=True)
class Rule:
    """One validated rule."""

    id: str
    title: str
    when: Condition
    text: RuleText
    notice: RuleText | None  # None: the notice is `text` rendered for the one unit
    applies_to: tuple[UnitKind, ...]  # empty: every kind
    for_each: str | None  # "target" or "group": evaluated once per configured target / per group
    order: int
    line: int
    about_authority: bool = False  # one passage about the authority as a whole, no unit
    combine: bool = False  # a loop's matches make one directive rendered with `items`
    annex: AnnexSpec | None = None
    widespread: Widespread | None = None

    def applies(self, kind: UnitKind) -> bool:
        """Whether units of `kind` are considered by this rule at all."""
        return not self.applies_to or kind in self.applies_to

    def target_lines(self) -> tuple[tuple[str, int], ...]:
        """(target id, line) for every `misses_target` anywhere in the condition."""
        return tuple((c.target_id, c.line) for c in walk(self.when) if isinstance(c, MissesTarget))


@dataclass(frozen=True)
class RuleSet:
    """A loaded rule file: rules in evaluation order (by `order`, then file order)."""

    path: Path
    rules: tuple[Rule, ...]

    def rule(self, rule_id: str) -> Rule:
        """The rule with `rule_id` (KeyError when none)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def load_rules(path: Path | str, targets: Sequence[Target] | None = None) -> RuleSet:
    """Read and validate a rule file; `targets` (when given) also checks `misses_target` ids.

    Raises ConfigError listing every problem with its line.
    """
    doc = load_yaml(Path(path), "tệp quy tắc chỉ đạo")
    problems: list[Problem] = []
    target_ids = tuple(t.id for t in targets) if targets is not None else None
    items = _rule_items(doc, problems)
    parser = ConditionParser(doc, problems, target_ids)
    rules: list[Rule] = []
    first_line_of: dict[str, int] = {}
    for index, item in enumerate(items):
        rule = _rule(doc, parser, item, index, problems, first_line_of)
        if rule is not None:
            rules.append(rule)
    if problems:
        in_file_order = sorted(problems, key=lambda p: p.row if isinstance(p.row, int) else 0)
        raise ConfigError(f"Tệp quy tắc chỉ đạo {doc.path} có {len(problems)} lỗi", tuple(in_file_order))
    ordered = sorted(enumerate(rules), key=lambda pair: (pair[1].order, pair[0]))
    return RuleSet(doc.path, tuple(rule for _, rule in ordered))


def _rule_items(doc: YamlDocument, problems: list[Problem]) -> list[Any]:
    data = doc.data
    if not isinstance(data, dict):
        problems.append(doc.problem((), "tệp quy tắc phải là một bảng khóa có mục “rules”"))
        return []
    for key in data:
        if key not in FILE_KEYS:
            problems.append(doc.problem(
                (key,),
                f"khóa “{key}” không hợp lệ ở đầu tệp{suggestion(str(key), FILE_KEYS)}; dùng: {', '.join(FILE_KEYS)}",
            ))
    if "version" in data and data["version"] != FORMAT_VERSION:
        problems.append(doc.problem(
            ("version",), f"phiên bản “{data['version']}” không được hỗ trợ; dùng version: {FORMAT_VERSION}"
        ))
    rules = data.get("rules")
    if not isinstance(rules, list) or not rules:
        problems.append(doc.problem(
            ("rules",), "mục “rules” phải là danh sách quy tắc (mỗi quy tắc bắt đầu bằng “- id: ...”)"
        ))
        return []
    return rules


def _rule(
    doc: YamlDocument,
    parser: ConditionParser,
    item: Any,
    index: int,
    problems: list[Problem],
    first_line_of: dict[str, int],
) -> Rule | None:
    """Validate the rule at position `index` (0-based) of the file's `rules` list."""
    path: KeyPath = ("rules", index)
    line = doc.line_of(path)
    if not isinstance(item, dict):
        problems.append(doc.problem(path, "mỗi quy tắc phải là một bảng khóa (id, title, when, text ...)"))
        return None
    before = len(problems)
    rule_id = item.get("id")
    where = f"quy tắc “{rule_id}”" if isinstance(rule_id, str) else f"quy tắc thứ {index + 1}"
    for key in item:
        if key not in RULE_KEYS:
            problems.append(
                doc.problem(
                    path + (key,),
                    f"{where}: khóa “{key}” không hợp lệ{suggestion(str(key), RULE_KEYS)}; "
                    f"dùng: {', '.join(RULE_KEYS)}",
                )
            )
    for key in REQUIRED_KEYS:
        if key not in item:
            problems.append(doc.problem(path, f"{where}: thiếu khóa “{key}”"))
    if "id" in item:
        _check_id(doc, item["id"], path + ("id",), problems, first_line_of)
    title = item.get("title")
    if "title" in item and (not isinstance(title, str) or not title.strip()):
        problems.append(doc.problem(path + ("title",), f"{where}: “title” phải là một dòng chữ ngắn"))
    about = item.get("about", "units")
    authority = about == "authority"
    if about not in ABOUT_CHOICES:
        problems.append(doc.problem(path + ("about",), f"{where}: “about” chỉ nhận: {', '.join(ABOUT_CHOICES)}"))
    if authority:
        for key in UNIT_ONLY_KEYS:
            if key in item:
                problems.append(doc.problem(path + (key,), f"{where}: quy tắc về toàn địa phương (about: authority) "
                                                           f"không nêu đơn vị nào, không dùng “{key}”"))
    applies_to = (
        _applies_to(doc, item.get("applies_to"), path + ("applies_to",), where, problems)
        if "applies_to" in item
        else ()
    )
    for_each = item.get("for_each")
    if "for_each" in item and for_each not in FOR_EACH_CHOICES:
        problems.append(
            doc.problem(path + ("for_each",), f"{where}: “for_each” chỉ nhận: {', '.join(FOR_EACH_CHOICES)}")
        )
    combine = item.get("combine", False)
    if not isinstance(combine, bool):
        problems.append(doc.problem(path + ("combine",), f"{where}: “combine” là true hoặc false"))
    elif combine and "for_each" not in item:
        problems.append(doc.problem(path + ("combine",), f"{where}: “combine” chỉ dùng cùng “for_each”"))
    order = item.get("order", 0)
    if isinstance(order, bool) or not isinstance(order, int):
        problems.append(doc.problem(path + ("order",), f"{where}: “order” phải là số nguyên"))
    loop = for_each if for_each in FOR_EACH_CHOICES else None
    kind = RuleKind(loop=loop, authority=authority)
    when = parser.parse(item["when"], path + ("when",), where, kind) if "when" in item else None
    looped = loop is not None and not combine
    notice_names: frozenset[str] = frozenset()
    if authority:
        text_names = AUTHORITY_NAMES
    else:
        text_names = TEXT_NAMES | (TARGET_LOOP_NAMES if looped and loop == "target" else frozenset()) | (
            GROUP_LOOP_NAMES if looped and loop == "group" else frozenset())
        notice_names = NOTICE_NAMES | (NOTICE_TARGET_LOOP_NAMES if looped and loop == "target" else frozenset()) | (
            NOTICE_GROUP_LOOP_NAMES if looped and loop == "group" else frozenset())
    text = _text(doc, item, "text", path, where, text_names, problems)
    notice = _text(doc, item, "notice", path, where, notice_names, problems) if not authority else None
    annex = _annex(doc, item, path, where, problems) if not authority else None
    widespread = _widespread(doc, item, path, where, problems) if not authority else None
    if len(problems) > before or when is None or text is None:
        return None
    assert isinstance(rule_id, str) and isinstance(title, str) and isinstance(order, int)
    return Rule(rule_id, title.strip(), when, text, notice, applies_to, loop, order, line,
                about_authority=authority, combine=bool(combine), annex=annex, widespread=widespread)


def _annex(doc: YamlDocument, item: dict[Any, Any], path: KeyPath, where: str,
           problems: list[Problem]) -> AnnexSpec | None:
    keys = [k for k in ("annex_title", "annex_column", "annex_detail") if k in item]
    if "annex_over" not in item:
        for key in keys:
            problems.append(doc.problem(path + (key,), f"{where}: “{key}” chỉ dùng cùng “annex_over”"))
        return None
    over = item["annex_over"]
    if isinstance(over, bool) or not isinstance(over, int) or over < 1:
        problems.append(doc.problem(path + ("annex_over",), f"{where}: “annex_over” là một số nguyên dương"))
        return None
    if "annex_title" not in item:
        problems.append(doc.problem(path + ("annex_over",), f"{where}: thiếu “annex_title” (tên danh sách ở Phụ lục)"))
        return None
    column = item.get("annex_column", "")
    if not isinstance(column, str):
        problems.append(doc.problem(path + ("annex_column",), f"{where}: “annex_column” là một dòng chữ"))
        return None
    title = _text(doc, item, "annex_title", path, where, ITEM_NAMES, problems)
    detail = _text(doc, item, "annex_detail", path, where, DETAIL_NAMES, problems)
    if title is None:
        return None
    return AnnexSpec(over, title, column.strip(), detail)


def _widespread(doc: YamlDocument, item: dict[Any, Any], path: KeyPath, where: str,
                problems: list[Problem]) -> Widespread | None:
    if "widespread" not in item:
        return None
    value = item["widespread"]
    key_path = path + ("widespread",)
    if not isinstance(value, dict) or set(value) != set(WIDESPREAD_KEYS):
        problems.append(doc.problem(key_path, f"{where}: “widespread” cần đúng hai khóa: share (0–1) và phrase"))
        return None
    share = value["share"]
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1:
        problems.append(doc.problem(key_path + ("share",), f"{where}: “widespread.share” là tỷ lệ trên 0 đến 1, "
                                                           f"không phải “{share}”"))
        return None
    phrase = _text(doc, value, "phrase", key_path, where, WIDESPREAD_NAMES, problems)
    return Widespread(Decimal(str(share)), phrase) if phrase is not None else None


def _check_id(
    doc: YamlDocument, rule_id: Any, path: KeyPath, problems: list[Problem], first_line_of: dict[str, int]
) -> None:
    line = doc.line_of(path)
    if not isinstance(rule_id, str) or not _ID.fullmatch(rule_id):
        problems.append(
            doc.problem(path, f"mã quy tắc “{rule_id}” chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới")
        )
    elif rule_id in first_line_of:
        problems.append(
            doc.problem(path, f"mã quy tắc “{rule_id}” bị trùng (đã dùng ở dòng {first_line_of[rule_id]})")
        )
    else:
        first_line_of[rule_id] = line


def _applies_to(
    doc: YamlDocument, value: Any, path: KeyPath, where: str, problems: list[Problem]
) -> tuple[UnitKind, ...]:
    kinds = [k.value for k in UnitKind]
    if not isinstance(value, list) or not value:
        problems.append(
            doc.problem(path, f"{where}: “applies_to” là danh sách loại đơn vị, ví dụ [{', '.join(kinds)}]")
        )
        return ()
    result: list[UnitKind] = []
    for index, kind in enumerate(value):
        if kind in kinds:
            result.append(UnitKind(kind))
        else:
            problems.append(
                doc.problem(
                    path + (index,),
                    f"{where}: loại đơn vị “{kind}” không có{suggestion(str(kind), kinds)}; dùng: {', '.join(kinds)}",
                )
            )
    return tuple(result)


def _text(
    doc: YamlDocument,
    item: dict[Any, Any],
    key: str,
    path: KeyPath,
    where: str,
    allowed: frozenset[str],
    problems: list[Problem],
) -> RuleText | None:
    if key not in item:
        return None
    compiled, found = compile_text(item[key], key, doc.line_of(path + (key,)), allowed, where, str(doc.path))
    problems.extend(found)
    return compiled
