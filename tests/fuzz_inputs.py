"""Seeded fuzz cases for the snapshot readers: CSV (+ YAML/JSON sidecar), JSON, XLSX, sidecars.

Each case starts from a valid snapshot and applies one or more mutations drawn from a seeded RNG:
hostile values in cells (huge or long numbers, invisible and look-alike characters, line
separators, formulas, errors, nested JSON), structural changes (duplicate keys and columns, missing
parts, hidden or look-alike sheets, broken XML, YAML aliases and tags), and raw byte damage. The
same seed gives the same case. `run_case` runs `congvan validate` (and `inspect`, and now and then
`generate`) in-process and reports the exit status: 0 and 2 are the only acceptable ones; 1 is a
crash (a traceback was saved) and a timeout is a hang.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import signal
import string
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import ClassVar

from hostile_samples import META, UNITS_HEADER, row, sheet, write_workbook

UNITS: list[list[object]] = [
    ["S01", "Sở Tư pháp", "so_nganh", 10.5, 15.2, 8.1, 6, 16.4, 12.3],
    ["S02", "Sở Y tế", "sở, ban, ngành", 17, 19.5, 11, 9.25, 17.75, 20],
    ["H01", "Quận Ba Đình", "quận, huyện, thị xã", 12, 18, 10, 7, 15, 18],
    ["X01", "Phường Phúc Xá", "xã", 9, 14, 6, 5, 12, None],
]
EXTRA_COLUMNS = ("total", "received", "on_time", "overdue", "online_payment_rate", "Ghi chú", "Tổng điểm")
FORMS = ("csv", "json", "xlsx", "sidecar")

# Values a hostile or careless file may hold in any cell.
NASTY: tuple[object, ...] = (
    "", " ", "\t", "0", "-0", "-1", "18.0001", "1e5", "1e999999", "1e99999999", "-1e308", "NaN", "Infinity",
    "9" * 40, "9" * 5000, "0." + "0" * 3000 + "1", "1,5", "1.234,5", "53.828", "12 345", "55,3%", "−5",
    "x" * 151, "y" * 10_001, "Sở Y tế\u034f", "Sở\ufe0f", "\u3164", "Sở Y t\u0435", "Ｓở", "ﬁ", "a\u2028b",
    "a\u2029b", "a\x00b", "a\x07b", "\u202eevil", "\u200b", "🙂", "=SUM(A1:A2)", "#DIV/0!", "TRUE", "null",
    "2024-02-30", "2024-07-01T00:00:00+14:00", "2024-08-01T20:00:00-12:00", "2024-13", "2026-Q5", "2026-Q3",
    "2026", "0001-01-01T00:00:00-01:00", "9999-12-31T23:59:59-12:00", "<b>x</b>", "&amp;", '"quoted"',
    "line\nbreak", "so_nganh", "xa", "huyen", "authority", None, 0, -1, 10**16, 1.5, 1e308, float("nan"),
    True, False, [], {}, [1, [2, [3]]], {"a": {"b": {"c": {}}}},
)
# Values that are valid but unkind to a renderer: markup characters, long names, odd spacing.
SOFT_NAMES: tuple[str, ...] = (
    'Sở "A" & <B>', "Sở Tư pháp " + "rất dài " * 17, "Ủy ban nhân dân xã Ẳng Tở – Điện Biên",
    "Phường 1 (cũ)", "Sở\u00a0Y\u00a0tế", "   Xã   Tân   Ân   ", "Đơn vị ]]> <![CDATA[", "x" * 150,
    "Sở_Nội-vụ/2024", "Trung tâm Phục vụ hành chính công; văn phòng 1",
)
SOFT_CUTOFFS = ("2024-08-02T03:00:00Z", "2024-08-01T20:00:00-12:00", "2024-08-02T10:00:00+14:00",
                "2024-08-02 10:00", "2024-07-01T00:00:00+07:00")
META_KEYS = ("authority_name", "authority_code", "period", "cutoff", "score", "rank", "ranked_count",
             "ckmb", "overdue_total", "source", "source_url", "Kỳ đánh giá", "unknown key")


@dataclass(frozen=True)
class Case:
    seed: int
    form: str
    mutations: tuple[str, ...]
    path: Path


@dataclass(frozen=True)
class Outcome:
    case: Case
    codes: tuple[int, ...]  # one per command run
    seconds: float
    detail: str = ""

    @property
    def ok(self) -> bool:
        return all(code in (0, 2) for code in self.codes)


# ---- building a case ----------------------------------------------------------------------------


class _Builder:
    """The snapshot as data (meta pairs, header, rows), mutated, then written in one form."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.meta: list[tuple[object, object]] = list(META) + [("authority_code", "H26"), ("rank", 58),
                                                               ("ranked_count", 63)]
        self.header: list[object] = list(UNITS_HEADER)
        self.rows: list[list[object]] = [list(u) for u in UNITS]
        self.notes: list[str] = []

    def value(self) -> object:
        pick = self.rng.random()
        if pick < 0.7:
            return self.rng.choice(NASTY)
        if pick < 0.85:
            return "".join(self.rng.choice(string.printable + "ăâđêôơưĂÂĐÊÔƠƯáàảãạ") for _ in
                           range(self.rng.randint(0, 30)))
        return self.rng.choice([self.rng.randint(-10**6, 10**6), round(self.rng.uniform(-50, 150), 4)])

    def mutate(self) -> None:
        if self.rng.random() < 0.3:  # a valid file that is unkind to the renderers
            self.soften()
            return
        for _ in range(self.rng.randint(1, 4)):
            name, action = self.rng.choice(list(self.MUTATIONS.items()))
            action(self)
            self.notes.append(name)

    def soften(self) -> None:
        names = self.rng.sample(SOFT_NAMES, k=len(self.rows))
        for line, name in zip(self.rows, names, strict=True):
            line[1] = name
        self.meta = [(k, self.rng.choice(SOFT_CUTOFFS)) if k == "cutoff" else (k, v) for k, v in self.meta]
        if self.rng.random() < 0.5:
            self.header.append("Ghi chú <b>")
            for line in self.rows:
                line.append(self.rng.choice(SOFT_NAMES))
        self.notes.append("soft")

    def _cell(self) -> None:
        table = self.rng.choice([self.rows, self.rows, [self.header]])
        if table:
            line = self.rng.choice(table)
            if line:
                line[self.rng.randrange(len(line))] = self.value()

    def _meta(self) -> None:
        index = self.rng.randrange(len(self.meta))
        key, _ = self.meta[index]
        self.meta[index] = (key, self.value()) if self.rng.random() < 0.8 else (self.value(), self.meta[index][1])

    def _meta_key(self) -> None:
        self.meta.append((self.rng.choice(META_KEYS), self.value()))

    def _drop_meta(self) -> None:
        if self.meta:
            del self.meta[self.rng.randrange(len(self.meta))]

    def _column(self) -> None:
        column = self.rng.choice(EXTRA_COLUMNS + tuple(UNITS_HEADER))
        self.header.append(column)
        for line in self.rows:
            line.append(self.value())

    def _drop_column(self) -> None:
        index = self.rng.randrange(len(self.header))
        del self.header[index]
        for line in self.rows:
            if index < len(line):
                del line[index]

    def _rows(self) -> None:
        choice = self.rng.random()
        if choice < 0.3 and self.rows:
            self.rows.append(list(self.rng.choice(self.rows)))  # a duplicate unit
        elif choice < 0.6:
            self.rows.extend([[f"C{i}", f"Đơn vị {i}", "xa", 1, 2, 3, 4, 5, 6] for i in
                              range(self.rng.randint(1, 3000))])
        elif self.rows:
            del self.rows[self.rng.randrange(len(self.rows))]

    def _width(self) -> None:
        if self.rows:
            line = self.rng.choice(self.rows)
            line.extend([None] * self.rng.choice([5, 190, 250, 16_000]) + ["x"])

    MUTATIONS: ClassVar[dict[str, Callable[[_Builder], None]]] = {
        "cell": _cell, "cell2": _cell, "meta": _meta, "meta-key": _meta_key, "drop-meta": _drop_meta,
        "column": _column, "drop-column": _drop_column, "rows": _rows, "width": _width,
    }

    # ---- writers --------------------------------------------------------------------------------

    def meta_dict(self) -> dict[str, object]:
        return {str(k): v for k, v in self.meta}

    def write_csv(self, path: Path, sidecar: str) -> None:
        delimiter = self.rng.choice([",", ";", "\t"])
        lines = [self.header, *self.rows]
        buffer = io.StringIO()
        import csv

        writer = csv.writer(buffer, delimiter=delimiter, lineterminator=self.rng.choice(["\n", "\r\n"]))
        for line in lines:
            writer.writerow(["" if v is None else v for v in line])
        data = ("\ufeff" if self.rng.random() < 0.2 else "") + buffer.getvalue()
        path.write_text(data, encoding="utf-8", errors="surrogatepass")
        self.write_sidecar(path, sidecar)

    def write_sidecar(self, table: Path, kind: str) -> None:
        if kind == "json":
            table.with_name(table.stem + ".meta.json").write_text(_json_text(self.meta_dict()), encoding="utf-8")
        elif kind == "yaml":
            table.with_name(table.stem + ".meta.yaml").write_text(_yaml_text(self.meta, self.rng), encoding="utf-8",
                                                                   errors="surrogatepass")

    def write_json(self, path: Path) -> None:
        units = [dict(zip((str(h) for h in self.header), line, strict=False)) for line in self.rows]
        text = _json_text({"meta": self.meta_dict(), "units": units})
        if self.rng.random() < 0.3:  # a repeated key the parser would silently collapse
            text = text.replace('"score": ', '"score": 1, "score": ', 1)
        path.write_text(text, encoding="utf-8", errors="surrogatepass")

    def write_xlsx(self, path: Path) -> None:
        meta_rows = [row(i + 1, [k, v]) for i, (k, v) in enumerate(self.meta)]
        unit_rows = [row(1, self.header), *(row(i + 2, line) for i, line in enumerate(self.rows))]
        if self.rng.random() < 0.3 and len(unit_rows) > 1:
            unit_rows[1] = unit_rows[1].replace("<v>", "<f>A1+1</f><v>", 1) if self.rng.random() < 0.5 else \
                unit_rows[1].replace("</row>", '<c r="D2"><f>SUM(E2:F2)</f></c></row>', 1)
        sheets: list[tuple[str, str, Iterator[str]]] = [("meta", "", sheet(meta_rows)),
                                                        ("units", "", sheet(unit_rows))]
        roll = self.rng.random()
        if roll < 0.1:
            sheets.append(("units ", "hidden", sheet(unit_rows[:2])))
        elif roll < 0.15:
            sheets[1] = ("un\u0456ts", "", sheets[1][2])
        elif roll < 0.2:
            sheets[0] = ("meta", "veryHidden", sheets[0][2])
        write_workbook(path, sheets)


def _printable(value: object) -> object:
    if isinstance(value, float) and value != value:
        return "NaN"
    return value


def _json_text(document: object) -> str:
    def convert(value: object) -> object:
        if isinstance(value, dict):
            return {str(k): convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        return _printable(value)

    return json.dumps(convert(document), ensure_ascii=False)


def _yaml_text(meta: list[tuple[object, object]], rng: random.Random) -> str:
    lines = []
    for key, value in meta:
        text = json.dumps(_printable(value), ensure_ascii=False) if not isinstance(value, (int, float)) \
            or isinstance(value, bool) else str(value)
        lines.append(f"{json.dumps(str(key), ensure_ascii=False)}: {text}")
    roll = rng.random()
    if roll < 0.08:
        lines.append("a: &x [1, 2]\nb: *x")
    elif roll < 0.12:
        lines.append("<<: {rank: 1}")
    elif roll < 0.16:
        lines.append("\tscore: 1")
    elif roll < 0.2:
        lines.append("source: !!python/object:os.system x")
    elif roll < 0.24:
        lines.append("source: " + "[" * 200 + "]" * 200)
    elif roll < 0.28:
        lines.append(lines[0])  # a repeated key
    elif roll < 0.3:
        lines.append("cutoff: 2024-08-01 23:00:00 -05:00")
    return "\n".join(lines) + "\n"


def _damage(path: Path, rng: random.Random) -> str:
    """Raw byte damage: flipped bytes, an inserted chunk, or a cut."""
    data = bytearray(path.read_bytes())
    if not data:
        return "bytes-empty"
    roll = rng.random()
    if roll < 0.4:
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        name = "bytes-flip"
    elif roll < 0.7:
        at = rng.randrange(len(data))
        data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        name = "bytes-insert"
    else:
        del data[rng.randrange(len(data)):]
        name = "bytes-cut"
    path.write_bytes(bytes(data))
    return name


def _damage_xlsx_part(path: Path, rng: random.Random) -> str:
    """Change one XML part inside the zip: cut it, add junk, or put a DOCTYPE in front."""
    source = zipfile.ZipFile(path)
    parts = {info.filename: source.read(info) for info in source.infolist()}
    source.close()
    name = rng.choice(sorted(parts))
    data = parts[name]
    roll = rng.random()
    if roll < 0.3:
        data = data[: rng.randrange(len(data) + 1)]
        label = "part-cut"
    elif roll < 0.5:
        data = data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "b">]>', 1)
        label = "part-doctype"
    elif roll < 0.7:
        data = data.replace(b'r="', b'r="' + rng.choice([b"A0", b"ZZZZ", b"1A", b"A99999999"]) + b'x', 1)
        label = "part-reference"
    elif roll < 0.85:
        data = data.replace(b't="inlineStr"', rng.choice([b't="s"', b't="e"', b't="b"', b't="d"', b't="zz"']), 1)
        label = "part-type"
    else:
        data = data.replace(b"<sheetData>", b"<sheetData>" + b'<row r="3"><c r="A3" t="s"><v>99999</v></c></row>', 1)
        label = "part-shared-index"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for part, content in parts.items():
            target.writestr(part, data if part == name else content)
    return label


def make_case(seed: int, folder: Path) -> Case:
    """The case of `seed`, written under `folder` (its own subfolder, so sidecars never mix)."""
    rng = random.Random(seed)
    form = FORMS[seed % len(FORMS)]
    builder = _Builder(rng)
    builder.mutate()
    home = folder / f"case-{seed}"
    home.mkdir(parents=True, exist_ok=True)
    notes = list(builder.notes)
    if form == "csv":
        path = home / "2024-07.csv"
        builder.write_csv(path, rng.choice(["yaml", "json"]))
    elif form == "sidecar":
        path = home / "2024-07.csv"
        builder.rows = [list(u) for u in UNITS]  # the table stays valid: only the sidecar is hostile
        builder.header = list(UNITS_HEADER)
        builder.write_csv(path, "yaml" if rng.random() < 0.7 else "json")
        sidecar = next(home.glob("*.meta.*"))
        if rng.random() < 0.4:
            notes.append(_damage(sidecar, rng))
        if rng.random() < 0.1:
            sidecar.write_bytes(sidecar.read_bytes().decode("utf-8", "replace").encode("cp1258", "replace"))
            notes.append("cp1258")
    elif form == "json":
        path = home / "2024-07.json"
        builder.write_json(path)
    else:
        path = home / "2024-07.xlsx"
        builder.write_xlsx(path)
        if rng.random() < 0.25:
            notes.append(_damage_xlsx_part(path, rng))
    if form != "sidecar" and rng.random() < 0.15:
        notes.append(_damage(path, rng))
    return Case(seed, form, tuple(notes), path)


# ---- running a case -----------------------------------------------------------------------------


class CaseTimeout(BaseException):
    """A case ran past its time: a hang (not an Exception, so the CLI does not report it as a crash)."""


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    def expired(signum: int, frame: FrameType | None) -> None:
        raise CaseTimeout

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_case(case: Case, out: Path, *, generate: bool = False, timeout: float = 30.0) -> Outcome:
    """`validate`, then `inspect` when it is valid (and `generate` when asked): their exit codes."""
    from generator.cli import main

    started = time.perf_counter()
    codes: list[int] = []
    stderr = io.StringIO()
    commands = [["validate", str(case.path)]]
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr), _deadline(timeout):
            codes.append(main(commands[0]))
            if codes[0] == 0:
                codes.append(main(["inspect", str(case.path)]))
                if generate:
                    codes.append(main(["generate", str(case.path), "--out", str(out), "--formats", "docx,pdf"]))
    except CaseTimeout:
        codes.append(-1)
    text = stderr.getvalue()
    detail = text[-2000:] if any(c not in (0, 2) for c in codes) or "Traceback" in text else ""
    if "Traceback" in text:
        codes.append(1)
    return Outcome(case, tuple(codes), time.perf_counter() - started, detail)
