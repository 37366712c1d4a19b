"""The batch against WeasyPrint's own ceiling, and against a docxtpl + WeasyPrint route, in one run.

Usage: .venv/bin/python bench/bench_ceiling.py [--units 1000] [--sample 60] [--rounds 3] [--jobs N]

Three measures, interleaved round by round (a change of load on a shared machine then hits all
three), each printed as documents per second with the load average; the summary gives medians and
the ratios of medians. Each is given twice: per second of wall time, and per second of CPU time
spread over the cores (documents ÷ (CPU seconds of every process ÷ cores)), which is what a quiet
machine would show and what other processes on a shared machine barely move.

1. **WeasyPrint's ceiling.** The notice HTML of `--sample` units (congvan's own HTML and stylesheet,
   charts drawn beforehand) laid out and written to PDF by WeasyPrint in one process, nothing else:
   no Jinja, no DOCX, no files. That rate times the cores is what WeasyPrint alone could do with
   this machine. For information: the same in `--jobs` processes at once, and a naive WeasyPrint
   call (stylesheet parsed and fonts configured for every document, the full HTML5 UA stylesheet).
2. **congvan batch.** `congvan batch --jobs N` on a synthetic snapshot of `--units` units, DOCX and
   PDF: documents per second from the command's start to its end (start-up, reading and analysis,
   the dispatch, every notice, manifest). Also its pace once the dispatch is done and every worker
   makes notices (from the PDFs' modification times): the batch without its start-up and its longest
   document.
3. **docxtpl + WeasyPrint.** The best plain route over the same inputs, run like the batch as a
   command of its own (a fresh interpreter: imports, reading and analysis, then the documents): the
   dispatch and each unit's notice, the same Documents, into a docxtpl template for the DOCX (body
   paragraphs, table rows, charts as InlineImages) and the same HTML into WeasyPrint for the PDF
   (stylesheet parsed and fonts configured once per process), over a pool of N processes that each
   receive the prepared snapshot once, files written.

Issue 13's aims: the batch at ≥ 85 % of the ceiling on a quiet machine, ≥ 1,5× the docxtpl route.
docxtpl is a bench-only dependency: `.venv/bin/pip install -e '.[bench]'` (pinned in requirements.lock).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_batch import PROFILE, synthetic_snapshot  # noqa: E402

from generator.build import NOTICE_TEMPLATE, Prepared, notice_document, prepare  # noqa: E402
from generator.common.layout import Layout  # noqa: E402
from generator.content import Document, Figure, FigureRow, Paragraph, Table, find_template  # noqa: E402

# ---- inputs ---------------------------------------------------------------------------------------

def write_inputs(folder: Path, units: int) -> tuple[Path, Path]:
    snapshot = folder / "snapshot" / "2026-08.json"
    snapshot.parent.mkdir(parents=True)
    snapshot.write_text(json.dumps(synthetic_snapshot(units), ensure_ascii=False), encoding="utf-8")
    profile = folder / "bench.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    return snapshot, profile


def notices(prepared: Prepared, codes: list[str]) -> list[Document]:
    template = find_template(NOTICE_TEMPLATE)
    return [notice_document(prepared, template, code, None, None) for code in codes]


# ---- 1. WeasyPrint alone --------------------------------------------------------------------------

def weasyprint_rate(htmls: list[tuple[str, dict[str, bytes]]], layout: Layout,
                    naive: bool = False) -> tuple[float, float]:
    """PDFs per second of wall time and per second of CPU time, laying out and writing each HTML
    (one process, after one warm-up document)."""
    from generator.render.pdf import _FETCHER, RENDER_ASSETS_DIR, html_to_pdf, stylesheet_text

    def naive_pdf(html: str, pictures: dict[str, bytes]) -> bytes:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        css = weasyprint.CSS(string=stylesheet_text(layout), font_config=fonts, url_fetcher=_FETCHER)
        with _FETCHER.serving(pictures):
            pdf: bytes = weasyprint.HTML(string=html, base_url=str(RENDER_ASSETS_DIR), url_fetcher=_FETCHER).write_pdf(
                stylesheets=[css], font_config=fonts)
        return pdf

    def congvan_pdf(html: str, pictures: dict[str, bytes]) -> bytes:
        return html_to_pdf(html, layout, pictures=pictures)

    render = naive_pdf if naive else congvan_pdf
    render(*htmls[0])
    wall, cpu = time.perf_counter(), time.process_time()
    for html, pictures in htmls:
        render(html, pictures)
    return len(htmls) / (time.perf_counter() - wall), len(htmls) / (time.process_time() - cpu)


class TreeCpu:
    """CPU seconds of a process and all its descendants, sampled while they run (psutil).

    Each process counts its own time only: a child's time also appears in its parent's `children_*`
    once the parent reaps it, and adding both counted every pooled worker twice."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.root = psutil.Process(pid)
        self.seen: dict[int, float] = {}

    def sample(self) -> None:
        import psutil

        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return
        for process in processes:
            try:
                times = process.cpu_times()
                self.seen[process.pid] = times.user + times.system
            except psutil.Error:
                continue

    @property
    def seconds(self) -> float:
        return sum(self.seen.values())


def run_measured(command: list[str], what: str) -> tuple[float, float]:
    """Run `command` from the project root: its wall seconds and the CPU seconds of its process tree."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tree = TreeCpu(process.pid)
    while process.poll() is None:
        tree.sample()
        time.sleep(0.05)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(process.stderr.read().decode() if process.stderr else f"{what} failed")
    return wall, tree.seconds


def _weasyprint_worker(htmls: list[tuple[str, dict[str, bytes]]], layout: Layout) -> float:
    return weasyprint_rate(htmls, layout)[0]


def weasyprint_parallel_rate(htmls: list[tuple[str, dict[str, bytes]]], layout: Layout, jobs: int) -> float:
    """The same in `jobs` processes at once, each with the whole sample: total PDFs per second."""
    import multiprocessing

    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        return sum(pool.map(_weasyprint_worker, [htmls] * jobs, [layout] * jobs))


# ---- 2. congvan batch -----------------------------------------------------------------------------

def batch_rate(snapshot: Path, profile: Path, out: Path, jobs: int,
               cores: int) -> tuple[float, float, float, float, int]:
    """Documents per second: over the command's wall time, over its jobs' own seconds (manifest), over
    the CPU time of all its processes spread over the cores, and while every worker makes notices
    (`notices_phase_rate`); and how many documents."""
    command = [str(ROOT / ".venv" / "bin" / "congvan"), "batch", str(snapshot), "--out", str(out), "--jobs",
               str(jobs), "--profile", str(profile), "--force"]
    wall, cpu = run_measured(command, "batch")
    manifest_path = next(out.rglob("manifest.json"))
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    documents = len(manifest["documents"])
    return (documents / wall, documents / manifest["run"]["seconds"], documents / (cpu / cores),
            notices_phase_rate(manifest_path.parent, manifest), documents)


def notices_phase_rate(folder: Path, manifest: dict[str, Any]) -> float:
    """Notices per second from the dispatch's end to the last document's: the batch's pace once every
    worker makes notices, after the start-up and the dispatch. Each document's time is its PDF's
    modification time (written when the document is done)."""
    done: dict[bool, list[float]] = {True: [], False: []}
    for record in manifest["documents"]:
        pdf = next(f["path"] for f in record["files"] if f["format"] == "pdf")
        done[record["unit_code"] is None].append((folder / pdf).stat().st_mtime)
    dispatch_done = max(done[True])
    after = sorted(t for t in done[False] if t > dispatch_done)
    return (len(after) - 1) / (after[-1] - after[0]) if len(after) > 1 else float("nan")


# ---- 3. docxtpl + WeasyPrint ----------------------------------------------------------------------

def docx_template(path: Path, columns: int) -> None:
    """A template for docxtpl: header table, recipients, paragraphs, one table of `columns` columns
    filled row by row, the charts, the signer."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(14)
    header = document.add_table(rows=3, cols=2)
    header.cell(0, 0).text, header.cell(0, 1).text = "{{ issuing_body }}", "{{ motto_country }}\n{{ motto }}"
    header.cell(1, 0).text, header.cell(1, 1).text = "{{ number_line }}", "{{ date_line }}"
    header.cell(2, 0).text = "{{ subject }}"
    document.add_paragraph("{{ recipients_label }} {{ recipients }}")
    document.add_paragraph("{%p for paragraph in before %}")
    document.add_paragraph("{{ paragraph }}")
    document.add_paragraph("{%p endfor %}")
    table = document.add_table(rows=3, cols=columns)
    table.style = "Table Grid"
    for column in range(columns):
        table.cell(0, column).text = f"{{{{ head[{column}] }}}}"
    table.cell(1, 0).text = "{%tr for row in rows %}"
    for column in range(columns):
        table.cell(2, column).text = f"{{{{ row[{column}] }}}}"
    table.add_row().cells[0].text = "{%tr endfor %}"
    document.add_paragraph("{%p for chart in charts %}")
    document.add_paragraph("{{ chart }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p for paragraph in after %}")
    document.add_paragraph("{{ paragraph }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{{ copies }}")
    document.add_paragraph("{{ signer }}")
    document.save(str(path))


_ROUTE: dict[str, Any] = {}
NOTICE_COLUMNS, DISPATCH_COLUMNS = 4, 10


def _route_init(prepared: Prepared, templates: dict[str, str], layout: Layout, out: str) -> None:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from generator.render.pdf import _FETCHER, stylesheet_text

    fonts = FontConfiguration()
    _ROUTE.update(prepared=prepared, templates={k: Path(v).read_bytes() for k, v in templates.items()},
                  layout=layout, out=Path(out), fonts=fonts,
                  css=weasyprint.CSS(string=stylesheet_text(layout), font_config=fonts, url_fetcher=_FETCHER))


def _route_one(code: str) -> None:
    """One document by the route: the dispatch for "", else that unit's notice."""
    import weasyprint
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    from generator.build import DISPATCH_TEMPLATE, dispatch_document
    from generator.render.figures import place, place_row
    from generator.render.pdf import _FETCHER, RENDER_ASSETS_DIR, document_html

    state = _ROUTE
    prepared, layout = state["prepared"], state["layout"]
    if code:
        document, columns, kind = notices(prepared, [code])[0], NOTICE_COLUMNS, "notice"
    else:
        document = dispatch_document(prepared, find_template(DISPATCH_TEMPLATE), None, None)
        columns, kind = DISPATCH_COLUMNS, "dispatch"
    # DOCX: the Document's words into the template.
    template = DocxTemplate(io.BytesIO(state["templates"][kind]))
    blocks = (*document.body, *(b for annex in document.annexes for b in annex.blocks))
    tables = [b for b in blocks if isinstance(b, Table)]
    cut = blocks.index(tables[0]) if tables else len(blocks)

    def cells(row: tuple[Any, ...]) -> list[str]:
        return ([c.text for c in row] + [""] * columns)[:columns]

    charts = []
    for block in blocks:  # the same pictures as congvan's: a row's figures at their share of the width
        pictures = (place(block, layout, False),) if isinstance(block, Figure) else \
            place_row(block, layout, False) if isinstance(block, FigureRow) else ()
        charts += [InlineImage(template, io.BytesIO(p.png), width=Mm(min(p.width_mm, 160))) for p in pictures]
    context = {
        "issuing_body": "\n".join(document.header.issuing_body), "motto_country": document.header.motto_country,
        "motto": document.header.motto, "number_line": document.header.number_line,
        "date_line": document.header.date_line, "subject": document.header.subject,
        "recipients_label": document.recipients_label, "recipients": "; ".join(document.recipients),
        "before": [b.text for b in blocks[:cut] if isinstance(b, Paragraph)],
        "after": [b.text for b in blocks[cut:] if isinstance(b, Paragraph)],
        "head": cells(tables[0].header[0]) if tables else [""] * columns,
        "rows": [cells(row) for table in tables for row in table.rows],
        "charts": charts, "copies": "; ".join(document.copies_to),
        "signer": "\n".join((*document.signer.authority_lines, *document.signer.title_lines, document.signer.name)),
    }
    template.render(context)
    out = io.BytesIO()
    template.save(out)
    (state["out"] / f"{code or 'dispatch'}.docx").write_bytes(out.getvalue())
    # PDF: the same HTML, plain WeasyPrint.
    pictures: dict[str, bytes] = {}
    html = document_html(document, layout, pictures)
    with _FETCHER.serving(pictures):
        pdf = weasyprint.HTML(string=html, base_url=str(RENDER_ASSETS_DIR), url_fetcher=_FETCHER).write_pdf(
            stylesheets=[state["css"]], font_config=state["fonts"])
    (state["out"] / f"{code or 'dispatch'}.pdf").write_bytes(pdf)


def run_route(snapshot: Path, profile: Path, templates: dict[str, str], out: Path, jobs: int) -> None:
    """(In a process of its own, as a command would be) read, analyse, then every document by the route."""
    import multiprocessing

    prepared = prepare(snapshot, profile_path=profile)
    out.mkdir(parents=True, exist_ok=True)
    codes = ["", *(u.code for u in prepared.analysis.units)]  # the dispatch first, as the batch does
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"), initializer=_route_init,
                             initargs=(prepared, templates, prepared.profile.to_layout(), str(out))) as pool:
        list(pool.map(_route_one, codes, chunksize=1))


def route_rate(snapshot: Path, profile: Path, templates: dict[str, str], out: Path, jobs: int,
               cores: int) -> tuple[float, float]:
    """The route as a command: documents per second of wall time, and by CPU spread over the cores."""
    command = [sys.executable, str(Path(__file__).resolve()), "--route", str(snapshot), str(profile),
               json.dumps(templates), str(out), "--jobs", str(jobs)]
    wall, cpu = run_measured(command, "route")
    documents = len(list(out.glob("*.pdf")))
    return documents / wall, documents / (cpu / cores)


# ---- the run --------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--route", nargs=4, metavar=("SNAPSHOT", "PROFILE", "TEMPLATES", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.route:
        snapshot, profile, templates, out = args.route
        run_route(Path(snapshot), Path(profile), json.loads(templates), Path(out), args.jobs)
        return
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="congvan-ceiling-") as temporary:
        folder = Path(temporary)
        snapshot, profile = write_inputs(folder, args.units)
        prepared = prepare(snapshot, profile_path=profile)
        layout = prepared.profile.to_layout()
        sample = notices(prepared, [u.code for u in prepared.analysis.units][:args.sample])
        from generator.render.pdf import document_html

        htmls = []
        for document in sample:
            pictures: dict[str, bytes] = {}
            htmls.append((document_html(document, layout, pictures), pictures))
        templates = {"notice": str(folder / "notice.docx"), "dispatch": str(folder / "dispatch.docx")}
        docx_template(Path(templates["notice"]), NOTICE_COLUMNS)
        docx_template(Path(templates["dispatch"]), DISPATCH_COLUMNS)
        names = ("ceiling", "ceiling_cpu", "parallel", "naive", "batch", "batch_jobs", "batch_cpu", "notices_phase",
                 "route", "route_cpu")
        figures: dict[str, list[float]] = {name: [] for name in names}
        for number in range(1, args.rounds + 1):
            load = os.getloadavg()[0]
            one, one_cpu = weasyprint_rate(htmls, layout)
            figures["ceiling"].append(one * cores)
            figures["ceiling_cpu"].append(one_cpu * cores)
            figures["parallel"].append(weasyprint_parallel_rate(htmls, layout, args.jobs))
            figures["naive"].append(weasyprint_rate(htmls[:max(5, args.sample // 4)], layout, naive=True)[1])
            wall, own, cpu, phase, documents = batch_rate(snapshot, profile, folder / f"out-{number}", args.jobs,
                                                          cores)
            figures["batch"].append(wall)
            figures["notices_phase"].append(phase)
            figures["batch_jobs"].append(own)
            figures["batch_cpu"].append(cpu)
            route, route_cpu = route_rate(snapshot, profile, templates, folder / f"route-{number}", args.jobs, cores)
            figures["route"].append(route)
            figures["route_cpu"].append(route_cpu)
            print(f"round {number} (load {load:.1f} → {os.getloadavg()[0]:.1f}): WeasyPrint alone {one:.1f} PDF/s "
                  f"({one_cpu:.1f} per CPU s) in one process, × {cores} cores = {one * cores:.1f} "
                  f"({one_cpu * cores:.1f}); {figures['parallel'][-1]:.1f}/s in {args.jobs} processes; naive call "
                  f"{figures['naive'][-1]:.1f} per CPU s. Batch ({documents} documents) {wall:.1f}/s "
                  f"({own:.1f}/s without start-up, {cpu:.1f}/s by CPU, {phase:.1f}/s once the dispatch is done). "
                  f"docxtpl + WeasyPrint {route:.1f}/s "
                  f"({route_cpu:.1f}/s by CPU)", flush=True)
        m = {k: statistics.median(v) for k, v in figures.items()}
        print(f"\nmedians over {args.rounds} rounds, documents per second (wall | by CPU over {cores} cores):")
        print(f"  WeasyPrint ceiling {m['ceiling']:.1f} | {m['ceiling_cpu']:.1f}; batch {m['batch']:.1f} | "
              f"{m['batch_cpu']:.1f} ({m['batch_jobs']:.1f} without start-up); docxtpl route {m['route']:.1f} | "
              f"{m['route_cpu']:.1f}; naive WeasyPrint call {m['naive']:.1f} per CPU s")
        print(f"  batch / ceiling = {m['batch'] / m['ceiling']:.0%} | {m['batch_cpu'] / m['ceiling_cpu']:.0%} "
              f"(aim ≥ 85 %); batch / docxtpl route = {m['batch'] / m['route']:.2f}× | "
              f"{m['batch_cpu'] / m['route_cpu']:.2f}× (aim ≥ 1,5×); WeasyPrint in {args.jobs} processes / "
              f"ceiling = {m['parallel'] / m['ceiling']:.0%}")
        print(f"  once the dispatch is done, every worker making notices (DOCX and PDF): {m['notices_phase']:.1f}/s = "
              f"{m['notices_phase'] / m['ceiling']:.0%} of the ceiling")


if __name__ == "__main__":
    main()
