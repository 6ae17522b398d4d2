"""Content digests: how an import recognises, without validating its rows again nor loading the rows
in force, that part of a file (one product's fee table, one corridor-quarter's survey rows) is what is
stored already.

The digest is taken of the rows' text as the file writes them (`TextGroups`), in an order that depends
neither on the rows' nor on the columns'. An applied import keeps it with the number and the highest id
of the rows in force just after (`ContentDigest`); it counts only while those two are unchanged, which a
cheap aggregate query tells. Rows are never updated in place, only added or retired, so any change
since (another import, a revert) shows there. The same text read by the same rules gives the same
values, so a later file whose part has the same digest changes nothing there; a part written otherwise
(2.00 for 2.0) is validated and compared, and found unchanged that way.
"""
from __future__ import annotations

from hashlib import blake2b as _blake2b
from operator import itemgetter

from sqlalchemy import case, delete, func, select

from ..extensions import db
from ..models import ContentDigest
from .batches import chunks
from .bulk import BulkInsert


def stored(kind: str, corridor_id: int) -> dict[str, tuple[str, int, int]]:
    """subject → (digest, rows, last id) for one corridor."""
    return {subject: (digest, rows, last_id) for subject, digest, rows, last_id in db.session.execute(
        select(ContentDigest.subject, ContentDigest.digest, ContentDigest.rows, ContentDigest.last_id)
        .where(ContentDigest.kind == kind, ContentDigest.corridor_id == corridor_id))}


def replace(kind: str, corridor_id: int, entries: dict[str, tuple[str, int, int]]) -> None:
    """Store subject → (digest, rows, last id) for one corridor, replacing what was stored for them."""
    if not entries:
        return
    of_corridor = (ContentDigest.kind == kind, ContentDigest.corridor_id == corridor_id)
    if db.session.execute(select(ContentDigest.id).where(*of_corridor).limit(1)).first() is not None:
        for subjects in chunks(sorted(entries)):
            db.session.execute(delete(ContentDigest).where(*of_corridor, ContentDigest.subject.in_(subjects)))
    BulkInsert(ContentDigest.__table__, ("kind", "corridor_id", "subject", "digest", "rows", "last_id")).write(
        (kind, corridor_id, subject, digest, rows, last_id) for subject, (digest, rows, last_id) in sorted(entries.items()))


def in_force_stamps(model, group_column, ids_column, where) -> dict:
    """group → (rows in force, highest id) for the rows of `model` that `where` selects.

    Whether a row is in force is counted, not filtered: with `retired_by_import_id IS NULL` in the WHERE
    clause SQLite (which keeps no statistics unless asked) walks that column's index, every row in force
    of the table, instead of the index `where` names."""
    in_force = model.retired_by_import_id.is_(None)
    rows = db.session.execute(
        select(group_column, func.sum(case((in_force, 1), else_=0)), func.max(case((in_force, ids_column))))
        .where(*where).group_by(group_column))
    return {group: (count, highest) for group, count, highest in rows if count}


def any_stored(kind: str) -> bool:
    return db.session.execute(select(ContentDigest.id).where(ContentDigest.kind == kind).limit(1)).first() is not None


class TextGroups:
    """The digest of each group's rows (a corridor's, a corridor-quarter's) as the file writes them.

    A row is taken as the text of every column the importer knows, in the importer's order, an absent
    column being an empty cell (which is what it means): the same rows give the same digest whatever
    the order of the columns or of the rows. Each row costs 16 bytes until the file is read.
    """

    def __init__(self, positions: dict[str, int], names: list[str]):
        present = [positions[name] for name in names if name in positions]
        self.width = (max(present) if present else 0) + 2
        blank = self.width - 1  # always an empty cell once a row is padded to the width
        self.getter = itemgetter(*(positions.get(name, blank) for name in names), blank)
        # The file's columns are the importer's, in its order (and no more): a row is its cells as they are.
        self.as_read = [positions.get(name) for name in names] == list(range(len(names)))
        self.separators = len(names)
        self.lines: dict = {}

    def add(self, group, cells: list[str]) -> None:
        self.add_to(self.group(group), cells)

    def group(self, group) -> list[bytes]:
        """The list a group's rows go to (`add_to`): looked up once, for rows that name the same group."""
        found = self.lines.get(group)
        if found is None:
            found = self.lines[group] = []
        return found

    def add_to(self, lines: list[bytes], cells: list[str]) -> None:
        if self.as_read and len(cells) == self.separators:
            line = "\x1f".join(cells) + "\x1f"  # as below: the cells, then the blank one
            if line.count("\x1f") == self.separators:
                lines.append(_blake2b(line.encode("utf-8", "surrogatepass"), digest_size=16).digest())
                return
        if len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        values = self.getter(cells)
        line = "\x1f".join(values)
        if line.count("\x1f") != self.separators:  # a cell holds the separator: write the row unambiguously
            line = repr(values)
        lines.append(_blake2b(line.encode("utf-8", "surrogatepass"), digest_size=16).digest())

    def digest(self, group) -> str:
        # One update with the lines joined is the same hash as one update per line, in fewer calls.
        return _blake2b(b"".join(sorted(self.lines.get(group, ()))), digest_size=24).hexdigest()

    def count(self, group) -> int:
        return len(self.lines.get(group, ()))
