"""Golden texts: every fixture dispatch and five notices, word for word, compared with tests/golden/.

A changed word fails with a unified diff. When the change is intended, `pytest --update-golden`
rewrites the files; read them as a reviewer would before committing.
"""

from __future__ import annotations

import pytest
from fixture_documents import NAMES, named_document
from golden_text import compare_with_golden, document_golden

from generator.content.model import Paragraph, Table


@pytest.mark.parametrize("name", NAMES)
def test_document_says_what_its_golden_text_says(name: str, request: pytest.FixtureRequest) -> None:
    """The whole document (header to annex) is exactly the committed golden text."""
    named = named_document(name)
    text = document_golden(named.document, str(named.prepared.snapshot.meta.period))
    compare_with_golden(name, text, bool(request.config.getoption("--update-golden")))


def test_a_changed_word_fails_with_a_readable_diff(tmp_path, monkeypatch) -> None:
    """One word changed in a paragraph: the failure shows that line as removed and added, nothing else."""
    import golden_text

    monkeypatch.setattr(golden_text, "GOLDEN_DIR", tmp_path)
    text = golden_text.document_golden(named_document("notice-normal").document, "2024-07")
    compare_with_golden("x", text, update=True)
    changed = text.replace("Căn cứ", "Theo", 1)
    with pytest.raises(AssertionError) as failure:
        compare_with_golden("x", changed, update=False)
    message = str(failure.value)
    assert "pytest --update-golden" in message
    removed = [line for line in message.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in message.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert len(removed) == len(added) == 1
    assert removed[0].startswith("-Căn cứ") and added[0].startswith("+Theo")


@pytest.mark.parametrize("name", [n for n in NAMES if not n.startswith("notice-")])
def test_units_a_directive_counts_are_listed_in_the_annex(name: str) -> None:
    """A directive that gives a count instead of names ("28 đơn vị … danh sách tại Phụ lục") has, in the
    annex, a heading with its list's title followed by a table of exactly those units."""
    named = named_document(name)
    blocks = [b for annex in named.document.annexes for b in annex.blocks]
    for directive in named.prepared.directives:
        for listed in directive.annex:
            heading = next(i for i, b in enumerate(blocks) if isinstance(b, Paragraph)
                           and listed.title.upper() in " ".join(b.text.split()))
            table = blocks[heading + 1]
            assert isinstance(table, Table)
            assert [row[1].text for row in table.rows] == [unit for unit, _ in listed.rows]
            assert len(listed.rows) > 8 and "Phụ lục" in directive.text
