"""Malformed snapshots of every kind either load or raise SnapshotError, never anything else."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from snapshot_samples import UNIT_HEADER, UNIT_ROWS, meta_values, write_csv, write_json, write_xlsx

from generator.common.errors import SnapshotError
from generator.snapshot import load_history, load_snapshot
from generator.snapshot.model import Snapshot

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Characters openpyxl can store in a cell (XML 1.0 forbids most C0 controls).
XLSX_TEXT = st.text(
    st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="".join(chr(c) for c in range(32) if c not in (9, 10, 13)),
    ),
    max_size=12,
)
ANY_TEXT = st.text(max_size=12)
CELL_VALUES = st.one_of(
    st.none(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(2100, 1, 1)),
    XLSX_TEXT,
    st.sampled_from(["58,86", "55,3%", "1.000", "-0", "2024-07", "xã", "", " ", "#N/A", "1e3"]),
)
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), ANY_TEXT),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(ANY_TEXT, inner, max_size=3)
    ),
    max_leaves=6,
)


def _outcome(path: Path) -> Snapshot | None:
    """Load `path`; a SnapshotError must carry located problems naming the input."""
    try:
        return load_snapshot(path)
    except SnapshotError as error:
        assert error.problems
        for problem in error.problems:
            assert str(problem).startswith(problem.file)
            assert problem.file.startswith(str(path.with_suffix(""))) or problem.file.startswith(
                str(path.parent)
            )
        return None


def _mutate(rows: list[list[object]], edits: list[tuple[int, int, object]]) -> list[list[object]]:
    for row_index, column, value in edits:
        row = rows[row_index % len(rows)]
        row[column % len(row)] = value
    return rows


EDITS = st.lists(st.tuples(st.integers(0, 10), st.integers(0, 20), CELL_VALUES), max_size=4)
DROPS = st.sets(st.integers(0, len(UNIT_HEADER) - 1), max_size=3)


def _dropped(header: tuple[str, ...], rows: list[list[object]], drops: set[int]):
    keep = [i for i in range(len(header)) if i not in drops]
    return [header[i] for i in keep], [[r[i] for i in keep] for r in rows]


@SETTINGS
@given(
    edits=EDITS,
    drops=DROPS,
    meta_edits=st.dictionaries(
        st.sampled_from(
            ["period", "cutoff", "score", "rank", "ranked_count", "authority_name", "tdgq"]
        ),
        CELL_VALUES,
        max_size=2,
    ),
)
def test_xlsx_with_random_cells(
    tmp_path_factory: pytest.TempPathFactory, edits, drops, meta_edits
) -> None:
    """An XLSX with random cell values, dropped columns and odd meta either loads or is refused."""
    rows = _mutate([list(r) for r in UNIT_ROWS], edits)
    header, rows = _dropped(UNIT_HEADER, rows, drops)
    meta = meta_values()
    meta.update(dict(meta_edits.items()))
    path = tmp_path_factory.mktemp("x") / "s.xlsx"
    write_xlsx(path, meta, header, rows)
    snapshot = _outcome(path)
    if snapshot is not None:
        assert len(snapshot.units) == len(rows)


@SETTINGS
@given(
    edits=st.lists(st.tuples(st.integers(0, 10), st.integers(0, 20), ANY_TEXT), max_size=4),
    drops=DROPS,
    delimiter=st.sampled_from([",", ";", "\t"]),
    sidecar_text=st.one_of(st.none(), ANY_TEXT),
)
def test_csv_with_random_text(
    tmp_path_factory: pytest.TempPathFactory, edits, drops, delimiter, sidecar_text
) -> None:
    """A CSV with arbitrary cell text (controls, quotes, delimiters) and odd sidecars never crashes."""
    rows = _mutate([list(r) for r in UNIT_ROWS], edits)
    header, rows = _dropped(UNIT_HEADER, rows, drops)
    path = tmp_path_factory.mktemp("c") / "s.csv"
    write_csv(path, header=header, rows=rows, delimiter=delimiter)
    if sidecar_text is not None:
        path.with_name("s.meta.yaml").write_text(sidecar_text, encoding="utf-8")
    _outcome(path)


@SETTINGS
@given(
    meta_value=JSON_VALUES,
    unit_value=JSON_VALUES,
    key=st.sampled_from([*UNIT_HEADER, "meta", "units", "x"]),
    replace=st.sampled_from(["meta", "units", "unit", "cell", "document"]),
)
def test_json_with_random_structure(
    tmp_path_factory: pytest.TempPathFactory, meta_value, unit_value, key, replace
) -> None:
    """A JSON snapshot with random values in random places either loads or is refused."""
    path = write_json(tmp_path_factory.mktemp("j") / "s.json")
    document = json.loads(path.read_text("utf-8"))
    if replace == "meta":
        document["meta"] = meta_value
    elif replace == "units":
        document["units"] = unit_value
    elif replace == "unit":
        document["units"][1] = unit_value
    elif replace == "cell":
        document["units"][0][key] = unit_value
        document["meta"][key] = meta_value
    else:
        document = unit_value
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    _outcome(path)


@SETTINGS
@given(
    form=st.sampled_from(["xlsx", "csv", "json"]),
    cuts=st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=8)), min_size=1, max_size=4),
    truncate=st.booleans(),
)
def test_valid_files_with_random_bytes(
    tmp_path_factory: pytest.TempPathFactory, form, cuts, truncate
) -> None:
    """Valid files with overwritten or truncated bytes either load or are refused."""
    folder = tmp_path_factory.mktemp("b")
    writer = {"xlsx": write_xlsx, "csv": write_csv, "json": write_json}[form]
    path = writer(folder / f"s.{form}")
    data = bytearray(path.read_bytes())
    for position, chunk in cuts:
        position %= len(data)
        data[position : position + len(chunk)] = chunk
    if truncate:
        data = data[: cuts[0][0] % len(data)]
    path.write_bytes(bytes(data))
    _outcome(path)


@SETTINGS
@given(suffix=st.sampled_from([".xlsx", ".csv", ".tsv", ".json"]), data=st.binary(max_size=300))
def test_random_bytes(tmp_path_factory: pytest.TempPathFactory, suffix: str, data: bytes) -> None:
    """Arbitrary bytes under any accepted extension are refused (or, rarely, loaded), never a crash."""
    folder = tmp_path_factory.mktemp("r")
    path = folder / f"s{suffix}"
    path.write_bytes(data)
    write_csv(folder / "t.csv")  # gives the folder a sidecar-less neighbour; s.csv has none
    _outcome(path)


@settings(max_examples=20, deadline=None)
@given(data=st.binary(max_size=200))
def test_history_survives_random_neighbours(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    """Random files beside a snapshot only ever become warnings in its history."""
    folder = tmp_path_factory.mktemp("h")
    current = load_snapshot(write_xlsx(folder / "a.xlsx"))
    for suffix in (".xlsx", ".csv", ".json"):
        (folder / f"junk{suffix}").write_bytes(data)
    history = load_history(current)
    assert history.periods == ()
    assert len(history.warnings) == 3


# Keys a JSON unit may carry: canonical, aliases of the same fields, and keys of no field.
UNIT_KEYS = st.sampled_from(["code", "Mã", "Mã ĐV", "name", "Tên", "kind", "Loại", "ckmb", "Công khai, minh bạch",
                             "tdgq", "total", "Tổng", "received", "ghi_chu", "x"])


@SETTINGS
@given(st.lists(st.lists(st.tuples(UNIT_KEYS, st.one_of(st.none(), st.integers(), ANY_TEXT)), max_size=8),
                max_size=6),
       st.booleans())
def test_json_units_read_key_by_key(units: list[list[tuple[str, object]]], same_keys: bool) -> None:
    """Each JSON unit's cells are, whichever way it is read (records naming the same keys in the same
    order share one reading), its keys in order, a key naming no field or a field already met left
    out: each cell holds the key's value, located at the unit and the key as written."""
    from generator.snapshot.fields import unit_field
    from generator.snapshot.raw import Cell, Findings
    from generator.snapshot.read_json import _read_table

    if same_keys and units:  # every unit with the first one's keys, in its order
        units = [[(key, value) for (key, _), (_, value) in zip(units[0], unit + units[0], strict=False)]
                 for unit in units]
    items = [dict(unit) for unit in units]
    table = _read_table("f.json", items, "units", Findings(), unit_field)
    assert table is not None and len(table.records) == len(items)
    for number, (item, record) in enumerate(zip(items, table.records, strict=True), start=1):
        expected: dict[str, Cell] = {}
        for key, value in item.items():
            field = unit_field(key)
            if field is not None and field.key not in expected:
                expected[field.key] = Cell(value, "f.json", f"units[{number}]", key)
        assert dict(record.cells) == expected
        assert dict(record.values) == {key: cell.value for key, cell in expected.items()}
        assert record.number == number and record.row == f"units[{number}]"
    assert table.columns == {key for record in table.records for key in record.cells}
