"""A short, seeded run of the web load test (bench/bench_web_load.py has the full 20 users for 60 s):
a few staff upload and preview while two batches run; no request fails and both batches end."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from bench_web_load import main


def test_users_upload_and_preview_while_two_batches_run_without_errors(capsys):
    report = main(["--users", "3", "--seconds", "8", "--batches", "2", "--variants", "2", "--batch-units", "STP,SYT",
                   "--seed", "7"])
    assert report["errors"] == 0, report["error_samples"]
    kinds = report["kinds"]
    assert kinds["upload + ranked tables"]["count"] >= 3 and kinds["preview page"]["count"] >= 3
    assert [b["status"] for b in report["batches"]] == ["done", "done"]
    assert all(b["documents"] == 3 for b in report["batches"])
    assert "requests/s" in capsys.readouterr().out
