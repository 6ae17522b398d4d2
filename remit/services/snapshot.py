"""Answers read from one state of the database, never a mix of the states before and after an import.

An answer (a corridor's quotes, its statistics, a provider's products) takes several queries: the data
version, the rates, the products, their fee tiers, the survey rows. Each import commits in one
transaction, but under PostgreSQL's default READ COMMITTED each query sees what was committed when
*it* started, and SQLite's driver runs a lone SELECT outside any transaction: an import committing
between two of the queries would give quotes with the new fee of one product and the old list of
products. Inside `snapshot()` the services read through one connection in one transaction, rolled back
at the end:

- PostgreSQL: REPEATABLE READ. Every query sees the snapshot taken at the first one;
  imports go on and commit meanwhile.
- SQLite: an explicit (deferred) BEGIN. The shared lock taken by the first query is held to the end,
  so an import's commit waits for the reads (a few milliseconds; the driver waits up to its busy
  timeout) and the reads see one state.

The services read through `reads()`: the snapshot's session inside a snapshot, else the request's.
Inside a snapshot nothing reads through another connection (the request's `db.session`): on SQLite
that read would wait for an import's commit, which waits for the snapshot's own lock to go, until
the driver's busy timeout ends both (a whole page wrapped in a snapshot met it under load).
Snapshots nest: an inner one joins the outer, so a page that shows quotes and statistics reads both
from the same state.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from sqlalchemy.orm import Session
from sqlalchemy.pool import SingletonThreadPool, StaticPool

from ..extensions import db

class _Snapshot:
    """One snapshot's connection and session, opened at the first read: an answer found in memory
    costs no connection at all."""

    def __init__(self):
        self._connection = None
        self._session: Session | None = None
        self.memo: dict = {}  # what is read once per snapshot (the data version)

    @property
    def session(self) -> Session:
        if self._session is None:
            connection = db.engine.connect()
            try:
                if connection.dialect.name == "postgresql":
                    # Not marked READ ONLY: that would leave the pooled connection starting every later
                    # transaction with an explicit READ WRITE, which a standby server refuses. Nothing
                    # writes here anyway: the transaction is rolled back.
                    connection.execution_options(isolation_level="REPEATABLE READ")
                elif connection.dialect.name == "sqlite":
                    # The driver opens no transaction for a SELECT; this one lasts until close().
                    connection.exec_driver_sql("BEGIN")
            except BaseException:
                connection.close()
                raise
            self._connection = connection
            self._session = Session(bind=connection, autoflush=False, expire_on_commit=False)
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            try:
                self._connection.rollback()
            finally:
                self._connection.close()
            self._session = self._connection = None


_current: ContextVar[_Snapshot | None] = ContextVar("remit_snapshot", default=None)

T = TypeVar("T")


def reads() -> Session:
    """The session the services read through: the current snapshot's, else the request's own."""
    current = _current.get()
    return current.session if current is not None else db.session


@contextmanager
def snapshot() -> Iterator[None]:
    """Run the enclosed reads of the services (through `reads()`) in one consistent view of the
    database. The connection is taken at the first read and given back at the end."""
    if _current.get() is not None or isinstance(db.engine.pool, (StaticPool, SingletonThreadPool)):
        # Inside a snapshot already; or an in-memory SQLite database, whose single connection is
        # shared with the request's session: there is no other writer to be isolated from.
        yield
        return
    current = _Snapshot()
    token = _current.set(current)
    try:
        yield
    finally:
        _current.reset(token)
        current.close()


def within(key, read: Callable[[], T]) -> T:
    """`read()` once per snapshot: inside one, a second call for the same key answers what the first
    read (one state of the database, one answer); outside any, it reads every time."""
    current = _current.get()
    if current is None:
        return read()
    if key not in current.memo:
        current.memo[key] = read()
    return current.memo[key]


def consistent(func: Callable[..., T]) -> Callable[..., T]:
    """Decorate a service function so that all its reads come from one snapshot."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with snapshot():
            return func(*args, **kwargs)
    return wrapper
