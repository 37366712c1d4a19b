"""Every file in fixtures/invalid is refused with exactly the lines of its `.expected` file."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.common.errors import SnapshotError
from generator.snapshot import load_snapshot
from generator.snapshot.sidecar import is_sidecar

FOLDER = Path(__file__).resolve().parent.parent / "fixtures" / "invalid"
CASES = sorted(p.name.removesuffix(".expected") for p in FOLDER.glob("*.expected"))


def test_every_input_has_an_expected_file() -> None:
    """No input in the folder is left without its `.expected` lines (sidecars and the script aside)."""
    inputs = {
        p.name
        for p in FOLDER.iterdir()
        if p.is_file() and p.suffix not in (".expected", ".py") and not is_sidecar(p)
    }
    assert len(CASES) >= 12
    assert inputs == set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_invalid_fixture(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixture is refused with the expected FILE:ROW:COLUMN: message lines, in order."""
    monkeypatch.chdir(FOLDER)  # FILE in the expected lines is relative to the folder
    expected = (FOLDER / f"{name}.expected").read_text(encoding="utf-8").splitlines()
    with pytest.raises(SnapshotError) as info:
        load_snapshot(Path(name))
    assert [str(p) for p in info.value.problems] == expected
