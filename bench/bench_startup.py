"""Start-up: cold `congvan generate` of the July dispatch and `congvan --help`, and what each import costs.

Usage: .venv/bin/python bench/bench_startup.py [--runs N] [--top N]

Each figure is a fresh process (the console script), so nothing is cached in memory but the page
cache. Prints, per command: the median wall time and CPU time (user+sys of the process and the
children it waited for) over N runs, with the load average before and after (the machine may be
shared: compare medians and runs taken close together). Then `python -X importtime` of the same
commands: the top-level imports by cumulative cost, and the named heavy modules with whether each
command imports them at all.

Last, the two floors under the cold `generate`: the libraries it needs imported in a fresh
interpreter and nothing else, and the same command's work in a process where everything is imported
and warm (the median of N runs after a first one, chart caches emptied before each).

Aims (issue 13): cold generate of the July dispatch ≤ 1,2 s, --help ≤ 0,3 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONGVAN = ROOT / ".venv" / "bin" / "congvan"
FIXTURE = ROOT / "fixtures" / "ha-noi" / "2024-07.xlsx"
AIMS = {"--help": 0.3, "generate": 1.2}
HEAVY = ("typer", "typer.rich_utils", "rich", "rich.progress", "pydantic", "openpyxl", "pandas", "matplotlib",
         "weasyprint", "fontTools.subset", "fontTools.varLib.instancer", "docx", "pypdf", "multiprocessing",
         "generator.build", "generator.build.batch", "generator.render.pdf", "sqlalchemy", "fastapi")


def _commands(out: str) -> dict[str, list[str]]:
    return {"--help": ["--help"], "generate": ["generate", str(FIXTURE), "--out", out]}


# What `generate` of the July dispatch imports that takes time (see the import table).
FLOOR_IMPORTS = ("generator.cli", "generator.build", "generator.render.pdf", "generator.render.docx",
                 "matplotlib.backends.backend_agg", "pandas", "openpyxl")
WARM_WORK = """
import statistics, sys, time
from pathlib import Path
from generator.build.conductor import BuildRequest, generate
from generator.render import charts
request = BuildRequest(snapshot=Path(sys.argv[1]), out=Path(sys.argv[2]))
generate(request)
walls = []
for _ in range(int(sys.argv[3])):
    charts._cached_png.cache_clear()
    charts._FRAMES.clear()
    started = time.perf_counter()
    generate(request)
    walls.append(time.perf_counter() - started)
print(statistics.median(walls))
"""


def floors(out: str, runs: int) -> tuple[float, float]:
    """Median seconds of the imports alone (fresh interpreters) and of the work in a warm process."""
    imports = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import " + ", ".join(FLOOR_IMPORTS)], check=True, cwd=ROOT)
        imports.append(time.perf_counter() - started)
    result = subprocess.run([sys.executable, "-c", WARM_WORK, str(FIXTURE), out, str(runs)], check=True, cwd=ROOT,
                            capture_output=True, text=True)
    return statistics.median(imports), float(result.stdout.split()[-1])


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], runs: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(runs):
        cpu_before = _children_cpu()
        started = time.perf_counter()
        subprocess.run([str(CONGVAN), *argv], check=True, capture_output=True, cwd=ROOT)
        walls.append(time.perf_counter() - started)
        cpus.append(_children_cpu() - cpu_before)
    return walls, cpus


def importtime(argv: list[str]) -> dict[str, tuple[int, int, int]]:
    """module → (self µs, cumulative µs, depth) from `python -X importtime`."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "generator", *argv], capture_output=True,
                            text=True, cwd=ROOT)
    table: dict[str, tuple[int, int, int]] = {}
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, total, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip())) // 2
        table.setdefault(name.strip(), (int(own), int(total), depth))
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="congvan-startup-") as out:
        commands = _commands(out)
        timed(commands["generate"], 1)  # page cache, .pyc files
        for name, argv in commands.items():
            load = os.getloadavg()[0]
            walls, cpus = timed(argv, args.runs)
            print(f"{name:9} wall median {statistics.median(walls):.2f} s "
                  f"(min {min(walls):.2f}, max {max(walls):.2f}), "
                  f"CPU median {statistics.median(cpus):.2f} s; {args.runs} runs, load {load:.1f} → "
                  f"{os.getloadavg()[0]:.1f}; aim ≤ {AIMS[name]} s")
        for name, argv in commands.items():
            table = importtime(argv)
            packages: dict[str, int] = {}
            for module, (own, _, _) in table.items():
                parts = module.split(".")
                key = ".".join(parts[:2]) if parts[0] == "generator" else parts[0]
                packages[key] = packages.get(key, 0) + own
            top = sorted(((total, package) for package, total in packages.items()), reverse=True)[:args.top]
            print(f"\n`congvan {name}`: {len(table)} modules, {sum(packages.values()) / 1e6:.2f} s importing in all; "
                  f"by package (own time of all its modules):")
            for total, package in top:
                print(f"  {total / 1000:7.1f} ms  {package}")
            print("  imported or not: " + ", ".join(
                f"{m} {'yes' if any(t == m or t.startswith(m + '.') for t in table) else 'no'}" for m in HEAVY))
        imports, work = floors(out, args.runs)
        cores = len(os.sched_getaffinity(0))
        print(f"\nfloors of a cold `generate`: importing what it needs {imports:.2f} s (fresh interpreter, "
              f"median of {args.runs}); its work in a warm process {work:.2f} s; both spread perfectly over "
              f"{cores} cores {(imports + work) / cores:.2f} s; aim ≤ {AIMS['generate']} s")


if __name__ == "__main__":
    main()
