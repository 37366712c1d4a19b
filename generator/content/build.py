"""Build a Document: render the kind's Jinja template, parse its markup, add header and signer."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import TemplateError as JinjaTemplateError
from jinja2 import TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from generator.common import formatting
from generator.common.errors import Problem, TemplateError
from generator.common.jinja_env import BudgetExceeded, build_environment, render_budgeted
from generator.common.resources import TEMPLATES_DIR
from generator.config import Profile
from generator.content.context import IssueInfo, as_variables
from generator.content.markup import parse_markup
from generator.content.model import Block, Document, Header, Paragraph, Signer
from generator.content.registry import TemplateInfo
from generator.snapshot import Period

DRAFT_MARK = "DỰ THẢO"
_BLANK = "\u00a0" * 6  # room for the clerk to write the number or the day by hand (kept by HTML too)


def issue_info(profile: Profile, number: str | None, issue_date: date | None, fallback_month: Period) -> IssueInfo:
    """Number, symbol and date as printed; blanks where the clerk completes them."""
    symbol = profile.issuer.symbol
    number_text = _number(number) if number else _BLANK
    if issue_date is not None:
        date_text = formatting.short_date(issue_date)
    else:
        month = formatting.two_digit_month(fallback_month.last_month)
        date_text = f"{_BLANK}/{month}/{fallback_month.year}"
    return IssueInfo(
        number_text=number_text,
        symbol=symbol,
        date_text=date_text,
        reference=f"Văn bản số {number_text}/{symbol} ngày {date_text}",
    )


def _number(number: str) -> str:
    """NĐ 30: numbers below 10 take a leading zero."""
    text = number.strip()
    return f"0{text}" if text.isdigit() and int(text) < 10 and len(text) == 1 else text


def build_document(
    template: TemplateInfo,
    context: Any,
    profile: Profile,
    issue: IssueInfo,
    issue_date: date | None,
    fallback_month: Period,
) -> Document:
    """Render `template` with `context` (a context dataclass) into a complete Document."""
    source = template.template_name()
    text = render_template_text(source, as_variables(context), template.root)
    markup = parse_markup(text, str(template.main_file))
    document_config = profile.document(template.id)
    notes = profile.draft_notes()
    when = issue_date or date(fallback_month.year, fallback_month.last_month, 1)
    header = Header(
        parent_body=profile.issuer.parent_body,
        issuing_body=profile.issuer.issuing_body,
        number_line=f"Số: {issue.number_text}/{issue.symbol}",
        subject=markup.subject,
        motto_country=profile.motto_country,
        motto=profile.motto,
        date_line=formatting.nd30_date(profile.issuer.place, when.year, when.month,
                                       issue_date.day if issue_date else None),
    )
    signer = Signer(profile.signer.authority_lines, profile.signer.title_lines, profile.signer.name)
    return Document(
        kind=template.id,
        header=header,
        recipients=markup.recipients if markup.recipients is not None else document_config.recipients,
        body=keep_ending_together(markup.body),
        signer=signer,
        copies_to=markup.copies if markup.copies is not None else document_config.copies_to,
        annexes=markup.annexes,
        draft_mark=DRAFT_MARK if template.is_draft or notes else None,
        draft_notes=notes,
        title=markup.title,
    )


# The signature never stands on a page with the closing paragraph alone: the closing and the
# paragraph before it keep with what follows them (the closing with the signature block).
ENDING_PARAGRAPHS = 2


def keep_ending_together(body: tuple[Block, ...]) -> tuple[Block, ...]:
    """The body with its last ENDING_PARAGRAPHS blocks, when they are paragraphs, kept with what follows."""
    kept = list(body)
    for index in range(len(kept) - 1, max(len(kept) - ENDING_PARAGRAPHS, 0) - 1, -1):
        block = kept[index]
        if not isinstance(block, Paragraph):
            break
        kept[index] = replace(block, keep_with_next=True)
    return tuple(kept)


@lru_cache(maxsize=4)
def _environment(root: Path) -> ImmutableSandboxedEnvironment:
    """One sandboxed, autoescaping environment per templates folder (tests point at copies)."""
    return build_environment(root, autoescape=True)


def render_template_text(name: str, variables: dict[str, Any], root: Path = TEMPLATES_DIR) -> str:
    """Render one template; Jinja problems become TemplateError naming the variable, file and line."""
    env = _environment(root.resolve())
    try:
        return render_budgeted(env.get_template(name), variables)
    except TemplateSyntaxError as exc:
        raise TemplateError("Mẫu văn bản sai cú pháp",
                            (Problem(exc.filename or name, _syntax_message(exc.message), row=exc.lineno),)) from None
    except UndefinedError as exc:
        problem = _located(exc, root / name, "")
        message = f"biến không có: {_undefined_name(exc, problem)}"
        raise TemplateError("Mẫu văn bản dùng một biến không có",
                            (Problem(problem.file, message, problem.row),)) from None
    except SecurityError as exc:
        raise TemplateError("Mẫu văn bản bị chặn vì truy cập không an toàn (thuộc tính nội bộ của Python)",
                            (_located(exc, root / name, _security_message(str(exc))),)) from None
    except BudgetExceeded as exc:
        raise TemplateError("Mẫu văn bản vượt giới hạn khi dựng văn bản",
                            (_located(exc, root / name, exc.reason),)) from None
    except JinjaTemplateError as exc:
        raise TemplateError("Không dựng được văn bản từ mẫu", (_located(exc, root / name, str(exc)),)) from None
    except RecursionError as exc:
        raise TemplateError("Mẫu văn bản gọi lồng nhau quá sâu",
                            (_located(exc, root / name, "cụm từ (macro) gọi lại chính nó không dừng"),)) from None
    except (ArithmeticError, TypeError, ValueError, LookupError) as exc:
        # The template's own arithmetic or data access went wrong (1/0, int("x"), x[99]): its author's to fix.
        raise TemplateError("Không dựng được văn bản từ mẫu",
                            (_located(exc, root / name, f"lỗi khi tính trong mẫu: {type(exc).__name__}: {exc}"),)) \
            from None


_UNKNOWN_FILTER = re.compile(r"^No (filter|test) named '([^']+)'")


def _syntax_message(message: str | None) -> str:
    """Jinja's compile-time messages that a template author meets most, in Vietnamese."""
    unknown = _UNKNOWN_FILTER.match(message or "")
    if unknown:
        what = "bộ lọc" if unknown.group(1) == "filter" else "phép thử"
        return f"không có {what} “{unknown.group(2)}” (xem docs/template-variables.md)"
    return f"lỗi cú pháp: {message}" if message else "lỗi cú pháp"


_UNSAFE = re.compile(r"access to attribute '([^']+)' of '([^']+)' object is unsafe")


def _security_message(message: str) -> str:
    unsafe = _UNSAFE.search(message)
    if not unsafe:
        return f"truy cập bị chặn: {message}"
    return (f"truy cập bị chặn: “{unsafe.group(1)}” (của kiểu {unsafe.group(2)}) là phần nội bộ của Python, "
            "mẫu văn bản không được dùng")


_UNDEFINED_NAME = re.compile(r"^'([^']+)' is undefined$")
_MISSING_ATTRIBUTE = re.compile(r"^'(.+)' has no attribute '([^']+)'$")


def _undefined_name(exc: UndefinedError, where: Problem) -> str:
    """Jinja's English message as the variable the template wrote: “authority.totl”, with the object's kind."""
    text = exc.message or ""
    undefined = _UNDEFINED_NAME.match(text)
    if undefined:
        return f"“{undefined.group(1)}”"
    missing = _MISSING_ATTRIBUTE.match(text)
    if not missing:
        return text
    owner, attribute = missing.group(1).removesuffix(" object").rsplit(".", 1)[-1], missing.group(2)
    chain = _chain_on_line(where, attribute)
    written = f"“{chain}”" if chain else f"“{attribute}”"
    return f"{written} (kiểu {owner} không có thuộc tính “{attribute}”)"


def _chain_on_line(where: Problem, attribute: str) -> str | None:
    """The dotted name ending in `attribute` on the template line the error points at, when it is there."""
    if not isinstance(where.row, int):
        return None
    try:
        line = Path(where.file).read_text(encoding="utf-8").splitlines()[where.row - 1]
    except (OSError, IndexError, UnicodeDecodeError):
        return None
    found = re.search(rf"([A-Za-z_][\w.]*\.{re.escape(attribute)})\b", line)
    return found.group(1) if found else None


def _located(exc: BaseException, path: Path, message: str) -> Problem:
    """Find the template file and line from the traceback frames Jinja rewrites for templates."""
    tb = exc.__traceback__
    where: tuple[str, int] | None = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            where = (filename, tb.tb_lineno)
        tb = tb.tb_next
    if where is None:
        return Problem(str(path), message)
    return Problem(where[0], message, row=where[1])
