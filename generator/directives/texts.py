"""Rule wording: Jinja snippets checked and compiled once at load, rendered as plain text.

The snippets run in the project's sandboxed text environment (no autoescape: the document layer
escapes). At load we refuse what the sandbox would only catch at render time or not at all:
syntax errors, unknown variables, attributes starting with "_", and include/import/extends.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from io import StringIO

from jinja2 import Environment, Template, TemplateSyntaxError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import TemplateRuntimeError

from generator.common.errors import Problem
from generator.common.jinja_env import forbidden_forms, render_budgeted, text_environment

# Errors a rendered snippet can raise because of its own wording or the data it meets.
# TemplateRuntimeError covers the sandbox's SecurityError and StrictUndefined's UndefinedError;
# ArithmeticError covers decimal.InvalidOperation from a filter given None.
RENDER_ERRORS = (TemplateRuntimeError, TypeError, ValueError, ArithmeticError, AttributeError, LookupError)

_SPACES = re.compile(r"[ \t\r\f\v]+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_FORBIDDEN_NODES = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


@dataclass(frozen=True)
class RuleText:
    """One compiled snippet (`text` or `notice` of a rule) and where it was written."""

    key: str  # "text" or "notice"
    source: str
    line: int
    template: Template = field(compare=False, repr=False)
    reads: frozenset[str] = field(default=frozenset(), compare=False, repr=False)  # the variables it uses

    def render(self, context: Mapping[str, object]) -> str:
        """The wording for `context`, whitespace-normalised; RENDER_ERRORS propagate to the caller."""
        return normalise(render_budgeted(self.template, dict(context)))


def normalise(text: str) -> str:
    """Collapse spaces inside paragraphs; paragraphs are separated by blank lines in the source.

    The result has one paragraph per line, so templates may be laid out freely in YAML.
    """
    paragraphs = _PARAGRAPH_BREAK.split(text.strip())
    cleaned = (_single_spaced(" ".join(p.split("\n"))) for p in paragraphs)
    return "\n".join(p for p in cleaned if p)


def _single_spaced(line: str) -> str:
    """Runs of spaces and tabs as one space, trimmed. A line of printable characters has no
    whitespace but the plain space, and splitting on it is several times faster than the pattern
    (a batch of 10.000 units renders some 13.000 rule texts before any document)."""
    if line.isprintable():
        return " ".join(word for word in line.split(" ") if word)
    return _SPACES.sub(" ", line).strip()


def compile_text(
    source: object, key: str, line: int, allowed: frozenset[str], where: str, file: str
) -> tuple[RuleText | None, list[Problem]]:
    """Check and compile one snippet; the problems name `file` and the line of its key."""
    if not isinstance(source, str) or not source.strip():
        return None, [Problem(file, f"{where}: “{key}” phải là một đoạn văn bản", row=line)]
    env = text_environment()
    try:
        tree = env.parse(source)
        compiler = _Compiler(env)
        compiler.visit(tree)  # an unknown filter fails here
    except TemplateSyntaxError as exc:
        message = f"{where}: lỗi cú pháp Jinja trong “{key}” (dòng {exc.lineno} của đoạn): {_syntax(exc.message)}"
        return None, [Problem(file, message, row=line)]
    problems: list[Problem] = []
    names = allowed | frozenset(env.globals)
    for unknown in sorted(compiler.undeclared - names):
        problems.append(
            Problem(
                file,
                f"{where}: “{key}” dùng biến “{unknown}” không có; dùng được: {', '.join(sorted(allowed))}",
                row=line,
            )
        )
    for access in tree.find_all((nodes.Getattr, nodes.Getitem)):
        attribute = _accessed(access)
        if isinstance(attribute, str) and attribute.startswith("_"):
            problems.append(
                Problem(
                    file,
                    f"{where}: “{key}” truy cập “{attribute}” là không được phép (mẫu chạy trong môi trường hạn chế)",
                    row=line,
                )
            )
    for snippet_line, message in forbidden_forms(tree):
        problems.append(Problem(file, f"{where}: “{key}” {message} (dòng {snippet_line} của đoạn)", row=line))
    for forbidden in tree.find_all(_FORBIDDEN_NODES):
        problems.append(
            Problem(
                file,
                f"{where}: “{key}” không được dùng include, import hoặc extends (dòng {forbidden.lineno} của đoạn)",
                row=line,
            )
        )
    if problems:
        return None, problems
    # What env.from_string(tree) does with the code just generated (no include nor extends to refuse).
    code = compile(compiler.source.getvalue(), "<template>", "exec")
    template = env.template_class.from_code(env, code, env.make_globals(None), None)
    return RuleText(key, source, line, template, frozenset(compiler.undeclared)), []


class _Compiler(CodeGenerator):
    """Jinja's code generator remembering the variables a snippet reads from its context, as
    jinja2.meta.find_undeclared_variables does with a generator of its own that writes nothing: the
    snippet is generated once, not once to check it and again to compile it."""

    def __init__(self, environment: Environment) -> None:
        self.source = StringIO()
        super().__init__(environment, None, None, self.source, optimized=environment.optimized)
        self.undeclared: set[str] = set()

    def enter_frame(self, frame: Frame) -> None:
        super().enter_frame(frame)
        for _, (action, param) in frame.symbols.loads.items():
            if action == "resolve" and param not in self.environment.globals:
                self.undeclared.add(param)


_UNKNOWN_FILTER = re.compile(r"^No (filter|test) named '([^']+)'")


def _syntax(message: str | None) -> str:
    unknown = _UNKNOWN_FILTER.match(message or "")
    if unknown:
        what = "bộ lọc" if unknown.group(1) == "filter" else "phép thử"
        return f"không có {what} “{unknown.group(2)}” (xem docs/template-variables.md)"
    return message or "lỗi cú pháp"


def _accessed(node: nodes.Node) -> object:
    """What a Getattr or Getitem node reads: the attribute name, or the constant subscript (None if not constant)."""
    if isinstance(node, nodes.Getattr):
        return node.attr
    if isinstance(node, nodes.Getitem):
        return _constant(node.arg)
    return None


def _constant(node: nodes.Node) -> object:
    return node.value if isinstance(node, nodes.Const) else None
