"""Benchmark `congvan batch` on synthetic snapshots of 150 and 1.000 units (not a test).

Usage: .venv/bin/python bench/bench_batch.py [UNITS ...] [--jobs N] [--formats docx,pdf] [--keep DIR]

For each size it writes a JSON snapshot (departments plus communes, seeded figures) and an issuer
profile into a temporary folder, runs `congvan batch --jobs 2` as a subprocess, and reports:
wall time, documents per second, the largest worker's peak RSS (from the manifest's `run` record)
and whether worker memory trends upward (mean RSS of each worker's first versus last tenth of its
jobs, also sampled from outside with psutil while the batch runs). It then times, in-process, where
one document's time goes (template → Document, DOCX, PDF) for a few notices and for the dispatch.

Aims: 150 units ≤ 15 s, 1.000 units ≤ 100 s, every worker < 200 MiB and flat.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AIMS_SECONDS = {150: 15.0, 1000: 100.0}
AIM_RSS_MIB = 200.0
GROWTH_LIMIT_MIB = 10.0  # last-tenth mean RSS more than this above the first tenth counts as growth
GROUP_MAX = {"ckmb": 18, "tdgq": 20, "clgq": 12, "tttt": 10, "mdhl": 18, "mdsh": 22}
AUTHORITY_CODE = "T98"

PROFILE = f"""\
# Benchmark issuer profile (synthetic authority {AUTHORITY_CODE}).
id: bench
match:
  codes: [{AUTHORITY_CODE}]
  names: [UBND tỉnh Đo Tốc Độ]
issuer:
  issuing_body: [ỦY BAN NHÂN DÂN, TỈNH ĐO TỐC ĐỘ]
  self_name: Ủy ban nhân dân tỉnh
  short_name: UBND tỉnh
  area_term: Tỉnh
  place: Đo Tốc Độ
  symbol: UBND-KSTTHC
  drafting_unit: KSTTHC
  peer_label: tỉnh, thành phố
signer:
  authority_lines: [TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH]
  title_lines: [PHÓ CHỦ TỊCH]
  name: Nguyễn Văn Đo
documents:
  monthly_dispatch:
    recipients: ["Các sở, ban, ngành tỉnh", "UBND các xã, phường"]
    copies_to: [Như trên, "Lưu: VT, KSTTHC"]
  unit_notice:
    copies_to: [Như trên, "Lưu: VT, KSTTHC"]
targets:
  2026:
    - {{id: online_payment, figure: online_payment_rate, minimum: 55,
        label: Tỷ lệ thanh toán trực tuyến trên tổng số giao dịch thanh toán}}
    - {{id: online_dossier, figure: online_dossier_rate, minimum: 60,
        label: Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ tiếp nhận và giải quyết}}
"""


def synthetic_snapshot(units: int, seed: int = 766) -> dict:  # type: ignore[type-arg]
    """A valid snapshot: 3% departments (at least 15), the rest communes; seeded, realistic spreads."""
    rng = random.Random(seed)
    departments = max(15, units * 3 // 100)
    rows = []
    for i in range(units):
        department = i < departments
        level = rng.uniform(0.35, 0.95)
        groups = {k: round(min(m, max(0.0, m * (level + rng.uniform(-0.2, 0.2)))), 2) for k, m in GROUP_MAX.items()}
        received = rng.randint(50, 5000)
        on_time = rng.randint(received * 6 // 10, received)
        rows.append({
            "code": f"{'S' if department else 'X'}{i + 1:04d}",
            "name": f"Sở Chuyên ngành số {i + 1}" if department else f"UBND xã Thử Nghiệm {i + 1}",
            "kind": "so_nganh" if department else "xa",
            **groups,
            "received": received,
            "on_time": on_time,
            "overdue": rng.randint(0, 400),
            "online_payment_rate": round(rng.uniform(20, 100), 1),
            "online_dossier_rate": round(rng.uniform(30, 100), 1),
            "digitization_rate": round(rng.uniform(50, 100), 1),
            "e_result_rate": round(rng.uniform(50, 100), 1),
        })
    meta = {"authority_name": "UBND tỉnh Đo Tốc Độ", "authority_code": AUTHORITY_CODE, "period": "2026-08",
            "cutoff": "2026-09-03T10:00:00+07:00", "score": 61.25, "rank": 20, "ranked_count": 34}
    return {"meta": meta, "units": rows}


class RssSampler:
    """Samples the resident memory of a process's children every `interval` seconds (psutil)."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        import psutil

        self.parent = psutil.Process(pid)
        self.interval = interval
        self.samples: dict[int, list[float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psutil

        while not self._stop.wait(self.interval):
            try:
                children = self.parent.children(recursive=True)
            except psutil.Error:
                return
            for child in children:
                try:
                    self.samples.setdefault(child.pid, []).append(child.memory_info().rss / 2**20)
                except psutil.Error:
                    continue


def run_batch(units: int, folder: Path, jobs: int, formats: str) -> dict:  # type: ignore[type-arg]
    """Write the inputs, run the batch as a subprocess, read back its manifest; returns the figures."""
    snapshot = folder / f"{units}" / "2026-08.json"
    snapshot.parent.mkdir(parents=True)
    snapshot.write_text(json.dumps(synthetic_snapshot(units), ensure_ascii=False), encoding="utf-8")
    profile = folder / "bench.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    out = folder / f"out-{units}"
    command = [sys.executable, "-m", "generator", "batch", str(snapshot), "--out", str(out), "--jobs", str(jobs),
               "--formats", formats, "--profile", str(profile)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = _sampler(process.pid)
    if sampler is not None:
        with sampler:
            stdout, stderr = process.communicate()
    else:
        stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"batch failed ({process.returncode}):\n{stdout}\n{stderr[-3000:]}")
    manifest = json.loads((out / "bench" / "2026-08" / "manifest.json").read_text(encoding="utf-8"))
    documents = len(manifest["documents"])
    return {
        "units": units, "documents": documents, "files": sum(len(d["files"]) for d in manifest["documents"]),
        "wall_s": wall, "batch_s": manifest["run"]["seconds"], "docs_per_s": documents / wall,
        "peak_rss_mib": manifest["run"]["peak_rss_mib"], "workers": manifest["run"]["worker_memory"],
        "sampled": {pid: s for pid, s in (sampler.samples.items() if sampler else []) if len(s) >= 4},
        "snapshot": snapshot, "profile": profile,
    }


def _sampler(pid: int) -> RssSampler | None:
    try:
        return RssSampler(pid)
    except ImportError:  # psutil is a test dependency; the manifest's figures suffice without it
        return None


def report(figures: dict) -> bool:  # type: ignore[type-arg]
    """Print one size's figures; True when every aim is met."""
    units = figures["units"]
    aim = AIMS_SECONDS.get(units)
    print(f"\n== {units} units: {figures['documents']} documents, {figures['files']} files")
    print(f"wall {figures['wall_s']:.1f} s (batch itself {figures['batch_s']:.1f} s), "
          f"{figures['docs_per_s']:.1f} documents/s" + (f"; aim ≤ {aim:.0f} s" if aim else ""))
    grew = False
    for w in figures["workers"]:
        growth = w["last_decile_rss_mib"] - w["first_decile_rss_mib"]
        grew |= growth > GROWTH_LIMIT_MIB
        print(f"  {w['role']} process {w['pid']}: {w['jobs']} jobs, peak {w['peak_rss_mib']:.0f} MiB, "
              f"RSS first tenth {w['first_decile_rss_mib']:.0f} → last tenth {w['last_decile_rss_mib']:.0f} MiB "
              f"({growth:+.1f})")
    roles = {w["pid"]: w["role"] for w in figures["workers"]}
    for pid, samples in figures["sampled"].items():
        role = roles.get(pid, "helper (multiprocessing)")
        if role != "notices":  # one job or none: a peak, not a trend
            print(f"  sampled {role} process {pid}: max {max(samples):.0f} MiB")
            continue
        samples = samples[len(samples) // 4:]  # past start-up (imports, first document)
        tenth = max(1, len(samples) // 10)
        first, last = statistics.mean(samples[:tenth]), statistics.mean(samples[-tenth:])
        print(f"  sampled notices process {pid} (after start-up): {len(samples)} samples, max {max(samples):.0f} MiB, "
              f"first tenth {first:.0f} → last tenth {last:.0f} MiB ({last - first:+.1f})")
    notices = max((w["peak_rss_mib"] for w in figures["workers"] if w["role"] == "notices"), default=0.0)
    print(f"largest process peak RSS {figures['peak_rss_mib']:.0f} MiB, largest notice worker {notices:.0f} MiB "
          f"(aim < {AIM_RSS_MIB:.0f}); memory {'GROWS' if grew else 'flat'}")
    return (aim is None or figures["wall_s"] <= aim) and figures["peak_rss_mib"] < AIM_RSS_MIB and not grew


def breakdown(snapshot: Path, profile: Path, notices: int = 12) -> None:
    """In-process: where one document's time goes (template → Document, DOCX, PDF), after warm-up."""
    from pypdf import PdfReader

    from generator.build import DISPATCH_TEMPLATE, NOTICE_TEMPLATE, dispatch_document, notice_document, prepare
    from generator.content.registry import find_template
    from generator.render import renderer_for

    prepared = prepare(snapshot, profile_path=profile)
    notice, dispatch = find_template(NOTICE_TEMPLATE), find_template(DISPATCH_TEMPLATE)
    layout = prepared.profile.to_layout()
    renderers = {fmt: renderer_for(fmt, layout) for fmt in ("docx", "pdf")}
    codes = [u.code for u in prepared.analysis.units]
    warm = notice_document(prepared, notice, codes[0], None, None)
    for renderer in renderers.values():
        renderer.render(warm)
    gc.collect()
    gc.freeze()
    stages: dict[str, list[float]] = {"document": [], "docx": [], "pdf": [], "gc": []}
    pdf_parts: dict[str, list[float]] = {"html": [], "layout": [], "write": []}
    from bench_pdf import timed_pdf
    for code in codes[1:notices + 1]:
        t0 = time.perf_counter()
        document = notice_document(prepared, notice, code, None, None)
        t1 = time.perf_counter()
        renderers["docx"].render(document)
        t2 = time.perf_counter()
        _, timing = timed_pdf(document, layout)
        for part in pdf_parts:
            pdf_parts[part].append(timing[part])
        t3 = time.perf_counter()
        gc.collect()
        t4 = time.perf_counter()
        for stage, seconds in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            stages[stage].append(seconds * 1000)
    print("per notice (median ms): " + ", ".join(f"{k} {statistics.median(v):.1f}" for k, v in stages.items()))
    if pdf_parts["html"]:
        print("  of which PDF: " + ", ".join(f"{k} {statistics.median(v):.1f}" for k, v in pdf_parts.items()))
    t0 = time.perf_counter()
    document = dispatch_document(prepared, dispatch, None, None)
    t1 = time.perf_counter()
    renderers["docx"].render(document)
    t2 = time.perf_counter()
    pdf = renderers["pdf"].render(document)
    t3 = time.perf_counter()
    print(f"dispatch ({len(codes)} units): document {1000 * (t1 - t0):.0f} ms, DOCX {1000 * (t2 - t1):.0f} ms, "
          f"PDF {1000 * (t3 - t2):.0f} ms ({len(PdfReader(io.BytesIO(pdf)).pages)} pages)")
    gc.unfreeze()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("units", nargs="*", type=int, default=[150, 1000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--formats", default="docx,pdf")
    parser.add_argument("--keep", type=Path, help="write inputs and outputs here instead of a temporary folder")
    parser.add_argument("--no-breakdown", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="congvan-bench-") as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        ok = True
        last = None
        for units in args.units:
            last = run_batch(units, folder, args.jobs, args.formats)
            ok &= report(last)
        if last is not None and not args.no_breakdown:
            print()
            breakdown(last["snapshot"], last["profile"])
    print("\nall aims met" if ok else "\nsome aim missed (see above)")


if __name__ == "__main__":
    main()
