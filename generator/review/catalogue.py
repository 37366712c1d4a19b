"""The one catalogue of what a template may use: variables (from the content model) and filters.

Walked from the context dataclasses a template receives (generator/content/context.py) and,
recursively, from every type their fields name. Meanings come from the fields' own metadata
(`vi`, `example`), from pydantic Field descriptions (issuer profile), and for the analysis and
snapshot models from `meanings.MEANINGS`. `congvan templates check` resolves names against it,
the review pack explains them with it, and docs/template-variables.md is generated from it.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel

from generator.analysis import Analysis, Target, TargetCheck, UnitAnalysis
from generator.config import Issuer
from generator.content import DispatchContext, NoticeContext
from generator.directives import Item, Rule, RuleText, UnitItem, WidespreadProblem
from generator.review.meanings import CLASS_NOUNS, ISSUER_EXAMPLES, MEANINGS
from generator.snapshot import Group

Kind = Literal["scalar", "object", "sequence", "mapping", "any"]
SCALARS = (Decimal, int, float, str, bool, datetime, date)
SCALAR_WORDS = {Decimal: "số thập phân", int: "số nguyên", float: "số", str: "chữ", bool: "có/không",
                datetime: "ngày giờ", date: "ngày"}
NO_MEANING = "(chưa có mô tả)"

# Which context each document template receives (the pipeline builds these values).
TEMPLATE_CONTEXTS: dict[str, type] = {"monthly_dispatch": DispatchContext, "unit_notice": NoticeContext}


@dataclass(frozen=True)
class TypeRef:
    """What a template sees at a name: a scalar, an object, a list of something, or unknown."""

    kind: Kind
    cls: type | None = None
    item: TypeRef | None = None  # element of a sequence, value of a mapping
    optional: bool = False

    @property
    def class_name(self) -> str:
        return self.cls.__name__ if self.cls is not None else ""

    def required(self) -> TypeRef:
        return dataclasses.replace(self, optional=False)


ANY = TypeRef("any")


@dataclass(frozen=True)
class Member:
    """One name a template may write after a dot (or at the top): its type, meaning and an example."""

    name: str
    owner: str  # the class it belongs to ("" for top-level variables of synthetic roots)
    type: TypeRef
    meaning: str
    example: str


@dataclass(frozen=True)
class Entry:
    """One line of the catalogue: `authority.total`, số thập phân, Tổng điểm của địa phương, 58,86."""

    path: str
    type_text: str
    meaning: str
    example: str
    same_as: str | None = None  # a type already listed at this path: its attributes are there


def type_ref(annotation: Any) -> TypeRef:
    """The TypeRef of a resolved annotation (`UnitAnalysis | None`, `tuple[Group, ...]`, ...)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        parts = [a for a in typing.get_args(annotation) if a is not type(None)]
        inner = type_ref(parts[0]) if len(parts) == 1 else ANY
        return dataclasses.replace(inner, optional=True)
    if origin in (tuple, list, frozenset, set):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        return TypeRef("sequence", item=type_ref(args[0]) if args else ANY)
    if origin in (dict, Mapping):
        key_value = typing.get_args(annotation)
        return TypeRef("mapping", item=type_ref(key_value[1]) if len(key_value) == 2 else ANY)
    if isinstance(annotation, type):
        if (
            issubclass(annotation, enum.Enum)
            or dataclasses.is_dataclass(annotation)
            or issubclass(annotation, BaseModel)
        ):
            return TypeRef("object", annotation)
        if issubclass(annotation, SCALARS):
            return TypeRef("scalar", annotation)
    return ANY


@cache
def members(cls: type) -> Mapping[str, Member]:
    """The attributes of `cls` a template may use, in declaration order, properties after fields."""
    found: dict[str, Member] = {}
    if issubclass(cls, BaseModel):
        for name, info in cls.model_fields.items():
            meaning, example = _split_description(info.description or "", f"{cls.__name__}.{name}")
            found[name] = Member(name, cls.__name__, type_ref(info.annotation), meaning, example)
    elif dataclasses.is_dataclass(cls):
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            meaning, example = _meaning(cls, f.name, f.metadata)
            found[f.name] = Member(f.name, cls.__name__, type_ref(hints[f.name]), meaning, example)
    elif issubclass(cls, enum.Enum):
        meaning, example = _meaning(cls, "value", {})
        found["value"] = Member("value", cls.__name__, TypeRef("scalar", str), meaning, example)
    for name, prop in _properties(cls):
        hints = typing.get_type_hints(prop.fget)
        meaning, example = _meaning(cls, name, {})
        found[name] = Member(name, cls.__name__, type_ref(hints.get("return")), meaning, example)
    return found


def members_of(t: TypeRef) -> Mapping[str, Member]:
    """Attributes reachable after a dot on a value of type `t` (none for scalars, lists, unknowns)."""
    return members(t.cls) if t.kind == "object" and t.cls is not None else {}


def _properties(cls: type) -> list[tuple[str, property]]:
    props: dict[str, property] = {}
    for klass in reversed(cls.__mro__):
        if klass.__module__.startswith("generator."):
            props.update((n, v) for n, v in vars(klass).items() if isinstance(v, property) and not n.startswith("_"))
    return list(props.items())


def _meaning(cls: type, name: str, metadata: Mapping[str, Any]) -> tuple[str, str]:
    if "vi" in metadata:
        return str(metadata["vi"]), str(metadata.get("example", ""))
    return MEANINGS.get(f"{cls.__name__}.{name}", (NO_MEANING, ""))


_EXAMPLE = re.compile(r",?\s*ví dụ\s+(.*)$")


def _split_description(description: str, key: str) -> tuple[str, str]:
    """“Tên viết gọn ..., ví dụ “UBND Thành phố”” → (meaning, example)."""
    found = _EXAMPLE.search(description)
    if not found:
        return (description or NO_MEANING), ISSUER_EXAMPLES.get(key, "")
    example = found.group(1).split(" hoặc ")[0].strip().strip("“”\"")
    return description[: found.start()].strip(), example


# ---------- roots: what a template or a rule snippet sees at the top ----------


def _synthetic(name: str, annotation: Any, meaning: str, example: str) -> Member:
    return Member(name, "", type_ref(annotation), meaning, example)


_RULE_SHARED = (
    _synthetic("analysis", Analysis, "Toàn bộ kết quả phân tích của kỳ", "UBND Thành phố Hà Nội, 7/2024"),
    _synthetic("targets", dict[str, Target], "Các chỉ tiêu, tra theo mã chỉ tiêu", "targets.online_payment"),
    _synthetic("issuer", Issuer, "Cơ quan ban hành (từ hồ sơ cơ quan)", "Ủy ban nhân dân Thành phố"),
    _synthetic("plan", str | None, "Văn bản đặt ra chỉ tiêu của năm (từ hồ sơ cơ quan; có thể không có)",
               "Kế hoạch cải cách hành chính năm 2024 của UBND Thành phố"),
)
_TARGET = _synthetic("target", Target, "Chỉ tiêu đang xét (chỉ trong quy tắc có for_each: target, không có combine)",
                     "Tỷ lệ thanh toán trực tuyến ≥ 55%")
_GROUP = _synthetic("group", Group, "Nhóm chỉ số đang xét (chỉ trong quy tắc có for_each: group, không có combine)",
                    "Công khai, minh bạch")
RULE_TEXT_ROOT: dict[str, Member] = {m.name: m for m in (
    _synthetic("units", tuple[UnitAnalysis, ...], "Các đơn vị thỏa điều kiện của quy tắc", "Sở Tư pháp"),
    _synthetic("names", str, "Tên các đơn vị thỏa điều kiện, nối bằng dấu phẩy và “và”",
               "Sở Du lịch, Sở Công Thương và UBND huyện Gia Lâm"),
    _synthetic("items", tuple[Item, ...],
               "Từng chỉ tiêu hoặc nhóm chỉ số đã xét và các đơn vị thỏa điều kiện (quy tắc có for_each; quy tắc "
               "khác: một mục)", "Tỷ lệ thanh toán: 24 đơn vị"),
    _synthetic("annexed", bool, "Có danh sách đơn vị lập tại Phụ lục thay vì nêu tên (annex_over)", "đúng"),
    *_RULE_SHARED, _TARGET, _GROUP,
)}
RULE_NOTICE_ROOT: dict[str, Member] = {m.name: m for m in (
    _synthetic("unit", UnitAnalysis, "Đơn vị nhận thông báo", "Sở Tư pháp"),
    _synthetic("items", tuple[UnitItem, ...], "Các chỉ tiêu, nhóm chỉ số của quy tắc mà đơn vị thỏa điều kiện",
               "Tỷ lệ số hóa hồ sơ: 42,4%"),
    *_RULE_SHARED, _TARGET, _GROUP,
    _synthetic("check", TargetCheck, "Kết quả của đơn vị với chỉ tiêu đang xét (chỉ trong quy tắc có for_each: target)",
               "42,4% so với tối thiểu 100%"),
    _synthetic("score", Decimal | None, "Điểm của đơn vị ở nhóm chỉ số đang xét (chỉ trong quy tắc có for_each: group)",
               "8,24"),
    _synthetic("share", Decimal | None, "Tỷ lệ điểm đó so với điểm tối đa (chỉ trong quy tắc có for_each: group)",
               "45,8%"),
)}
_ITEM = _synthetic("item", Item, "Chỉ tiêu hoặc nhóm chỉ số đang xét và các đơn vị thỏa điều kiện",
                   "Công khai, minh bạch: 28 đơn vị")
_ANALYSIS_ISSUER = tuple(m for m in _RULE_SHARED if m.name in ("analysis", "issuer"))
RULE_ITEM_ROOT: dict[str, Member] = {m.name: m for m in (_ITEM, *_ANALYSIS_ISSUER)}
RULE_DETAIL_ROOT: dict[str, Member] = {m.name: m for m in (
    _ITEM, *_ANALYSIS_ISSUER,
    _synthetic("unit", UnitAnalysis, "Đơn vị của dòng danh sách", "Ban Dân tộc"),
    _synthetic("check", TargetCheck | None, "Kết quả của đơn vị với chỉ tiêu đang xét (quy tắc for_each: target)",
               "42,4% so với 100%"),
    _synthetic("score", Decimal | None, "Điểm của đơn vị ở nhóm chỉ số đang xét (quy tắc for_each: group)", "8,43"),
    _synthetic("share", Decimal | None, "Tỷ lệ điểm đó so với điểm tối đa (quy tắc for_each: group)", "46,8%"),
)}
RULE_WIDESPREAD_ROOT: dict[str, Member] = {m.name: m for m in (
    _synthetic("items", tuple[Item, ...], "Các chỉ tiêu, nhóm chỉ số mà gần như mọi đơn vị thỏa điều kiện",
               "Công khai, minh bạch: 163/163 đơn vị"),
    *_ANALYSIS_ISSUER,
)}
RULE_AUTHORITY_ROOT: dict[str, Member] = {m.name: m for m in (
    *_RULE_SHARED,
    _synthetic("widespread", tuple[WidespreadProblem, ...],
               "Các hạn chế chung của gần như mọi đơn vị mà các quy tắc trước đã tách ra (quy tắc about: authority)",
               "nhóm chỉ số “Công khai, minh bạch” (163/163 cơ quan, đơn vị) đạt dưới 50% …"),
)}


def rule_snippets(rule: Rule) -> tuple[tuple[str, RuleText | None, Mapping[str, Member]], ...]:
    """Each wording of a rule with what it is called in the review pack and the names it may use."""
    if rule.about_authority:
        return (("công văn", rule.text, RULE_AUTHORITY_ROOT),)
    snippets: list[tuple[str, RuleText | None, Mapping[str, Member]]] = [
        ("công văn", rule.text, RULE_TEXT_ROOT), ("thông báo gửi đơn vị", rule.notice, RULE_NOTICE_ROOT)]
    if rule.annex is not None:
        snippets += [("tên danh sách ở Phụ lục", rule.annex.title, RULE_ITEM_ROOT),
                     ("chi tiết từng dòng của danh sách", rule.annex.detail, RULE_DETAIL_ROOT)]
    if rule.widespread is not None:
        snippets.append(("cách nêu hạn chế chung", rule.widespread.phrase, RULE_WIDESPREAD_ROOT))
    return tuple(snippets)


def context_root(template_id: str) -> Mapping[str, Member] | None:
    """Top-level variables of a document template, or None when the program builds no context for it."""
    cls = TEMPLATE_CONTEXTS.get(template_id)
    return members(cls) if cls is not None else None


# ---------- words ----------


def type_text(t: TypeRef) -> str:
    """The type as a reviewer reads it: "số thập phân", "danh sách UnitAnalysis (đơn vị)"."""
    if t.kind == "scalar" and t.cls is not None:
        text = SCALAR_WORDS.get(t.cls, t.class_name)
    elif t.kind == "object":
        noun = CLASS_NOUNS.get(t.class_name)
        text = f"{t.class_name} ({noun})" if noun else t.class_name
    elif t.kind == "sequence":
        text = f"danh sách {type_text(t.item or ANY)}"
    elif t.kind == "mapping":
        text = f"bảng tra theo mã → {type_text(t.item or ANY)}"
    else:
        text = "không xác định"
    return f"{text}, có thể trống" if t.optional else text


def noun(t: TypeRef) -> str:
    """What one value of this type is called in a sentence ("đơn vị", "chỉ tiêu"), "mục" otherwise."""
    return CLASS_NOUNS.get(t.class_name, "mục")


def short_meaning(meaning: str) -> str:
    """A meaning for use inside a sentence: no trailing parenthetical, first letter lower case."""
    text = re.sub(r"\s*\([^()]*\)\s*$", "", meaning).strip() or meaning
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text


# ---------- flattening for the catalogue document ----------


def entries(root: Mapping[str, Member]) -> tuple[Entry, ...]:
    """Every path under `root`, each class expanded once, at its shortest path (later: `same_as`)."""
    canonical = _canonical_paths(root)
    result: list[Entry] = []

    def visit(path: str, member: Member) -> None:
        t = member.type
        target = _object_of(t)
        first = canonical.get(target.cls) if target is not None and target.cls is not None else None
        same = first if first is not None and first != path else None
        result.append(Entry(path, type_text(t), member.meaning, member.example, same))
        if target is None or same is not None:
            return
        prefix = path + "[]" * _depth(t)
        for child in members_of(target).values():
            visit(f"{prefix}.{child.name}", child)

    for member in root.values():
        visit(member.name, member)
    return tuple(result)


def _object_of(t: TypeRef) -> TypeRef | None:
    while t.kind in ("sequence", "mapping") and t.item is not None:
        t = t.item
    return t if t.kind == "object" else None


def _depth(t: TypeRef) -> int:
    depth = 0
    while t.kind in ("sequence", "mapping") and t.item is not None:
        depth, t = depth + 1, t.item
    return depth


def _canonical_paths(root: Mapping[str, Member]) -> dict[type, str]:
    """Breadth first: the first (shortest) path at which each class appears."""
    first: dict[type, str] = {}
    queue = [(m.name, m.type) for m in root.values()]
    while queue:
        path, t = queue.pop(0)
        target = _object_of(t)
        if target is None or target.cls is None or target.cls in first:
            continue
        first[target.cls] = path
        prefix = path + "[]" * _depth(t)
        queue.extend((f"{prefix}.{c.name}", c.type) for c in members_of(target).values())
    return first


def reachable_classes() -> tuple[type, ...]:
    """Every class a template or rule snippet can reach (for the completeness test)."""
    seen: dict[type, None] = {}
    roots = [m.type for cls in TEMPLATE_CONTEXTS.values() for m in members(cls).values()]
    roots += [m.type for root in (RULE_TEXT_ROOT, RULE_NOTICE_ROOT, RULE_AUTHORITY_ROOT, RULE_DETAIL_ROOT,
                                   RULE_WIDESPREAD_ROOT) for m in root.values()]
    roots += [TypeRef("object", cls) for cls in TEMPLATE_CONTEXTS.values()]
    while roots:
        target = _object_of(roots.pop())
        if target is None or target.cls is None or target.cls in seen:
            continue
        seen[target.cls] = None
        roots.extend(m.type for m in members_of(target).values())
    return tuple(seen)
