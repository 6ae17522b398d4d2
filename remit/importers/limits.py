"""Every limit an import works within, in one place.

A file that goes past one is refused with a problem that names the row (and the column where there is
one), never read in part or held whole in memory. The defaults are sized so that a 100,000-row file
imports within a few hundred megabytes; `from_config` takes the ones an administrator may change.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

MiB = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    # Data rows of one file (REMIT_IMPORT_MAX_ROWS).
    max_rows: int = 200_000
    # Columns read from one row; a filled cell further right is refused.
    max_columns: int = 64
    # Characters in one cell: a spreadsheet program's own limit (Excel holds 32,767).
    max_cell_chars: int = 32_767
    # Bytes of one file read from disk (REMIT_IMPORT_MAX_BYTES); uploads stop earlier, at MAX_CONTENT_LENGTH.
    max_file_bytes: int = 512 * MiB
    # A workbook's parts once unpacked: the sheet, and the small parts (workbook, relations, styles).
    max_sheet_bytes: int = 1024 * MiB
    max_part_bytes: int = 16 * MiB
    # A workbook's table of shared strings: how many, and their characters added up.
    max_shared_strings: int = 1_000_000
    max_shared_chars: int = 32_000_000
    # Problems listed in a report; the rest are counted ("and 1,234 more problems").
    max_problems: int = 100
    # Lines of a preview (what an import adds, changes, retires); the rest are counted.
    max_preview: int = 500
    # Characters of a file's text that a message quotes back (a header, a cell).
    max_quote_chars: int = 200

    def with_rows(self, max_rows: int | None = None, max_columns: int | None = None) -> ImportLimits:
        changes = {}
        if max_rows is not None:
            changes["max_rows"] = max_rows
        if max_columns is not None:
            changes["max_columns"] = max_columns
        return replace(self, **changes) if changes else self


# An upload larger than this is imported in the background (the page polls its progress); smaller ones
# are answered at once, as before (REMIT_IMPORT_BACKGROUND_BYTES).
BACKGROUND_BYTES = 512 * 1024
# An uploaded file waiting for its preview to be applied or cancelled is removed after this long.
PENDING_UPLOAD_LIFETIME = dt.timedelta(hours=24)
# A background import whose process has not reported for this long has stopped (its worker was
# restarted or killed): the transaction it held was rolled back by the database, nothing was written.
JOB_HEARTBEAT_TIMEOUT = dt.timedelta(minutes=2)
# Rows between two progress reports of a running import.
PROGRESS_EVERY_ROWS = 5_000


def from_config(config) -> ImportLimits:
    return ImportLimits(
        max_rows=int(config.get("REMIT_IMPORT_MAX_ROWS", ImportLimits.max_rows)),
        max_columns=int(config.get("REMIT_IMPORT_MAX_COLUMNS", ImportLimits.max_columns)),
        max_file_bytes=int(config.get("REMIT_IMPORT_MAX_BYTES", ImportLimits.max_file_bytes)),
    )


def quote(text: str, limit: int = ImportLimits.max_quote_chars) -> str:
    """Text from a file as a message may show it: never more than `limit` characters of it."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
