"""What a reader hands to validation: cells with their location, before any checking.

Readers differ only in how they find cells (sheet rows, CSV lines, JSON objects); validation is
shared, so every rule reports the same message whatever the file form.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from generator.common.errors import Problem
from generator.common.jsonfile import OversizedNumber as OversizedNumber  # a marker value the readers share

Location = int | str | None


class Cell(NamedTuple):
    """One value as read, with where it was: file (with sheet), row and column.

    A named tuple rather than a frozen dataclass: a snapshot of 10.000 units has 160.000 cells,
    and a tuple is built several times faster.
    """

    value: object
    file: str
    row: Location
    column: str | None

    def problem(self, message: str) -> Problem:
        """A problem located at this cell."""
        return Problem(self.file, message, row=self.row, column=self.column)


@dataclass(frozen=True)
class RawMeta:
    """The meta part: canonical key → cell. `file`/`row` locate problems about missing keys."""

    file: str
    row: Location
    cells: dict[str, Cell]


@dataclass(frozen=True)
class RawRecord:
    """One unit row: its location row, the value for UnitResult.row, canonical key → cell.

    `values` holds the cells' values by the same keys: validation reads them there, a cell only
    locates a problem (a JSON record builds its cells when asked for one: see JsonCells).
    """

    row: Location
    number: int
    cells: Mapping[str, Cell]
    values: Mapping[str, object] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.values and self.cells:
            object.__setattr__(self, "values", {key: cell.value for key, cell in self.cells.items()})


class JsonCells(Mapping[str, Cell]):
    """A JSON object's cells, each built when asked for: its value by canonical key, located as
    `units[3]` and the key as written (`names`, canonical key → key). Reading a 10.000-unit file
    asks for none of its 160.000 cells unless one is wrong."""

    __slots__ = ("_file", "_names", "_row", "_values")

    def __init__(self, values: Mapping[str, object], file: str, row: str, names: Mapping[str, str]) -> None:
        self._values = values
        self._file = file
        self._row = row
        self._names = names

    def __getitem__(self, key: str) -> Cell:
        return Cell(self._values[key], self._file, self._row, self._names[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


@dataclass(frozen=True)
class RawUnits:
    """The units table: which canonical columns exist, and the records in file order.

    `header_known` is False for JSON, whose columns are only known from the records: with no
    record at all, no column can be said to be missing (and the JSON reader itself reports an
    empty `units` list).
    """

    file: str
    header_row: Location
    columns: frozenset[str]
    records: tuple[RawRecord, ...]
    header_known: bool = True


@dataclass(frozen=True)
class FormulaWithoutValue:
    """An XLSX cell holding a formula but no stored result (the file was never recalculated)."""

    formula: str

    def __str__(self) -> str:
        return f"={self.formula}"


@dataclass(frozen=True)
class SpreadsheetError:
    """An XLSX cell whose formula ended in an error such as #DIV/0! or #N/A."""

    code: str

    def __str__(self) -> str:
        return self.code


# At most this many problems (and warnings) are kept for the report; the rest are only counted,
# so a 200.000-row file that is wrong on every row neither fills the memory nor the screen.
MAX_PROBLEMS = 1_000
MAX_WARNINGS = 200


@dataclass
class Findings:
    """Problems and warnings gathered while reading and validating one file (mutable, internal)."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dropped_problems: int = 0
    dropped_warnings: int = 0

    @property
    def count(self) -> int:
        """Every problem found, including those not kept for the report."""
        return len(self.problems) + self.dropped_problems

    def add(self, problem: Problem) -> None:
        """Record a located problem."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.dropped_problems += 1

    def error(
        self, file: str, message: str, row: Location = None, column: str | None = None
    ) -> None:
        """Record a problem."""
        self.add(Problem(file, message, row=row, column=column))

    def warn(
        self, file: str, message: str, row: Location = None, column: str | None = None
    ) -> None:
        """Record a warning, formatted like a problem so it says where."""
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(str(Problem(file, message, row=row, column=column)))
        else:
            self.dropped_warnings += 1

    def all_warnings(self) -> tuple[str, ...]:
        """The warnings kept, and a last line counting those left out."""
        if not self.dropped_warnings:
            return tuple(self.warnings)
        return (*self.warnings, f"… và {self.dropped_warnings} cảnh báo khác không hiện ra")


@dataclass(frozen=True)
class RawSnapshot:
    """A reader's result: either part is None when it could not be found at all.

    `indicators` is the optional sub-indicator table (None when the file has none)."""

    meta: RawMeta | None
    units: RawUnits | None
    indicators: RawUnits | None = None
    document: object = field(default=None, repr=False, compare=False)  # a JSON file's parsed document,
    # kept so that reading the units after the meta alone does not parse the file again
