"""The review pack: every variable and every conditional passage of the template, read back from the files."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document as read_docx
from jinja2 import nodes

import generator.content.registry as manifest_module
from generator.cli import main
from generator.common.jinja_env import build_environment
from generator.common.resources import TEMPLATES_DIR
from generator.content.model import Paragraph
from generator.content.registry import find_template
from generator.directives import describe_rule, load_rules
from generator.review.pack import build_review, default_output, write_review

HIGHLIGHT = '<w:highlight w:val="yellow"/>'
CONDITION_MARKERS = ("► Đoạn sau chỉ có khi ", "► Nếu không, khi ", "[nếu ", "| nếu không, nếu ", "[in đậm khi ",
                     "[định dạng khác khi ")


@pytest.fixture(scope="module", params=["monthly_dispatch", "unit_notice"])
def pack_files(request, tmp_path_factory):
    """The pack of each document template, built once and written as PDF and DOCX."""
    info = find_template(request.param)
    pack = build_review(info)
    pdf, docx = write_review(pack, tmp_path_factory.mktemp(request.param) / "pack.pdf")
    return info, pack, pdf, docx


@pytest.fixture(scope="module")
def rules_pack(tmp_path_factory):
    info = find_template("directive_rules")
    pack = build_review(info)
    pdf, docx = write_review(pack, tmp_path_factory.mktemp("rules") / "rules.pdf")
    return info, pack, pdf, docx


def docx_text(path: Path) -> str:
    """Every paragraph and table cell of the DOCX body, one per line."""
    document = read_docx(str(path))
    lines = [p.text for p in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def pdf_text(path: Path) -> str:
    """Text in content-stream order (-raw): a table cell's lines stay together."""
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True).stdout


PACK_SECTIONS = ("Thông tin về mẫu", "Cách đọc hồ sơ này", "Lời văn của mẫu", "Các cụm từ dùng chung",
                 "Quy tắc chỉ đạo", "Các quy tắc chỉ đạo", "Giải thích các biến số", "Các điều kiện trong mẫu",
                 "Văn bản sinh thử từ số liệu mẫu", "Ý kiến của người thẩm định")


def section(text: str, title: str) -> str:
    """The text of one numbered section of the pack ("6. Giải thích các biến số"), up to the next one."""
    headings = [(m.start(), m.end(), m.group(1)) for m in re.finditer(r"\n\d+\. ([^\n]+)(?=\n)", "\n" + text)
                if m.group(1) in PACK_SECTIONS]
    for i, (_, end, found) in enumerate(headings):
        if found == title:
            stop = headings[i + 1][0] if i + 1 < len(headings) else len(text) + 1
            return ("\n" + text)[end:stop]
    raise AssertionError(f"no section {title}")


def template_trees(info) -> list[tuple[str, nodes.Template]]:
    env = build_environment(info.root)
    return [(p.name, env.parse(p.read_text(encoding="utf-8"))) for p in info.files if p.suffix == ".j2"]


def _chain(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Name):
        return node.name if node.ctx == "load" else None
    if isinstance(node, nodes.Getattr):
        base = _chain(node.node)
        return f"{base}.{node.attr}" if base else None
    return None


def variables_in(tree: nodes.Template, skip: set[str]) -> set[str]:
    """Every maximal dotted name the template reads (not macro or import names)."""
    found: set[str] = set()

    def visit(node: nodes.Node) -> None:
        path = _chain(node) if isinstance(node, (nodes.Name, nodes.Getattr)) else None
        if path is not None:
            if path.split(".")[0] not in skip:
                found.add(path)
            return
        for child in node.iter_child_nodes():
            visit(child)

    visit(tree)
    return found


def conditions_in(tree: nodes.Template) -> list[nodes.If]:
    """Every `if` and `elif` (Jinja keeps elif branches as If nodes in `elif_`)."""
    found = []
    for node in tree.find_all(nodes.If):
        found.append(node)
    return found


def first_words(branch: list[nodes.Node]) -> str | None:
    """The first three literal words a branch prints, markup removed (None when it starts with no text)."""
    for node in branch:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    words = re.sub(r"<[^>]*>", " ", child.data).split()
                    if len(words) >= 3:
                        return " ".join(words[:3])
                    if words:
                        return None
                else:
                    return None
    return None


def test_pack_lists_every_variable_of_the_template(pack_files) -> None:
    """Each dotted name the template files read (from their syntax tree) is in the DOCX and the PDF."""
    info, pack, pdf, docx = pack_files
    text, flat_pdf = docx_text(docx), re.sub(r"\s+", "", pdf_text(pdf))
    expected: set[str] = set()
    for _, tree in template_trees(info):
        skip = {m.name for m in tree.find_all(nodes.Macro)} | {i.target for i in tree.find_all(nodes.Import)}
        expected |= variables_in(tree, skip | {"namespace", "range"})
    assert len(expected) > 40
    assert sorted(p for p in expected if p not in text) == []
    assert sorted(p for p in expected if p not in flat_pdf) == []
    assert {u.path for u in pack.variables} == expected


def test_pack_states_every_conditional_passage(pack_files) -> None:
    """One stated condition per if/elif of the files, with its file and line; each passage's words follow."""
    info, pack, pdf, docx = pack_files
    text = docx_text(docx)
    expected, passages = [], []
    for name, tree in template_trees(info):
        for node in conditions_in(tree):
            expected.append((name, node.lineno))
            passages.append(first_words(node.body))
    listed = re.findall(r"\((\S+\.j2), dòng (\d+)\)", text)
    assert sorted((f, int(n)) for f, n in listed) == sorted(expected)
    wording = section(text, "Lời văn của mẫu") + section(text, "Các cụm từ dùng chung")
    assert sum(wording.count(marker) for marker in CONDITION_MARKERS) == len(expected)
    for words in filter(None, passages):
        assert words in wording, words


def test_pack_highlights_every_variable_in_docx_and_pdf(pack_files) -> None:
    """Every ‹…› placeholder run is highlighted yellow in the DOCX; the PDF paints the same spans."""
    info, pack, pdf, docx = pack_files
    runs = [r for p in read_docx(str(docx)).paragraphs for r in p.runs if re.fullmatch(r"‹[^‹›]+›", r.text)]
    assert len(runs) > 30
    assert all(HIGHLIGHT in r._r.xml for r in runs)
    spans = [s for b in pack.document.body if isinstance(b, Paragraph) for s in b.spans if s.text.startswith("‹")]
    assert spans and all(s.highlight for s in spans)
    from generator.render.pdf import document_html

    assert document_html(pack.document).count('<span class="highlight">') >= len(spans)


def test_pack_is_marked_as_draft_on_every_page(pack_files) -> None:
    """The shipped templates are drafts, so each page of their pack says DỰ THẢO; page 1 says what it is."""
    info, pack, pdf, docx = pack_files
    pages = [p for p in pdf_text(pdf).split("\f") if p.strip()]
    assert len(pages) >= 5 and all("DỰ THẢO" in p for p in pages)
    assert "HỒ SƠ THẨM ĐỊNH" in pages[0] and info.id in pages[0]


def test_pack_contains_the_edge_case_samples(pack_files) -> None:
    """The sample renders cover the tie, the unit without data, the unit missing every target, no earlier month."""
    info, pack, pdf, docx = pack_files
    text = docx_text(docx)
    for name in ("Sở Khoa học và Công nghệ", "Sở Ngoại vụ", "UBND huyện Thanh Oai", "UBND huyện Mỹ Đức"):
        assert name in section(text, "Văn bản sinh thử từ số liệu mẫu"), name
    assert "Tháng 4/2024: không có số liệu tháng trước" in text
    assert pack.samples == (5 if info.id == "monthly_dispatch" else 4)


def test_sample_without_earlier_month_has_no_comparison(pack_files) -> None:
    """In the 4/2024 sample the total is stated without “so với tháng”; the 7/2024 ones compare."""
    info, pack, pdf, docx = pack_files
    body = [b.text for b in pack.document.body if isinstance(b, Paragraph)]
    start = next(i for i, t in enumerate(body) if "Tháng 4/2024: không có số liệu tháng trước" in t)
    totals = [t for t in body[start:] if t.startswith("Tổng số điểm")]
    assert totals and "so với tháng" not in totals[0]
    assert any("so với tháng 6/2024" in t for t in body[:start] if t.startswith("Tổng số điểm"))


def test_rules_pack_explains_each_rule(rules_pack) -> None:
    """The rule file's pack has each rule's title, its condition in words and both wordings."""
    info, pack, pdf, docx = rules_pack
    text = docx_text(docx)
    rules = load_rules(info.main_file, None).rules
    assert text.count("Lời văn trong công văn:") == len(rules)
    assert text.count("Lời văn trong thông báo gửi đơn vị:") == len([r for r in rules if not r.about_authority])
    for rule in rules:
        assert f"{rule.title} (mã {rule.id})" in text
        condition = describe_rule(rule).split("Điều kiện: ")[1].rstrip(".")
        assert condition.split(" (")[0] in text, rule.id
    assert "Tháng 7/2024: các nội dung chỉ đạo trong công văn" in text
    assert "Thông báo gửi UBND huyện Thanh Oai" in text


def test_review_command_writes_pdf_and_docx(tmp_path: Path, capsys) -> None:
    """`templates review ID --out FILE` writes FILE.pdf and FILE.docx and says how much it explains."""
    target = tmp_path / "pack.pdf"
    assert main(["templates", "review", "unit_notice", "--out", str(target)]) == 0
    assert target.read_bytes().startswith(b"%PDF") and target.with_suffix(".docx").stat().st_size > 0
    assert "trường hợp sinh thử" in capsys.readouterr().out
    assert default_output(find_template("unit_notice")) == Path("output/review/unit_notice-v1.pdf")


def test_review_command_refuses_a_template_with_problems(tmp_path: Path, monkeypatch, capsys) -> None:
    """A template `check` rejects gets no pack: exit 2 with the problem."""
    root = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, root)
    monkeypatch.setattr(manifest_module, "TEMPLATES_ROOT", root)
    path = root / "unit_notice" / "template.xml.j2"
    path.write_text(path.read_text(encoding="utf-8").replace("{{ unit.name }}", "{{ unit.nme }}", 1), encoding="utf-8")
    assert main(["templates", "review", "unit_notice", "--out", str(tmp_path / "p.pdf")]) == 2
    assert "có phải “unit.name”" in capsys.readouterr().err
    assert not (tmp_path / "p.pdf").exists()
