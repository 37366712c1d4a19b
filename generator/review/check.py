"""`congvan templates check`: what can be known about a template without rendering it.

Document templates: Jinja syntax and unknown filters, names and dotted attributes the catalogue
does not know (with the nearest known name), attributes starting with "_", unknown macros, and
include/extends. Rule files: everything `load_rules` refuses. Each problem is `FILE:LINE: message`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from generator.common.errors import ConfigError, Problem, TemplateError
from generator.common.jinja_env import forbidden_forms
from generator.content import TemplateInfo
from generator.directives import load_rules
from generator.review.catalogue import context_root
from generator.review.scope import Resolver, root_scope
from generator.review.sources import macro_names, parse_file, shown_path
from generator.review.walker import Walker


@dataclass(frozen=True)
class CheckResult:
    """The problems of one template (empty when it is fine) and what was looked at."""

    template: TemplateInfo
    problems: tuple[Problem, ...]
    variables: int  # distinct dotted names used (document templates) or rules loaded (rule files)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """The Vietnamese OK line: “monthly_dispatch (phiên bản 1): không có lỗi — 2 tệp, 57 biến.”"""
        what = "quy tắc" if self.template.is_rule_file else "biến"
        files = len(self.template.files)
        return (f"{self.template.id} (phiên bản {self.template.version}): không có lỗi — {files} tệp, "
                f"{self.variables} {what}.")


def check_template(info: TemplateInfo) -> CheckResult:
    """Check one template or rule file."""
    if info.is_rule_file:
        return _check_rules(info)
    problems: list[Problem] = []
    context = context_root(info.id)
    if context is None:
        problems.append(Problem(shown_path(info.main_file),
                                f"chương trình không sinh văn bản nào từ mẫu “{info.id}”, nên không biết mẫu được dùng "
                                "những biến nào (xem TEMPLATE_CONTEXTS trong generator/templating/catalogue.py)"))
    used: set[str] = set()
    for path in info.files:
        if path.suffix != ".j2":
            continue
        parsed = parse_file(path, info.root)
        if parsed.tree is None:
            problems.append(parsed.problem)  # type: ignore[arg-type]
            continue
        shown, imported = shown_path(path), path != info.main_file

        def report(line: int, message: str, shown: str = shown, imported: bool = imported) -> None:
            if imported and message.startswith("biến “") and "." not in message.split("”")[0]:
                message += " — tệp cụm từ dùng chung không thấy biến của mẫu; hãy truyền vào qua tham số của cụm từ"
            problems.append(Problem(shown, message, row=line))

        for line, message in forbidden_forms(parsed.tree):  # what the sandbox refuses at render
            report(line, message)
        walker = Walker(Resolver(report), partial(macro_names, info.root))
        # Imported files see no context (`{% import %}` without `with context`): only their parameters.
        walker.walk(parsed.tree, root_scope(context if path == info.main_file else None))
        used.update(u.path for u in walker.uses)
    return CheckResult(info, tuple(dict.fromkeys(problems)), len(used))


def _check_rules(info: TemplateInfo) -> CheckResult:
    try:
        rules = load_rules(info.main_file)
    except ConfigError as error:
        problems = error.problems or (Problem(shown_path(info.main_file), error.message),)
        return CheckResult(info, tuple(_shown(p) for p in problems), 0)
    return CheckResult(info, (), len(rules.rules))


def _shown(problem: Problem) -> Problem:
    return Problem(shown_path(Path(problem.file)), problem.message, problem.row, problem.column)


def require_clean(results: tuple[CheckResult, ...]) -> None:
    """TemplateError (exit 2) listing every problem of every template that has one."""
    failed = [r for r in results if not r.ok]
    if not failed:
        return
    count = sum(len(r.problems) for r in failed)
    names = ", ".join(r.template.id for r in failed)
    raise TemplateError(f"Có {count} lỗi trong mẫu {names}", tuple(p for r in failed for p in r.problems))
