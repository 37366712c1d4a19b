"""Safe templates at render time: undefined names fail with variable, file and line; the sandbox holds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import dispatch_document, prepare
from generator.common.errors import TemplateError
from generator.common.resources import TEMPLATES_DIR
from generator.content.build import render_template_text
from generator.content.registry import find_template

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ha-noi" / "2024-07.xlsx"
DISPATCH = "monthly_dispatch/template.xml.j2"


@pytest.fixture(scope="module")
def prepared():
    return prepare(FIXTURE)


@pytest.fixture()
def templates(tmp_path: Path) -> Path:
    root = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, root)
    return root


def render_with_line(root: Path, prepared, line: str, at: int = 10) -> TemplateError:
    """Insert `line` at line `at` of the dispatch copy, render it, and return the TemplateError raised."""
    path = root / DISPATCH
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(at - 1, line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        dispatch_document(prepared, find_template("monthly_dispatch", root), None, None)
    return caught.value


def test_undefined_attribute_names_variable_file_and_line(templates: Path, prepared) -> None:
    """`authority.totl` fails as “authority.totl” at template.xml.j2:10."""
    error = render_with_line(templates, prepared, "<p>{{ authority.totl }}</p>")
    [problem] = error.problems
    assert Path(problem.file).resolve() == (templates / DISPATCH).resolve()
    assert problem.row == 10
    assert "“authority.totl”" in problem.message and "AuthorityAnalysis" in problem.message


def test_undefined_top_level_name_is_named(templates: Path, prepared) -> None:
    """A name the context lacks fails with that name and its line."""
    error = render_with_line(templates, prepared, "<p>{{ autority }}</p>", at=12)
    [problem] = error.problems
    assert (problem.row, problem.message) == (12, "biến không có: “autority”")


@pytest.mark.parametrize("snippet", [
    "{{ period.__class__ }}",
    "{{ issuer.__init__.__globals__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ period.__class__.mro() }}",
])
def test_python_internals_are_stopped_by_the_sandbox(templates: Path, prepared, snippet: str) -> None:
    """Reaching Python internals raises a TemplateError (not a leak, not a crash), located at the line."""
    error = render_with_line(templates, prepared, f"<p>{snippet}</p>")
    assert "không an toàn" in error.message
    [problem] = error.problems
    assert problem.row == 10 and "phần nội bộ của Python" in problem.message


def test_markup_output_is_autoescaped(templates: Path) -> None:
    """A value with markup characters is written as text, so it cannot add elements to the document."""
    (templates / "probe.xml.j2").write_text("<p>{{ name }}</p>", encoding="utf-8")
    assert render_template_text("probe.xml.j2", {"name": 'Sở "A" & <b>B</b>'}, templates) == \
        "<p>Sở &#34;A&#34; &amp; &lt;b&gt;B&lt;/b&gt;</p>"
