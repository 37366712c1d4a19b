"""Names in scope inside a template, and what an expression refers to, by the catalogue.

`resolve` follows a Jinja expression (`authority.delta_previous.period.label`, `r.missed|length`,
`unit.unit.groups[loop.index0]`) through the catalogue's types. It reports names and attributes
the catalogue does not know through a callback, so the same code serves `templates check` (which
reports) and the review pack (which only wants meanings).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from jinja2 import nodes

from generator.common.jinja_env import GLOBALS
from generator.review.catalogue import ANY, Member, TypeRef, members_of, short_meaning, type_text
from generator.review.meanings import LOOP_MEANINGS

Origin = Literal["context", "loop", "loopvar", "set", "param", "import", "macro", "global", "namespace"]
Report = Callable[[int, str], None]
MacroCall = Callable[[str, tuple["Resolved", ...]], None]

JINJA_GLOBALS = GLOBALS  # the sandbox's globals (no lipsum)
_BOOL, _STR, _INT = TypeRef("scalar", bool), TypeRef("scalar", str), TypeRef("scalar", int)
# Filters that keep a sequence a sequence of the same items, and what the others return.
_SAME_SEQUENCE = {"selectattr", "rejectattr", "list", "sort", "unique", "reverse", "select", "reject"}
_FILTER_RESULT = {"length": _INT, "count": _STR, "wordcount": _INT, "lower": _STR, "upper": _STR, "title": _STR,
                  "capitalize": _STR, "trim": _STR, "join": _STR, "string": _STR, "score": _STR, "percent": _STR,
                  "share": _STR, "change": _STR, "number": _STR, "short_date": _STR, "cutoff_time": _STR,
                  "int": _INT, "escape": _STR, "e": _STR}


@dataclass(frozen=True)
class Binding:
    """A name visible at some point of a template."""

    name: str
    origin: Origin
    type: TypeRef = ANY
    meaning: str = ""
    example: str = ""
    checked: bool = True  # attributes after it are checked against the catalogue
    expr: nodes.Node | None = None  # `set`: the value; loop variable: the iterable
    macros: frozenset[str] = frozenset()  # `import ... as x`: the macros x offers


@dataclass
class Scope:
    """Nested scopes: a template, a macro body, a loop body."""

    names: dict[str, Binding] = field(default_factory=dict)
    parent: Scope | None = None

    def lookup(self, name: str) -> Binding | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None

    def bind(self, binding: Binding) -> None:
        self.names[binding.name] = binding

    def child(self) -> Scope:
        return Scope(parent=self)

    def visible(self) -> list[str]:
        found: dict[str, None] = {}
        scope: Scope | None = self
        while scope is not None:
            found.update(dict.fromkeys(scope.names))
            scope = scope.parent
        return list(found)


def root_scope(root: Mapping[str, Member] | None) -> Scope:
    """The scope at the top of a template: Jinja's globals plus the context's variables (if any)."""
    scope = Scope({g: Binding(g, "global", checked=False) for g in JINJA_GLOBALS})
    for member in (root or {}).values():
        scope.bind(Binding(member.name, "context", member.type, member.meaning, member.example))
    return scope


@dataclass(frozen=True)
class Resolved:
    """What an expression refers to, as far as the catalogue knows."""

    type: TypeRef = ANY
    meaning: str = ""
    example: str = ""
    path: str | None = None  # "authority.total" when the expression is a plain dotted name
    binding: Binding | None = None
    checked: bool = False  # whether the catalogue vouches for this value (unknown attributes are errors)


UNKNOWN = Resolved()


def suggestion(word: str, choices: list[str], prefix: str = "") -> str:
    """“ (có phải “authority.total”?)” for the nearest choice, or an empty string."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (có phải “{prefix}{close[0]}”?)" if close else ""


def path_of(expr: nodes.Node) -> str | None:
    """`authority.delta_previous.change` for a Name/Getattr chain; None for anything else."""
    if isinstance(expr, nodes.Name):
        return expr.name
    if isinstance(expr, nodes.Getattr):
        base = path_of(expr.node)
        return f"{base}.{expr.attr}" if base is not None else None
    return None


def chains(expr: nodes.Node) -> Iterator[nodes.Expr]:
    """The maximal dotted names inside an expression (`r.target.label`, `loop.index0`), in order."""
    if isinstance(expr, (nodes.Name, nodes.Getattr)) and path_of(expr) is not None:
        yield expr
        return
    for child in expr.iter_child_nodes():
        yield from chains(child)


def _selected(expr: nodes.Filter, base: Resolved) -> str:
    """`target_results|selectattr("missed")` → "… (chỉ những mục có các đơn vị chưa đạt chỉ tiêu)"."""
    if expr.name not in ("selectattr", "rejectattr") or not expr.args or not isinstance(expr.args[0], nodes.Const):
        return base.meaning
    member = members_of(base.type.item or ANY).get(str(expr.args[0].value))
    if member is None or not base.meaning:
        return base.meaning
    which = "chỉ những" if expr.name == "selectattr" else "bỏ những"
    return f"{base.meaning} ({which} mục có {short_meaning(member.meaning)})"


class Resolver:
    """Resolves expressions in a scope; unknown names and attributes go to `report` (when given)."""

    def __init__(self, report: Report | None = None, on_macro_call: MacroCall | None = None) -> None:
        self.report = report
        self.on_macro_call = on_macro_call

    def problem(self, lineno: int, message: str) -> None:
        if self.report is not None:
            self.report(lineno, message)

    def resolve(self, expr: nodes.Node, scope: Scope) -> Resolved:
        method = getattr(self, f"_{type(expr).__name__.lower()}", None)
        if method is not None:
            resolved: Resolved = method(expr, scope)
            return resolved
        for child in expr.iter_child_nodes():
            if isinstance(child, nodes.Expr):
                self.resolve(child, scope)
        if isinstance(expr, (nodes.Compare, nodes.Not, nodes.And, nodes.Or, nodes.Test)):
            return Resolved(_BOOL)
        return UNKNOWN

    def _name(self, expr: nodes.Name, scope: Scope) -> Resolved:
        binding = scope.lookup(expr.name)
        if binding is None:
            hint = suggestion(expr.name, scope.visible())
            self.problem(expr.lineno, f"biến “{expr.name}” không có trong danh mục biến của mẫu{hint}")
            return UNKNOWN
        return Resolved(binding.type, binding.meaning, binding.example, expr.name, binding, binding.checked)

    def _getattr(self, expr: nodes.Getattr, scope: Scope) -> Resolved:
        base = self.resolve(expr.node, scope)
        path = f"{base.path}.{expr.attr}" if base.path else None
        shown = path or expr.attr
        if expr.attr.startswith("_"):
            self.problem(expr.lineno, f"“{shown}”: thuộc tính bắt đầu bằng “_” là phần nội bộ của Python, "
                                      "mẫu văn bản không được dùng")
            return UNKNOWN
        binding = base.binding if base.path is not None and "." not in base.path else None
        if binding is not None and binding.origin == "loop":
            return self._loop_attribute(expr, binding, path)
        if binding is not None and binding.origin == "import":
            if expr.attr not in binding.macros:
                hint = suggestion(expr.attr, sorted(binding.macros), f"{binding.name}.")
                self.problem(expr.lineno, f"cụm từ “{shown}” không có trong tệp cụm từ dùng chung{hint}")
            return Resolved(ANY, "", "", path, binding, False)
        if base.type.kind == "mapping":
            item = base.type.item or ANY
            return Resolved(item, f"{base.meaning}: mục “{expr.attr}”", "", path, base.binding, False)
        if base.type.kind == "any":
            return Resolved(ANY, "", "", path, base.binding, False)
        member = members_of(base.type).get(expr.attr)
        if member is None:
            if base.checked:  # macro parameters have types guessed from their calls: not reported
                self._unknown_attribute(expr, base, shown)
            return Resolved(ANY, "", "", path, base.binding, False)
        return Resolved(member.type, member.meaning, member.example, path, base.binding, base.checked)

    def _unknown_attribute(self, expr: nodes.Getattr, base: Resolved, shown: str) -> None:
        if base.type.kind == "object":
            owner = base.path + "." if base.path else ""
            hint = suggestion(expr.attr, list(members_of(base.type)), owner)
            self.problem(expr.lineno, f"biến “{shown}” không có trong danh mục biến{hint}")
        elif base.type.kind == "sequence":
            self.problem(expr.lineno, f"“{shown}”: “{base.path or 'giá trị'}” là {type_text(base.type)}; "
                                      "hãy dùng vòng lặp {% for %} để lấy từng phần tử")
        else:
            self.problem(expr.lineno, f"“{shown}”: “{base.path or 'giá trị'}” là {type_text(base.type)}, không có "
                                      f"thuộc tính “{expr.attr}” (định dạng số dùng bộ lọc, ví dụ |score)")

    def _loop_attribute(self, expr: nodes.Getattr, binding: Binding, path: str | None) -> Resolved:
        if expr.attr not in LOOP_MEANINGS:
            hint = suggestion(expr.attr, list(LOOP_MEANINGS), "loop.")
            self.problem(expr.lineno, f"“loop.{expr.attr}” không có trong vòng lặp{hint}")
            return UNKNOWN
        meaning, example = LOOP_MEANINGS[expr.attr]
        kind = _BOOL if expr.attr in ("first", "last", "changed") else _INT
        return Resolved(kind, meaning, example, path, binding, True)

    def _getitem(self, expr: nodes.Getitem, scope: Scope) -> Resolved:
        base = self.resolve(expr.node, scope)
        self.resolve(expr.arg, scope)
        if base.type.kind in ("sequence", "mapping"):
            item = base.type.item or ANY
            return Resolved(item, f"Mục tương ứng của {short_meaning(base.meaning)}" if base.meaning else "", "", None,
                            base.binding, base.checked)
        if base.type.kind == "scalar":
            return Resolved(_STR, "", "", None, base.binding, False)
        return UNKNOWN

    def _filter(self, expr: nodes.Filter, scope: Scope) -> Resolved:
        base = self.resolve(expr.node, scope) if expr.node is not None else UNKNOWN
        for arg in (*expr.args, *(k.value for k in expr.kwargs)):
            self.resolve(arg, scope)
        if expr.name in _SAME_SEQUENCE and base.type.kind == "sequence":
            meaning = _selected(expr, base)
            return Resolved(base.type, meaning, base.example, None, base.binding, base.checked)
        if expr.name in ("first", "last") and base.type.kind == "sequence":
            return Resolved(base.type.item or ANY, base.meaning, "", None, base.binding, base.checked)
        if expr.name in ("abs", "default", "d"):
            return Resolved(base.type.required(), base.meaning, base.example, None, base.binding, base.checked)
        return Resolved(_FILTER_RESULT.get(expr.name, ANY), base.meaning, base.example, None, base.binding, False)

    def _call(self, expr: nodes.Call, scope: Scope) -> Resolved:
        args = tuple(self.resolve(a, scope) for a in expr.args)
        for keyword in expr.kwargs:
            self.resolve(keyword.value, scope)
        callee = expr.node
        if isinstance(callee, nodes.Name):
            binding = scope.lookup(callee.name)
            if binding is not None and binding.origin == "macro":
                if self.on_macro_call is not None:
                    self.on_macro_call(callee.name, args)
                return Resolved(_STR, "", "", None, binding, False)
        if isinstance(callee, nodes.Getattr) and isinstance(callee.node, nodes.Name):
            binding = scope.lookup(callee.node.name)
            if binding is not None and binding.origin == "import":
                self.resolve(callee, scope)
                if self.on_macro_call is not None:
                    self.on_macro_call(callee.attr, args)
                return Resolved(_STR, "", "", None, binding, False)
        self.resolve(callee, scope)
        return UNKNOWN

    def _add(self, expr: nodes.Add, scope: Scope) -> Resolved:
        left, right = self.resolve(expr.left, scope), self.resolve(expr.right, scope)
        if left.type.kind == "sequence":
            return Resolved(left.type, "", "", None, left.binding, left.checked and right.checked)
        return Resolved(left.type if left.type == right.type else ANY)

    def _const(self, expr: nodes.Const, scope: Scope) -> Resolved:
        value = expr.value
        if isinstance(value, bool):
            return Resolved(_BOOL)
        if isinstance(value, str):
            return Resolved(_STR)
        return Resolved(_INT) if isinstance(value, int) else UNKNOWN

    def _list(self, expr: nodes.List, scope: Scope) -> Resolved:
        items = [self.resolve(i, scope) for i in expr.items]
        item = items[0].type if items and all(i.type == items[0].type for i in items) else ANY
        return Resolved(TypeRef("sequence", item=item))
