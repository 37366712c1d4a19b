"""Benchmark: kill the batch's main process at random moments; count what outlives it and check the rerun.

Each round starts `congvan batch --jobs 2` on a generated snapshot of UNITS units (fixtures/edge's
authority, docx and pdf), waits until its workers run (the resource tracker, the workers' fork server
and two workers), then a seeded random delay, then sends
SIGKILL (or SIGTERM every fourth round). It then waits up to 10 s for every process the batch had
started (workers, the dispatch worker, multiprocessing's resource tracker) to end, counts those
still alive, and reruns the batch to completion: the rerun must exit 0 and its manifest must list
every document with the hash and size of the file on disk, and no temporary may be left.

Run: .venv/bin/python bench/bench_kill.py [--rounds 20] [--units 40] [--seed 14]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from e2e_support import EDGE, write_profile  # noqa: E402

CONGVAN = Path(sys.executable).with_name("congvan")


def snapshot(folder: Path, units: int) -> Path:
    data = json.loads(EDGE.read_text(encoding="utf-8"))
    template = data["units"][0]
    data["units"] = [{**template, "code": f"U{i:03d}", "name": f"Đơn vị số {i}", "kind": "so_nganh"}
                     for i in range(units)]
    data.pop("indicators", None)
    path = folder / "snap" / "2025-09.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def start(path: Path, out: Path, profile: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(CONGVAN), "batch", str(path), "--out", str(out), "--jobs", "2", "--profile",
                             str(profile)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                            start_new_session=True)


def valid(folder: Path, expected: int) -> str:
    """'' when the manifest lists `expected` documents matching the files on disk, else why not."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if len(manifest["documents"]) != expected or manifest["failures"]:
        return f"{len(manifest['documents'])} documents, {len(manifest['failures'])} failures"
    listed = set()
    for document in manifest["documents"]:
        for f in document["files"]:
            data = (folder / f["path"]).read_bytes()
            if hashlib.sha256(data).hexdigest() != f["sha256"] or len(data) != f["bytes"]:
                return f"{f['path']} differs from the manifest"
            listed.add(f["path"])
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*")
               if p.is_file() and ".state" not in p.parts and p.name != "manifest.json"}
    if on_disk != listed:
        return f"unlisted files: {sorted(on_disk - listed)[:3]}"
    if list(folder.rglob("*.tmp")):
        return "temporaries left"
    return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    outlived = 0
    invalid = 0
    with tempfile.TemporaryDirectory(prefix="congvan-kill-") as scratch:
        base = Path(scratch)
        profile = write_profile(base)
        path = snapshot(base, args.units)
        for round_number in range(1, args.rounds + 1):
            out = base / f"out{round_number}"
            how = signal.SIGTERM if round_number % 4 == 0 else signal.SIGKILL
            batch = start(path, out, profile)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and batch.poll() is None \
                    and len(psutil.Process(batch.pid).children(recursive=True)) < 4:
                time.sleep(0.05)
            delay = rng.uniform(0.0, 4.0)
            time.sleep(delay)
            try:
                children = psutil.Process(batch.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                children = []
            batch.send_signal(how)
            batch.wait(timeout=120)
            started = time.monotonic()
            _, alive = psutil.wait_procs(children, timeout=10)
            gone_in = time.monotonic() - started
            for process in alive:  # only the batch's own children, by their id
                with contextlib.suppress(psutil.NoSuchProcess):
                    process.kill()
            outlived += len(alive)
            rerun = start(path, out, profile)
            code = rerun.wait(timeout=600)
            problem = "" if code == 0 else f"rerun exit {code}"
            problem = problem or valid(out / "thu-nghiem" / "2025-09", args.units + 1)
            invalid += bool(problem)
            print(f"round {round_number:2}: {how.name} after {delay:.2f} s with {len(children)} processes started; "
                  f"{len(alive)} outlived it (the rest gone in {gone_in:.2f} s); batch exit {batch.returncode}; "
                  f"rerun {problem or 'valid'}", flush=True)
    print(f"{args.rounds} rounds: {outlived} processes outlived their batch; {invalid} reruns not a valid set")
    return 1 if outlived or invalid else 0


if __name__ == "__main__":
    sys.exit(main())
