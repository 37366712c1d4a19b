"""Template files as the review tools read them: source text, syntax tree, macros and their notes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from generator.common.errors import Problem
from generator.common.jinja_env import build_environment


@dataclass(frozen=True)
class Parsed:
    """One template file's source and tree; `problem` set (and `tree` None) when it does not parse."""

    path: Path
    name: str  # loader name, '/'-separated, relative to the templates root
    source: str
    tree: nodes.Template | None
    problem: Problem | None


@lru_cache(maxsize=8)
def environment(root: Path) -> ImmutableSandboxedEnvironment:
    return build_environment(root, autoescape=True)


def shown_path(path: Path) -> str:
    """A path as messages print it: relative to the working directory when under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())


def parse_source(source: str, path: Path, root: Path) -> Parsed:
    """Parse and compile (compiling finds unknown filters and tests) without rendering anything."""
    name = _loader_name(path, root)
    env = environment(root.resolve())
    try:
        tree = env.parse(source, name, str(path))
        env.compile(source, name, str(path))
    except TemplateSyntaxError as exc:
        return Parsed(path, name, source, None, Problem(shown_path(path), _syntax_message(exc), row=exc.lineno))
    return Parsed(path, name, source, tree, None)


def parse_file(path: Path, root: Path) -> Parsed:
    return parse_source(path.read_text(encoding="utf-8"), path, root)


def _loader_name(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def _syntax_message(exc: TemplateSyntaxError) -> str:
    unknown = re.match(r"No (filter|test) named '([^']+)'", exc.message or "")
    if unknown:
        what = "bộ lọc" if unknown.group(1) == "filter" else "phép thử"
        return f"không có {what} “{unknown.group(2)}” (xem docs/template-variables.md)"
    return f"lỗi cú pháp Jinja: {exc.message}"


def macro_names(root: Path, name: str) -> frozenset[str] | None:
    """The macros a template file under `root` defines at its top level; None when it cannot be read."""
    path = root / name
    if not path.is_file():
        return None
    parsed = parse_file(path, root)
    if parsed.tree is None:
        return frozenset()
    return frozenset(m.name for m in parsed.tree.find_all(nodes.Macro))


def imports_of(tree: nodes.Template) -> tuple[str, ...]:
    """Names of the files a template imports (`{% import "common/phrases.xml.j2" as phrases %}`)."""
    found = []
    for node in tree.find_all((nodes.Import, nodes.FromImport)):
        # find_all types its result as their common base (Stmt); the first check narrows it back.
        if isinstance(node, (nodes.Import, nodes.FromImport)) and isinstance(node.template, nodes.Const):
            found.append(str(node.template.value))
    return tuple(found)
