"""How much a snapshot may hold, so a small hostile file can never take minutes or gigabytes.

Every reader checks these before it does the expensive thing (decompressing, parsing, building a
row), and refuses what is over a limit with a located problem; the history scan goes through the
same readers, so it skips such a file with a warning. The figures are far above anything the
portal publishes (a province has a few hundred units; the sub-indicator table about twenty rows
per unit) and low enough that the worst accepted file reads in seconds within a few hundred MiB.
"""

from __future__ import annotations

from generator.common.bounded import MIB

MAX_FILE_BYTES = 20 * MIB  # a snapshot file as stored (XLSX compressed, CSV, JSON)
MAX_SIDECAR_BYTES = 1 * MIB  # `<stem>.meta.yaml` / `.meta.json`: a dozen keys
MAX_ROWS = 200_000  # data rows of one table (units, or the sub-indicators of every unit)
MAX_COLUMNS = 200  # columns a table may use (header or data), i.e. up to column GR
MAX_CELL_CHARS = 10_000  # characters in one cell or JSON string
MAX_KEY_CHARS = 200  # characters in a JSON key (a column's name)
MAX_META_ROWS = 1_000  # rows of the XLSX `meta` sheet (it has about fifteen)
MAX_NUMBER_CHARS = 40  # characters of one number as written (digits, sign, point, exponent)
MAX_MAGNITUDE_DIGITS = 15  # digits before the decimal point: 999 999 999 999 999 at most
MAX_DEPTH = 16  # nesting of JSON arrays/objects (a snapshot needs 3)

# XLSX is a zip of XML parts: what its members may inflate to.
XLSX_MAX_MEMBERS = 2_000
XLSX_MAX_PART_BYTES = 64 * MIB  # one worksheet as XML
XLSX_MAX_SHARED_STRINGS_BYTES = 16 * MIB  # the shared strings table, which is held whole
XLSX_MAX_SHARED_STRINGS = 1_000_000  # strings in that table
XLSX_MAX_SMALL_PART_BYTES = 16 * MIB  # the workbook, its relationships, the styles
XLSX_MAX_PART_ELEMENTS = 300_000  # XML elements of such a part (each costs hundreds of bytes parsed)
XLSX_MAX_ROW_ELEMENTS = 2 * MAX_ROWS  # <row> elements of a sheet, blank formatted rows included
XLSX_MAX_CELL_ELEMENTS = 3_000_000  # <c> elements of a sheet, blank formatted cells included
XLSX_MAX_TOTAL_BYTES = 256 * MIB  # every member together

MAX_HISTORY_FILES = 500  # snapshot files a history folder may offer; beyond, the rest are skipped


class LimitExceeded(Exception):
    """A reader met something over a limit (or unsafe): it stops reading that part, says where."""

    def __init__(self, message: str, row: int | str | None = None, column: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column
