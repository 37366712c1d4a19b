"""Login, logout and the home page (the login page to someone not logged in)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from generator.register import Role
from generator.web.context import context_of
from generator.web.forms import read_form, text
from generator.web.security import login, logout
from generator.web.uploads import ACCEPTED

router = APIRouter()


@router.get("/")
async def home(request: Request) -> Response:
    ctx = context_of(request)
    user = await asyncio.to_thread(ctx.user, request)
    if user is None:
        return ctx.page(request, "login.html", user=None)
    values: dict[str, Any] = {"user": user}
    if user.role is Role.STAFF:
        values["snapshots"] = await asyncio.to_thread(ctx.register.snapshots, 10)
        values["batches"] = await asyncio.to_thread(ctx.register.batches, None, 10)
        values["accepted"] = ACCEPTED
        values["max_files"] = ctx.settings.max_upload_files
    return ctx.page(request, "home.html", **values)


@router.get("/login")
async def login_page(request: Request) -> Response:
    return context_of(request).page(request, "login.html", user=None)


@router.post("/login")
async def login_post(request: Request) -> Response:
    ctx = context_of(request)
    form = await read_form(request)
    name, password = text(form, "name", 64), form.get("password")
    if ctx.throttle.blocked(name):
        return ctx.page(request, "login.html", 429, user=None, name=name,
                        error="Đăng nhập sai quá nhiều lần. Hãy chờ vài phút rồi thử lại.")
    user = await asyncio.to_thread(ctx.register.authenticate, name, password if isinstance(password, str) else "")
    if user is None:
        ctx.throttle.failed(name)
        return ctx.page(request, "login.html", 401, user=None, name=name,
                        error="Sai tên đăng nhập hoặc mật khẩu.")
    ctx.throttle.succeeded(name)
    login(request, user)
    return RedirectResponse("/", status_code=303)


@router.post("/logout")
async def logout_post(request: Request) -> Response:
    await read_form(request)
    logout(request)
    return RedirectResponse("/", status_code=303)
