"""The package installs as a wheel and runs outside the checkout: templates, profiles and assets travel with it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from generator.content import all_templates

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "ha-noi" / "2024-07.xlsx"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    build = tmp_path_factory.mktemp("build")
    env = {**os.environ, "TMPDIR": str(build)}
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-w", str(folder), str(ROOT)], check=True, env=env,
                   capture_output=True)
    (built,) = folder.glob("congvan-*.whl")
    return built


def test_wheel_holds_templates_profiles_and_assets(wheel: Path) -> None:
    """Every reviewed template, rule file, profile and renderer asset is inside the wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    for relative in ("templates/monthly_dispatch/template.xml.j2", "templates/monthly_dispatch/manifest.yaml",
                     "templates/unit_notice/template.xml.j2", "templates/common/phrases.xml.j2",
                     "templates/rules/directives.yaml", "profiles/ha-noi.yaml", "render/assets/document.css",
                     "render/assets/document.html.j2", "render/assets/user-agent.css",
                     "review/sample_data/2024-07.xlsx"):
        assert f"generator/{relative}" in names, relative


def test_installed_wheel_generates_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    """A fresh venv with only the wheel (dependencies borrowed read-only) makes the July dispatch from another folder."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # The dependencies come from this environment's site-packages, appended after the venv's own, as a
    # plain path: its .pth files (the editable install of the checkout among them) are not processed.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    "--disable-pip-version-check", str(wheel)], check=True, capture_output=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    where = subprocess.run([str(python), "-c", "import generator; print(generator.__file__)"], cwd=work, env=env,
                           check=True, capture_output=True, text=True).stdout.strip()
    assert Path(where).is_relative_to(site) and not Path(where).is_relative_to(ROOT)
    result = subprocess.run([str(venv / "bin" / "congvan"), "generate", str(FIXTURE), "--out", "ra", "--number", "7",
                             "--date", "2024-08-06"], cwd=work, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    folder = work / "ra" / "ha-noi" / "2024-07"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in manifest["documents"][0]["files"]] == ["cong-van-2024-07.docx", "cong-van-2024-07.pdf"]
    assert (folder / "cong-van-2024-07.pdf").read_bytes().startswith(b"%PDF")
    # Approval travels with the files: the installed templates have the status they have in the checkout.
    checkout = {info.id: info.status for info in all_templates()}
    assert {t["id"]: t["status"] for t in manifest["templates"]} == {
        "monthly_dispatch": checkout["monthly_dispatch"], "directive_rules": checkout["directive_rules"]}
