"""Shared pieces of the web tests: a data folder with accounts, a real `congvan serve` on loopback."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from register_support import PASSWORD

from generator.content import TEMPLATES_ENV
from generator.register import Register

ACCOUNTS = (("can.bo", "staff", "Trần Văn Bộ"), ("can.bo.hai", "staff", "Phạm Thị Hai"),
            ("phap.che", "reviewer", "Lê Thị Hoa"), ("quan.tri", "admin", "Đỗ Quản Trị"))
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def make_accounts(data: Path) -> None:
    register = Register(data)
    for name, role, full_name in ACCOUNTS:
        register.add_user(name, role, PASSWORD, full_name)
    register.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Server:
    url: str
    data: Path
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def running_server(data: Path, templates: Path, max_upload_mb: int = 20, extra_env: dict[str, str] | None = None,
                   ) -> Iterator[Server]:
    """`congvan serve` in a process of its own on a free loopback port, stopped (and checked) at the end."""
    port = free_port()
    log = data.parent / f"server-{port}.log"
    env = {**os.environ, TEMPLATES_ENV: str(templates), **(extra_env or {})}
    command = [sys.executable, "-m", "generator", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--data", str(data), "--max-upload-mb", str(max_upload_mb)]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield Server(url, data, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def client_login(url: str, name: str) -> httpx.Client:
    """An HTTP client logged in as `name` (the login form's CSRF token first)."""
    client = httpx.Client(base_url=url, timeout=120, follow_redirects=True)
    token = CSRF.search(client.get("/").text)
    assert token is not None
    answer = client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token.group(1)})
    assert answer.status_code == 200 and "Đăng xuất" in answer.text, answer.text[:500]
    return client


def csrf_of(html: str) -> str:
    token = CSRF.search(html)
    assert token is not None
    return token.group(1)
