"""A throw-away PostgreSQL cluster for the tests: `initdb` in a temporary folder, listening on a unix
socket in that folder only (no TCP), fsync off, stopped and removed at the end.

PostgreSQL refuses to run as root; as root (CI) the cluster belongs to the `postgres` system user that
Debian's package creates, and its commands run through `runuser`. The server binaries come from the
Debian package `postgresql` (scripts/setup.sh installs it for the tests): when they are missing the
tests fail with that message, they are never skipped.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from e2e_support import JULY

from generator.content import TEMPLATES_ENV

SERVER_ROOT = Path("/usr/lib/postgresql")
SUPERUSER = "congvan"
SYSTEM_USER = "postgres"


def server_binaries() -> Path:
    """The newest installed PostgreSQL's bin folder (initdb, pg_ctl, createdb); a clear failure otherwise."""
    found = [p.parent for p in SERVER_ROOT.glob("*/bin/initdb") if (p.parent / "pg_ctl").is_file()]
    if not found:
        pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql: "
                    "run `bash scripts/setup.sh`, which installs the Debian package postgresql for the tests")
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)


@dataclass(frozen=True)
class Cluster:
    folder: Path  # holds the data directory, the socket and the server's log
    bin: Path
    run_as: tuple[str, ...]  # ("runuser", "-u", "postgres", "--") as root, () otherwise

    def run(self, *command: str) -> None:
        # In the cluster's own folder: the postgres user may not enter the caller's (a root-only CI clone).
        result = subprocess.run([*self.run_as, *command], capture_output=True, text=True, timeout=120, cwd=self.folder)
        if result.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.is_file() else ""
            raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}): {result.stderr}{result.stdout}\n"
                               f"{tail}")

    def database(self) -> str:
        """A new empty database; its SQLAlchemy URL (psycopg 3 over the unix socket)."""
        name = "t" + uuid.uuid4().hex[:12]
        self.run(str(self.bin / "createdb"), "-h", str(self.folder), "-U", SUPERUSER, name)
        return f"postgresql+psycopg://{SUPERUSER}@/{name}?host={self.folder}"


@contextmanager
def postgres_cluster() -> Iterator[Cluster]:
    """Start a cluster in a new folder under the system's temporary folder; stop and remove it afterwards."""
    binaries = server_binaries()
    folder = Path(tempfile.mkdtemp(prefix="congvan-pg-"))
    run_as: tuple[str, ...] = ()
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            pytest.fail("running as root, PostgreSQL needs the `postgres` system user that the Debian package "
                        "postgresql creates: run `bash scripts/setup.sh`")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        run_as = ("runuser", "-u", SYSTEM_USER, "--")
    cluster = Cluster(folder, binaries, run_as)
    data = folder / "data"
    started = False
    try:
        cluster.run(str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "--no-sync",
                    "-E", "UTF8", "--locale=C")
        options = f"-k {folder} -c listen_addresses='' -c fsync=off -c full_page_writes=off -c max_connections=40"
        cluster.run(str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "server.log"),
                    "-w", "-t", "60", "start")
        started = True
        yield cluster
    finally:
        if started:
            subprocess.run([*run_as, str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                           capture_output=True, timeout=120, cwd=folder)
        shutil.rmtree(folder, ignore_errors=True)


def issue_when_all_are_ready(data: str, url: str, templates: str, number: str, day: str, barrier: Any,
                             results: Any) -> None:
    """One clerk in a spawned process: issue `number` on `day`, waiting after the dispatch is made (past the
    look-up) until every other clerk is there too, so the inserts reach the database together."""
    os.environ[TEMPLATES_ENV] = templates
    from generator.common.errors import UsageError
    from generator.register import IssueRequest, Register, issue, issuing

    made = issuing.generate

    def generate_then_wait(*args: Any, **kwargs: Any) -> Any:
        result = made(*args, **kwargs)
        barrier.wait(timeout=300)
        return result

    issuing.generate = generate_then_wait  # type: ignore[assignment]
    register = Register(Path(data), url, create=False)
    staff = next(u for u in register.users() if u.name == "can.bo")
    try:
        document = issue(register, IssueRequest(JULY, number, date.fromisoformat(day), staff, formats=("docx",)))
        results.put((number, day, "issued", document.id))
    except UsageError as error:
        results.put((number, day, "refused", error.message))
    finally:
        register.close()
