"""The PDF parts of a document (the letter, each annex window) joined a part at a time (pdf_join.py).

pypdf's writer held every part, its reader and a clone of its objects until it wrote the whole file:
the dispatch's peak memory. The renderer now writes each part into the joined file as soon as it is
laid out and lets it go before the next window is laid out. These tests check that it does, and that
the joined file is still the whole document: its pages, text, bookmarks, title and language, links
to named destinations, and a cross-reference table that points at every object.
"""

from __future__ import annotations

import gc
import io
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sample_documents
from pypdf import PdfReader, PdfWriter

import generator.render.pdf as pdf_module
from generator.common.layout import Layout
from generator.content import Document
from generator.render.pdf import PdfRenderer, document_html, html_to_pdf, join_pdfs
from generator.render.pdf_join import PdfJoin


def _whole(document: Document) -> bytes:
    """The document laid out in one piece (no parts, no join)."""
    pictures: dict[str, bytes] = {}
    return html_to_pdf(document_html(document, Layout(), pictures), Layout(), pictures=pictures)


def _two_annexes(rows: int) -> Document:
    document = sample_documents.dispatch(annex_rows=rows, draft_mark="DỰ THẢO")
    first = document.annexes[0]
    second = replace(first, heading="Phụ lục 2", title="DANH SÁCH THỬ NGHIỆM THỨ HAI",
                     blocks=(first.blocks[1], *first.blocks[:1]))
    return replace(document, annexes=(first, second))


def _texts(pdf: bytes, folder: Path) -> list[str]:
    path = folder / "joined.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    assert result.stderr == ""  # poppler says nothing about a sound file
    return result.stdout.split("\f")[:-1]


def _bookmarks(reader: PdfReader) -> list[tuple[int, str, int, float, float]]:
    """Every bookmark: its depth, title, page index and position on that page."""
    found: list[tuple[int, str, int, float, float]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                page = reader.get_destination_page_number(item)
                found.append((depth, item.title, page, float(item.left), float(item.top)))

    walk(reader.outline, 0)
    return found


def test_the_renderer_holds_one_part_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """When a window is laid out, every part made before it is written and let go: nothing but the
    test's own list refers to it, and no pypdf reader is left (they sit in reference cycles)."""
    made: list[bytes] = []
    extra_references: list[list[int]] = []
    readers_alive: list[int] = []

    def keeping(function):  # type: ignore[no-untyped-def]
        def made_part(*args, **kwargs):  # type: ignore[no-untyped-def]
            part = function(*args, **kwargs)
            made.append(part)
            return part
        return made_part

    real_lay_out = pdf_module.lay_out

    def lay_out(*args, **kwargs):  # type: ignore[no-untyped-def]
        # References to each part beyond `made`'s own and getrefcount's argument.
        extra_references.append([sys.getrefcount(made[index]) - 2 for index in range(len(made))])
        readers_alive.append(sum(isinstance(thing, PdfReader) for thing in gc.get_objects()))
        return real_lay_out(*args, **kwargs)

    monkeypatch.setattr(pdf_module, "html_to_pdf", keeping(pdf_module.html_to_pdf))
    monkeypatch.setattr(pdf_module, "_written", keeping(pdf_module._written))
    monkeypatch.setattr(pdf_module, "lay_out", lay_out)
    PdfRenderer(Layout(), segment_rows=30).render(_two_annexes(rows=90))
    assert len(made) >= 6 and len(extra_references) >= 6
    assert extra_references[-1] == [0] * len(made[:-1])  # the last window is laid out with all others let go
    assert all(count == 0 for counts in extra_references for count in counts)
    assert readers_alive == [0] * len(readers_alive)


def test_the_joined_file_is_the_whole_document(tmp_path: Path) -> None:
    """Two annexes in windows of 30 rows: the same pages, sizes and text as the one-piece layout, the
    same bookmarks (titles, nesting, page and position) linked in order, the title, producer and language."""
    document = _two_annexes(rows=90)
    joined_bytes = PdfRenderer(Layout(), segment_rows=30).render(document)
    whole_bytes = _whole(document)
    joined, whole = PdfReader(io.BytesIO(joined_bytes)), PdfReader(io.BytesIO(whole_bytes))
    assert len(joined.pages) == len(whole.pages) >= 8
    assert [p.mediabox for p in joined.pages] == [p.mediabox for p in whole.pages]
    assert _texts(joined_bytes, tmp_path) == _texts(whole_bytes, tmp_path)
    assert _bookmarks(joined) == _bookmarks(whole)
    assert [title for depth, title, *_ in _bookmarks(joined) if depth == 0] == ["Phụ lục", "Phụ lục 2"]
    root = joined.root_object["/Outlines"]
    assert root["/Count"] == whole.root_object["/Outlines"]["/Count"] == 4
    first, last = root["/First"], root["/Last"]
    assert first["/Next"] == last and last["/Prev"] == first and "/Prev" not in first and "/Next" not in last
    assert first["/Parent"] == last["/Parent"] == root
    assert joined.metadata == whole.metadata and joined.metadata.title == document.title  # type: ignore[union-attr]
    assert joined.root_object["/Lang"] == whole.root_object["/Lang"] == "vi"


def test_every_object_is_where_the_cross_reference_table_says() -> None:
    """Each entry of the joined file's cross-reference table points at its object, and a strict
    reader finds every object through it."""
    data = PdfRenderer(Layout(), segment_rows=30).render(sample_documents.dispatch(annex_rows=70))
    table = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", data).group(1))  # type: ignore[union-attr]
    head, count = re.match(rb"xref\n0 (\d+)\n", data[table:]), 0  # type: ignore[union-attr]
    assert head is not None
    count = int(head.group(1))
    entries = data[table + head.end():].split(b"\n")[:count]
    assert entries[0] == b"0000000000 65535 f " and all(len(entry) == 19 for entry in entries)
    for number, entry in enumerate(entries[1:], start=1):
        assert data.startswith(b"%d 0 obj\n" % number, int(entry[:10]))
    strict = PdfReader(io.BytesIO(data), strict=True)
    assert all(strict.get_object(number) is not None for number in range(1, count))
    assert len(strict.pages) > 3


def test_named_destinations_of_every_part_are_kept() -> None:
    """Links to an element's id (named destinations) still lead to its page; a name in two parts keeps
    the first part's (a window's last page is laid out again in the next)."""
    def part(name: str, other: str) -> bytes:
        return html_to_pdf(f'<p id="{name}">{name}</p><p id="both">x</p><p><a href="#{name}">{other}</a></p>',
                           Layout())

    joined = PdfReader(io.BytesIO(join_pdfs(iter([part("one", "a"), part("two", "b")]))))
    names = joined.named_destinations
    assert sorted(names) == ["both", "one", "two"]
    assert [joined.get_destination_page_number(names[n]) for n in ("one", "two", "both")] == [0, 1, 0]
    links = [page["/Annots"][0].get_object()["/Dest"] for page in joined.pages]
    assert links == ["one", "two"]


def test_what_a_join_cannot_merge_is_refused() -> None:
    """A part with page labels (or forms, a structure tree, other name trees) is refused, not joined
    without them; the temporary output is dropped."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.set_page_label(0, 0, style="/r")
    labelled = io.BytesIO()
    writer.write(labelled)
    joined = PdfJoin()
    with pytest.raises(ValueError, match="/PageLabels"):
        joined.add(labelled.getvalue())
    joined.close()
    with pytest.raises(ValueError, match="no PDF part"):
        PdfJoin().finish()
