"""Benchmark: the full seeded fuzz run over the snapshot readers (issue 14), by default 12.000 cases.

Every case (tests/fuzz_inputs.py: CSV + sidecar, JSON, XLSX, hostile sidecars) runs `congvan
validate`, then `inspect` when valid, and one valid case in GENERATE_EVERY also `generate` (DOCX and
PDF). It must end with exit 0 or 2: exit 1 (a crash, traceback saved) or a timeout is a failure.
Cases run in worker processes, each under an address-space limit, and the counts are printed (and
written as JSON with --json).

Run: .venv/bin/python bench/bench_fuzz.py [--cases 12000] [--start 100000] [--jobs 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fuzz_inputs import Outcome, make_case, run_case  # noqa: E402

GENERATE_EVERY = 50
MEMORY = 1024 * 1024 * 1024  # each worker: ulimit -v 1 GB (the readers' worst accepted file needs ~200 MB)


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _chunk(seeds: list[int]) -> list[dict[str, object]]:
    results = []
    with tempfile.TemporaryDirectory(prefix="congvan-fuzz-") as scratch:
        folder = Path(scratch)
        for seed in seeds:
            case = make_case(seed, folder)
            outcome: Outcome = run_case(case, folder / "out", generate=(seed // 4) % GENERATE_EVERY == 0,
                                        timeout=120)
            results.append({"seed": seed, "form": case.form, "mutations": list(case.mutations),
                            "codes": list(outcome.codes), "seconds": round(outcome.seconds, 3),
                            "detail": outcome.detail})
            for child in case.path.parent.iterdir():
                if child.is_file():
                    child.unlink()
            case.path.parent.rmdir()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=12_000)
    parser.add_argument("--start", type=int, default=100_000, help="first seed (the CI test uses 14.000 on)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None, help="write every outcome here")
    args = parser.parse_args()

    seeds = list(range(args.start, args.start + args.cases))
    chunks = [seeds[i:i + 100] for i in range(0, len(seeds), 100)]
    started = time.perf_counter()
    results: list[dict[str, object]] = []
    with ProcessPoolExecutor(max_workers=args.jobs, initializer=_limit) as pool:
        for done, chunk in enumerate(pool.map(_chunk, chunks), start=1):
            results.extend(chunk)
            if done % 10 == 0:
                print(f"… {len(results)} cases, {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started

    def verdict(codes: list[int]) -> str:
        if -1 in codes:
            return "timeout"
        if any(c not in (0, 2) for c in codes):
            return "crash"
        return f"exit {codes[0]}"

    by_form = Counter((r["form"], verdict(r["codes"])) for r in results)  # type: ignore[arg-type]
    overall = Counter(verdict(r["codes"]) for r in results)  # type: ignore[arg-type]
    inspected = sum(1 for r in results if len(r["codes"]) >= 2)  # type: ignore[arg-type]
    generated = sum(1 for r in results if len(r["codes"]) >= 3)  # type: ignore[arg-type]
    slowest = sorted(results, key=lambda r: r["seconds"], reverse=True)[:5]  # type: ignore[arg-type, return-value]
    print(f"fuzz: {len(results)} cases (seeds {args.start}–{args.start + args.cases - 1}) in {elapsed:.0f} s "
          f"with {args.jobs} processes")
    for key in sorted(overall):
        print(f"  {key}: {overall[key]}")
    print(f"  of the valid ones: {inspected} inspected, {generated} generated (DOCX+PDF)")
    for form, outcome in sorted(by_form):
        print(f"    {form:8} {outcome:8} {by_form[(form, outcome)]}")
    print("  slowest: " + ", ".join(f"seed {r['seed']} ({r['form']}) {r['seconds']} s" for r in slowest))
    failures = [r for r in results if verdict(r["codes"]) in ("crash", "timeout")]  # type: ignore[arg-type]
    for failure in failures[:20]:
        print(f"FAILED seed {failure['seed']} {failure['form']} {failure['mutations']} {failure['codes']}\n"
              f"{failure['detail']}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
