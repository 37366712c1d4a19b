"""The application: routes, sessions, limits, headers, and errors as Vietnamese pages.

`create_app(settings)` builds it; `congvan serve` runs it with uvicorn. The pages are a thin layer:
building documents is the conductor's (generator.build), issuing and the register are
generator.register's, templates and approval generator.review's.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from logging.handlers import RotatingFileHandler
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from generator.common.errors import CongvanError
from generator.common.resources import package_path
from generator.register import Register
from generator.web import routes_admin, routes_auth, routes_register, routes_review, routes_staff
from generator.web.context import WebContext, context_of, environment
from generator.web.jobs import LOGS_DIR, BatchRunner
from generator.web.previews import Renderers
from generator.web.security import (
    CatchAll,
    CsrfRefused,
    Forbidden,
    LimitBody,
    LoginThrottle,
    NotLoggedIn,
    SecurityHeaders,
)
from generator.web.settings import MIB, WebSettings, secret_key
from generator.web.uploads import UploadRefused

logger = logging.getLogger("congvan.web")
SESSION_COOKIE = "congvan_session"


def create_app(settings: WebSettings) -> FastAPI:
    data = settings.resolved_data
    register = Register(data, settings.database_url)
    _log_to(data)
    ctx = WebContext(settings, register, Renderers(data, settings.preview_workers), BatchRunner(register),
                     LoginThrottle(settings.login_attempts, settings.login_window_seconds))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx.batches.recover()
        ctx.renderers.warm_up(settings.preview_workers)
        yield
        ctx.batches.stop()
        ctx.renderers.close()
        register.close()

    app = FastAPI(title="congvan", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.ctx = ctx
    for module in (routes_auth, routes_staff, routes_register, routes_review, routes_admin):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=str(package_path("web", "static"))), name="static")
    _handlers(app)
    app.add_middleware(CatchAll, render=_unexpected_page, logger=logger)  # inside the session: the page has one
    app.add_middleware(SessionMiddleware, secret_key=secret_key(data), session_cookie=SESSION_COOKIE,
                       max_age=settings.session_hours * 3600, same_site="lax", https_only=settings.https_only)
    app.add_middleware(LimitBody, limit=settings.max_upload_bytes, too_large=_too_large_page(settings),
                       drain_limit=4 * settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders)  # the outermost: every answer gets the headers, the 413 page too
    return app


def _log_to(data: Path) -> None:
    """Server-side log (tracebacks of failed requests): <data>/logs/server.log, rotated."""
    folder = data / LOGS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = str(folder / "server.log")
    for handler in [h for h in logger.handlers if isinstance(h, RotatingFileHandler)]:
        if handler.baseFilename != target:  # an earlier application in this process (tests) used another folder
            logger.removeHandler(handler)
            handler.close()
    if not any(isinstance(h, RotatingFileHandler) for h in logger.handlers):
        handler = RotatingFileHandler(target, maxBytes=5 * MIB, backupCount=5, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _error_page(request: Request, status: int, title: str, lines: list[str] | tuple[str, ...]) -> Response:
    ctx = context_of(request)
    try:
        return ctx.page(request, "error.html", status, title=title, lines=tuple(lines))
    except Exception:  # the page itself failed (a broken register?): a plain page, still in Vietnamese
        logger.exception("error page failed")
        return HTMLResponse(f"<!doctype html><meta charset=utf-8><title>Lỗi</title><h1>{status}</h1>"
                            "<p>Đã có lỗi. Hãy thử lại sau.</p>", status_code=status)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(NotLoggedIn)
    async def not_logged_in(request: Request, _: Exception) -> Response:
        if request.method == "GET" and request.url.path != "/":
            return RedirectResponse("/", status_code=303)
        return _error_page(request, 401, "Cần đăng nhập", ["Phiên làm việc đã hết hoặc bạn chưa đăng nhập."])

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, error: Exception) -> Response:
        message = error.message if isinstance(error, Forbidden) else str(error)
        return _error_page(request, 403, "Không có quyền", [message])

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, _: Exception) -> Response:
        logger.warning("CSRF refused: %s %s", request.method, request.url.path)
        return _error_page(request, 403, "Biểu mẫu không hợp lệ", [
            "Biểu mẫu thiếu mã xác thực hoặc đã hết hạn, nên yêu cầu bị từ chối. "
            "Hãy tải lại trang rồi làm lại."])

    @app.exception_handler(routes_staff.NotFound)
    async def not_found(request: Request, _: Exception) -> Response:
        return _error_page(request, 404, "Không tìm thấy", ["Không có trang hoặc tệp này."])

    @app.exception_handler(UploadRefused)
    async def refused(request: Request, error: Exception) -> Response:
        message = error.message if isinstance(error, UploadRefused) else str(error)
        return _error_page(request, 400, "Không nhận tệp", [message])

    @app.exception_handler(CongvanError)
    async def project_error(request: Request, error: Exception) -> Response:
        lines = error.lines() if isinstance(error, CongvanError) else [str(error)]
        return _error_page(request, 400, "Không thực hiện được", lines)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: Exception) -> Response:
        status = error.status_code if isinstance(error, HTTPException) else 500
        titles = {404: ("Không tìm thấy", "Không có trang hoặc tệp này."),
                  405: ("Không hỗ trợ", "Trang này không nhận yêu cầu kiểu đó."),
                  400: ("Yêu cầu không hợp lệ", "Dữ liệu gửi lên không đúng dạng.")}
        title, line = titles.get(status, ("Lỗi", "Yêu cầu không thực hiện được."))
        return _error_page(request, status, title, [line])

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, _: Exception) -> Response:
        return _error_page(request, 400, "Yêu cầu không hợp lệ", ["Địa chỉ hoặc dữ liệu gửi lên không đúng dạng."])



async def _unexpected_page(scope: Scope, incident: str) -> Response:
    """The page CatchAll answers with (the traceback is already in the server's log)."""
    return _error_page(Request(scope), 500, "Lỗi ngoài dự kiến", [
        "Đã có lỗi ngoài dự kiến nên yêu cầu chưa được thực hiện; không có gì được lưu dở. "
        f"Hãy báo cho quản trị viên mã sự cố {incident}."])


def _too_large_page(settings: WebSettings):  # type: ignore[no-untyped-def]
    limit_mb = settings.max_upload_bytes // MIB
    env = environment()

    async def respond(scope: Scope, receive: Receive, send: Send) -> None:
        html = env.get_template("too_large.html").render(limit_mb=limit_mb)
        response = HTMLResponse(html, status_code=413, headers={"Connection": "close"})
        await response(scope, receive, send)

    return respond
