"""The register of issued documents (every role reads it) and verifying a file against it."""

from __future__ import annotations

import asyncio
import hashlib

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from generator.web.context import context_of
from generator.web.downloads import MEDIA_TYPES, attachment
from generator.web.forms import files, read_form
from generator.web.routes_staff import NotFound
from generator.web.uploads import UploadRefused, shown_name

router = APIRouter()
PAGE_SIZE = 100


@router.get("/register")
async def register_list(request: Request, page: int = 1) -> Response:
    ctx = context_of(request)
    ctx.need(request)
    page = max(1, page)
    documents = await asyncio.to_thread(ctx.register.issued_list, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    total = ctx.register.issued_count()
    return ctx.page(request, "register_list.html", documents=documents, page=page,
                    pages=max(1, -(-total // PAGE_SIZE)), total=total)


@router.get("/register/{issued_id}")
async def register_show(request: Request, issued_id: int) -> Response:
    ctx = context_of(request)
    ctx.need(request)
    document = ctx.register.issued(issued_id)
    if document is None:
        raise NotFound()
    return ctx.page(request, "register_show.html", document=document)


@router.get("/register/{issued_id}/files/{file_id}")
async def register_file(request: Request, issued_id: int, file_id: int) -> Response:
    ctx = context_of(request)
    ctx.need(request)
    document = ctx.register.issued(issued_id)
    found = next((f for f in document.files if f.id == file_id), None) if document else None
    if found is None:
        raise NotFound()
    path = ctx.register.absolute(found.path)
    if not path.is_file():
        raise NotFound()
    return attachment(path, found.name, MEDIA_TYPES.get(found.format, "application/octet-stream"))


@router.get("/verify")
async def verify_page(request: Request) -> Response:
    ctx = context_of(request)
    ctx.need(request)
    return ctx.page(request, "verify.html")


@router.post("/verify")
async def verify_post(request: Request) -> Response:
    ctx = context_of(request)
    ctx.need(request)
    try:
        form = await read_form(request, 1)
        incoming = await files(form, "file")
        if not incoming or not incoming[0].data:
            raise UploadRefused("Chưa chọn tệp cần kiểm tra.")
    except UploadRefused as refused:
        return ctx.page(request, "verify.html", 400, error=refused.message)
    digest = hashlib.sha256(incoming[0].data).hexdigest()
    matches = await asyncio.to_thread(ctx.register.find_sha256, digest)
    return ctx.page(request, "verify.html", checked=shown_name(incoming[0].name), digest=digest, matches=matches)
