"""What every request handler shares: the register, the renderers, the batch runner, the page renderer."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from generator.common import formatting
from generator.common.resources import package_path
from generator.register import Register, Role, User, local
from generator.web.jobs import BatchRunner
from generator.web.previews import Renderers
from generator.web.security import LoginThrottle, csrf_token, require, session_user_id
from generator.web.settings import WebSettings

logger = logging.getLogger("congvan.web")


def _vn_time(value: datetime | None) -> str:
    if value is None:
        return ""
    moment = local(value)
    return f"{moment:%H:%M} ngày {formatting.short_date(moment.date())}"


def _vn_date(value: date | None) -> str:
    return formatting.short_date(value) if value is not None else ""


def _score(value: Decimal | None) -> str:
    return formatting.score(value) if value is not None else ""


def _size(value: int) -> str:
    if value >= 1024 * 1024:
        return f"{formatting.number(Decimal(value) / (1024 * 1024), 1)} MB"
    return f"{formatting.number(Decimal(value) / 1024, 0)} KB"


def environment() -> Environment:
    """The pages' Jinja environment: autoescaping everything, undefined names are errors."""
    env = Environment(loader=FileSystemLoader(str(package_path("web", "templates"))),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(vn_time=_vn_time, vn_date=_vn_date, score=_score, count=formatting.count, size=_size)
    env.globals.update(Role=Role)
    return env


@dataclass
class WebContext:
    settings: WebSettings
    register: Register
    renderers: Renderers
    batches: BatchRunner
    throttle: LoginThrottle
    env: Environment = field(default_factory=environment)

    def user(self, request: Request) -> User | None:
        user_id = session_user_id(request)
        return self.register.user(user_id) if user_id is not None else None

    def need(self, request: Request, *roles: Role) -> User:
        return require(self.user(request), *roles)

    def page(self, request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        """A whole page; every value is escaped by the template environment."""
        if "user" not in values:
            values["user"] = self.user(request)
        values.setdefault("flash", request.session.pop("flash", None))
        html = self.env.get_template(template).render(
            csrf=csrf_token(request), path=request.url.path, max_upload_mb=self.settings.max_upload_bytes // (1 << 20),
            **values)
        return HTMLResponse(html, status_code=status)

    @property
    def data(self) -> Path:
        return self.register.data


def context_of(request: Request) -> WebContext:
    ctx = request.app.state.ctx
    assert isinstance(ctx, WebContext)
    return ctx


def flash(request: Request, message: str) -> None:
    """A one-line confirmation shown on the next page."""
    request.session["flash"] = message
