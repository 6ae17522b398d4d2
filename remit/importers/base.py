"""What every importer shares: header mapping, row validation, the report."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from marshmallow import Schema, ValidationError

from ..domain.messages import msg
from .readers import Problem, Table, normalize_header


NO_DATA_ROWS = msg("no_data_rows", "the file has a header but no data rows")


@dataclass(frozen=True)
class PreviewRow:
    """One line of an import's preview: what it adds, changes (old → new) or retires."""

    action: str  # add, change, retire
    subject: str
    changes: tuple[tuple[str, str, str], ...] = ()  # (field, old, new)


@dataclass
class ImportReport:
    kind: str
    filename: str
    sha256: str
    rows: int = 0
    added: int = 0
    changed: int = 0
    retired: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    import_id: int | None = None
    details: list[str] = field(default_factory=list)
    preview: list[PreviewRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.retired or self.details)

    @property
    def result(self) -> str:
        if self.problems:
            return "rejected"
        if self.dry_run:
            return "dry_run"
        return "applied" if self.has_changes else "no_change"

    def counts(self) -> str:
        return (f"{self.added} added, {self.changed} changed, {self.retired} retired, "
                f"{self.unchanged} unchanged")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Column:
    name: str  # the canonical name, as the contract writes it
    required: bool = True
    aliases: tuple[str, ...] = ()

    def names(self) -> set[str]:
        return {normalize_header(self.name), *(normalize_header(a) for a in self.aliases)}


def map_header(table: Table, columns: list[Column], *, strict: bool = True) -> tuple[dict[str, int], list[Problem]]:
    """Which cell index holds each column; problems for missing, unknown or repeated columns."""
    problems: list[Problem] = []
    lookup = {}
    for column in columns:
        for name in column.names():
            lookup[name] = column
    positions: dict[str, int] = {}
    for index, raw in enumerate(table.header):
        if not raw.strip():
            continue
        column = lookup.get(normalize_header(raw))
        if column is None:
            if strict:
                problems.append(Problem(1, raw, msg("unknown_column", "unknown column; expected one of: %(columns)s",
                                                    columns=[c.name for c in columns])))
            continue
        if column.name in positions:
            problems.append(Problem(1, raw, msg("column_twice", "column %(column)s appears twice", column=column.name)))
            continue
        positions[column.name] = index
    for column in columns:
        if column.required and column.name not in positions:
            problems.append(Problem(1, column.name, msg("missing_column", "missing column")))
    return positions, problems


def row_values(cells: list[str], positions: dict[str, int]) -> dict[str, str]:
    """The non-empty cells of a row by column name (an empty cell counts as absent)."""
    values = {}
    for name, index in positions.items():
        if index < len(cells) and cells[index] != "":
            values[name] = cells[index]
    return values


def is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def load_row(schema: Schema, row: int, values: dict[str, str]) -> tuple[dict | None, list[Problem]]:
    try:
        return schema.load(values), []
    except ValidationError as exc:
        return None, list(_problems(row, exc.messages))


def _problems(row: int, messages) -> list[Problem]:
    found = []
    if isinstance(messages, dict):
        for column, texts in messages.items():
            column_name = None if column == "_schema" else column
            for text in texts if isinstance(texts, list) else [texts]:
                # A Message stays one (it is a str), so pages can say it in their language.
                found.append(Problem(row, column_name, text if isinstance(text, str) else str(text)))
    else:
        for text in messages:
            found.append(Problem(row, None, text if isinstance(text, str) else str(text)))
    return found
