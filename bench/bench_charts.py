"""What the charts cost a batch: the same 1.000-unit batch with 12 months of history, charts on and off.

Usage: .venv/bin/python bench/bench_charts.py [UNITS ...] [--jobs N] [--rounds R] [--keep DIR]

For each size it writes 12 monthly JSON snapshots of one synthetic authority (the current month
and 11 before it, each unit's scores drifting month to month; one month left out, as a gap) and two
issuer profiles that differ only in `charts:` (everything on; everything off), then runs
`congvan batch --jobs N --force` with each profile, alternating, R rounds, and reports the wall
and CPU times, their medians and each round's own ratio (the aim is judged on their median). It
then times, in-process, one notice with and without its charts (document, DOCX, PDF) and the chart
drawing alone.

Aim (issue 12): with per-unit charts the 1.000-unit batch takes at most 20% longer than without.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_batch import PROFILE, synthetic_snapshot  # noqa: E402
from bench_ceiling import run_measured  # noqa: E402

AIM_RATIO = 1.20
MONTHS = 12
CURRENT = (2026, 8)
MISSING_MONTH = 4  # months back: 2026-04 has no snapshot (a gap in every series)
CHARTS_OFF = "charts: {authority_trend: false, kind_bars: false, unit_groups: false, unit_trend: false}\n"
GROUP_MAX = {"ckmb": 18, "tdgq": 20, "clgq": 12, "tttt": 10, "mdhl": 18, "mdsh": 22}


def _month(back: int) -> str:
    index = CURRENT[0] * 12 + CURRENT[1] - 1 - back
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def write_history(folder: Path, units: int) -> Path:
    """Twelve months of one authority (one missing); returns the current month's file."""
    folder.mkdir(parents=True, exist_ok=True)
    base = synthetic_snapshot(units)
    for back in range(MONTHS):
        if back == MISSING_MONTH:
            continue
        month = json.loads(json.dumps(base))
        period = _month(back)
        month["meta"]["period"] = period
        year, number = (int(p) for p in period.split("-"))
        following = year * 12 + number  # the month after, as an index
        month["meta"]["cutoff"] = f"{following // 12:04d}-{following % 12 + 1:02d}-03T10:00:00+07:00"
        month["meta"]["score"] = round(61.25 - 0.4 * back, 2)
        for i, row in enumerate(month["units"]):
            for key, top in GROUP_MAX.items():  # earlier months a little lower, unit by unit
                row[key] = round(max(0.0, min(top, row[key] - 0.02 * back * ((i % 7) - 2))), 2)
        (folder / f"{period}.json").write_text(json.dumps(month, ensure_ascii=False), encoding="utf-8")
    return folder / f"{_month(0)}.json"


def run(snapshot: Path, profile: Path, out: Path, jobs: int) -> tuple[float, float]:
    """One batch: its wall seconds and the CPU seconds of its process tree (a fairer figure on a shared machine)."""
    command = [sys.executable, "-m", "generator", "batch", str(snapshot), "--out", str(out), "--jobs", str(jobs),
               "--profile", str(profile), "--force"]
    return run_measured(command, "batch")


def per_document(snapshot: Path, on: Path, off: Path, notices: int = 15) -> None:
    """In-process: one notice with and without charts, and the chart drawing alone (median ms of CPU: the
    machine may be shared)."""
    import gc

    from generator.build import NOTICE_TEMPLATE, notice_document, prepare
    from generator.content import Figure, FigureRow
    from generator.content.registry import find_template
    from generator.render import renderer_for
    from generator.render.figures import place, place_row

    template = find_template(NOTICE_TEMPLATE)
    for label, profile in (("charts on", on), ("charts off", off)):
        prepared = prepare(snapshot, profile_path=profile)
        layout = prepared.profile.to_layout()
        renderers = {f: renderer_for(f, layout) for f in ("docx", "pdf")}
        codes = [u.code for u in prepared.analysis.units]
        for code in codes[:3]:  # warm-up: imports, frames
            document = notice_document(prepared, template, code, None, None)
            for renderer in renderers.values():
                renderer.render(document)
        times: dict[str, list[float]] = {"document": [], "docx": [], "pdf": [], "charts alone": []}
        for code in codes[3:3 + notices]:
            t0 = time.process_time()
            document = notice_document(prepared, template, code, None, None)
            t1 = time.process_time()
            renderers["docx"].render(document)
            t2 = time.process_time()
            renderers["pdf"].render(document)
            t3 = time.process_time()
            from generator.render import charts

            charts._cached_png.cache_clear()
            t4 = time.process_time()
            for block in document.body:  # every chart: alone, or in a row at its share of the width
                if isinstance(block, Figure):
                    place(block, layout, False)
                elif isinstance(block, FigureRow):
                    place_row(block, layout, False)
            t5 = time.process_time()
            gc.collect()
            for key, value in zip(times, (t1 - t0, t2 - t1, t3 - t2, t5 - t4)):
                times[key].append(value * 1000)
        print(f"  {label}: " + ", ".join(f"{k} {statistics.median(v):.1f} ms" for k, v in times.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("units", nargs="*", type=int, default=[1000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory(prefix="congvan-charts-") as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        for units in args.units:
            snapshot = write_history(folder / f"history-{units}", units)
            on, off = folder / "bench-on.yaml", folder / "bench-off.yaml"
            on.write_text(PROFILE, encoding="utf-8")
            off.write_text(PROFILE + CHARTS_OFF, encoding="utf-8")
            times: dict[str, list[float]] = {"off": [], "on": []}
            cpu: dict[str, list[float]] = {"off": [], "on": []}
            for round_ in range(args.rounds):
                for label, profile in (("off", off), ("on", on)) if round_ % 2 == 0 else (("on", on), ("off", off)):
                    seconds, cpu_seconds = run(snapshot, profile, folder / f"out-{units}-{label}", args.jobs)
                    times[label].append(seconds)
                    cpu[label].append(cpu_seconds)
                    print(f"{units} units, charts {label}: {seconds:.1f} s wall, {cpu_seconds:.1f} s CPU "
                          f"(load {os.getloadavg()[0]:.1f})", flush=True)
            off_s, on_s = statistics.median(times["off"]), statistics.median(times["on"])
            # Each round runs both, one after the other: a round's own ratio is immune to the machine's
            # speed drifting between rounds (seen here: the same run 27 % slower ten minutes later).
            paired = [on_t / off_t for on_t, off_t in zip(times["on"], times["off"])]
            ratio = statistics.median(paired)
            cpu_ratio = statistics.median(on_c / off_c for on_c, off_c in zip(cpu["on"], cpu["off"]))
            print("  each round's ratio (wall): " + ", ".join(f"×{r:.3f}" for r in paired))
            ok &= ratio <= AIM_RATIO
            print(f"== {units} units, {MONTHS} months of history ({MONTHS - 1} snapshots), --jobs {args.jobs}: "
                  f"without charts {off_s:.1f} s, with charts {on_s:.1f} s (median of {args.rounds}): "
                  f"×{ratio:.3f} by wall time, ×{cpu_ratio:.3f} by CPU time, medians of the rounds' own ratios "
                  f"(aim ≤ ×{AIM_RATIO:.2f})")
            per_document(snapshot, on, off)
    print("aim met" if ok else "aim missed")


if __name__ == "__main__":
    main()
