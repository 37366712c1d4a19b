"""Walk a template's Jinja syntax tree in order, tracking scopes, for the checker and the review pack.

The walker binds what Jinja binds (loop variables and `loop`, `set`, macro parameters, imports),
resolves every expression through `scope.Resolver` (which reports unknown names), and tells an
optional `Listener` what it meets, in template order: literal text, printed values, the branches
of `if`, loops and macros. The review pack's wording is built by such a listener.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from jinja2 import nodes

from generator.review.catalogue import ANY, TypeRef, noun, short_meaning
from generator.review.explain import value_label
from generator.review.scope import Binding, Resolved, Resolver, Scope, chains, path_of

MacroNames = Callable[[str], frozenset[str] | None]


class Listener:
    """Receives the template's content in order; every method does nothing by default."""

    def text(self, data: str) -> None: ...
    def value(self, expr: nodes.Expr, scope: Scope) -> None: ...
    def branch(self, kind: str, test: nodes.Node | None, scope: Scope) -> None: ...  # if, elif, else, empty
    def end_branches(self) -> None: ...
    def loop_start(self, loop: nodes.For, scope: Scope) -> None: ...
    def loop_end(self) -> None: ...
    def macro_start(self, macro: nodes.Macro, scope: Scope) -> None: ...
    def macro_end(self) -> None: ...


@dataclass(frozen=True)
class Use:
    """One dotted name a template uses, with what the catalogue says of it."""

    path: str
    meaning: str
    example: str
    origin: str  # Binding.origin of its first name
    line: int


@dataclass
class MacroTypes:
    """Types seen at the call sites of each macro, so parameters get meanings in the review pack."""

    params: dict[str, list[Resolved]] = field(default_factory=dict)

    def record(self, macro: str, args: tuple[Resolved, ...]) -> None:
        known = self.params.setdefault(macro, [])
        for i, arg in enumerate(args):
            if i >= len(known):
                known.append(arg)
            elif known[i].type.kind == "any" and arg.type.kind != "any":
                known[i] = arg


class Walker:
    """One walk over one template file."""

    def __init__(self, resolver: Resolver, macro_names: MacroNames, listener: Listener | None = None,
                 macro_types: MacroTypes | None = None) -> None:
        self.resolver = resolver
        self.macro_names = macro_names
        self.listener = listener or Listener()
        self.macro_types = macro_types
        self.uses: list[Use] = []

    def walk(self, template: nodes.Template, scope: Scope) -> None:
        self.body(template.body, scope)

    def body(self, statements: list[nodes.Node], scope: Scope) -> None:
        for node in statements:
            self.statement(node, scope)

    def expression(self, expr: nodes.Node, scope: Scope) -> Resolved:
        resolved = self.resolver.resolve(expr, scope)
        quiet = Resolver()
        for chain in chains(expr):
            path = path_of(chain)
            first = scope.lookup(path.split(".")[0]) if path else None
            if path is None or first is None or first.origin in ("import", "macro", "global"):
                continue
            found = quiet.resolve(chain, scope)
            meaning = found.meaning
            if not meaning:  # `set` values and template counters: phrase what they hold
                label = value_label(chain, scope)
                meaning = label[0].upper() + label[1:] if label and label != path else ""
            self.uses.append(Use(path, meaning, found.example, first.origin, chain.lineno))
        return resolved

    def statement(self, node: nodes.Node, scope: Scope) -> None:
        handler = getattr(self, f"_{type(node).__name__.lower()}", None)
        if handler is not None:
            handler(node, scope)
            return
        for child in node.iter_child_nodes():  # With, Scope, FilterBlock ... : walk what they hold
            if isinstance(child, nodes.Expr):
                self.expression(child, scope)
            else:
                self.statement(child, scope)

    def _output(self, node: nodes.Output, scope: Scope) -> None:
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                self.listener.text(child.data)
            else:
                self.expression(child, scope)
                self.listener.value(child, scope)

    def _if(self, node: nodes.If, scope: Scope) -> None:
        self.expression(node.test, scope)
        self.listener.branch("if", node.test, scope)
        self.body(node.body, scope)
        for elif_ in node.elif_:
            self.expression(elif_.test, scope)
            self.listener.branch("elif", elif_.test, scope)
            self.body(elif_.body, scope)
        if node.else_:
            self.listener.branch("else", None, scope)
            self.body(node.else_, scope)
        self.listener.end_branches()

    def _for(self, node: nodes.For, scope: Scope) -> None:
        iterable = self.expression(node.iter, scope)
        inner = scope.child()
        item = iterable.type.item if iterable.type.kind == "sequence" and iterable.type.item else ANY
        checked = iterable.checked and item.kind != "any"
        meaning = f"Mỗi {noun(item)} trong “{short_meaning(iterable.meaning)}”" if iterable.meaning else ""
        for target in _names(node.target):
            single = isinstance(node.target, nodes.Name)
            inner.bind(Binding(target, "loopvar", item if single else ANY, meaning if single else "", "",
                               checked and single, node.iter))
        inner.bind(Binding("loop", "loop", ANY, "vòng lặp", checked=True))
        if node.test is not None:
            self.expression(node.test, inner)
        self.listener.loop_start(node, inner)
        self.body(node.body, inner)
        self.listener.loop_end()
        if node.else_:  # `{% for %}...{% else %}`: printed when there is nothing to loop over
            self.listener.branch("empty", node.iter, scope)
            self.body(node.else_, scope)
            self.listener.end_branches()

    def _macro(self, node: nodes.Macro, scope: Scope) -> None:
        scope.bind(Binding(node.name, "macro", checked=False))
        inner = scope.child()
        seen = self.macro_types.params.get(node.name, []) if self.macro_types else []
        for i, arg in enumerate(node.args):
            known = seen[i] if i < len(seen) else None
            inner.bind(Binding(arg.name, "param", known.type if known else ANY, known.meaning if known else "",
                               known.example if known else "", checked=False))
        for extra in ("caller", "varargs", "kwargs"):
            inner.bind(Binding(extra, "param", checked=False))
        for default in node.defaults:
            self.expression(default, scope)
        self.listener.macro_start(node, inner)
        self.body(node.body, inner)
        self.listener.macro_end()

    def _callblock(self, node: nodes.CallBlock, scope: Scope) -> None:
        self.expression(node.call, scope)
        inner = scope.child()
        for arg in node.args:
            inner.bind(Binding(arg.name, "param", checked=False))
        self.body(node.body, inner)

    def _assign(self, node: nodes.Assign, scope: Scope) -> None:
        value = self.expression(node.node, scope)
        if isinstance(node.target, nodes.NSRef):
            if scope.lookup(node.target.name) is None:
                self.resolver.problem(node.lineno, f"biến “{node.target.name}” chưa được khai báo bằng namespace()")
            return
        for name in _names(node.target):
            single = isinstance(node.target, nodes.Name)
            scope.bind(Binding(name, "set", value.type if single else ANY, value.meaning, value.example,
                               value.checked and single, node.node))

    def _assignblock(self, node: nodes.AssignBlock, scope: Scope) -> None:
        self.body(node.body, scope.child())
        for name in _names(node.target):
            scope.bind(Binding(name, "set", TypeRef("scalar", str), checked=False))

    def _import(self, node: nodes.Import, scope: Scope) -> None:
        name = node.template.value if isinstance(node.template, nodes.Const) else None
        macros = self.macro_names(name) if name else None
        if macros is None:
            self.resolver.problem(node.lineno, f"không tìm thấy tệp cụm từ “{name}”")
        scope.bind(Binding(node.target, "import", ANY, "", "", False, None, macros or frozenset()))

    def _fromimport(self, node: nodes.FromImport, scope: Scope) -> None:
        name = node.template.value if isinstance(node.template, nodes.Const) else None
        macros = (self.macro_names(name) if name else None) or frozenset()
        for item in node.names:
            original, alias = item if isinstance(item, tuple) else (item, item)
            if original not in macros:
                self.resolver.problem(node.lineno, f"cụm từ “{original}” không có trong “{name}”")
            scope.bind(Binding(alias, "macro", checked=False))

    def _include(self, node: nodes.Include, scope: Scope) -> None:
        self.resolver.problem(node.lineno, "không dùng {% include %}; hãy dùng {% import %} và cụm từ (macro)")

    def _extends(self, node: nodes.Extends, scope: Scope) -> None:
        self.resolver.problem(node.lineno, "không dùng {% extends %} trong mẫu văn bản")


def _names(target: nodes.Node) -> list[str]:
    if isinstance(target, nodes.Name):
        return [target.name]
    if isinstance(target, nodes.Tuple):
        return [n for item in target.items for n in _names(item)]
    return []
