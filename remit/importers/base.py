"""What every importer shares: header mapping, row validation, the report."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter

from marshmallow import Schema, ValidationError, missing, validates_schema
from marshmallow.decorators import VALIDATES, VALIDATES_SCHEMA

from ..domain.messages import msg
from .limits import ImportLimits
from .rows import Problem, ProblemLog, RowStream, normalize_header


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
    # Problems found beyond the ones listed (a report lists at most ImportLimits.max_problems).
    more_problems: int = 0
    dry_run: bool = False
    import_id: int | None = None
    details: list[str] = field(default_factory=list)
    # What the import passed over, and why (not a change: a re-import notes it again).
    notes: list[str] = field(default_factory=list)
    preview: list[PreviewRow] = field(default_factory=list)
    # Preview lines beyond the ones listed (at most ImportLimits.max_preview).
    more_preview: int = 0
    preview_limit: int = ImportLimits.max_preview

    @property
    def ok(self) -> bool:
        return not self.problems and not self.more_problems

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.retired or self.details)

    @property
    def result(self) -> str:
        if not self.ok:
            return "rejected"
        if self.dry_run:
            return "dry_run"
        return "applied" if self.has_changes else "no_change"

    def counts(self) -> str:
        return (f"{self.added} added, {self.changed} changed, {self.retired} retired, "
                f"{self.unchanged} unchanged")

    def preview_full(self) -> bool:
        return len(self.preview) >= self.preview_limit

    def show(self, line: PreviewRow) -> None:
        """Add a preview line, or count it once the preview is full."""
        if len(self.preview) < self.preview_limit:
            self.preview.append(line)
        else:
            self.more_preview += 1

    def problem_lines(self) -> list[str]:
        """Each problem as `row N, column C: message`, and how many more were found."""
        lines = [str(p) for p in self.problems]
        if self.more_problems:
            lines.append(str(msg("more_problems", "… and %(n)s more problems (the first %(shown)s are listed).",
                                 n=self.more_problems, shown=len(self.problems))))
        return lines

    def to_dict(self) -> dict:
        """Everything a person is shown, as JSON can hold it (a background import keeps this)."""
        return {
            "kind": self.kind, "filename": self.filename, "sha256": self.sha256, "rows": self.rows,
            "added": self.added, "changed": self.changed, "retired": self.retired, "unchanged": self.unchanged,
            "problems": [[p.row, p.column, str(p.message)] for p in self.problems],
            "more_problems": self.more_problems, "dry_run": self.dry_run, "import_id": self.import_id,
            "details": list(self.details), "notes": list(self.notes),
            "preview": [[line.action, line.subject, [list(c) for c in line.changes]] for line in self.preview],
            "more_preview": self.more_preview,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        report = cls(kind=data["kind"], filename=data["filename"], sha256=data["sha256"])
        for name in ("rows", "added", "changed", "retired", "unchanged", "more_problems", "dry_run",
                     "import_id", "more_preview"):
            setattr(report, name, data[name])
        report.problems = [Problem(row, column, message) for row, column, message in data["problems"]]
        report.details = list(data["details"])
        report.notes = list(data.get("notes", ()))
        report.preview = [PreviewRow(action, subject, tuple(tuple(c) for c in changes))
                          for action, subject, changes in data["preview"]]
        return report


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_of_file(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Column:
    name: str  # the canonical name, as the contract writes it
    required: bool = True
    aliases: tuple[str, ...] = ()

    def names(self) -> set[str]:
        return {normalize_header(self.name), *(normalize_header(a) for a in self.aliases)}


def map_header(table: RowStream, columns: list[Column], *, strict: bool = True) -> tuple[dict[str, int], list[Problem]]:
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
    """No cell holds anything (the readers give cells without surrounding spaces)."""
    return not any(cells)


def valid_rows(table: RowStream, loader: RowLoader, problems: ProblemLog, *,
               not_available: tuple[list[int], set[str]] = ((), frozenset()),
               keep: Callable[[list[str]], bool] | None = None) -> Iterator[tuple[int, dict]]:
    """The rows of a file that pass, as (row number, values), as the file is read.

    Blank rows are passed over. `keep(cells)`, when given, is asked first about every other row: a
    row it answers False to is passed over unread (one an importer recognised without reading it).
    `not_available` = (cell indexes, lower-case texts): such a cell reads as an empty one, no figure
    (RPW's `..`, the ECB's `N/A`). A row that fails has its problems logged and is passed over. Once
    the rows are all read, a file whose header is followed by no row, and no problem, is refused at
    row 2: NO_DATA_ROWS.
    """
    indexes, texts = not_available
    read = False
    load = loader.load
    for row, cells in table:
        if is_blank(cells):
            continue
        read = True
        if keep is not None and not keep(cells):
            continue
        for index in indexes:
            if index < len(cells) and cells[index].lower() in texts:
                cells[index] = ""
        data, row_problems = load(row, cells)
        if row_problems:
            problems.extend(row_problems)
            continue
        yield row, data
    if not read and not problems:
        problems.add(Problem(2, None, NO_DATA_ROWS))


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
                found.append(Problem(row, column_name, text if isinstance(text, str) else str(text)))
    else:
        for text in messages:
            found.append(Problem(row, None, text if isinstance(text, str) else str(text)))
    return found


# Distinct texts remembered per column (and their length at most): a fee table repeats its providers,
# codes, methods, dates and most amounts on every row, so most cells are read once per file.
MEMO_ENTRIES = 4096
MEMO_TEXT_LENGTH = 120


def row_rule(*fields: str):
    """Marks a method of a `RuledSchema` as one of its checks across the fields of a row, reading the
    values of `fields` only (and nothing else that could change while a file is read).

    The method takes the row's values and returns {field: [messages]}, or None when the row passes. It
    is given a mapping that holds `fields` only, so that a rule reading another field fails at once
    (KeyError) rather than be remembered wrongly: `RowLoader` remembers a rule's answer for the texts
    of its fields, as it does a field's for the text of its cell."""

    def mark(method):
        method.row_rule_fields = fields
        return method

    return mark


class RuledSchema(Schema):
    """A row schema whose checks across fields are `@row_rule` methods, run in the order `row_rules`
    names them (as one `@validates_schema` check: skipped, as marshmallow skips it, when a field fails)."""

    row_rules: tuple[str, ...] = ()

    def rules(self) -> list[tuple[object, tuple[str, ...]]]:
        return [(getattr(self, name), getattr(self, name).row_rule_fields) for name in self.row_rules]

    @validates_schema
    def check_row_rules(self, data, **kwargs):
        errors = None
        for rule, names in self.rules():
            found = rule(_only(data, names))
            if found:
                errors = _merge(errors, found)
        if errors:
            raise ValidationError(errors)


def _merge(errors: dict | None, found: dict) -> dict:
    errors = {} if errors is None else errors
    for key, texts in found.items():
        errors.setdefault(key, []).extend(texts)
    return errors


class RowLoader:
    """Validates rows exactly as `schema.load` does, many times faster on large files.

    The rules stay in the schema: each of its fields reads its cell (`field.deserialize`, with the
    field's own validators), then the schema's `@validates_schema` checks run, skipped when a field
    failed, as marshmallow skips them. What makes it fast: a field's result depends on its cell's text
    alone, so each column remembers what its recent distinct texts gave (a value or its messages); the
    schema machinery around each field is not run per row. The remembered values are shared between
    rows, which also keeps the rows an import holds small.

    `groups` (tuples of field names, which may share fields) are columns that usually repeat together
    (a product's name, provider, countries and methods on each of its bands): each group remembers what
    the texts of its cells gave together, one look-up a row instead of one a column. A `RuledSchema`'s
    rules are remembered the same way, for the texts of the fields each reads (a field's value depends
    on its text alone, and a rule on those values alone).
    """

    def __init__(self, schema: Schema, positions: dict[str, int], groups: tuple[tuple[str, ...], ...] = ()):
        if schema._hooks[VALIDATES]:  # noqa: SLF001 — @validates hooks would need the schema's own loop
            raise TypeError("RowLoader does not run @validates field hooks; use schema.load")
        self.schema = schema
        present = [index for name, index in positions.items() if name in schema.load_fields]
        # Rows shorter than this are padded with empty cells; the last cell is always empty, and a
        # column the file does not have is read from it (an empty cell is what an absent column means).
        self.width = (max(present) if present else 0) + 2
        blank = self.width - 1
        self.index = {name: positions.get(name, blank) for name in schema.load_fields}
        self.fields = _field_readers(schema)  # name → (deserialize, memo, absent)
        grouped = {name for group in groups for name in group}
        if not grouped <= set(self.fields):
            raise ValueError("groups must name fields of the schema")
        self.singles = [(name, self.index[name], *self.fields[name]) for name in self.fields if name not in grouped]
        groups = [group for group in groups if group]
        self.rules = []  # every rule, in order: (rule, the fields it reads)
        hooks = [attr for attr, many, _ in schema._hooks[VALIDATES_SCHEMA] if not many]  # noqa: SLF001
        if isinstance(schema, RuledSchema):
            hooks.remove("check_row_rules")
            self.rules = schema.rules()
        within, self.crossing = self._rules_by_group(groups)
        # Each group also keeps the texts of the row before and what they gave: the rows of a product
        # usually follow each other, and comparing texts is cheaper than looking them up.
        self.groups = [(_cells_of(self.index[name] for name in group), group, within[index], {}, [None, None])
                       for index, group in enumerate(groups)]
        self.checks = [getattr(schema, attr) for attr in hooks]

    def _rules_by_group(self, groups: list[tuple[str, ...]]) -> tuple[dict[int, list], list]:
        """A rule that reads the fields of one group only is run once per distinct texts of that group,
        with it (by the group's index); the others, crossing groups, are remembered for the texts of the
        fields they read. Each as (rule, names, the getter of its texts, its memo)."""
        within: dict[int, list] = {index: [] for index in range(len(groups))}
        crossing = []
        for rule, names in self.rules:
            home = next((index for index, group in enumerate(groups) if set(names) <= set(group)), None)
            if home is None:
                crossing.append((rule, names, _cells_of(self.index[name] for name in names), {}))
            else:
                within[home].append((rule, names, _cells_of(groups[home].index(name) for name in names), {}))
        return within, crossing

    def _read(self, name: str, text: str) -> tuple[bool, object]:
        """(False, value) or (True, messages): what the field makes of a cell."""
        deserialize, memo, absent = self.fields[name]
        if not text:
            return absent
        result = memo.get(text)
        if result is None:
            try:
                result = (False, deserialize(text))
            except ValidationError as exc:
                result = (True, exc.messages)
            if len(memo) < MEMO_ENTRIES and len(text) <= MEMO_TEXT_LENGTH:
                memo[text] = result
        return result

    def _read_group(self, group: tuple[str, ...], rules: list, texts: tuple[str, ...]) -> tuple[bool, dict, bool, tuple]:
        """(whether a field failed, the values, whether the group's own rules pass, the values in the
        group's order, `missing` for a field without one)."""
        values = {}
        failed = False
        fields = self.fields
        for name, text in zip(group, texts):
            # As `_read` does, with the column's memo looked at first (a product's first row reads its
            # group's columns again, and each has read the same texts for other products).
            result = fields[name][1].get(text) if text else fields[name][2]
            if result is None:
                result = self._read(name, text)
            if result[0]:
                failed = True
            elif result[1] is not missing:
                values[name] = result[1]
        passes = True
        if not failed:
            for rule, names, getter, memo in rules:
                key = getter(texts)
                rule_passes = memo.get(key)
                if rule_passes is None:
                    rule_passes = not rule(_only(values, names))
                    _remember(memo, key, rule_passes)
                passes = passes and rule_passes
        return failed, values, passes, tuple(values.get(name, missing) for name in group)

    def load_groups(self, row: int, cells: list[str]) -> tuple[list[tuple] | None, list[Problem] | None]:
        """As `load`, but the values given group by group: a tuple per group, in the order of its fields
        (`missing` for a field without a value). A row whose groups were all met before (the usual row of
        a large file) is answered without making a dictionary of its values; the same tuples are given
        again for the same texts."""
        if self.singles or self.crossing or self.checks:
            data, problems = self.load(row, cells)
            if problems:
                return None, problems
            return [tuple(data.get(name, missing) for name in group) for _, group, _, _, _ in self.groups], None
        if len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        values = []
        for getter, group, rules, memo, last in self.groups:
            texts = getter(cells)
            if texts == last[0]:
                result = last[1]
            else:
                result = memo.get(texts)
                if result is None:
                    result = self._read_group(group, rules, texts)
                    _remember(memo, texts, result)
                last[0], last[1] = texts, result
            if result[0] or not result[2]:
                return None, self.load(row, cells)[1]  # the row's problems, as `load` gives them
            values.append(result[3])
        return values, None

    def load(self, row: int, cells: list[str]) -> tuple[dict | None, list[Problem] | None]:
        """(the row's values, None) or (None, its problems, as `schema.load` would raise them): the
        groups' cells, the single columns', then the rules across groups and the schema's checks."""
        if len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        data = {}
        failed, rules_pass = self._groups_into(data, cells)
        if self._singles_into(data, cells) or failed:
            return None, self._field_problems(row, cells)
        if self.crossing and not self._crossing_pass(data, cells):
            rules_pass = False
        errors = None if rules_pass else self._rule_errors(data)
        if self.checks:
            errors = self._check_errors(data, errors)
        if errors is not None:
            return None, _problems(row, errors)
        return data, None

    def _groups_into(self, data: dict, cells: list[str]) -> tuple[bool, bool]:
        """Each group's values into `data`: (whether a field failed, whether the groups' own rules pass)."""
        failed = False
        rules_pass = True
        for getter, group, rules, memo, last in self.groups:
            texts = getter(cells)
            if texts == last[0]:
                result = last[1]
            else:
                result = memo.get(texts)
                if result is None:
                    result = self._read_group(group, rules, texts)
                    _remember(memo, texts, result)
                last[0], last[1] = texts, result
            if result[0]:
                failed = True
            else:
                data.update(result[1])
                rules_pass = rules_pass and result[2]
        return failed, rules_pass

    def _singles_into(self, data: dict, cells: list[str]) -> bool:
        """The values of the columns in no group into `data` (as `_read`, written out: it runs for every
        cell of a file): whether a field failed."""
        failed = False
        for name, index, deserialize, memo, absent in self.singles:
            text = cells[index]
            if not text:
                result = absent
            else:
                result = memo.get(text)
                if result is None:
                    try:
                        result = (False, deserialize(text))
                    except ValidationError as exc:
                        result = (True, exc.messages)
                    if len(memo) < MEMO_ENTRIES and len(text) <= MEMO_TEXT_LENGTH:
                        memo[text] = result
            if result[0]:
                failed = True
            elif result[1] is not missing:
                data[name] = result[1]
        return failed

    def _field_problems(self, row: int, cells: list[str]) -> list[Problem]:
        """As marshmallow gives them: each failing field's messages, in the schema's order of fields."""
        errors = {}
        for name, index in self.index.items():
            result = self._read(name, cells[index])
            if result[0]:
                errors[name] = result[1]
        return _problems(row, errors)

    def _crossing_pass(self, data: dict, cells: list[str]) -> bool:
        """Whether the rules that read fields of more than one group pass, each remembered for its texts."""
        rules_pass = True
        for rule, names, getter, memo in self.crossing:
            texts = getter(cells)
            passes = memo.get(texts)
            if passes is None:
                passes = not rule(_only(data, names))
                _remember(memo, texts, passes)
            rules_pass = rules_pass and passes
        return rules_pass

    def _rule_errors(self, data: dict) -> dict | None:
        """As the schema gives them: every rule's messages, in the order of the rules."""
        errors = None
        for rule, names in self.rules:
            found = rule(_only(data, names))
            if found:
                errors = _merge(errors, found)
        return errors

    def _check_errors(self, data: dict, errors: dict | None) -> dict | None:
        """The schema's own @validates_schema checks' messages added to `errors`."""
        for check in self.checks:
            try:
                check(data, partial=None, many=False, unknown=self.schema.unknown)
            except ValidationError as exc:
                errors = errors or {}
                messages = exc.messages if isinstance(exc.messages, dict) else {exc.field_name: exc.messages}
                for key, texts in messages.items():
                    errors.setdefault(key, []).extend(texts if isinstance(texts, list) else [texts])
        return errors


def _only(data: dict, names: tuple[str, ...]) -> dict:
    """The values a rule reads (and nothing else, so that reading another field fails at once)."""
    return {name: data[name] for name in names if name in data}


def _remember(memo: dict, texts: tuple[str, ...], result) -> None:
    """Remember what a group's (or a rule's) texts gave, forgetting everything once the memo is full: the
    rows of a product, say, follow each other, so the recent texts are the ones that come back."""
    if sum(map(len, texts)) <= MEMO_TEXT_LENGTH * len(texts):
        if len(memo) >= MEMO_ENTRIES:
            memo.clear()
        memo[texts] = result


def _one(index: int):
    """The text of one cell, as a tuple (what a group of one column is keyed by)."""
    return lambda cells: (cells[index],)


def _cells_of(indexes) -> itemgetter:
    indexes = tuple(indexes)
    return itemgetter(*indexes) if len(indexes) > 1 else _one(indexes[0])


def _field_readers(schema: Schema) -> dict[str, tuple]:
    """Each field's reader: (its deserialize, a memo of what its texts gave, what an empty cell gives:
    (False, value) or (True, messages))."""
    fields = {}
    for name, field_obj in schema.load_fields.items():
        try:
            absent = (False, field_obj.deserialize(missing))
        except ValidationError as exc:
            absent = (True, exc.messages)
        fields[name] = (field_obj.deserialize, {}, absent)
    return fields
