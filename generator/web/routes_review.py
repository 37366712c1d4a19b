"""Reviewers: the templates with their status and what changed since approval, the review pack, the word
diff between two versions, and approval with the reviewer's name. Staff may read; only reviewers approve."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from generator.common.errors import CongvanError
from generator.content import TemplateInfo, all_templates, find_template
from generator.register import Role
from generator.review import Line, approval_line, approval_revision, approve, report, revisions, template_diffs
from generator.web.context import context_of, flash
from generator.web.downloads import attachment
from generator.web.forms import read_form
from generator.web.routes_staff import NotFound

router = APIRouter()
READERS = (Role.REVIEWER, Role.STAFF)


def _template(template_id: str) -> TemplateInfo:
    known = {t.id: t for t in all_templates()}
    if template_id not in known:
        raise NotFound()
    return known[template_id]


@router.get("/templates")
async def templates_page(request: Request) -> Response:
    ctx = context_of(request)
    ctx.need(request, *READERS)
    templates = await asyncio.to_thread(all_templates)
    return ctx.page(request, "templates.html", templates=templates)


@router.get("/templates/{template_id}/review.pdf")
async def review_pack(request: Request, template_id: str) -> Response:
    ctx = context_of(request)
    ctx.need(request, *READERS)
    info = await asyncio.to_thread(_template, template_id)
    pdf = await ctx.renderers.review_pack(info)
    return attachment(pdf, f"ho-so-tham-dinh-{info.id}-v{info.version}.pdf", "application/pdf", inline=True)


@router.get("/templates/{template_id}/diff")
async def diff_page(request: Request, template_id: str, old: str = "", new: str = "") -> Response:
    ctx = context_of(request)
    ctx.need(request, *READERS)
    info = await asyncio.to_thread(_template, template_id)
    versions = await asyncio.to_thread(revisions, info)
    known = {v.id for v in versions}
    old = old if old in known else ""
    new = new if new in known else ""
    if not old and versions:
        since = await asyncio.to_thread(approval_revision, info)
        old = since if since in known else versions[0].id
    lines: tuple[Line, ...] = ()
    error = ""
    if old:
        short = {v.id: v.short for v in versions}  # the report names versions as given: short hashes read better
        try:
            diffs = await asyncio.to_thread(template_diffs, info, short[old], short[new] if new else None)
            lines = report(diffs, 1)
        except CongvanError as failure:
            error = " ".join(failure.lines())
    return ctx.page(request, "diff.html", info=info, versions=versions, old=old, new=new, lines=lines, error=error)


@router.post("/templates/{template_id}/approve")
async def approve_post(request: Request, template_id: str) -> Response:
    ctx = context_of(request)
    user = ctx.need(request, Role.REVIEWER)
    await read_form(request)
    info = await asyncio.to_thread(_template, template_id)
    try:
        approved = await asyncio.to_thread(approve, find_template(info.id), user.display_name)
    except CongvanError as error:
        templates = await asyncio.to_thread(all_templates)
        return ctx.page(request, "templates.html", 400, templates=templates, error_id=info.id, error=error.lines())
    flash(request, approval_line(approved))
    return RedirectResponse("/templates", status_code=303)
