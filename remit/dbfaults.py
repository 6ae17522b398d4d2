"""What went wrong with the database, in words an administrator can act on.

The page (in its language), the API and the command line all say the same: which fault it is, that nothing was saved
(every write of remit is one transaction, rolled back as a whole), and what to do.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError, OperationalError

# SQLite's result codes (Python ≥ 3.11 names them) and PostgreSQL's SQLSTATEs for each fault.
SQLITE = {
    "SQLITE_FULL": "full", "SQLITE_READONLY": "read_only", "SQLITE_BUSY": "busy", "SQLITE_LOCKED": "busy",
    "SQLITE_IOERR": "io", "SQLITE_CANTOPEN": "cannot_open", "SQLITE_CORRUPT": "corrupt", "SQLITE_NOTADB": "corrupt",
}
POSTGRES = {"53100": "full", "25006": "read_only", "55P03": "busy", "40001": "busy", "40P01": "busy", "58030": "io"}

MESSAGES = {
    "full": _l("The disk that holds the database is full, so nothing was saved. The data stored before "
               "is intact; an administrator needs to free space on the disk."),
    "read_only": _l("The database is read-only just now, so nothing was saved. Pages that only show data "
                    "still work; an administrator needs to make the database writable again."),
    "busy": _l("The database is busy with another change, so nothing was saved. Please try again in a "
               "moment."),
    "io": _l("The database could not write to its disk, so nothing was saved. An administrator needs to "
             "check the disk."),
    "cannot_open": _l("The database file cannot be opened. An administrator needs to check that it exists "
                      "and that remit may read and write it and its folder."),
    "corrupt": _l("The database file is damaged. Nothing was changed; an administrator needs to restore it "
                  "from a backup."),
    "unreachable": _l("The database is not reachable just now. Please try again in a minute."),
}


@dataclass(frozen=True)
class DatabaseFault:
    kind: str

    @property
    def message(self) -> str:
        """In the page's language (English outside a request)."""
        return str(MESSAGES[self.kind])

    @property
    def english(self) -> str:
        """For the API and the logs, which speak English."""
        with force_locale("en"):
            return str(MESSAGES[self.kind])


def describe(exc: BaseException) -> DatabaseFault | None:
    """The fault behind a database exception, or None when it is not one of the database's own
    (an InternalError that is not a read-only transaction, say, is a bug and is answered as one)."""
    if not isinstance(exc, DBAPIError):
        return None
    original = exc.orig
    name = getattr(original, "sqlite_errorname", None)
    if name:
        # Extended codes narrow a primary one: SQLITE_IOERR_WRITE is an SQLITE_IOERR.
        kind = SQLITE.get("_".join(name.split("_")[:2]))
        if kind:
            return DatabaseFault(kind)
    state = getattr(original, "sqlstate", None)
    if state in POSTGRES:
        return DatabaseFault(POSTGRES[state])
    if isinstance(exc, OperationalError):
        return DatabaseFault("unreachable")
    return None
