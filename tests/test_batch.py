"""`congvan batch`: every document written whole, a manifest that matches, failures isolated,
interrupted runs resumed, safe file names whatever the unit codes say."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
from e2e_support import EDGE, JULY, july, write_profile

import generator.build.conductor
from generator.cli import main
from generator.output.layout import notice_stems

RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")  # never hidden, never option-like


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(folder: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def _documents(folder: Path) -> dict[str | None, dict]:  # type: ignore[type-arg]
    return {d["unit_code"]: d for d in _manifest(folder)["documents"]}


def _assert_manifest_matches_files(folder: Path, formats: tuple[str, ...] = ("docx", "pdf")) -> None:
    """Every listed file exists with the listed hash and size; every output file is listed."""
    listed = set()
    for document in _manifest(folder)["documents"]:
        assert sorted(f["format"] for f in document["files"]) == sorted(formats)
        for f in document["files"]:
            path = folder / f["path"]
            assert f["sha256"] == _sha256(path) and f["bytes"] == path.stat().st_size, f["path"]
            listed.add(f["path"])
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*")
               if p.is_file() and ".state" not in p.parts and p.name != "manifest.json"}
    assert on_disk == listed


def _assert_complete(path: Path) -> None:
    """A DOCX opens with python-docx; a PDF runs from its header to %%EOF."""
    if path.suffix == ".docx":
        assert docx.Document(str(path)).paragraphs, path
    else:
        data = path.read_bytes()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), path


def _temporaries(folder: Path) -> list[Path]:
    return list(folder.parent.rglob("*.tmp"))


# ---- the full July batch over a real process pool --------------------------------------------------

@pytest.fixture(scope="module")
def pooled_run(tmp_path_factory):
    """The whole July batch, both formats, two worker processes."""
    out = tmp_path_factory.mktemp("pooled") / "out"
    code = main(["batch", str(JULY), "--out", str(out), "--jobs", "2"])
    return code, out / "ha-noi" / "2024-07"


def test_pooled_batch_writes_the_dispatch_and_one_notice_per_unit(pooled_run):
    """--jobs 2 exits 0 and lists the dispatch then the 51 notices, in snapshot order, both formats."""
    code, folder = pooled_run
    assert code == 0
    documents = _manifest(folder)["documents"]
    assert [d["unit_code"] for d in documents] == [None, *(u.code for u in july().snapshot.units)]
    assert len(documents) == 52
    assert documents[0]["kind"] == "monthly_dispatch"
    assert {d["kind"] for d in documents[1:]} == {"unit_notice"}
    assert not any(d["skipped"] for d in documents)
    assert (folder / "thong-bao" / "STP.pdf").is_file() and (folder / "cong-van-2024-07.docx").is_file()
    _assert_manifest_matches_files(folder)


def test_pooled_batch_files_are_complete(pooled_run):
    """Every DOCX and PDF the pool wrote is whole; no temporary file is left."""
    _, folder = pooled_run
    files = [p for p in folder.rglob("*") if p.suffix in (".docx", ".pdf")]
    assert len(files) == 104
    for path in files:
        _assert_complete(path)
    assert _temporaries(folder) == []


def test_pooled_batch_reports_its_workers_memory(pooled_run):
    """The manifest records the run: two workers, one of which made the dispatch first, with their memory."""
    _, folder = pooled_run
    run = _manifest(folder)["run"]
    assert run["workers"] == 2
    processes = run["worker_memory"]
    assert sorted(w["role"] for w in processes) == ["dispatch + notices", "notices"]
    assert len({w["pid"] for w in processes}) == 2
    assert sum(w["jobs"] for w in processes) == 52
    assert 0 < run["peak_rss_mib"] == max(w["peak_rss_mib"] for w in processes)
    for w in processes:
        assert 0 < w["first_decile_rss_mib"] <= w["peak_rss_mib"] + 1


def test_identical_second_run_skips_everything(pooled_run, tmp_path):
    """Run again with the same inputs: every document is skipped and no file is touched."""
    _, folder = pooled_run
    copy = tmp_path / "out" / "ha-noi" / "2024-07"
    shutil.copytree(folder, copy)
    stamps = {p: p.stat().st_mtime_ns for p in copy.rglob("*") if p.suffix in (".docx", ".pdf")}
    assert main(["batch", str(JULY), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    assert all(d["skipped"] for d in _manifest(copy)["documents"])
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps
    _assert_manifest_matches_files(copy)


def test_interrupted_batch_resumes_only_what_is_missing(pooled_run, tmp_path):
    """After lost files and a killed write's leftover, a rerun remakes only those documents."""
    _, folder = pooled_run
    copy = tmp_path / "out" / "ha-noi" / "2024-07"
    shutil.copytree(folder, copy)
    (copy / "thong-bao" / "STP.pdf").unlink()
    (copy / "thong-bao" / "SNV.docx").unlink()
    (copy / "thong-bao" / "SNV.pdf").unlink()
    (copy / "cong-van-2024-07.docx").write_bytes(b"PK\x03\x04 cut short")  # a file that no longer matches
    stale = copy / "thong-bao" / ".SYT.pdf.a1b2c3.tmp"
    stale.write_bytes(b"%PDF-1.7 half")
    assert main(["batch", str(JULY), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    remade = {code for code, d in _documents(copy).items() if not d["skipped"]}
    assert remade == {None, "STP", "SNV"}
    assert not stale.exists() and _temporaries(copy) == []
    _assert_manifest_matches_files(copy)
    for path in (copy / "thong-bao" / "STP.pdf", copy / "thong-bao" / "SNV.docx", copy / "cong-van-2024-07.docx"):
        _assert_complete(path)


# ---- in-process runs (--jobs 1), where monkeypatching reaches the workers ---------------------------

def test_failing_unit_is_reported_and_the_others_are_written(tmp_path, monkeypatch, capsys):
    """One unit's notice raising: the other 51 documents are written, exit 1, manifest and summary name it."""
    real = generator.build.conductor.notice_document

    def flaky(prepared, template, unit_code, number, issue_date):  # type: ignore[no-untyped-def]
        if unit_code == "SNV":
            raise RuntimeError("hỏng khi dựng thông báo")
        return real(prepared, template, unit_code, number, issue_date)

    monkeypatch.setattr(generator.build.conductor, "notice_document", flaky)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    out = tmp_path / "out"
    assert main(["batch", str(JULY), "--out", str(out), "--jobs", "1", "--formats", "docx"]) == 1
    err = capsys.readouterr().err
    assert re.search(r"- SNV: .*RuntimeError: hỏng khi dựng thông báo", err)
    folder = out / "ha-noi" / "2024-07"
    manifest = _manifest(folder)
    saved = list(tmp_path.glob("congvan-loi-*.txt"))  # the bug's traceback is kept for the developers
    assert len(saved) == 1 and "RuntimeError: hỏng khi dựng thông báo" in saved[0].read_text(encoding="utf-8")
    assert manifest["failures"] == [{"kind": "unit_notice", "unit_code": "SNV",
                                     "reason": "lỗi ngoài dự kiến: RuntimeError: hỏng khi dựng thông báo. Chi tiết "
                                               f"kỹ thuật đã lưu tại {saved[0]}; hãy gửi tệp này cho nhóm phát triển."}]
    assert len(manifest["documents"]) == 51 and "SNV" not in _documents(folder)
    assert not (folder / "thong-bao" / "SNV.docx").exists()
    _assert_manifest_matches_files(folder, ("docx",))

    monkeypatch.setattr(generator.build.conductor, "notice_document", real)
    assert main(["batch", str(JULY), "--out", str(out), "--jobs", "1", "--formats", "docx"]) == 0
    assert {c for c, d in _documents(folder).items() if not d["skipped"]} == {"SNV"}


def test_ctrl_c_stops_the_batch_and_a_rerun_finishes_it(tmp_path, monkeypatch, capsys):
    """Ctrl-C mid-batch exits 130 leaving only whole files; the rerun keeps those and makes the rest."""
    real = generator.build.conductor.notice_document
    codes = [u.code for u in july().snapshot.units]

    def interrupted(prepared, template, unit_code, number, issue_date):  # type: ignore[no-untyped-def]
        if unit_code == codes[3]:
            raise KeyboardInterrupt
        return real(prepared, template, unit_code, number, issue_date)

    monkeypatch.setattr(generator.build.conductor, "notice_document", interrupted)
    out = tmp_path / "out"
    args = ["batch", str(JULY), "--out", str(out), "--jobs", "1", "--formats", "docx"]
    assert main(args) == 130
    assert "Đã dừng theo yêu cầu." in capsys.readouterr().err
    folder = out / "ha-noi" / "2024-07"
    assert not (folder / "manifest.json").exists()
    done = sorted(p.stem for p in (folder / "thong-bao").glob("*.docx"))
    assert done == sorted(codes[:3])
    assert _temporaries(folder) == []

    monkeypatch.setattr(generator.build.conductor, "notice_document", real)
    assert main(args) == 0
    documents = _documents(folder)
    assert {c for c, d in documents.items() if d["skipped"]} == {None, *codes[:3]}
    assert len(documents) == 52
    _assert_manifest_matches_files(folder, ("docx",))


def test_units_option_limits_the_notices(tmp_path):
    """--units STP,SNV makes the dispatch and those two notices only."""
    out = tmp_path / "out"
    assert main(["batch", str(JULY), "--out", str(out), "--jobs", "1", "--formats", "docx",
                 "--units", "STP,SNV"]) == 0
    folder = out / "ha-noi" / "2024-07"
    assert list(_documents(folder)) == [None, "SNV", "STP"]  # snapshot order, not option order
    _assert_manifest_matches_files(folder, ("docx",))


def test_unknown_unit_code_is_a_usage_error(tmp_path, capsys):
    """--units with a code the snapshot lacks exits 2, names the code, writes nothing."""
    out = tmp_path / "out"
    assert main(["batch", str(JULY), "--out", str(out), "--units", "STP,KHONGCO"]) == 2
    assert "KHONGCO" in capsys.readouterr().err
    assert not out.exists()


@pytest.fixture(scope="module")
def edge_profile(tmp_path_factory):
    return write_profile(tmp_path_factory.mktemp("profile"))


def test_force_regenerates_everything(tmp_path, edge_profile):
    """A second run with --force remakes (rewrites) every document even though nothing changed."""
    out = tmp_path / "out"
    args = ["batch", str(EDGE), "--out", str(out), "--jobs", "1", "--profile", str(edge_profile)]
    assert main(args) == 0
    folder = out / "thu-nghiem" / "2025-09"
    stamps = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.suffix in (".docx", ".pdf")}
    assert len(stamps) == 14
    assert main([*args]) == 0 and all(d["skipped"] for d in _manifest(folder)["documents"])
    assert main([*args, "--force"]) == 0
    assert not any(d["skipped"] for d in _manifest(folder)["documents"])
    assert all(p.stat().st_mtime_ns > stamp for p, stamp in stamps.items())  # every file written again
    _assert_manifest_matches_files(folder)


def test_zip_holds_every_file_and_the_manifest(tmp_path, edge_profile):
    """--zip writes <period>.zip beside the folder with every listed file, byte for byte, and the manifest."""
    out = tmp_path / "out"
    assert main(["batch", str(EDGE), "--out", str(out), "--jobs", "1", "--profile", str(edge_profile),
                 "--zip"]) == 0
    folder = out / "thu-nghiem" / "2025-09"
    archive = folder.with_name("2025-09.zip")
    listed = [f["path"] for d in _manifest(folder)["documents"] for f in d["files"]]
    with zipfile.ZipFile(archive) as z:
        assert sorted(z.namelist()) == sorted([*listed, "manifest.json"])
        for name in z.namelist():
            assert z.read(name) == (folder / name).read_bytes()
    assert _temporaries(folder) == []


# ---- hostile unit codes ------------------------------------------------------------------------------

# The snapshot itself refuses codes that differ only by case (or accents); notice_stems is tested for those.
# The two longest are as long as validation allows (CODE_LENGTH) and differ only past the stem's cut.
HOSTILE_CODES = ("../../etc", "a/b", "a_b", "A B", "CON", "con.txt", ".hidden", "x" * 99, "x" * 100,
                 "abc", "a\\b", "Sở-1", "..", "-")


def _hostile_snapshot(folder: Path) -> Path:
    data = json.loads(EDGE.read_text(encoding="utf-8"))
    template = data["units"][0]
    data["units"] = [
        {**template, "code": code, "name": f"Đơn vị \"{i}\" & 'nháy' <{i}>", "kind": "so_nganh"}
        for i, code in enumerate(HOSTILE_CODES)
    ]
    path = folder / "snapshots" / "2025-09.json"
    path.parent.mkdir()
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_hostile_unit_codes_get_safe_distinct_names_inside_out(tmp_path, edge_profile):
    """Codes with '/', '..', spaces, device names, case twins or 100 characters stay inside --out, safely named."""
    snapshot = _hostile_snapshot(tmp_path)
    out = tmp_path / "out"
    assert main(["batch", str(snapshot), "--out", str(out), "--jobs", "1", "--formats", "docx",
                 "--profile", str(edge_profile)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "snapshots"]
    assert sorted(p.name for p in snapshot.parent.iterdir()) == ["2025-09.json"]
    folder = out / "thu-nghiem" / "2025-09"
    documents = _documents(folder)
    assert set(documents) == {None, *HOSTILE_CODES}
    paths = [f["path"] for d in documents.values() for f in d["files"]]
    assert len({p.lower() for p in paths}) == len(paths)  # distinct even on a case-insensitive disk
    for relative in paths:
        path = (folder / relative).resolve()
        assert path.is_relative_to(folder.resolve()) and path.is_file()
        parts = Path(relative).parts
        assert parts[0] in ("thong-bao", "cong-van-2025-09.docx")
        for part in parts:
            assert SAFE_NAME.match(part) and len(part) <= 100, part
        assert Path(relative).stem.split(".")[0].upper() not in RESERVED
    every_file = [p for p in out.rglob("*") if p.is_file()]
    assert all(p.resolve().is_relative_to(out.resolve()) for p in every_file)
    assert all(p.name.isascii() for p in every_file)


def test_file_names_do_not_depend_on_the_units_chosen(tmp_path, edge_profile):
    """A code's file name is the same in a --units run as in the full run, so resuming finds it."""
    snapshot = _hostile_snapshot(tmp_path)
    full, part = tmp_path / "full", tmp_path / "part"
    common = ["--jobs", "1", "--formats", "docx", "--profile", str(edge_profile)]
    assert main(["batch", str(snapshot), "--out", str(full), *common]) == 0
    assert main(["batch", str(snapshot), "--out", str(part), *common, "--units", "a/b,con.txt"]) == 0
    full_docs = _documents(full / "thu-nghiem" / "2025-09")
    part_docs = _documents(part / "thu-nghiem" / "2025-09")
    for code in ("a/b", "con.txt"):
        assert part_docs[code]["files"][0]["path"] == full_docs[code]["files"][0]["path"]


def test_codes_differing_only_by_case_get_distinct_names():
    """"ABC" and "abc" would share a file on a case-insensitive disk: both get a hashed, distinct stem."""
    stems = notice_stems(["ABC", "abc", "STP"])
    assert stems["STP"] == "STP"
    assert stems["ABC"].startswith("ABC-") and stems["abc"].startswith("abc-")
    assert stems["ABC"].lower() != stems["abc"].lower()
    assert notice_stems(["abc"]) == {"abc": "abc"}


# ---- workers, flushing to disk, a killed run ------------------------------------------------------

def test_a_batch_flushes_to_disk_once(tmp_path, monkeypatch):
    """52 documents (104 files, 52 state records, their folders) are written without a flush each; the
    file system is synced once, then the manifest alone is flushed."""
    import os

    from generator.output import SafeFolder

    flushes: list[int] = []
    syncs: list[Path] = []
    real_fsync, real_sync = os.fsync, SafeFolder.sync_file_system
    monkeypatch.setattr(os, "fsync", lambda fd: (flushes.append(fd), real_fsync(fd))[1])
    monkeypatch.setattr(SafeFolder, "sync_file_system", lambda self: (syncs.append(self.path), real_sync(self))[1])
    assert main(["batch", str(JULY), "--out", str(tmp_path / "out"), "--jobs", "1", "--formats", "docx,pdf"]) == 0
    assert syncs == [tmp_path / "out" / "ha-noi" / "2024-07"]
    assert len(flushes) == 1  # the manifest


def test_workers_start_with_the_renderers_imported():
    """A worker forks from a server that has imported WeasyPrint, python-docx and matplotlib: it starts with them."""
    from concurrent.futures import ProcessPoolExecutor

    from generator.build.batch import worker_context

    context = worker_context()
    assert context.get_start_method() == "forkserver"
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        loaded = pool.submit(eval, "[m for m in ('weasyprint', 'docx', 'generator.render.pdf', 'matplotlib.figure') "
                                   "if m in __import__('sys').modules]").result()
    assert loaded == ["weasyprint", "docx", "generator.render.pdf", "matplotlib.figure"]


def test_a_small_batch_runs_in_the_batch_process(tmp_path):
    """One notice and the dispatch: no worker is started even with --jobs 2, the parent makes both."""
    import os

    assert main(["batch", str(JULY), "--out", str(tmp_path), "--units", "STP", "--jobs", "2",
                 "--formats", "docx"]) == 0
    run = _manifest(tmp_path / "ha-noi" / "2024-07")["run"]
    assert run["workers"] == 1
    assert [w["pid"] for w in run["worker_memory"]] == [os.getpid()]


def test_a_killed_pooled_batch_leaves_no_process_and_resumes_to_a_verified_set(tmp_path):
    """kill -9 during a pooled batch: the workers and their server end with it. Files the disk never got
    whole (simulated: one emptied, one overwritten) are found by their hash and remade on the rerun."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    out = tmp_path / "out"
    folder = out / "ha-noi" / "2024-07"
    process = subprocess.Popen([sys.executable, "-m", "generator", "batch", str(JULY), "--out", str(out),
                                "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while len(list((folder / ".state").glob("*.json"))) < 6:
        assert process.poll() is None and time.monotonic() < deadline, "the batch ended before it was killed"
        time.sleep(0.2)
    family = psutil.Process(process.pid).children(recursive=True)
    assert len(family) >= 3  # the server and two workers (and multiprocessing's resource tracker)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    gone, alive = psutil.wait_procs(family, timeout=20)
    assert alive == []

    states = sorted((folder / ".state").glob("*.json"))
    kept = [json.loads(p.read_text(encoding="utf-8")) for p in states]
    emptied, overwritten = kept[0]["files"][0]["path"], kept[1]["files"][-1]["path"]
    (folder / emptied).write_bytes(b"")
    (folder / overwritten).write_bytes(b"\0" * (folder / overwritten).stat().st_size)
    assert main(["batch", str(JULY), "--out", str(out), "--jobs", "2"]) == 0
    documents = _manifest(folder)["documents"]
    assert len(documents) == 52
    remade = {f["path"] for d in documents if not d["skipped"] for f in d["files"]}
    assert {emptied, overwritten} <= remade
    assert sum(d["skipped"] for d in documents) == len(states) - 2
    _assert_manifest_matches_files(folder)
    for path in folder.rglob("*"):
        if path.suffix in (".docx", ".pdf"):
            _assert_complete(path)


def test_a_notice_failing_for_one_unit_stops_the_batch_before_any_file(tmp_path, monkeypatch, capsys):
    """`prepare` renders a directive's first notice only; the batch renders the rest before it writes:
    a rule wording that fails for one later unit exits 2 naming the rule file and line, nothing
    written. The dispatch, which does not use that notice, is still made."""
    from generator.common.resources import TEMPLATES_DIR
    from generator.content import TEMPLATES_ENV

    (apology,) = (d for d in july().directives if d.rule_id == "apology")
    code = apology.unit_codes[1]
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    rules = templates / "rules" / "directives.yaml"
    lines = rules.read_text(encoding="utf-8").splitlines()
    start = lines.index("  - id: apology")
    line = next(i for i in range(start, len(lines)) if lines[i] == "    notice: >-") + 1
    lines.insert(line, f"      {{% if unit.code == '{code}' %}}{{{{ unit.no_such_figure }}}}{{% endif %}}")
    rules.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv(TEMPLATES_ENV, str(templates))

    out = tmp_path / "out"
    assert main(["batch", str(JULY), "--out", str(out), "--jobs", "1", "--formats", "docx"]) == 2
    err = capsys.readouterr().err
    assert f"{rules}:{line}: quy tắc “apology”, “notice”" in err and "no_such_figure" in err
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))
    assert main(["generate", str(JULY), "--out", str(out), "--formats", "docx"]) == 0
