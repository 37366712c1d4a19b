"""The one place where the Jinja environment for document wording is built.

Templates are edited by legal staff and reviewed, not trusted as code: the environment is
sandboxed (no access to Python internals), undefined variables are errors, and markup output is
autoescaped so a unit named `A & <B>` cannot break the document.

Rendering is also bounded (`render_budgeted`): a time budget and an output budget per render, and
no single operation may build a huge value (`'a' * 10**9`, `10**10**9`, `range(10**9)`, a padding
filter). Only the filters, globals and methods listed here exist, so `templates check` (which
compiles with this environment and applies the same lists) refuses what rendering would refuse.
`{% include %}` and `{% extends %}` do not compile.
"""

from __future__ import annotations

import math
import signal
import threading
import time
import types
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, Template, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import TemplateRuntimeError
from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace

from generator.common import formatting
from generator.common.resources import TEMPLATES_DIR

FILTERS = {
    "score": formatting.score,
    "count": formatting.count,
    "percent": formatting.percent,
    "share": formatting.share,
    "change": formatting.change,
    "number": formatting.number,
    "short_date": formatting.short_date,
    "cutoff_time": formatting.cutoff_time,
}


# ---- budgets ------------------------------------------------------------------------------------------

RENDER_SECONDS = 20.0  # a 5.000-unit dispatch renders in about a second
RENDER_OUTPUT_CHARS = 20_000_000  # characters of markup one render may produce
MAX_VALUE_CHARS = 1_000_000  # one string or list built by an operator or a filter
MAX_RANGE = 100_000  # items of one range()
MAX_POWER_BITS = 4_096  # size of an integer built by **


class BudgetExceeded(TemplateRuntimeError):
    """A render went over a budget; `reason` says which, in Vietnamese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class RenderBudget:
    """What one render may spend, and whether its time is already reported as spent."""

    seconds: float = RENDER_SECONDS
    output_chars: int = RENDER_OUTPUT_CHARS
    deadline: float = 0.0
    spent: bool = False

    def over_time(self) -> BudgetExceeded:
        """The error to raise once; after it the timer's signal is ignored, so it cannot replace the
        first error (and its place in the template) while that one is on its way out."""
        self.spent = True
        return BudgetExceeded(f"mẫu chạy quá {self.seconds:g} giây (vòng lặp quá lớn hoặc không dừng)")


class _Current(threading.local):
    budget: RenderBudget | None = None


_CURRENT = _Current()
_CHECK_EVERY = 1024  # sandbox operations between two readings of the clock (a power of two)


def _tick() -> None:
    """Called on every sandboxed operation; every _CHECK_EVERY calls (in any thread) reads the clock."""
    global _TICKS
    _TICKS += 1
    if not _TICKS & (_CHECK_EVERY - 1):
        budget = _CURRENT.budget
        if budget is not None and not budget.spent and time.monotonic() > budget.deadline:
            raise budget.over_time()


_TICKS = 0


def _too_big(what: str) -> BudgetExceeded:
    return BudgetExceeded(f"{what} tạo ra giá trị quá lớn (quá {formatting.count(MAX_VALUE_CHARS)} ký tự hoặc phần tử)")


def _size(value: object) -> int | None:
    return len(value) if isinstance(value, (str, list, tuple)) else None


class _Range(Sequence[int]):
    """range() as templates see it: at most MAX_RANGE items, each step counted against the budget."""

    def __init__(self, inner: range) -> None:
        self._inner = inner

    def __len__(self) -> int:
        return len(self._inner)

    def __getitem__(self, index: Any) -> Any:
        return self._inner[index]

    def __iter__(self) -> Iterator[int]:
        for item in self._inner:
            _tick()
            yield item


def budgeted_range(*args: int) -> _Range:
    try:
        inner = range(*args)
        count = len(inner)
    except (OverflowError, TypeError, ValueError) as exc:
        raise BudgetExceeded(f"range() không hợp lệ ({exc})") from None
    if count > MAX_RANGE:
        limit = formatting.count(MAX_RANGE)
        raise BudgetExceeded(f"range() có {formatting.count(count)} phần tử, quá giới hạn {limit}")
    return _Range(inner)


# Methods a template may call on values (macros, loop.cycle and the globals below are callable too);
# `templates check` refuses any other `x.method()` call.
ALLOWED_METHODS = frozenset({
    "upper", "lower", "strip", "lstrip", "rstrip", "capitalize", "title", "startswith", "endswith",
    "items", "keys", "values", "get", "cycle", "changed", "next", "reset", "current",
})
# Jinja's own filters a template may use; the others (attr, format, center, indent, wordwrap, replace,
# random, safe, slice, pprint, urlize, xmlattr, tojson, filesizeformat ...) do not exist here.
ALLOWED_JINJA_FILTERS = frozenset({
    "abs", "batch", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first", "float",
    "groupby", "int", "items", "join", "last", "length", "list", "lower", "map", "max", "min", "reject",
    "rejectattr", "reverse", "round", "select", "selectattr", "sort", "string", "sum", "title", "trim",
    "truncate", "unique", "upper", "wordcount",
})
GLOBALS = ("range", "dict", "namespace", "cycler", "joiner")  # lipsum is not one


def _checked_join(join: Callable[..., str]) -> Callable[..., str]:
    @wraps(join)
    def checked(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
        items = list(value) if not isinstance(value, (list, tuple)) else value
        if len(items) * len(str(d)) > MAX_VALUE_CHARS:
            raise _too_big("bộ lọc join")
        result = join(eval_ctx, items, d, attribute)
        if len(result) > MAX_VALUE_CHARS:
            raise _too_big("bộ lọc join")
        return result
    return checked


def _filters() -> dict[str, Any]:
    allowed = {name: JINJA_FILTERS[name] for name in ALLOWED_JINJA_FILTERS}
    allowed["join"] = _checked_join(JINJA_FILTERS["join"])
    return allowed


def forbidden_forms(tree: nodes.Template) -> Iterator[tuple[int, str]]:
    """(line, Vietnamese reason) for each form the sandbox refuses at render that compiling lets
    through: a method not in ALLOWED_METHODS (`x.append(1)`, `'{0}'.format(x)`) and `%` formatting
    of a literal string. A call on a name bound by `{% import ... as name %}` is a phrase (macro)."""
    imported = {node.target for node in tree.find_all(nodes.Import)}
    for call in tree.find_all(nodes.Call):
        callee = call.node
        if not isinstance(callee, nodes.Getattr):
            continue
        if isinstance(callee.node, nodes.Name) and callee.node.name in imported:
            continue
        if callee.attr not in ALLOWED_METHODS or callee.attr in ("format", "format_map"):
            yield call.lineno, f"không gọi phương thức “{callee.attr}” trong mẫu văn bản (chỉ dùng được: " \
                               f"{', '.join(sorted(ALLOWED_METHODS))})"
    for modulo in tree.find_all(nodes.Mod):
        if isinstance(modulo.left, nodes.Const) and isinstance(modulo.left.value, str):
            yield modulo.lineno, "không định dạng chuỗi bằng “%” trong mẫu văn bản; hãy dùng bộ lọc"


class _NoInclude(CodeGenerator):
    """Compiling refuses include and extends: a template is one file plus its imported phrases."""

    def visit_Include(self, node: nodes.Include, frame: Frame) -> None:
        self.fail("không dùng {% include %}; hãy dùng {% import %} và cụm từ (macro)", node.lineno)

    def visit_Extends(self, node: nodes.Extends, frame: Frame) -> None:
        self.fail("không dùng {% extends %} trong mẫu văn bản", node.lineno)


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, remembering its verdict on each (type, attribute) it has judged.

    Jinja's checks (`is_internal_attribute`, `modifies_known_mutable`) look only at the object's
    type and the attribute's name, yet run on every attribute read: 40 % of rendering the rule
    texts for 10.000 units. An object whose `__class__` is not its type is judged afresh each time.
    """

    code_generator_class = _NoInclude
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._verdicts: dict[tuple[type, str], bool] = {}
        self.filters = _filters()
        self.globals = {name: self.globals[name] for name in GLOBALS if name in self.globals}
        self.globals["range"] = budgeted_range

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Operators that can build a huge value are sized before they run."""
        _tick()
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                size = _size(sequence)
                if size is not None and isinstance(times, int) and size * times > MAX_VALUE_CHARS:
                    raise _too_big("phép nhân")
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1 \
                    and right * math.log2(abs(left)) > MAX_POWER_BITS:
                raise _too_big("phép lũy thừa")
        elif operator == "+":
            left_size, right_size = _size(left), _size(right)
            if left_size is not None and right_size is not None and left_size + right_size > MAX_VALUE_CHARS:
                raise _too_big("phép cộng chuỗi")
        elif operator == "%" and isinstance(left, str):
            raise BudgetExceeded("không định dạng chuỗi bằng “%” trong mẫu văn bản; hãy dùng bộ lọc")
        try:
            return super().call_binop(context, operator, left, right)
        except OverflowError:
            raise _too_big(f"phép tính “{operator}”") from None

    def getattr(self, obj: Any, attribute: str) -> Any:
        _tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _tick()
        return super().getitem(obj, argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Only macros, the globals and the listed methods may be called (as `templates check` says)."""
        _tick()
        name = getattr(__obj, "__name__", "")
        method = isinstance(__obj, (types.MethodType, types.BuiltinMethodType)) and not isinstance(
            getattr(__obj, "__self__", None), (LoopContext, Cycler, Joiner, Namespace))
        if (method and name not in ALLOWED_METHODS) or name in ("format", "format_map"):
            raise BudgetExceeded(f"không gọi phương thức “{name}” trong mẫu văn bản")
        return super().call(__context, __obj, *args, **kwargs)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        kind = type(obj)
        if obj.__class__ is not kind:
            return bool(super().is_safe_attribute(obj, attr, value))
        key = (kind, attr)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = bool(super().is_safe_attribute(obj, attr, value))
        return verdict


def build_environment(search_path: Path | None = None, autoescape: bool = True) -> ImmutableSandboxedEnvironment:
    """A sandboxed environment with the project's filters; `autoescape` for markup templates."""
    env = Sandbox(
        loader=FileSystemLoader(str(search_path or TEMPLATES_DIR)),
        undefined=StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(FILTERS)
    return env


@lru_cache(maxsize=4)
def text_environment() -> ImmutableSandboxedEnvironment:
    """A sandboxed environment for short plain-text snippets (rule texts); no autoescape."""
    return build_environment(autoescape=False)


def render_budgeted(template: Template, variables: Mapping[str, Any], budget: RenderBudget | None = None) -> str:
    """Render within a time and an output budget; BudgetExceeded (located in the template by its
    traceback) when either runs out. A render inside a `budget_scope` shares that scope's budget."""
    current = _CURRENT.budget
    if current is not None:
        return _render(template, variables, current)
    with budget_scope(budget) as scoped:
        return _render(template, variables, scoped)


@contextmanager
def budget_scope(budget: RenderBudget | None = None) -> Iterator[RenderBudget]:
    """One budget for every render inside (the rule texts of a whole evaluation, say), so the timer
    is set once rather than per snippet. Nested scopes use the outermost one."""
    current = _CURRENT.budget
    if current is not None:
        yield current
        return
    budget = budget or RenderBudget()
    budget.deadline = time.monotonic() + budget.seconds
    _CURRENT.budget = budget
    try:
        with _alarm(budget):
            yield budget
    finally:
        _CURRENT.budget = None


def _render(template: Template, variables: Mapping[str, Any], budget: RenderBudget) -> str:
    pieces: list[str] = []
    append = pieces.append
    size, limit = 0, budget.output_chars
    stream = template.generate(variables)
    assert isinstance(stream, Generator)  # Template.generate is a generator function
    for piece in stream:
        size += len(piece)
        append(piece)
        if size > limit:
            # Thrown where the template yielded, so the error's traceback names its line.
            stream.throw(BudgetExceeded(f"mẫu sinh ra quá {formatting.count(limit)} ký tự"))
    if not budget.spent and time.monotonic() > budget.deadline:
        raise budget.over_time()
    return "".join(pieces)


@contextmanager
def _alarm(budget: RenderBudget) -> Iterator[None]:
    """In the main thread, a timer interrupts even a loop that calls nothing the sandbox sees."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN, None):
        yield
        return

    def expired(signum: int, frame: types.FrameType | None) -> None:
        if _CURRENT.budget is budget and not budget.spent:
            raise budget.over_time()

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, budget.seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
