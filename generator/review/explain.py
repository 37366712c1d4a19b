"""Jinja expressions in plain Vietnamese, for a reader who does not know Jinja.

`value_label(authority.total|score)` → "tổng điểm của địa phương";
`condition(unit.total is not none)` → "có tổng điểm của đơn vị";
`condition(missed_any)` → "có ít nhất một chỉ tiêu trong “các chỉ tiêu và đơn vị chưa đạt (…)”".
Meanings come from the catalogue; anything it cannot phrase is spelled with the meanings it has.
"""

from __future__ import annotations

from jinja2 import nodes

from generator.common import formatting
from generator.review.catalogue import noun, short_meaning
from generator.review.scope import Resolver, Scope, path_of

_QUIET = Resolver()
_COMPARE = {"gt": "lớn hơn", "gteq": "lớn hơn hoặc bằng", "lt": "nhỏ hơn", "lteq": "nhỏ hơn hoặc bằng",
            "eq": "bằng", "ne": "khác", "in": "thuộc", "notin": "không thuộc"}
_ARITHMETIC = {nodes.Div: "chia cho", nodes.FloorDiv: "chia nguyên cho", nodes.Mul: "nhân", nodes.Sub: "trừ",
               nodes.Mod: "chia lấy dư cho"}
_COUNTING = ("length", "wordcount")


def value_label(expr: nodes.Node, scope: Scope) -> str:
    """A short noun phrase for a printed value: what the reader will see in its place."""
    if isinstance(expr, nodes.Filter):
        if expr.node is None:
            return "đoạn văn được định dạng"
        base = value_label(expr.node, scope)
        if expr.name in _COUNTING:
            return f"số lượng {base}"
        if expr.name in ("selectattr", "rejectattr"):
            meaning = _QUIET.resolve(expr, scope).meaning
            return short_meaning(meaning) if meaning else base
        return base
    if isinstance(expr, (nodes.Name, nodes.Getattr)) and path_of(expr) is not None:
        return _path_label(expr, scope)
    if isinstance(expr, nodes.Getitem):
        return _item_label(expr, scope)
    if isinstance(expr, nodes.Call):
        name = expr.node.attr if isinstance(expr.node, nodes.Getattr) else getattr(expr.node, "name", "")
        return f"cụm từ “{name}”" if name else "giá trị tính từ mẫu"
    if isinstance(expr, nodes.Const):
        return _constant(expr.value)
    if isinstance(expr, nodes.Add):
        joiner = "và" if _QUIET.resolve(expr, scope).type.kind == "sequence" else "cộng"
        return f"{value_label(expr.left, scope)} {joiner} {value_label(expr.right, scope)}"
    if isinstance(expr, nodes.BinExpr) and type(expr) in _ARITHMETIC:
        return f"{value_label(expr.left, scope)} {_ARITHMETIC[type(expr)]} {value_label(expr.right, scope)}"
    if isinstance(expr, nodes.CondExpr):
        otherwise = f", nếu không thì {value_label(expr.expr2, scope)}" if expr.expr2 is not None else ""
        return f"{value_label(expr.expr1, scope)} nếu {condition(expr.test, scope)}{otherwise}"
    if isinstance(expr, nodes.Concat):
        return " ".join(value_label(n, scope) for n in expr.nodes)
    if isinstance(expr, nodes.List):
        constants = [i for i in expr.items if isinstance(i, nodes.Const)]
        if len(constants) == len(expr.items):
            return "danh sách “" + ", ".join(str(c.value) for c in constants) + "”"
    if isinstance(expr, nodes.Neg):
        return f"âm {value_label(expr.node, scope)}"
    return "giá trị tính từ mẫu"


def _path_label(expr: nodes.Expr, scope: Scope) -> str:
    resolved = _QUIET.resolve(expr, scope)
    if resolved.meaning:
        return short_meaning(resolved.meaning)
    path = path_of(expr) or ""
    binding = resolved.binding
    if binding is not None and binding.origin == "set" and binding.expr is not None and "." not in path:
        return value_label(binding.expr, scope)
    if binding is not None and binding.origin == "set" and isinstance(binding.expr, nodes.Call):
        return f"số đếm “{path.split('.', 1)[-1]}” của mẫu"
    if binding is not None and binding.origin in ("param", "loopvar"):
        return f"giá trị “{path}”"
    return path


def _item_label(expr: nodes.Getitem, scope: Scope) -> str:
    base: nodes.Node = expr.node
    if isinstance(base, nodes.Name):
        binding = scope.lookup(base.name)
        if binding is not None and binding.origin == "set" and binding.expr is not None:
            base = binding.expr
    if isinstance(base, nodes.Const) and isinstance(base.value, str):
        return f"ký hiệu thứ tự ({', '.join(base.value[:3])}, …)"
    if isinstance(base, nodes.List):
        constants = [i for i in base.items if isinstance(i, nodes.Const)]
        if len(constants) == len(base.items):
            shown = ", ".join(str(c.value) for c in constants[:3])
            return f"ký hiệu thứ tự ({shown}, …)"
    return f"mục tương ứng của {value_label(expr.node, scope)}"


def _constant(value: object) -> str:
    if value is None:
        return "trống"
    if isinstance(value, bool):
        return "đúng" if value else "sai"
    if isinstance(value, (int, float)):
        return formatting.number(value, 2, trim=True)
    return f"“{value}”"


def condition(test: nodes.Node, scope: Scope, negate: bool = False) -> str:
    """The condition as a phrase that follows "khi": "có thứ hạng của địa phương"."""
    if isinstance(test, nodes.Not):
        return condition(test.node, scope, not negate)
    if isinstance(test, (nodes.And, nodes.Or)):
        joiner = " và " if isinstance(test, nodes.And) != negate else " hoặc "
        return joiner.join(condition(side, scope, negate) for side in (test.left, test.right))
    if isinstance(test, nodes.Test):
        return _test(test, scope, negate)
    if isinstance(test, nodes.Compare) and len(test.ops) == 1:
        op = test.ops[0]
        phrase = f"{value_label(test.expr, scope)} {_COMPARE.get(op.op, op.op)} {value_label(op.expr, scope)}"
        return f"không phải trường hợp {phrase}" if negate else phrase
    return _truthy(test, scope, negate)


def _test(test: nodes.Test, scope: Scope, negate: bool) -> str:
    label = value_label(test.node, scope)
    if test.name == "none":
        return f"có {label}" if negate else f"không có {label}"
    if test.name == "defined":
        return f"không có {label}" if negate else f"có {label}"
    phrase = f"{label} là {test.name}"
    return f"không phải trường hợp {phrase}" if negate else phrase


def _truthy(test: nodes.Node, scope: Scope, negate: bool) -> str:
    resolved = _QUIET.resolve(test, scope)
    label = value_label(test, scope)
    if resolved.type.kind == "sequence":
        item = noun(resolved.type.item) if resolved.type.item is not None else "mục"
        return f"không có {item} nào trong “{label}”" if negate else f"có ít nhất một {item} trong “{label}”"
    if resolved.type.kind == "scalar" and resolved.type.cls is bool:
        return f"không phải trường hợp {label}" if negate else label
    return f"không có {label}" if negate else f"có {label}"


def loop_phrase(loop: nodes.For, outer: Scope, inner: Scope) -> str:
    """ "mỗi chỉ tiêu trong “các chỉ tiêu …”" for `{% for r in missed_any %}`."""
    resolved = _QUIET.resolve(loop.iter, outer)
    item = noun(resolved.type.item) if resolved.type.kind == "sequence" and resolved.type.item else "mục"
    phrase = f"mỗi {item} trong “{value_label(loop.iter, outer)}”"
    if loop.test is not None:
        phrase += f" (chỉ khi {condition(loop.test, inner)})"
    return phrase
