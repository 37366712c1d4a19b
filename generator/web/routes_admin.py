"""Admins: the accounts, and a new account with its role."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from generator.common.errors import CongvanError
from generator.register import Role
from generator.web.context import context_of, flash
from generator.web.forms import read_form, text

router = APIRouter()


@router.get("/users")
async def users_page(request: Request) -> Response:
    ctx = context_of(request)
    ctx.need(request, Role.ADMIN)
    return ctx.page(request, "users.html", users=ctx.register.users(), roles=tuple(Role))


@router.post("/users")
async def users_post(request: Request) -> Response:
    ctx = context_of(request)
    ctx.need(request, Role.ADMIN)
    form = await read_form(request)
    password = form.get("password")
    try:
        user = await asyncio.to_thread(ctx.register.add_user, text(form, "name", 64), text(form, "role", 16),
                                       password if isinstance(password, str) else "", text(form, "full_name", 200))
    except CongvanError as error:
        return ctx.page(request, "users.html", 400, users=ctx.register.users(), roles=tuple(Role),
                        error=error.lines(), name=text(form, "name", 64), full_name=text(form, "full_name", 200))
    flash(request, f"Đã tạo tài khoản “{user.name}” ({user.role.label}).")
    return RedirectResponse("/users", status_code=303)
