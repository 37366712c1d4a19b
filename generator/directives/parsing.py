"""Turn the `when:` of a rule (plain YAML data) into a Condition, collecting every problem.

The grammar is small and closed: a mapping with exactly one form key. Nothing in it is evaluated
as code. Messages are Vietnamese and located at the line of the offending key.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.common.errors import Problem
from generator.common.yamlfile import KeyPath, YamlDocument
from generator.directives.conditions import (
    OPERATORS,
    AllOf,
    Always,
    AnyOf,
    Comparison,
    Condition,
    Direction,
    MissesAnyTarget,
    MissesCurrentTarget,
    MissesTarget,
    Not,
    Ranked,
    Scope,
)
from generator.directives.figures import (
    AUTHORITY_FIGURES,
    FIGURES,
    GROUP_CODES,
    GROUP_LOOP_FIGURES,
    AuthorityFigure,
    Figure,
    FigureType,
    LoopFigure,
)

AnyFigure = Figure | LoopFigure | AuthorityFigure

# Each form: its own key, and the other keys it accepts.
FORMS: dict[str, frozenset[str]] = {
    "figure": frozenset({"figure", "op", "value"}),
    "all": frozenset({"all"}),
    "any": frozenset({"any"}),
    "not": frozenset({"not"}),
    "top": frozenset({"top", "by", "scope"}),
    "bottom": frozenset({"bottom", "by", "scope"}),
    "misses_target": frozenset({"misses_target"}),
    "misses_any_target": frozenset({"misses_any_target"}),
    "misses_current_target": frozenset({"misses_current_target"}),
    "always": frozenset({"always"}),
}
# Forms that look at one unit: not in a rule about the authority as a whole.
UNIT_FORMS = frozenset({"top", "bottom", "misses_target", "misses_any_target", "misses_current_target"})


@dataclass(frozen=True)
class RuleKind:
    """What a condition may name: the loop of its rule ("target", "group" or None) and whether the
    rule is about the authority as a whole (authority figures only) or about each unit."""

    loop: str | None = None
    authority: bool = False


def suggestion(word: str, choices: Collection[str]) -> str:
    """` (có phải “x”?)` for the nearest choice, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (có phải “{close[0]}”?)" if close else ""


@dataclass
class ConditionParser:
    """Parses conditions of one rule file; problems accumulate in `problems`."""

    doc: YamlDocument
    problems: list[Problem]
    target_ids: Sequence[str] | None  # configured targets, when known at load time

    def parse(self, data: Any, path: KeyPath, where: str, kind: RuleKind) -> Condition | None:
        """The condition at `path` of the document, or None after recording problems."""
        line = self.doc.line_of(path)
        if not isinstance(data, dict) or not data:
            self._fail(
                path, f"{where}: điều kiện phải là một bảng khóa (ví dụ {{figure: total, op: \"<\", value: 50}})"
            )
            return None
        forms = [key for key in data if key in FORMS]
        if not forms:
            key = next(iter(data))
            self._fail(
                path + (key,),
                f"{where}: không rõ dạng điều kiện “{key}”{suggestion(str(key), FORMS)}; "
                f"dùng một trong: {', '.join(FORMS)}",
            )
            return None
        if len(forms) > 1:
            self._fail(
                path + (forms[1],),
                f"{where}: một điều kiện chỉ có một dạng, ở đây có {', '.join(forms)}; "
                "gộp nhiều điều kiện bằng all hoặc any",
            )
            return None
        form = forms[0]
        extra = [key for key in data if key not in FORMS[form]]
        for key in extra:
            self._fail(
                path + (key,),
                f"{where}: điều kiện dạng “{form}” không có khóa “{key}”{suggestion(str(key), FORMS[form])}; "
                f"các khóa hợp lệ: {', '.join(sorted(FORMS[form]))}",
            )
        if extra:
            return None
        if kind.authority and form in UNIT_FORMS:
            self._fail(path + (form,), f"{where}: quy tắc về toàn địa phương (about: authority) không dùng “{form}”; "
                                       "chỉ dùng figure (các chỉ số của địa phương), all, any, not, always")
            return None
        if form == "always":
            if data[form] is not True:
                self._fail(path + (form,), f"{where}: “always” chỉ nhận giá trị true")
                return None
            return Always(line)
        if form == "figure":
            return self._comparison(data, path, where, line, kind)
        if form in ("all", "any"):
            return self._combination(form, data[form], path + (form,), where, kind, line)
        if form == "not":
            inner = self.parse(data["not"], path + ("not",), where, kind)
            return Not(inner, line) if inner is not None else None
        if form in ("top", "bottom"):
            return self._ranked(Direction(form), data, path, where, line, kind)
        if form == "misses_target":
            return self._misses_target(data["misses_target"], path + ("misses_target",), where, line)
        if form == "misses_any_target":
            if data[form] is not True:
                self._fail(path + (form,), f"{where}: “misses_any_target” chỉ nhận giá trị true (phủ định bằng not)")
                return None
            return MissesAnyTarget(line)
        if data[form] is not True:
            self._fail(path + (form,), f"{where}: “misses_current_target” chỉ nhận giá trị true (phủ định bằng not)")
            return None
        if kind.loop != "target":
            self._fail(
                path + (form,),
                f"{where}: “misses_current_target” chỉ dùng trong quy tắc có “for_each: target”",
            )
            return None
        return MissesCurrentTarget(line)

    def _fail(self, path: KeyPath, message: str) -> None:
        self.problems.append(self.doc.problem(path, message))

    def _figure(self, name: Any, path: KeyPath, where: str, kind: RuleKind) -> AnyFigure | None:
        known: dict[str, AnyFigure] = dict(AUTHORITY_FIGURES)
        if not kind.authority:
            known.update(FIGURES)
            if kind.loop == "group":
                known.update(GROUP_LOOP_FIGURES)
        if not isinstance(name, str) or name not in known:
            close = difflib.get_close_matches(str(name), list(known), n=1, cutoff=0.6)
            hint = f" (có phải “{close[0]}”: {known[close[0]].meaning}?)" if close else ""
            if isinstance(name, str) and name in GROUP_LOOP_FIGURES:
                hint = " (chỉ dùng trong quy tắc có “for_each: group”)"
            elif isinstance(name, str) and name in FIGURES:
                hint = " (là chỉ số của từng đơn vị; quy tắc about: authority chỉ dùng chỉ số của địa phương)"
            self._fail(path, f"{where}: chỉ số “{name}” không có{hint}; danh sách chỉ số xem docs/rules.md")
            return None
        return known[name]

    def _comparison(self, data: dict[Any, Any], path: KeyPath, where: str, line: int,
                    kind: RuleKind) -> Condition | None:
        figure = self._figure(data["figure"], path + ("figure",), where, kind)
        ok = figure is not None
        op = data.get("op")
        if "op" not in data:
            self._fail(path, f"{where}: thiếu khóa “op” (một trong {' '.join(OPERATORS)})")
            ok = False
        elif op not in OPERATORS:
            self._fail(
                path + ("op",),
                f"{where}: phép so sánh “{op}” không hợp lệ; "
                f"dùng một trong {' '.join(OPERATORS)} (đặt trong ngoặc kép)",
            )
            ok = False
        elif figure is not None and figure.type is FigureType.BOOLEAN and op not in ("==", "!="):
            self._fail(path + ("op",), f"{where}: chỉ số “{figure.name}” là đúng/sai, chỉ so sánh bằng == hoặc !=")
            ok = False
        elif figure is not None and figure.type is FigureType.GROUP and op not in ("==", "!="):
            self._fail(path + ("op",),
                       f"{where}: chỉ số “{figure.name}” là một nhóm chỉ số, chỉ so sánh bằng == hoặc !=")
            ok = False
        if "value" not in data:
            self._fail(path, f"{where}: thiếu khóa “value”")
            return None
        value = self._value(figure, data["value"], path + ("value",), where) if figure is not None else None
        if not ok or value is None:
            return None
        assert figure is not None and isinstance(op, str)
        return Comparison(figure.name, op, value, line)

    def _value(self, figure: AnyFigure, raw: Any, path: KeyPath, where: str) -> Decimal | int | bool | str | None:
        kind = figure.type
        if kind is FigureType.GROUP:
            if isinstance(raw, str) and raw in GROUP_CODES:
                return raw
            self._fail(path, f"{where}: chỉ số “{figure.name}” cần mã nhóm chỉ số ({', '.join(GROUP_CODES)}), "
                             f"không phải “{raw}”{suggestion(str(raw), GROUP_CODES)}")
            return None
        if kind is FigureType.BOOLEAN:
            if isinstance(raw, bool):
                return raw
            self._fail(path, f"{where}: chỉ số “{figure.name}” cần giá trị true hoặc false, không phải “{raw}”")
            return None
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            self._fail(path, f"{where}: chỉ số “{figure.name}” cần một số, không phải “{raw}”")
            return None
        if kind is FigureType.INTEGER:
            if not isinstance(raw, int):
                self._fail(path, f"{where}: chỉ số “{figure.name}” cần một số nguyên, không phải “{raw}”")
                return None
            return raw
        value = Decimal(str(raw))
        if kind is FigureType.SHARE and not 0 <= value <= 1:
            self._fail(
                path,
                f"{where}: chỉ số “{figure.name}” là tỷ lệ từ 0 đến 1 (viết 0.2 cho 20%), không phải “{raw}”",
            )
            return None
        if kind is FigureType.PERCENT and not 0 <= value <= 100:
            self._fail(path, f"{where}: chỉ số “{figure.name}” là phần trăm từ 0 đến 100, không phải “{raw}”")
            return None
        return value

    def _combination(
        self, form: str, items: Any, path: KeyPath, where: str, kind: RuleKind, line: int
    ) -> Condition | None:
        if not isinstance(items, list) or not items:
            self._fail(path, f"{where}: “{form}” cần một danh sách điều kiện (mỗi dòng bắt đầu bằng “- ”)")
            return None
        parsed = [self.parse(item, path + (i,), where, kind) for i, item in enumerate(items)]
        if any(p is None for p in parsed):
            return None
        children = tuple(p for p in parsed if p is not None)
        return AllOf(children, line) if form == "all" else AnyOf(children, line)

    def _ranked(
        self, direction: Direction, data: dict[Any, Any], path: KeyPath, where: str, line: int, kind: RuleKind
    ) -> Condition | None:
        form = direction.value
        count = data[form]
        ok = True
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            self._fail(path + (form,), f"{where}: “{form}” cần một số nguyên dương, không phải “{count}”")
            ok = False
        figure: Figure | None = None
        if "by" not in data:
            self._fail(path, f"{where}: “{form}” cần khóa “by” (xếp theo chỉ số nào)")
            ok = False
        else:
            found = self._figure(data["by"], path + ("by",), where, RuleKind())
            if found is None:
                ok = False
            elif not isinstance(found, Figure):
                self._fail(path + ("by",),
                           f"{where}: chỉ xếp hạng được theo chỉ số của từng đơn vị, không theo “{found.name}”")
                ok = False
            elif found.type in (FigureType.BOOLEAN, FigureType.GROUP):
                self._fail(path + ("by",), f"{where}: không xếp hạng được theo chỉ số đúng/sai “{found.name}”")
                ok = False
            else:
                figure = found
        scope = data.get("scope", Scope.KIND.value)
        if scope not in {s.value for s in Scope}:
            self._fail(
                path + ("scope",),
                f"{where}: “scope” là kind (cùng loại đơn vị) hoặc all (tất cả), không phải “{scope}”",
            )
            ok = False
        if not ok or figure is None:
            return None
        return Ranked(direction, count, figure.name, Scope(scope), line)

    def _misses_target(self, target_id: Any, path: KeyPath, where: str, line: int) -> Condition | None:
        if not isinstance(target_id, str) or not target_id:
            self._fail(path, f"{where}: “misses_target” cần mã chỉ tiêu (ví dụ online_payment)")
            return None
        if self.target_ids is not None and target_id not in self.target_ids:
            known = ", ".join(self.target_ids) or "(chưa cấu hình chỉ tiêu nào)"
            self._fail(
                path,
                f"{where}: chỉ tiêu “{target_id}” không có trong cấu hình{suggestion(target_id, self.target_ids)}; "
                f"các chỉ tiêu: {known}",
            )
            return None
        return MissesTarget(target_id, line)
