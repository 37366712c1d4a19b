"""The register on PostgreSQL (a throw-away cluster, tests/postgres_support.py) through CONGVAN_DATABASE_URL:
accounts, one number per year and symbol when clerks issue at the same moment, snapshots kept once, and the
`register list|show` and `verify` commands. Never skipped: without the server binaries the tests fail."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from e2e_support import JULY
from postgres_support import Cluster, issue_when_all_are_ready, postgres_cluster
from register_support import PASSWORD, approved_templates

from generator.cli import main
from generator.common.errors import UsageError
from generator.content import TEMPLATES_ENV
from generator.register import DATABASE_ENV, Register, Role, verify
from generator.register.schema import IssuedRow

# (number, day) per clerk: three take 7 in 2024 at once, one takes 7 in 2025, one takes 8 in 2024.
CLERKS = (("7", "2024-08-06"), ("7", "2024-08-06"), ("7", "2024-08-07"), ("7", "2025-01-02"), ("8", "2024-08-06"))


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with postgres_cluster() as running:
        yield running


@pytest.fixture()
def url(cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh database, named to every Register (and command) through CONGVAN_DATABASE_URL."""
    address = cluster.database()
    monkeypatch.setenv(DATABASE_ENV, address)
    return address


@pytest.fixture(scope="module")
def issued(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Five clerks in five processes issue at the same moment (CLERKS); what each was told, and the register."""
    address = cluster.database()
    templates = approved_templates(tmp_path_factory.mktemp("approved"))
    data = tmp_path_factory.mktemp("data")
    register = Register(data, address)
    register.add_user("can.bo", Role.STAFF, PASSWORD, "Trần Văn Bộ")
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(len(CLERKS)), context.Queue()
    clerks = [context.Process(target=issue_when_all_are_ready,
                              args=(str(data), address, str(templates), number, day, barrier, results))
              for number, day in CLERKS]
    for clerk in clerks:
        clerk.start()
    told = [results.get(timeout=600) for _ in clerks]
    for clerk in clerks:
        clerk.join(timeout=60)
    assert [c.exitcode for c in clerks] == [0] * len(CLERKS)
    return {"register": register, "told": told, "data": data, "url": address, "templates": templates}


def test_one_number_per_year_and_symbol_when_clerks_press_at_once(issued):
    """Of three clerks taking 7 in 2024 together, one gets it and two are told it was just taken; 7 in 2025 and
    8 in 2024 are issued; the register holds three lines and three folders, and no staging folder is left."""
    register: Register = issued["register"]
    told = issued["told"]
    outcome: dict[tuple[str, str], list[tuple[str, Any]]] = {(n, d[:4]): [] for n, d in CLERKS}
    for number, day, status, detail in told:
        outcome[(number, day[:4])].append((status, detail))
    seven = sorted(status for status, _ in outcome[("7", "2024")])
    assert seven == ["issued", "refused", "refused"], told
    assert all("7/UBND-KSTTHC" in detail or "07/UBND-KSTTHC" in detail
               for status, detail in outcome[("7", "2024")] if status == "refused")
    assert [s for s, _ in outcome[("7", "2025")]] == ["issued"] and [s for s, _ in outcome[("8", "2024")]] == ["issued"]
    with register.session() as session:
        rows = sorted((r.year, r.number) for r in session.query(IssuedRow))
    assert rows == [(2024, 7), (2024, 8), (2025, 7)]
    issued_root = register.data / "issued"
    assert sorted(p.relative_to(issued_root).as_posix() for p in issued_root.glob("*/*/*")) == [
        "2024/UBND-KSTTHC/7", "2024/UBND-KSTTHC/8", "2025/UBND-KSTTHC/7"]
    assert [p for p in issued_root.iterdir() if p.name.startswith(".staging")] == []


def test_a_number_taken_is_refused_by_the_look_up_too(issued, monkeypatch):
    """After the race, issuing 8 of 2024 again is refused by the look-up, naming the line that holds it."""
    from generator.register import IssueRequest, issue

    register: Register = issued["register"]
    monkeypatch.setenv(TEMPLATES_ENV, str(issued["templates"]))
    staff = next(u for u in register.users() if u.name == "can.bo")
    holder = register.number_holder(2024, "UBND-KSTTHC", 8)
    assert holder is not None
    with pytest.raises(UsageError, match=rf"Số 08/UBND-KSTTHC năm 2024 đã được cấp .* dòng {holder.id}"):
        issue(register, IssueRequest(JULY, "8", date(2024, 9, 1), staff, formats=("docx",)))
    assert register.issued_count() == 3


def test_list_show_and_verify_commands_read_postgres(issued, monkeypatch, capsys, tmp_path):
    """`register list|show` and `verify` given only --data and CONGVAN_DATABASE_URL read the PostgreSQL register."""
    register: Register = issued["register"]
    monkeypatch.setenv(DATABASE_ENV, issued["url"])
    data = str(issued["data"])
    assert main(["register", "list", "--data", data]) == 0
    out = capsys.readouterr().out
    assert "07/UBND-KSTTHC" in out or "7/UBND-KSTTHC" in out
    assert "08/UBND-KSTTHC" in out or "8/UBND-KSTTHC" in out
    document = register.issued_list()[0]
    assert main(["register", "show", str(document.id), "--data", data]) == 0
    out = capsys.readouterr().out
    assert document.snapshot_sha256 in out and all(f.sha256 in out for f in document.files)
    docx = register.absolute(document.files[0].path)
    assert main(["verify", str(docx), "--data", data]) == 0
    assert "Khớp: công văn số" in capsys.readouterr().out
    changed = tmp_path / "changed.docx"
    changed.write_bytes(docx.read_bytes() + b"\0")
    assert main(["verify", str(changed), "--data", data]) == 1
    assert [m.document.id for m in verify(register, docx)] == [document.id]


def test_accounts_on_postgres(url, tmp_path):
    """Accounts are kept and checked; a name taken twice, or a full name too long for its column, is refused
    in Vietnamese (PostgreSQL enforces the column's length where SQLite does not)."""
    register = Register(tmp_path)
    assert register.url == url
    user = register.add_user("nguyen.van.a", "reviewer", PASSWORD, "Nguyễn Văn A")
    assert register.authenticate("nguyen.van.a", PASSWORD) == user
    assert register.authenticate("nguyen.van.a", "sai-mat-khau") is None
    with pytest.raises(UsageError, match="đã có người dùng"):
        register.add_user("nguyen.van.a", "staff", PASSWORD)
    with pytest.raises(UsageError, match="Họ tên"):
        register.add_user("nguoi.ten.dai", "staff", PASSWORD, "A" * 201)
    assert [u.name for u in register.users()] == ["nguyen.van.a"]


def test_the_same_snapshot_kept_by_two_at_once_has_one_record(url, tmp_path):
    """Two uploads of the same file at the same moment: one row, both answered with it."""
    register = Register(tmp_path)
    path = tmp_path / "snapshots" / "2024-07.xlsx"
    path.parent.mkdir()
    path.write_bytes(JULY.read_bytes())
    answers: list[Any] = []
    start = threading.Barrier(4)

    def keep() -> None:
        start.wait()
        answers.append(register.keep_snapshot("a" * 64, "2024-07.xlsx", path, "UBND thành phố Hà Nội", "2024-07",
                                              "can.bo"))

    threads = [threading.Thread(target=keep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 4 and len({(a.sha256, a.uploaded_at) for a in answers}) == 1
    assert len(register.snapshots()) == 1


def test_a_plain_postgresql_url_uses_psycopg(url, tmp_path):
    """`postgresql://…` as people write it reaches the server through psycopg 3 (the driver installed)."""
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    register = Register(tmp_path, plain)
    assert register.engine.dialect.driver == "psycopg"
    register.add_user("can.bo", "staff", PASSWORD)
    assert [u.name for u in register.users()] == ["can.bo"]


@pytest.mark.parametrize("command", [["register", "list"], ["register", "show", "1"], ["verify", str(JULY)],
                                     ["users", "list"]])
def test_reading_commands_refuse_a_database_without_a_register(url, tmp_path, capsys, command):
    """A mistyped CONGVAN_DATABASE_URL (an empty database) is a usage error; no table is made there."""
    from sqlalchemy import create_engine, inspect

    assert main([*command, "--data", str(tmp_path)]) == 2
    assert "chưa có sổ đăng ký" in capsys.readouterr().err
    engine = create_engine(url)
    assert inspect(engine).get_table_names() == []
    engine.dispose()
