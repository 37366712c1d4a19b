"""Reading a POSTed form: within the limits, with its CSRF token checked before anything else."""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from generator.web.security import check_csrf
from generator.web.uploads import Incoming, UploadRefused

MAX_FIELDS = 50


async def read_form(request: Request, max_files: int = 0) -> FormData:
    """The form, CSRF-checked; more files than allowed is an UploadRefused."""
    try:
        form = await request.form(max_files=max(max_files, 0), max_fields=MAX_FIELDS)
    except HTTPException as error:  # Starlette's refusal of a malformed or over-limit multipart body
        if "files" in str(error.detail).lower() and max_files:
            raise UploadRefused(f"Tải lên quá nhiều tệp một lần: tối đa {max_files} tệp.") from None
        raise
    check_csrf(request, form)
    return form


def text(form: FormData, name: str, limit: int = 500) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


async def files(form: FormData, name: str) -> list[Incoming]:
    found = []
    for item in form.getlist(name):
        if isinstance(item, UploadFile):
            found.append(Incoming(item.filename or "", await item.read()))
            await item.close()
    return found
