"""Time and memory against the number of units: prepare, the dispatch, the batch (not a test).

Usage: .venv/bin/python bench/bench_scale.py [UNITS ...] [--jobs N] [--batch-up-to N] [--runs N]

For each size (default 50 150 500 1000 3000 10000) a synthetic snapshot (bench_batch.synthetic_snapshot,
3 % departments, the rest communes) is written with the two months before it (so deltas and series
are computed), then, each in a fresh process:

- prepare: read, validate, analyse, evaluate the rules: CPU and wall seconds (median of --runs),
  with the two earlier months and without any history;
- dispatch: the dispatch built and rendered in memory as DOCX and as PDF: CPU and wall seconds,
  pages, and the process's peak RSS (ru_maxrss) for each format alone and for both in turn;
- batch: `congvan batch --jobs N` (DOCX and PDF) up to --batch-up-to units: wall seconds, documents
  per second, the peak RSS of each worker (from the manifest) and whether it grows.

Then the linearity from 1.000 to 10.000 units (aim: per-unit cost within 15 %). The machine may be
shared: the load average is printed with every figure; compare runs taken close together.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_batch import PROFILE, synthetic_snapshot  # noqa: E402

SIZES = (50, 150, 500, 1000, 3000, 10000)
EARLIER = (("2026-06", "2026-07-03T10:00:00+07:00", 764), ("2026-07", "2026-08-03T10:00:00+07:00", 765))

# Runs in a fresh interpreter: prints one JSON line of figures.
_PREPARE = """
import json, sys, time
from pathlib import Path
from generator.build import prepare
snapshot, profile, history = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
prepare(snapshot, history, profile)  # imports, caches
cpu, wall = time.process_time(), time.perf_counter()
prepare(snapshot, history, profile)
print(json.dumps({"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall}))
"""
_DISPATCH = """
import io, json, resource, sys, time
from pathlib import Path
from generator.build import DISPATCH_TEMPLATE, dispatch_document, prepare
from generator.content import find_template
from generator.render import renderer_for
snapshot, profile, formats = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3].split(",")
prepared = prepare(snapshot, snapshot.parent, profile)
document = dispatch_document(prepared, find_template(DISPATCH_TEMPLATE), None, None)
figures = {"rss_before_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
for fmt in formats:
    renderer = renderer_for(fmt, prepared.profile.to_layout())
    cpu, wall = time.process_time(), time.perf_counter()
    data = renderer.render(document)
    figures[fmt] = {"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall, "bytes": len(data)}
    # The peak is read before the bench counts the pages: pypdf reading the whole file is not the product's.
    figures["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if fmt == "pdf":
        from pypdf import PdfReader
        figures[fmt]["pages"] = len(PdfReader(io.BytesIO(data)).pages)
    del data
print(json.dumps(figures))
"""


def write_inputs(folder: Path, units: int) -> tuple[Path, Path]:
    """The snapshot of 2026-08 with its two earlier months beside it, and the profile."""
    folder.mkdir(parents=True, exist_ok=True)
    for period, cutoff, seed in EARLIER:
        data = synthetic_snapshot(units, seed)
        data["meta"].update(period=period, cutoff=cutoff)
        (folder / f"{period}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    snapshot = folder / "2026-08.json"
    snapshot.write_text(json.dumps(synthetic_snapshot(units), ensure_ascii=False), encoding="utf-8")
    profile = folder.parent / "bench.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    return snapshot, profile


def _python(script: str, *args: str) -> dict:  # type: ignore[type-arg]
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def measure_prepare(snapshot: Path, profile: Path, runs: int) -> dict[str, float]:
    figures = {}
    empty = snapshot.parent.parent / "no-history"
    empty.mkdir(exist_ok=True)
    for label, history in (("history", str(snapshot.parent)), ("alone", str(empty))):
        samples = [_python(_PREPARE, str(snapshot), str(profile), history) for _ in range(runs)]
        figures[f"{label}_cpu"] = statistics.median(s["cpu"] for s in samples)
        figures[f"{label}_wall"] = statistics.median(s["wall"] for s in samples)
    return figures


def measure_dispatch(snapshot: Path, profile: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    """Each format alone in a process of its own (its own peak), then both in turn."""
    return {formats: _python(_DISPATCH, str(snapshot), str(profile), formats)
            for formats in ("docx", "pdf", "docx,pdf")}


def measure_batch(snapshot: Path, profile: Path, out: Path, jobs: int) -> dict:  # type: ignore[type-arg]
    command = [str(ROOT / ".venv" / "bin" / "congvan"), "batch", str(snapshot), "--out", str(out), "--jobs",
               str(jobs), "--profile", str(profile)]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    wall = time.perf_counter() - started
    manifest = json.loads(next(out.rglob("manifest.json")).read_text(encoding="utf-8"))
    documents = len(manifest["documents"])
    return {"wall": wall, "documents": documents, "per_s": documents / wall, "run": manifest["run"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("units", nargs="*", type=int, default=list(SIZES))
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--batch-up-to", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write inputs and outputs here instead of a temporary folder")
    args = parser.parse_args()
    results: dict[int, dict] = {}  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory(prefix="congvan-scale-") as temporary:
        folder = args.keep or Path(temporary)
        for units in args.units:
            snapshot, profile = write_inputs(folder / str(units), units)
            load = os.getloadavg()[0]
            figures: dict = {"prepare": measure_prepare(snapshot, profile, args.runs)}  # type: ignore[type-arg]
            p = figures["prepare"]
            print(f"\n== {units} units (load {load:.1f})\nprepare: {p['history_cpu']:.2f} s CPU "
                  f"({p['history_wall']:.2f} s wall) with two earlier months, {p['alone_cpu']:.2f} s CPU "
                  f"({p['alone_wall']:.2f} s wall) alone", flush=True)
            figures["dispatch"] = d = measure_dispatch(snapshot, profile)
            print(f"dispatch: DOCX {d['docx']['docx']['cpu']:.1f} s CPU, peak {d['docx']['peak_rss_mib']:.0f} MiB; "
                  f"PDF {d['pdf']['pdf']['cpu']:.1f} s CPU ({d['pdf']['pdf']['wall']:.1f} s wall), "
                  f"{d['pdf']['pdf']['pages']} pages, peak {d['pdf']['peak_rss_mib']:.0f} MiB; both in turn: peak "
                  f"{d['docx,pdf']['peak_rss_mib']:.0f} MiB (after prepare {d['docx,pdf']['rss_before_mib']:.0f} MiB)",
                  flush=True)
            if units <= args.batch_up_to:
                figures["batch"] = b = measure_batch(snapshot, profile, folder / f"out-{units}", args.jobs)
                workers = "; ".join(f"{w['role']}: {w['jobs']} jobs, peak {w['peak_rss_mib']:.0f} MiB, "
                                    f"{w['first_decile_rss_mib']:.0f} → {w['last_decile_rss_mib']:.0f} MiB"
                                    for w in b["run"]["worker_memory"])
                print(f"batch --jobs {args.jobs}: {b['documents']} documents in {b['wall']:.1f} s wall "
                      f"({b['per_s']:.2f}/s; {b['run']['seconds']:.1f} s for the jobs); {workers} "
                      f"(load now {os.getloadavg()[0]:.1f})", flush=True)
            results[units] = figures
    if 1000 in results and 10000 in results:
        small, large = results[1000], results[10000]
        print("\nlinearity 1.000 → 10.000 units (cost per unit, page or document; 1,00 = linear; aim within 15 %):")
        per = small["prepare"]["history_cpu"] / 1000, large["prepare"]["history_cpu"] / 10000
        print(f"  prepare CPU per unit: {per[0] * 1000:.2f} → {per[1] * 1000:.2f} ms ({per[1] / per[0]:.2f})")
        pages = small["dispatch"]["pdf"]["pdf"]["pages"], large["dispatch"]["pdf"]["pdf"]["pages"]
        per = small["dispatch"]["pdf"]["pdf"]["cpu"] / pages[0], large["dispatch"]["pdf"]["pdf"]["cpu"] / pages[1]
        peaks = small["dispatch"]["pdf"]["peak_rss_mib"], large["dispatch"]["pdf"]["peak_rss_mib"]
        print(f"  dispatch PDF CPU per page: {per[0] * 1000:.0f} → {per[1] * 1000:.0f} ms ({per[1] / per[0]:.2f}); "
              f"peak RSS {peaks[0]:.0f} → {peaks[1]:.0f} MiB")
        if "batch" in small and "batch" in large:
            per = (small["batch"]["wall"] / small["batch"]["documents"],
                   large["batch"]["wall"] / large["batch"]["documents"])
            print(f"  batch wall per document: {per[0] * 1000:.0f} → {per[1] * 1000:.0f} ms ({per[1] / per[0]:.2f})")


if __name__ == "__main__":
    main()
