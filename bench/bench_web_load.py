"""Load test of the web page on loopback (not a test; a short seeded run is tests/test_web_load.py).

Usage: .venv/bin/python bench/bench_web_load.py [--users 20] [--seconds 60] [--batches 2] [--variants 4]
                                                [--batch-units CODES] [--seed 11] [--json FILE]

Starts `congvan serve` on 127.0.0.1 over a fresh data folder (approved copy of the templates, one staff
account per simulated user), then for --seconds runs --users concurrent staff, each in a loop: upload a
snapshot (one of --variants copies of the July 2024 fixture that differ only in their reading time, so
each has a preview of its own to render), follow to its page (the ranked tables), open the preview page
(which waits for the dispatch's PDF pages) and fetch its first page image. Five seconds in, --batches
more staff each start a batch (the dispatch and every unit's notice, DOCX and PDF) and the run waits
for them to end. Reports requests per second, latency percentiles per kind (the preview's p95 is the
figure to watch; "steady" counts the requests made after the first quarter of the run, when every
variant's preview exists), errors (any answer not 2xx, or no answer), the batches' times, and the server's peak
resident memory: its own process, and with every worker process (previews, batches) it started.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from register_support import PASSWORD, approved_templates  # noqa: E402
from web_support import running_server  # noqa: E402

from generator.register import Register  # noqa: E402

FIXTURE = ROOT / "fixtures" / "forms" / "2024-07.json"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SNAPSHOT = re.compile(r"/snapshots/([0-9a-f]{64})")
PAGE = re.compile(r'src="(/previews/[0-9a-f]+/1\.png)"')


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    started: float = field(default_factory=time.perf_counter)
    steady_after: float = 15.0  # seconds: by then every variant's preview has been made once

    def record(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        if kind == "preview page" and time.perf_counter() - seconds - self.started >= self.steady_after:
            self.latencies.setdefault("preview page, steady", []).append(seconds)
        self.requests += 1


def variants(folder: Path, count: int) -> list[tuple[str, bytes]]:
    """The July fixture as JSON, `count` times, each read at another minute (so each is a new snapshot)."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    made = []
    for i in range(count):
        data["meta"]["cutoff"] = f"2024-08-02T10:{i:02d}:00+07:00"
        made.append((f"thang-7-ban-{i + 1}.json", json.dumps(data, ensure_ascii=False).encode()))
    return made


async def login(client: httpx.AsyncClient, name: str) -> str:
    token = CSRF.search((await client.get("/")).text)
    assert token is not None
    answer = await client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token.group(1)})
    answer.raise_for_status()
    page = CSRF.search(answer.text)
    assert page is not None and "Đăng xuất" in answer.text
    return page.group(1)


async def timed(results: Results, kind: str, call: object) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        answer: httpx.Response = await call  # type: ignore[misc]
    except httpx.HTTPError as error:
        results.errors.append(f"{kind}: {type(error).__name__}: {error}")
        return None
    results.record(kind, time.perf_counter() - started)
    if not 200 <= answer.status_code < 300:
        results.errors.append(f"{kind}: HTTP {answer.status_code}")
        return None
    return answer


async def user(url: str, name: str, files: list[tuple[str, bytes]], deadline: float, seed: int,
               results: Results) -> None:
    chooser = random.Random(seed)
    async with httpx.AsyncClient(base_url=url, timeout=300, follow_redirects=True) as client:
        token = await login(client, name)
        while time.monotonic() < deadline:
            file_name, data = chooser.choice(files)
            answer = await timed(results, "upload + ranked tables", client.post(
                "/upload", data={"csrf": token}, files={"files": (file_name, data, "application/json")}))
            found = SNAPSHOT.search(str(answer.url)) if answer is not None else None
            if found is None:
                continue
            answer = await timed(results, "preview page", client.get(f"/snapshots/{found.group(1)}/preview"))
            image = PAGE.search(answer.text) if answer is not None else None
            if image is not None:
                await timed(results, "preview image", client.get(image.group(1)))


async def batch(url: str, name: str, snapshot: str, units: str, results: Results) -> dict[str, object]:
    async with httpx.AsyncClient(base_url=url, timeout=300, follow_redirects=True) as client:
        token = await login(client, name)
        started = time.perf_counter()
        answer = await client.post(f"/snapshots/{snapshot}/batch",
                                   data={"csrf": token, "formats": ["docx", "pdf"], "units": units, "issued": ""})
        answer.raise_for_status()
        status_url = str(answer.url) + "/status"
        state: dict[str, object] = {}
        while True:
            state = (await client.get(status_url)).json()
            if state["finished"]:
                break
            await asyncio.sleep(0.5)
        seconds = time.perf_counter() - started
        if state["status"] != "done" or state["failures"]:
            results.errors.append(f"batch {name}: {state['status']} {state['failures']} {state['message']}")
        return {"user": name, "documents": state["total"], "seconds": round(seconds, 1), "status": state["status"]}


class MemorySampler(threading.Thread):
    """Peak RSS of the server process alone and of it with every descendant, sampled every 0,2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.server_peak = self.total_peak = 0
        self.running = True

    def run(self) -> None:
        while self.running:
            try:
                own = self.process.memory_info().rss
                total = own + sum(_rss(child) for child in self.process.children(recursive=True))
            except psutil.Error:
                break
            self.server_peak, self.total_peak = max(self.server_peak, own), max(self.total_peak, total)
            time.sleep(0.2)


def _rss(process: psutil.Process) -> int:
    try:
        return int(process.memory_info().rss)
    except psutil.Error:
        return 0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def drive(url: str, args: argparse.Namespace, files: list[tuple[str, bytes]], results: Results,
                ) -> tuple[float, list[dict[str, object]]]:
    started = time.monotonic()
    deadline = started + args.seconds
    users = [asyncio.create_task(user(url, f"nguoi.dung.{i:02d}", files, deadline, args.seed + i, results))
             for i in range(args.users)]
    batches: list[asyncio.Task[dict[str, object]]] = []
    if args.batches:
        await asyncio.sleep(min(5.0, args.seconds / 3))
        async with httpx.AsyncClient(base_url=url, timeout=300, follow_redirects=True) as client:
            token = await login(client, "lo.00")
            name, data = files[0]
            answer = await client.post("/upload", data={"csrf": token},
                                       files={"files": (name, data, "application/json")})
            found = SNAPSHOT.search(str(answer.url))
            assert found is not None, answer.text[:300]
        batches = [asyncio.create_task(batch(url, f"lo.{i:02d}", found.group(1), args.batch_units, results))
                   for i in range(args.batches)]
    await asyncio.gather(*users)
    elapsed = time.monotonic() - started
    return elapsed, list(await asyncio.gather(*batches))


def run(args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="congvan-load-") as temporary:
        folder = Path(temporary)
        templates = approved_templates(folder)
        register = Register(folder / "data")
        for i in range(args.users):
            register.add_user(f"nguoi.dung.{i:02d}", "staff", PASSWORD)
        for i in range(max(args.batches, 1)):
            register.add_user(f"lo.{i:02d}", "staff", PASSWORD)
        register.close()
        files = variants(folder, args.variants)
        results = Results(steady_after=args.seconds / 4)
        with running_server(folder / "data", templates) as server:
            sampler = MemorySampler(server.process.pid)
            sampler.start()
            elapsed, batches = asyncio.run(drive(server.url, args, files, results))
            sampler.running = False
            sampler.join()
    kinds = {kind: {"count": len(values), "p50_s": round(statistics.median(values), 3),
                    "p95_s": round(percentile(values, 0.95), 3), "max_s": round(max(values), 3)}
             for kind, values in results.latencies.items()}
    return {
        "users": args.users, "seconds": round(elapsed, 1), "requests": results.requests,
        "requests_per_second": round(results.requests / elapsed, 1), "kinds": kinds,
        "errors": len(results.errors), "error_samples": results.errors[:10], "batches": batches,
        "server_peak_rss_mib": round(sampler.server_peak / 2**20, 1),
        "server_and_workers_peak_rss_mib": round(sampler.total_peak / 2**20, 1),
        "variants": args.variants, "seed": args.seed,
    }


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--batches", type=int, default=2)
    parser.add_argument("--variants", type=int, default=4)
    parser.add_argument("--batch-units", default="", help="only these unit codes in each batch (default: all)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, object]:
    args = parse(argv)
    report = run(args)
    print(f"{report['users']} users for {report['seconds']} s: {report['requests']} requests, "
          f"{report['requests_per_second']} requests/s, {report['errors']} errors")
    for kind, figures in report["kinds"].items():  # type: ignore[union-attr]
        print(f"  {kind:<24} n={figures['count']:<5} p50 {figures['p50_s']:.3f} s  p95 {figures['p95_s']:.3f} s  "
              f"max {figures['max_s']:.3f} s")
    for done in report["batches"]:  # type: ignore[union-attr]
        print(f"  batch by {done['user']}: {done['documents']} documents in {done['seconds']} s ({done['status']})")
    print(f"  server peak RSS {report['server_peak_rss_mib']} MiB; with its worker processes "
          f"{report['server_and_workers_peak_rss_mib']} MiB")
    for sample in report["error_samples"]:  # type: ignore[union-attr]
        print(f"  error: {sample}")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
