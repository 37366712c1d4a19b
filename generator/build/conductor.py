"""The conductor: one flow for every build, prepare → Document → each renderer → atomic write → manifest.

`generate` is one job (the dispatch); `batch` (generator.build.batch) is many jobs on the same
`render_all` and `write_document`. The CLI and the web page only gather options and report what came back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.build.documents import dispatch_document, notice_document
from generator.build.inputs import DISPATCH_TEMPLATE, NOTICE_TEMPLATE, Prepared, prepare
from generator.common import formatting
from generator.common.errors import ConfigError, Problem, UsageError
from generator.content import Document, TemplateInfo, find_template, require_usable
from generator.output import (
    MANIFEST_NAME,
    NOTICE_DIR,
    STATE_DIR,
    DocumentRecord,
    FileRecord,
    Manifest,
    TemplateRecord,
    Transaction,
    dispatch_stem,
    keep_other_documents,
    run_folder,
    run_folder_for_writing,
    run_folder_parts,
)
from generator.render import REGISTRY, Renderer, renderer_for


@dataclass(frozen=True)
class BuildRequest:
    """What a person asks for: the snapshot, where results go, and how documents are issued."""

    snapshot: Path
    out: Path = Path("output")
    formats: tuple[str, ...] = ("docx", "pdf")
    number: str | None = None
    issue_date: date | None = None
    history: Path | None = None
    profile: Path | None = None
    official: bool = False
    signer: str | None = None  # the name of one of the profile's signers; None: its default signer

    def options(self) -> dict[str, object]:
        """The options as the manifest records them (the signer only when one was chosen)."""
        options: dict[str, object] = {
            "number": self.number, "date": self.issue_date.isoformat() if self.issue_date else None,
            "formats": list(self.formats), "official": self.official}
        if self.signer:
            options["signer"] = self.signer
        return options


@dataclass(frozen=True)
class Job:
    """One document to make: the dispatch (unit_code None) or one unit's notice."""

    kind: str  # the template id
    unit_code: str | None
    stem: str  # path without suffix, relative to the run folder


@dataclass(frozen=True)
class GenerateResult:
    folder: Path
    files: tuple[Path, ...]
    manifest: Path
    warnings: tuple[str, ...]
    draft: bool  # made from a template or rule file not approved as it is now, or from unconfirmed profile values


def make_renderers(prepared: Prepared, formats: tuple[str, ...]) -> dict[str, Renderer]:
    layout = prepared.profile.to_layout()
    return {fmt: renderer_for(fmt, layout) for fmt in formats}


def make_document(prepared: Prepared, template: TemplateInfo, job: Job, number: str | None,
                  issue_date: date | None) -> Document:
    if job.unit_code is None:
        return dispatch_document(prepared, template, number, issue_date)
    return notice_document(prepared, template, job.unit_code, number, issue_date)


def render_all(document: Document, renderers: Mapping[str, Renderer]) -> dict[str, bytes]:
    """Every format in memory first: nothing is written unless all of them rendered."""
    return {fmt: renderer.render(document) for fmt, renderer in renderers.items()}


def write_document(transaction: Transaction, rendered: Mapping[str, bytes], stem: str) -> tuple[FileRecord, ...]:
    """Stage each rendered format in `transaction` (they appear together when it commits)."""
    records = []
    for fmt, data in rendered.items():
        relative = f"{stem}.{REGISTRY[fmt].suffix}"
        transaction.add(relative, data)
        records.append(FileRecord(relative, fmt, hashlib.sha256(data).hexdigest(), len(data)))
    return tuple(records)


def build_templates(prepared: Prepared, official: bool, *, notices: bool) -> tuple[TemplateInfo, ...]:
    """The templates a build uses (dispatch, [notice,] rules); with `official`, only approved ones
    and a profile without unconfirmed values."""
    ids = (DISPATCH_TEMPLATE, NOTICE_TEMPLATE) if notices else (DISPATCH_TEMPLATE,)
    templates = (*(find_template(i) for i in ids), prepared.rules)
    require_usable(templates, official)
    notes = prepared.profile.draft_notes()
    if official and notes:
        raise ConfigError("Không thể sinh bản chính thức (--official): hồ sơ cơ quan còn giá trị chưa được xác nhận. "
                          "Hãy điền giá trị thật rồi bỏ mục đó khỏi “placeholders”.",
                          tuple(Problem(str(prepared.profile_path or prepared.profile.id), note) for note in notes))
    return templates


def check_issue_date(prepared: Prepared, issue_date: date | None) -> None:
    """A document cannot be dated before the data it states was read (UsageError, exit 2)."""
    cutoff = prepared.snapshot.meta.cutoff
    if issue_date is not None and issue_date < cutoff.date():
        raise UsageError(
            f"--date {formatting.short_date(issue_date)} sớm hơn thời điểm lấy số liệu "
            f"({formatting.cutoff_time(cutoff)}): văn bản không thể ban hành trước khi có số liệu. "
            "Hãy chọn ngày từ ngày lấy số liệu trở đi, hoặc bỏ --date để văn thư điền ngày."
        )


def is_draft(prepared: Prepared, templates: tuple[TemplateInfo, ...]) -> bool:
    """A template or rule file not approved as it is now, or a profile with unconfirmed values."""
    return any(t.is_draft for t in templates) or bool(prepared.profile.draft_notes())


def generate(request: BuildRequest) -> GenerateResult:
    """The authority's dispatch in every requested format, and the run folder's manifest."""
    prepared = prepare(request.snapshot, request.history, request.profile, request.signer)
    check_issue_date(prepared, request.issue_date)
    templates = build_templates(prepared, request.official, notices=False)
    dispatch = templates[0]
    period = prepared.snapshot.meta.period
    folder = run_folder(request.out, prepared.profile.id, period)
    job = Job(dispatch.id, None, dispatch_stem(period))
    document = make_document(prepared, dispatch, job, request.number, request.issue_date)
    rendered = render_all(document, make_renderers(prepared, request.formats))
    # The documents and the manifest appear together or not at all, one run per folder at a time.
    parts = run_folder_parts(prepared.profile.id, period)
    with run_folder_for_writing(request.out, parts, sweep=(NOTICE_DIR, STATE_DIR)) as target, \
            Transaction(target, journal=True) as transaction:
        files = write_document(transaction, rendered, job.stem)
        manifest = Manifest(
            snapshot_path=str(prepared.snapshot.path),
            snapshot_sha256=prepared.snapshot.sha256,
            profile_id=prepared.profile.id,
            templates=tuple(TemplateRecord.of(t) for t in templates),
            documents=(DocumentRecord(dispatch.id, None, files),),
            options=request.options(),
        )
        transaction.add(MANIFEST_NAME, keep_other_documents(manifest, target.read(MANIFEST_NAME)).to_bytes())
        transaction.commit()
    return GenerateResult(folder, tuple(folder / f.path for f in files), folder / MANIFEST_NAME, prepared.warnings,
                          is_draft(prepared, templates))
