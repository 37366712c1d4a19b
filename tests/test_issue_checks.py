"""What a build refuses before writing anything: a date before the data, unconfirmed profile values
with --official, profile switches for rules that do not exist. And what a draft says about itself."""

from __future__ import annotations

from pathlib import Path

from e2e_support import JULY, PHU_THO
from fixture_documents import named_document

from generator.cli import main


def test_a_date_before_the_data_was_read_is_refused(tmp_path: Path, capsys) -> None:
    """--date 2024-08-01 for data read at 10h00 on 02/8/2024: exit 2, a Vietnamese reason, no file."""
    out = tmp_path / "out"
    assert main(["generate", str(JULY), "--out", str(out), "--date", "2024-08-01"]) == 2
    err = capsys.readouterr().err
    assert "--date 01/8/2024 sớm hơn thời điểm lấy số liệu (10h00 ngày 02/8/2024)" in err
    assert not out.exists() or not any(out.rglob("*.*"))
    assert main(["batch", str(JULY), "--out", str(out), "--date", "2024-08-01", "--jobs", "1"]) == 2
    assert not out.exists() or not any(out.rglob("*.pdf"))


def test_the_day_the_data_was_read_is_a_valid_date(tmp_path: Path) -> None:
    """The same day as the cutoff is accepted (the data was read that morning)."""
    assert main(["generate", str(JULY), "--out", str(tmp_path), "--date", "2024-08-02", "--formats", "docx"]) == 0


def test_placeholder_profile_values_make_a_draft_with_notes() -> None:
    """Phú Thọ's targets, plan and empty signer are unconfirmed: the dispatch is a draft that says why."""
    document = named_document("phu-tho-2026-08").document
    assert document.draft_mark == "DỰ THẢO"
    notes = " ".join(document.draft_notes)
    assert "targets.2026" in notes and "plans.2026" in notes and "signer.name" in notes


def test_official_refuses_unconfirmed_profile_values(tmp_path: Path, capsys, monkeypatch) -> None:
    """--official with Phú Thọ's placeholders: exit 2 naming each one, nothing written (templates approved)."""
    import generator.build.conductor as conductor

    monkeypatch.setattr(conductor, "require_usable", lambda templates, official: None)  # only the profile is at stake
    out = tmp_path / "out"
    assert main(["generate", str(PHU_THO), "--out", str(out), "--official"]) == 2
    err = capsys.readouterr().err
    assert "chưa được xác nhận" in err
    assert "targets.2026" in err and "signer.name" in err
    assert not out.exists() or not any(out.rglob("*.*"))


def test_a_profile_switching_an_unknown_rule_is_refused_at_its_line(tmp_path: Path, capsys) -> None:
    """directives: {no_such_rule: false} in a profile: exit 2 with the profile's file and line."""
    profile = Path(__file__).resolve().parents[1] / "generator" / "profiles" / "ha-noi.yaml"
    text = profile.read_text(encoding="utf-8") + "directives:\n  apology: false\n  no_such_rule: false\n"
    copy = tmp_path / "ha-noi.yaml"
    copy.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  no_such_rule: false") + 1
    assert main(["generate", str(JULY), "--profile", str(copy), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"{copy}:{line}: directives.no_such_rule" in err


def test_a_profile_switches_a_rule_off(tmp_path: Path) -> None:
    """directives: {apology: false}: the dispatch no longer carries the apology passage."""
    from generator.build import dispatch_document, prepare
    from generator.content import find_template

    profile = Path(__file__).resolve().parents[1] / "generator" / "profiles" / "ha-noi.yaml"
    copy = tmp_path / "ha-noi.yaml"
    copy.write_text(profile.read_text(encoding="utf-8") + "directives:\n  apology: false\n", encoding="utf-8")
    on = named_document("ha-noi-2024-07").prepared
    off = prepare(JULY, profile_path=copy)
    assert "apology" in [d.rule_id for d in on.directives]
    assert "apology" not in [d.rule_id for d in off.directives]
    text = " ".join(b.text for b in dispatch_document(off, find_template("monthly_dispatch"), None, None).body
                    if hasattr(b, "text"))
    assert "xin lỗi" not in text
