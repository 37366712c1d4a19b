"""Output safety (issue 14, class 5): never through a link out of --out, one run per folder, a
generate's files all or none, the same input giving the same bytes, workers ending with their batch."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from e2e_support import EDGE, JULY, write_profile

from generator.build import BuildRequest, generate
from generator.cli import main
from generator.output import STATE_DIR, SafeFolder, Transaction, run_folder_for_writing
from generator.output.files import OutputError

ROOT = Path(__file__).resolve().parents[1]
CONGVAN = Path(sys.executable).with_name("congvan")
RUN = ("ha-noi", "2024-07")


def _run_folder(out: Path) -> Path:
    return out.joinpath(*RUN)


def _files(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` except the run's bookkeeping, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and STATE_DIR not in p.relative_to(folder).parts}


def _assert_manifest_matches(folder: Path) -> None:
    """The manifest lists exactly the documents on disk, each with its true hash and size."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {}
    for document in manifest["documents"]:
        for f in document["files"]:
            data = (folder / f["path"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["bytes"], f["path"]
            listed[f["path"]] = f
    assert set(_files(folder)) - {"manifest.json"} == set(listed)
    assert not list(folder.rglob("*.tmp")), "no temporary is left"


# --- links planted inside --out ---------------------------------------------------------------------


@pytest.mark.parametrize("planted", ["ha-noi", "ha-noi/2024-07", "ha-noi/2024-07/thong-bao",
                                     "ha-noi/2024-07/.state"])
def test_a_folder_link_inside_out_is_refused(tmp_path: Path, planted: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A symlink where a folder of the run should be: exit 2 naming it; nothing lands outside --out."""
    out, outside = tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    link = out / planted
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside, target_is_directory=True)
    assert main(["generate", str(JULY), "--out", str(out), "--formats", "docx"]) == 2
    assert capsys.readouterr().err == (
        f"Lỗi ghi tệp: Không ghi vào {link}: đây là một liên kết (symlink) hoặc không phải thư mục/tệp thường. "
        "Vì an toàn, chương trình không đi theo liên kết bên trong thư mục kết quả (--out); hãy xóa nó rồi chạy "
        "lại.\n"
    )
    assert list(outside.iterdir()) == []


def test_a_batch_refuses_a_linked_notice_folder_before_any_work(tmp_path: Path) -> None:
    """The batch checks its folders before starting workers: exit 2, not one failure per notice."""
    out, outside = tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    (out / "thu-nghiem" / "2025-09").mkdir(parents=True)
    (out / "thu-nghiem" / "2025-09" / "thong-bao").symlink_to(outside, target_is_directory=True)
    profile = write_profile(tmp_path)
    assert main(["batch", str(EDGE), "--out", str(out), "--jobs", "1", "--formats", "docx",
                 "--profile", str(profile)]) == 2
    assert list(outside.iterdir()) == []
    assert not (out / "thu-nghiem" / "2025-09" / "manifest.json").exists()


def test_a_file_link_is_replaced_not_followed(tmp_path: Path) -> None:
    """A symlink named like the dispatch, pointing outside: the outside file keeps its bytes."""
    out, outside = tmp_path / "out", tmp_path / "victim.docx"
    outside.write_bytes(b"keep me")
    folder = _run_folder(out)
    folder.mkdir(parents=True)
    (folder / "cong-van-2024-07.docx").symlink_to(outside)
    assert main(["generate", str(JULY), "--out", str(out), "--formats", "docx"]) == 0
    assert outside.read_bytes() == b"keep me"
    assert not (folder / "cong-van-2024-07.docx").is_symlink()
    _assert_manifest_matches(folder)


def test_a_linked_earlier_manifest_is_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, secret = tmp_path / "out", tmp_path / "secret.json"
    secret.write_text('{"snapshot": {}}', encoding="utf-8")
    folder = _run_folder(out)
    folder.mkdir(parents=True)
    (folder / "manifest.json").symlink_to(secret)
    assert main(["generate", str(JULY), "--out", str(out), "--formats", "docx"]) == 2
    assert "Không ghi vào" in capsys.readouterr().err and secret.read_text(encoding="utf-8") == '{"snapshot": {}}'


# --- one run per folder ----------------------------------------------------------------------------


def test_a_second_run_waits_then_stops_with_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """While another process holds the run folder's lock, generate waits CONGVAN_LOCK_WAIT, then exits 2."""
    out = tmp_path / "out"
    state = _run_folder(out) / STATE_DIR
    state.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time\n"
         f"fd = os.open({str(state / 'lock')!r}, os.O_RDWR | os.O_CREAT)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX); os.write(fd, str(os.getpid()).encode())\n"
         "print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        monkeypatch.setenv("CONGVAN_LOCK_WAIT", "0.5")
        started = time.monotonic()
        assert main(["generate", str(JULY), "--out", str(out), "--formats", "docx"]) == 2
        assert 0.5 <= time.monotonic() - started < 30
    finally:
        holder.kill()
        holder.wait()
    assert capsys.readouterr().err == (
        f"Lỗi ghi tệp: Thư mục kết quả {_run_folder(out)} đang được một lần chạy khác ghi (tiến trình "
        f"{holder.pid}); đã chờ 0,5 giây. Hãy chờ lần chạy đó xong rồi chạy lại, hoặc dùng --out khác.\n"
    )
    assert not (_run_folder(out) / "manifest.json").exists()


def test_the_lock_is_released_with_its_holder(tmp_path: Path) -> None:
    """A holder killed outright leaves no lock behind (flock ends with the process)."""
    folder = tmp_path / "run"
    (folder / STATE_DIR).mkdir(parents=True)
    fd = os.open(folder / STATE_DIR / "lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.close(fd)  # as the kernel does for a killed process
    with run_folder_for_writing(tmp_path, ("run",), wait=0):
        pass


# --- all or none ---------------------------------------------------------------------------------


def test_generate_on_a_full_disk_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """The second file fails to write (disk full): the earlier DOCX, PDF and manifest stay as they were."""
    out = tmp_path / "out"
    assert main(["generate", str(JULY), "--out", str(out)]) == 0
    before = _files(_run_folder(out))
    real = SafeFolder.write_temporary
    written: list[str] = []

    def full_disk(self: SafeFolder, name: str, data: bytes, **options: bool) -> str:
        if written:
            raise OutputError(f"Không ghi được tệp {self.path / name}: ổ đĩa đã đầy.")
        written.append(name)
        return real(self, name, b"changed " + data, **options)

    monkeypatch.setattr(SafeFolder, "write_temporary", full_disk)
    assert main(["generate", str(JULY), "--out", str(out), "--number", "99"]) == 2
    assert "ổ đĩa đã đầy" in capsys.readouterr().err
    assert written == ["cong-van-2024-07.docx"]
    assert _files(_run_folder(out)) == before
    _assert_manifest_matches(_run_folder(out))


def test_an_interrupted_commit_is_completed_by_the_next_run(tmp_path: Path) -> None:
    """Killed between two renames: the journal makes the next run finish them, so the files agree."""
    with SafeFolder.open_under(tmp_path, ("run",)) as folder:
        transaction = Transaction(folder, journal=True)
        transaction.add("a.docx", b"new a")
        transaction.add("sub/b.pdf", b"new b")
        transaction.add("manifest.json", b"new manifest")
        pending = transaction._pending
        with folder.child(STATE_DIR) as state:  # what commit() writes first
            state.write_atomic("pending.json", json.dumps(pending).encode())
        folder.replace(pending[0][0], "a.docx")  # ... and the first rename, then the process died
        transaction._pending = []
    run = tmp_path / "run"
    assert (run / "a.docx").read_bytes() == b"new a" and not (run / "manifest.json").exists()
    with run_folder_for_writing(tmp_path, ("run",), sweep=("sub",)):
        pass
    assert (run / "sub" / "b.pdf").read_bytes() == b"new b"
    assert (run / "manifest.json").read_bytes() == b"new manifest"
    assert not list(run.rglob("*.tmp")) and not (run / STATE_DIR / "pending.json").exists()


def test_a_failed_transaction_leaves_no_temporary(tmp_path: Path) -> None:
    """An exception before commit removes what the transaction wrote."""
    with SafeFolder.open_under(tmp_path, ("run",)) as folder, pytest.raises(RuntimeError), \
            Transaction(folder, journal=True) as transaction:
        transaction.add("a.docx", b"a")
        raise RuntimeError("rendering failed")
    assert list((tmp_path / "run").iterdir()) == []


def test_temporaries_of_a_killed_run_are_swept_under_the_lock(tmp_path: Path) -> None:
    run = tmp_path / "run"
    (run / "thong-bao").mkdir(parents=True)
    (run / ".a.docx.1234abcd.tmp").write_bytes(b"half")
    (run / "thong-bao" / ".X.pdf.1234abcd.tmp").write_bytes(b"half")
    (tmp_path / ".run.zip.77.tmp").write_bytes(b"half")
    with run_folder_for_writing(tmp_path, ("run",), sweep=("thong-bao",)):
        pass
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["lock"]


# --- the same input, the same bytes -------------------------------------------------------------------


def test_same_input_gives_byte_identical_docx_and_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two runs three days apart (by the clock) write the same DOCX and PDF bytes."""
    first = generate(BuildRequest(JULY, out=tmp_path / "a", number="2562"))
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 3 * 86400 + 3671)
    second = generate(BuildRequest(JULY, out=tmp_path / "b", number="2562"))
    for a, b in zip(first.files, second.files, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_a_batch_zip_is_byte_identical_for_the_same_files(tmp_path: Path) -> None:
    """Two runs on the same inputs pack every document with the same bytes and entry dates; only the
    manifest's record of the run itself (time taken, memory) may differ."""
    import zipfile

    profile = write_profile(tmp_path)
    archives = []
    for name in ("a", "b"):
        args = ["batch", str(EDGE), "--out", str(tmp_path / name), "--jobs", "1", "--formats", "docx",
                "--profile", str(profile), "--zip"]
        assert main(args) == 0
        with zipfile.ZipFile(tmp_path / name / "thu-nghiem" / "2025-09.zip") as archive:
            entries = {info.filename: (info.date_time, archive.read(info))
                       for info in archive.infolist() if info.filename != "manifest.json"}
            manifest = json.loads(archive.read("manifest.json"))
        manifest["generated_at"], manifest["run"], manifest["snapshot"]["path"] = "", {}, ""
        archives.append((entries, manifest))
    assert len(archives[0][0]) == 7
    assert archives[0] == archives[1]


# --- workers end with their batch ----------------------------------------------------------------------


def _many_units(folder: Path, count: int) -> Path:
    data = json.loads(EDGE.read_text(encoding="utf-8"))
    template = data["units"][0]
    data["units"] = [{**template, "code": f"U{i:03d}", "name": f"Đơn vị số {i}", "kind": "so_nganh"}
                     for i in range(count)]
    data.pop("indicators", None)
    path = folder / "snap" / "2025-09.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _start_batch(snapshot: Path, out: Path, profile: Path, extra: tuple[str, ...] = ()) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(CONGVAN), "batch", str(snapshot), "--out", str(out), "--jobs", "2",
                             "--profile", str(profile), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, start_new_session=True)


def _descendants_after(main: subprocess.Popen[bytes], out: Path, documents_made: int) -> list[psutil.Process]:
    """Once the batch's workers run and `documents_made` documents exist under `out`, list every process
    the batch started (workers, resource tracker). The moment is chosen by progress, not by a clock, so a
    quicker machine does not let the batch finish before it is killed."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and main.poll() is None:
        workers_up = len(psutil.Process(main.pid).children(recursive=True)) >= 4  # tracker, server, 2 workers
        if workers_up and sum(1 for _ in out.rglob("*.docx")) >= documents_made:
            break
        time.sleep(0.01)
    try:
        return psutil.Process(main.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _left_alive(processes: list[psutil.Process], within: float) -> list[psutil.Process]:
    _, alive = psutil.wait_procs(processes, timeout=within)
    return alive


def _kill_left(processes: list[psutil.Process]) -> None:
    for process in processes:  # only the test's own children, by their id
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()


@pytest.mark.parametrize(("how", "seed"), [(signal.SIGKILL, 1), (signal.SIGKILL, 2), (signal.SIGTERM, 3)])
def test_killing_the_batch_leaves_no_process_and_a_rerun_completes(tmp_path: Path, how: signal.Signals,
                                                                    seed: int) -> None:
    """kill -9 (or SIGTERM) of the batch's main process at a random moment: within seconds no worker
    and no resource tracker is left; the same batch run again ends with a complete, valid set."""
    profile = write_profile(tmp_path)
    snapshot = _many_units(tmp_path, 24)
    out = tmp_path / "out"
    main_process = _start_batch(snapshot, out, profile)
    children = _descendants_after(main_process, out, random.Random(seed).randint(0, 12))
    assert children, "the batch was killed while its workers ran"
    main_process.send_signal(how)
    main_process.wait(timeout=60)
    left = _left_alive(children, within=10)
    _kill_left(left)
    assert left == [], f"{len(left)} processes outlived the batch: {[p.pid for p in left]}"
    if how == signal.SIGTERM:
        assert main_process.returncode in (0, 130), main_process.stderr.read() if main_process.stderr else ""
    rerun = _start_batch(snapshot, out, profile)
    assert rerun.wait(timeout=300) == 0, rerun.stderr.read().decode() if rerun.stderr else ""
    folder = out / "thu-nghiem" / "2025-09"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["documents"]) == 25 and manifest["failures"] == []
    _assert_manifest_matches(folder)


def test_two_concurrent_batches_end_with_a_consistent_manifest(tmp_path: Path) -> None:
    """Two batches into the same folder at once: the second waits for the first, then finds every
    document made; the manifest matches the files."""
    profile = write_profile(tmp_path)
    snapshot = _many_units(tmp_path, 12)
    out = tmp_path / "out"
    env = {**os.environ, "CONGVAN_LOCK_WAIT": "600"}
    runs = [subprocess.Popen([str(CONGVAN), "batch", str(snapshot), "--out", str(out), "--jobs", "2",
                              "--profile", str(profile)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             cwd=ROOT, env=env) for _ in range(2)]
    codes = [run.wait(timeout=600) for run in runs]
    assert codes == [0, 0], [run.stderr.read().decode() for run in runs if run.stderr]
    folder = out / "thu-nghiem" / "2025-09"
    _assert_manifest_matches(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["documents"]) == 13


def test_die_with_parent_guard_uses_the_kernel_signal() -> None:
    """The parent-death signal is set (Linux): a child of a killed parent is killed by the kernel."""
    code = ("import os, sys, time\n"
            "from generator.build.lifeline import die_with\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    die_with(os.getppid()); print(os.getpid(), flush=True); time.sleep(60); os._exit(0)\n"
            "time.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and psutil.pid_exists(child) and \
            psutil.Process(child).status() != psutil.STATUS_ZOMBIE:
        time.sleep(0.05)
    alive = psutil.pid_exists(child) and psutil.Process(child).status() != psutil.STATUS_ZOMBIE
    if alive:
        os.kill(child, signal.SIGKILL)
    assert not alive


def test_output_error_reasons_are_vietnamese() -> None:
    """The reason for a full disk is said in Vietnamese (the message users see on ENOSPC)."""
    from generator.output.files import reason

    assert reason(OSError(errno.ENOSPC, "No space left on device")) == "ổ đĩa đã đầy"
