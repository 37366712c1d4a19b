"""Previews of the dispatch (its PDF pages as PNG) and reviewers' packs, made in worker processes.

Rendering is CPU work (WeasyPrint); it runs in a small process pool so the server's event loop and
other requests never wait behind it. Results are cached on disk under a key of everything they
depend on (the snapshot, the history folder, the templates as they are now, the program), so a
preview is made once; two requests for the same key share one rendering.
"""

from __future__ import annotations

import asyncio
import ctypes
import hashlib
import multiprocessing
import shutil
import signal
import subprocess
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator.build import BuildRequest, generate
from generator.build import batch as batch_module
from generator.content import TemplateInfo, all_templates, find_template
from generator.snapshot import SNAPSHOT_SUFFIXES

PREVIEWS_DIR = "previews"
REVIEWS_DIR = "reviews"
PREVIEW_DPI = 80
PAGE_PREFIX = "page"


@dataclass(frozen=True)
class Preview:
    key: str
    pages: int
    draft: bool


def templates_fingerprint(templates: tuple[TemplateInfo, ...]) -> str:
    return hashlib.sha256("\n".join(f"{t.id}:{t.sha256}:{t.status}" for t in templates).encode()).hexdigest()


def history_fingerprint(folder: Path) -> str:
    """The earlier months the dispatch may compare with: the snapshot files in its folder, by name and size."""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        if path.suffix.lower() in SNAPSHOT_SUFFIXES or path.name.endswith((".yaml", ".yml")):
            digest.update(f"{path.name}:{path.stat().st_size}\n".encode())
    return digest.hexdigest()


def preview_key(snapshot_sha256: str, history: Path) -> str:
    parts = (snapshot_sha256, history_fingerprint(history), templates_fingerprint(all_templates()),
             batch_module.program_fingerprint())
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def render_preview(snapshot: Path, history: Path, target: Path) -> Preview:
    """(Worker) the unnumbered dispatch as PDF through the conductor, then its pages as PNG in `target`."""
    work = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
    try:
        result = generate(BuildRequest(snapshot, work / "out", ("pdf",), history=history))
        pdf = result.files[0]
        pages = work / "pages"
        pages.mkdir()
        subprocess.run(["pdftoppm", "-png", "-r", str(PREVIEW_DPI), str(pdf), str(pages / PAGE_PREFIX)],
                       check=True, capture_output=True, timeout=120)
        made = sorted(pages.glob(f"{PAGE_PREFIX}-*.png"))
        for number, page in enumerate(made, start=1):  # pdftoppm pads numbers by page count: rename plainly
            page.rename(pages / f"{number}.png")
        (pages / "draft").write_text("1" if result.draft else "0", encoding="ascii")
        shutil.copyfile(pdf, pages / "preview.pdf")
        try:
            pages.replace(target)
        except OSError:  # another worker finished the same key first: theirs is as good
            if not target.is_dir():
                raise
        return Preview(target.name, len(made), result.draft)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def warm() -> None:
    """(Worker) pay the heavy imports (WeasyPrint, python-docx) before the first preview is asked for."""
    import importlib

    for module in ("weasyprint", "docx", "generator.review"):
        importlib.import_module(module)


def read_preview(folder: Path) -> Preview | None:
    if not (folder / "draft").is_file():
        return None
    pages = len(list(folder.glob("[0-9]*.png")))
    return Preview(folder.name, pages, (folder / "draft").read_text(encoding="ascii") == "1")


def render_review(template_id: str, target: Path) -> Path:
    """(Worker) a reviewer's pack for the template as it is now, as PDF at `target`."""
    from generator.review import build_review, write_review

    info = find_template(template_id)
    work = target.with_name(f".{target.stem}.{uuid.uuid4().hex}")
    work.mkdir(parents=True)
    try:
        pdf, _ = write_review(build_review(info), work / "review.pdf")
        pdf.replace(target)
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)


def die_with_parent() -> None:
    """(Worker) end when the server ends, even if it is killed outright (Linux: PR_SET_PDEATHSIG)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the server's orderly shutdown still stops the pool
        pass


class Renderers:
    """The process pool and the bookkeeping that makes one rendering per key."""

    def __init__(self, data: Path, workers: int) -> None:
        self.data = data
        self.pool = ProcessPoolExecutor(max_workers=max(1, workers), mp_context=multiprocessing.get_context("spawn"),
                                        initializer=die_with_parent)
        self._running: dict[str, asyncio.Future[object]] = {}

    def warm_up(self, workers: int) -> None:
        """Start the workers and their imports now, so the first preview does not wait for them."""
        for _ in range(max(1, workers)):
            self.pool.submit(warm)

    async def preview(self, snapshot_sha256: str, snapshot: Path, history: Path) -> Preview:
        key = await asyncio.to_thread(preview_key, snapshot_sha256, history)
        folder = self.data / PREVIEWS_DIR / key
        cached = read_preview(folder)
        if cached is not None:
            return cached
        result = await self._once(f"preview:{key}", render_preview, snapshot, history, folder)
        assert isinstance(result, Preview)
        return result

    def preview_folder(self, key: str) -> Path | None:
        if not key.isalnum():
            return None
        folder = self.data / PREVIEWS_DIR / key
        return folder if folder.is_dir() else None

    async def review_pack(self, info: TemplateInfo) -> Path:
        target = self.data / REVIEWS_DIR / f"{info.id}-v{info.version}-{info.sha256[:16]}.pdf"
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        result = await self._once(f"review:{target.name}", render_review, info.id, target)
        assert isinstance(result, Path)
        return result

    async def _once(self, key: str, function: object, *args: object) -> object:
        running = self._running.get(key)
        if running is None:
            loop = asyncio.get_running_loop()
            running = asyncio.ensure_future(loop.run_in_executor(self.pool, function, *args))  # type: ignore[arg-type]
            self._running[key] = running
            running.add_done_callback(lambda _: self._running.pop(key, None))
        return await asyncio.shield(running)

    def close(self) -> None:
        """Stop the workers (a rendering under way finishes first): none is left behind the server."""
        self.pool.shutdown(wait=True, cancel_futures=True)
