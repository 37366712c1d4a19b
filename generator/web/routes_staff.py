"""Staff: upload a snapshot, read its ranked tables, preview the dispatch, issue it, run a batch."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response

from generator.analysis import Analysis, analyse, authority_line, ranked_tables
from generator.build import Prepared, prepare
from generator.common import formatting
from generator.common.errors import CongvanError, UsageError
from generator.config import Profile
from generator.content import all_templates
from generator.register import IssuedDocument, IssueRequest, Role, StoredSnapshot, issue
from generator.snapshot import load_history, load_snapshot
from generator.web.context import WebContext, context_of, flash
from generator.web.downloads import attachment
from generator.web.forms import files, read_form, text
from generator.web.jobs import BatchOrder
from generator.web.previews import history_fingerprint, templates_fingerprint
from generator.web.uploads import ACCEPTED, PortalDetails, UploadRefused, accept

router = APIRouter()
FORMATS = ("docx", "pdf")


class NotFound(Exception):
    """A page about something that does not exist (or is not this user's to see)."""


@dataclass(frozen=True)
class SnapshotView:
    stored: StoredSnapshot
    analysis: Analysis
    profile: Profile | None
    problem: str  # why it cannot be previewed or issued (no profile), in Vietnamese
    warnings: tuple[str, ...]


@lru_cache(maxsize=16)
def _prepared(path: Path, history_key: str, templates_key: str) -> Prepared:
    return prepare(path, path.parent)


def snapshot_view(ctx: WebContext, sha256: str) -> SnapshotView:
    stored = ctx.register.snapshot(sha256) if sha256.isalnum() else None
    if stored is None or not stored.path.is_file():
        raise NotFound()
    try:
        prepared = _prepared(stored.path, history_fingerprint(stored.path.parent),
                             templates_fingerprint(all_templates()))
        return SnapshotView(stored, prepared.analysis, prepared.profile, "", prepared.warnings)
    except CongvanError as error:
        if error.category != "cấu hình":
            raise
        snapshot = load_snapshot(stored.path)
        history = load_history(snapshot, stored.path.parent)
        analysis = analyse(snapshot, history.as_mapping(), ())
        return SnapshotView(stored, analysis, None, " ".join(error.lines()), snapshot.warnings + history.warnings)


def _snapshot_page(ctx: WebContext, request: Request, view: SnapshotView, status: int = 200,
                   **extra: object) -> Response:
    issued = ctx.register.issued_for_snapshot(view.stored.sha256)
    values: dict[str, object] = {
        "view": view, "tables": ranked_tables(view.analysis),
        "authority": authority_line(view.analysis), "issued": issued,
        "signers": [(p.name.strip(), p.describe()) for p in view.profile.signer_choices()] if view.profile else [],
        "today": date.today().isoformat(),
        "symbol": view.profile.issuer.symbol if view.profile else "", "formats": FORMATS,
        "units": [(u.code, u.name) for u in view.analysis.units]}
    values.update(extra)
    return ctx.page(request, "snapshot.html", status, **values)


@router.post("/upload")
async def upload(request: Request) -> Response:
    ctx = context_of(request)
    user = ctx.need(request, Role.STAFF)
    details = PortalDetails()
    try:
        form = await read_form(request, ctx.settings.max_upload_files)
        details = PortalDetails(text(form, "period", 20), text(form, "cutoff", 40))
        incoming = await files(form, "files")
        accepted = await asyncio.to_thread(accept, ctx.register, incoming, user.name, details)
    except UploadRefused as refused:
        return ctx.page(request, "home.html", 400, user=user, upload_error=refused.message, problems=refused.rows,
                        snapshots=ctx.register.snapshots(10), batches=ctx.register.batches(None, 10),
                        accepted=ACCEPTED, max_files=ctx.settings.max_upload_files, period=details.period,
                        cutoff=details.cutoff)
    stored = accepted.stored
    notes = (f"{note[0].upper()}{note[1:]}." for note in accepted.notes)
    flash(request, " ".join((f"Đã nhận tệp “{stored.name}”: số liệu hợp lệ.", *notes)))
    return RedirectResponse(f"/snapshots/{stored.sha256}", status_code=303)


@router.get("/snapshots/{sha256}")
async def snapshot_page(request: Request, sha256: str) -> Response:
    ctx = context_of(request)
    ctx.need(request, Role.STAFF)
    view = await asyncio.to_thread(snapshot_view, ctx, sha256)
    return _snapshot_page(ctx, request, view)


@router.get("/snapshots/{sha256}/preview")
async def preview_page(request: Request, sha256: str) -> Response:
    ctx = context_of(request)
    ctx.need(request, Role.STAFF)
    view = await asyncio.to_thread(snapshot_view, ctx, sha256)
    if view.profile is None:
        raise UsageError(view.problem)
    preview = await ctx.renderers.preview(sha256, view.stored.path, view.stored.path.parent)
    return ctx.page(request, "preview.html", view=view, preview=preview, authority=authority_line(view.analysis))


@router.get("/previews/{key}/{page}")
async def preview_file(request: Request, key: str, page: str) -> Response:
    ctx = context_of(request)
    ctx.need(request, Role.STAFF)
    folder = ctx.renderers.preview_folder(key)
    name = page if page == "preview.pdf" or (page.removesuffix(".png").isdigit() and page.endswith(".png")) else ""
    if folder is None or not name or not (folder / name).is_file():
        raise NotFound()
    media = "application/pdf" if name.endswith(".pdf") else "image/png"
    return FileResponse(folder / name, media_type=media, headers={"Cache-Control": "private, max-age=3600"})


@router.post("/snapshots/{sha256}/issue")
async def issue_post(request: Request, sha256: str) -> Response:
    ctx = context_of(request)
    user = ctx.need(request, Role.STAFF)
    form = await read_form(request)
    view = await asyncio.to_thread(snapshot_view, ctx, sha256)
    number, day, signer = text(form, "number", 20), text(form, "date", 20), text(form, "signer")
    try:
        if view.profile is None:
            raise UsageError(view.problem)
        if signer not in {p.name.strip() for p in view.profile.signer_choices()}:
            raise UsageError("Người ký phải là người có trong hồ sơ cơ quan; hãy chọn lại.")
        issue_date = _date(day)
        document = await asyncio.to_thread(
            issue, ctx.register, IssueRequest(view.stored.path, number, issue_date, user, view.stored.name,
                                              view.stored.path.parent, signer=signer or None))
    except CongvanError as error:
        return _snapshot_page(ctx, request, view, 400, issue_error=error.lines(), number=number, day=day,
                              chosen=signer)
    flash(request, f"Đã cấp số và phát hành văn bản số {document.reference} "
                   f"ngày {formatting.short_date(document.issue_date)}.")
    return RedirectResponse(f"/register/{document.id}", status_code=303)


def _date(text_value: str) -> date:
    try:
        return date.fromisoformat(text_value)
    except ValueError:
        raise UsageError(f"Ngày ban hành “{text_value}” không hợp lệ; chọn ngày theo dạng năm-tháng-ngày.") from None


@router.post("/snapshots/{sha256}/batch")
async def batch_post(request: Request, sha256: str) -> Response:
    ctx = context_of(request)
    user = ctx.need(request, Role.STAFF)
    form = await read_form(request)
    view = await asyncio.to_thread(snapshot_view, ctx, sha256)
    formats = tuple(f for f in FORMATS if f in form.getlist("formats"))
    try:
        if view.profile is None:
            raise UsageError(view.problem)
        if not formats:
            raise UsageError("Chọn ít nhất một định dạng (DOCX hoặc PDF).")
        units = _units(text(form, "units", 5000), view)
        document = _issued_choice(ctx, text(form, "issued", 20), sha256)
    except CongvanError as error:
        return _snapshot_page(ctx, request, view, 400, batch_error=error.lines())
    batch_id = uuid.uuid4().hex
    ctx.register.create_batch(batch_id, sha256, user.name, formats, units, document.id if document else None)
    ctx.batches.start(BatchOrder(
        data=str(ctx.data), database_url=ctx.register.url, batch_id=batch_id, snapshot=str(view.stored.path),
        history=str(view.stored.path.parent), formats=formats, units=units,
        number=str(document.number) if document else None,
        issue_date=document.issue_date.isoformat() if document else None, official=document is not None,
        issued_id=document.id if document else None, jobs=ctx.settings.batch_jobs,
        signer=_signer_of(document, view.profile)))
    return RedirectResponse(f"/batches/{batch_id}", status_code=303)


def _signer_of(document: IssuedDocument | None, profile: Profile | None) -> str | None:
    """The name of the person who signed an issued document (the batch's copies carry the same signer)."""
    if document is None or profile is None:
        return None
    return next((p.name.strip() for p in profile.signer_choices() if p.describe() == document.signer), None) or None


def _units(value: str, view: SnapshotView) -> tuple[str, ...] | None:
    codes = tuple(dict.fromkeys(c.strip() for c in value.replace(";", ",").split(",") if c.strip()))
    if not codes:
        return None
    known = {u.code for u in view.analysis.units}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise UsageError(f"Mã đơn vị không có trong số liệu: {', '.join(unknown)}")
    return codes


def _issued_choice(ctx: WebContext, value: str, sha256: str) -> IssuedDocument | None:
    if not value:
        return None
    document = ctx.register.issued(int(value)) if value.isdigit() else None
    if document is None or document.snapshot_sha256 != sha256:
        raise UsageError("Văn bản đã phát hành được chọn không thuộc bộ số liệu này.")
    return document


@router.get("/batches/{batch_id}")
async def batch_page(request: Request, batch_id: str) -> Response:
    ctx = context_of(request)
    ctx.need(request, Role.STAFF)
    state = await asyncio.to_thread(_batch_state, ctx, batch_id)
    stored = ctx.register.snapshot(state.snapshot_sha256)
    issued = ctx.register.issued(state.issued_id) if state.issued_id else None
    return ctx.page(request, "batch.html", state=state, stored=stored, issued=issued)


def _batch_state(ctx: WebContext, batch_id: str):  # type: ignore[no-untyped-def]
    if not batch_id.isalnum():
        raise NotFound()
    ctx.batches.check(batch_id)
    state = ctx.register.batch(batch_id)
    if state is None:
        raise NotFound()
    return state


@router.get("/batches/{batch_id}/status")
async def batch_status(request: Request, batch_id: str) -> Response:
    ctx = context_of(request)
    ctx.need(request, Role.STAFF)
    state = await asyncio.to_thread(_batch_state, ctx, batch_id)
    return JSONResponse({
        "status": state.status, "done": state.done, "total": state.total, "percent": state.percent,
        "finished": state.finished, "message": state.message,
        "failures": [{"name": f.name, "reason": f.reason} for f in state.failures],
    }, headers={"Cache-Control": "no-store"})


@router.get("/batches/{batch_id}/zip")
async def batch_zip(request: Request, batch_id: str) -> Response:
    ctx = context_of(request)
    ctx.need(request, Role.STAFF)
    state = await asyncio.to_thread(_batch_state, ctx, batch_id)
    if state.zip is None or not state.zip.is_file():
        raise NotFound()
    return attachment(state.zip, state.zip.name, "application/zip")


@router.post("/batches/{batch_id}/resume")
async def batch_resume(request: Request, batch_id: str) -> Response:
    ctx = context_of(request)
    ctx.need(request, Role.STAFF)
    await read_form(request)
    state = await asyncio.to_thread(_batch_state, ctx, batch_id)
    stored = ctx.register.snapshot(state.snapshot_sha256)
    if state.status != "interrupted" or stored is None:
        raise UsageError("Chỉ chạy tiếp được lượt sinh đã bị ngắt.")
    document = ctx.register.issued(state.issued_id) if state.issued_id else None
    profile = (await asyncio.to_thread(snapshot_view, ctx, stored.sha256)).profile if document else None
    ctx.batches.start(BatchOrder(
        data=str(ctx.data), database_url=ctx.register.url, batch_id=batch_id, snapshot=str(stored.path),
        history=str(stored.path.parent), formats=state.formats, units=state.units,
        number=str(document.number) if document else None,
        issue_date=document.issue_date.isoformat() if document else None, official=document is not None,
        issued_id=state.issued_id, jobs=ctx.settings.batch_jobs, signer=_signer_of(document, profile)))
    return RedirectResponse(f"/batches/{batch_id}", status_code=303)
