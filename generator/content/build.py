"""Build a Document: render the kind's Jinja template, parse its markup, add header and signer."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from jinja2 import TemplateError as JinjaTemplateError
from jinja2 import TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError

from generator import formatting
from generator.config.profile import Profile
from generator.content.context import IssueInfo, as_variables
from generator.content.jinja_env import TEMPLATES_DIR, build_environment
from generator.content.markup import parse_markup
from generator.content.model import Document, Header, Signer
from generator.errors import Problem, TemplateError
from generator.snapshot.model import Period
from generator.templating.manifest import TemplateInfo

DRAFT_MARK = "DỰ THẢO"
_BLANK = "\u00a0" * 6  # room for the clerk to write the number or the day by hand (kept by HTML too)


def issue_info(profile: Profile, number: str | None, issue_date: date | None, fallback_month: Period) -> IssueInfo:
    """Number, symbol and date as printed; blanks where the clerk completes them."""
    symbol = profile.issuer.symbol
    number_text = _number(number) if number else _BLANK
    if issue_date is not None:
        date_text = formatting.short_date(issue_date)
    else:
        date_text = f"{_BLANK}/{formatting.two_digit_month(fallback_month.month)}/{fallback_month.year}"
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
    text = render_template_text(source, as_variables(context))
    markup = parse_markup(text, str(template.main_file))
    document_config = profile.document(template.id)
    when = issue_date or date(fallback_month.year, fallback_month.month, 1)
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
        body=markup.body,
        signer=signer,
        copies_to=markup.copies if markup.copies is not None else document_config.copies_to,
        annexes=markup.annexes,
        draft_mark=DRAFT_MARK if template.is_draft else None,
        title=markup.title,
    )


@lru_cache(maxsize=1)
def _environment():  # type: ignore[no-untyped-def]
    return build_environment(TEMPLATES_DIR, autoescape=True)


def render_template_text(name: str, variables: dict[str, Any]) -> str:
    """Render one template; Jinja problems become TemplateError naming the variable, file and line."""
    env = _environment()
    try:
        return env.get_template(name).render(variables)
    except TemplateSyntaxError as exc:
        raise TemplateError("Mẫu văn bản sai cú pháp",
                            (Problem(exc.filename or name, exc.message or "lỗi cú pháp", row=exc.lineno),)) from None
    except UndefinedError as exc:
        raise TemplateError("Mẫu văn bản dùng một biến không có", (_located(exc, name, f"biến không có: {exc.message}"),)) from None
    except SecurityError as exc:
        raise TemplateError("Mẫu văn bản bị chặn vì truy cập không an toàn", (_located(exc, name, str(exc)),)) from None
    except JinjaTemplateError as exc:
        raise TemplateError("Không dựng được văn bản từ mẫu", (_located(exc, name, str(exc)),)) from None


def _located(exc: BaseException, name: str, message: str) -> Problem:
    """Find the template file and line from the traceback frames Jinja rewrites for templates."""
    tb = exc.__traceback__
    where: tuple[str, int] | None = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            where = (filename, tb.tb_lineno)
        tb = tb.tb_next
    if where is None:
        return Problem(str(TEMPLATES_DIR / name), message)
    return Problem(where[0], message, row=where[1])
