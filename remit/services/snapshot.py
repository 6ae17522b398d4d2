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

_current: ContextVar[Session | None] = ContextVar("remit_snapshot", default=None)

T = TypeVar("T")


def reads() -> Session:
    """The session the services read through: the current snapshot's, else the request's own."""
    return _current.get() or db.session


def active() -> bool:
    return _current.get() is not None


@contextmanager
def snapshot() -> Iterator[Session]:
    """Run the enclosed reads of the services in one consistent view of the database."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    engine = db.engine
    if isinstance(engine.pool, (StaticPool, SingletonThreadPool)):
        # An in-memory SQLite database has a single connection, shared with the request's session:
        # there is no other writer to be isolated from.
        yield db.session
        return
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # Not marked READ ONLY: that would leave the pooled connection starting every later
            # transaction with an explicit READ WRITE, which a standby server refuses. Nothing writes
            # here anyway: the transaction is rolled back.
            connection.execution_options(isolation_level="REPEATABLE READ")
        elif connection.dialect.name == "sqlite":
            # The driver opens no transaction for a SELECT; this one lasts until the rollback below.
            connection.exec_driver_sql("BEGIN")
        session = Session(bind=connection, autoflush=False, expire_on_commit=False)
        token = _current.set(session)
        try:
            yield session
        finally:
            _current.reset(token)
            session.close()
            connection.rollback()


def consistent(func: Callable[..., T]) -> Callable[..., T]:
    """Decorate a service function so that all its reads come from one snapshot."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with snapshot():
            return func(*args, **kwargs)
    return wrapper
