"""Hand-made hostile inputs: raw XLSX parts (any XML, any size, streamed), bombs, look-alike names.

A spreadsheet library cannot write what these tests need (a cell in column XFD with nothing
before it, a hidden sheet named "units ", a formula without a stored result, 80 MB of shared
strings in 200 KB), so the parts are written as text, and large members in chunks.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>'
)
PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
    f'Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
META = (
    ("authority_name", "UBND Thành phố Hà Nội"),
    ("period", "2024-07"),
    ("cutoff", "2024-08-02T10:00:00+07:00"),
    ("score", 58.86),
)
UNITS_HEADER = ("code", "name", "kind", "ckmb", "tdgq", "clgq", "tttt", "mdhl", "mdsh")
UNITS = (
    ("S01", "Sở Tư pháp", "so_nganh", 10, 15, 8, 6, 16, 12),
    ("S02", "Sở Y tế", "so_nganh", 11, 16, 9, 7, 17, 13),
)
Chunks = Iterable[str]


def letters(index: int) -> str:
    """1 → A, 26 → Z, 27 → AA."""
    text = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        text = chr(65 + remainder) + text
    return text


def cell(reference: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return f'<c r="{reference}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    return f'<c r="{reference}"><v>{value}</v></c>'


def row(number: int, values: Sequence[object]) -> str:
    cells = "".join(cell(f"{letters(i + 1)}{number}", v) for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def sheet(rows: Chunks, after: str = "") -> Chunks:
    """A worksheet part, streamed: the rows, then anything to put after sheetData."""
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'
    yield from rows
    yield f"</sheetData>{after}</worksheet>"


def meta_rows(meta: Sequence[tuple[str, object]] = META) -> list[str]:
    return [row(i + 1, pair) for i, pair in enumerate(meta)]


def units_rows(units: Sequence[Sequence[object]] = UNITS, header: Sequence[object] = UNITS_HEADER) -> list[str]:
    return [row(1, header), *(row(i + 2, u) for i, u in enumerate(units))]


def write_workbook(path: Path, sheets: Sequence[tuple[str, str, Chunks]],
                   shared_strings: Chunks | None = None) -> Path:
    """An XLSX of the given (name, state, worksheet chunks); state "" for visible."""
    entries = "".join(
        f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i + 1}"'
        f'{f" state={chr(34)}{state}{chr(34)}" if state else ""} r:id="rId{i + 1}"/>'
        for i, (name, state, _) in enumerate(sheets)
    )
    workbook = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_RELS}">'
                f"<sheets>{entries}</sheets></workbook>")
    relations = "".join(
        f'<Relationship Id="rId{i + 1}" Type="{_RELS}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
        for i in range(len(sheets))
    )
    if shared_strings is not None:
        relations += f'<Relationship Id="rIdS" Type="{_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels",
                         f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">{relations}'
                         "</Relationships>")
        for i, (_, _, chunks) in enumerate(sheets):
            _stream(archive, f"xl/worksheets/sheet{i + 1}.xml", chunks)
        if shared_strings is not None:
            _stream(archive, "xl/sharedStrings.xml", shared_strings)
    return path


def _stream(archive: zipfile.ZipFile, name: str, chunks: Chunks) -> None:
    with archive.open(name, "w", force_zip64=True) as member:
        for chunk in chunks:
            member.write(chunk.encode("utf-8"))


def snapshot_xlsx(path: Path, units: Sequence[str] | None = None, *, after_units: str = "",
                  extra: Sequence[tuple[str, str, Chunks]] = ()) -> Path:
    """A valid two-sheet snapshot; `units` replaces the units sheet's rows (header included)."""
    return write_workbook(path, [
        ("meta", "", sheet(meta_rows())),
        ("units", "", sheet(units if units is not None else units_rows(), after_units)),
        *extra,
    ])


def billion_laughs_yaml(levels: int = 9) -> str:
    """The classic alias bomb: 815 bytes that expand to 10**levels strings."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels + 1):
        refs = ",".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"
