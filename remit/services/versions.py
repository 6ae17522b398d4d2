"""The version of remit's data: it changes with every applied import (and with the date, since fee
tables and rates are chosen by date). Read from the database, so every app process agrees on it."""
from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEvent, ImportRun
from .snapshot import reads, within


# Changes made in the admin pages that change prices: a provider edited, an observed price published.
VERSIONED_ACTIONS = ("provider changed", "observation approved")

# One round trip: the import log's last id, count and finish time, and the last provider edit.
_VERSION_QUERY = select(
    func.max(ImportRun.id), func.count(ImportRun.id), func.max(ImportRun.finished_at),
    select(func.max(AuditEvent.id)).where(AuditEvent.action.in_(VERSIONED_ACTIONS)).scalar_subquery())


class Version(str):
    """A data version as a cache key holds it: the text, and the day it is the version of."""

    __slots__ = ("day",)

    def __new__(cls, text: str, day: str):
        version = super().__new__(cls, text)
        version.day = day
        return version


def data_version(on: dt.date | None = None) -> Version:
    """Changes with every import (its id, the count, and when the latest one finished), every edit of a
    provider in the admin pages, every observed price approved, and the date. Read once per snapshot
    (a page's answer reads it for its quotes, its statistics and its chart: one state, one version)."""
    day = (on or dt.date.today()).isoformat()
    return within(("data version", day), lambda: _read_version(day))


def _read_version(day: str) -> Version:
    # On the session's connection: the ORM layer adds nothing to a query of plain columns.
    last, count, finished, edits = reads().connection().execute(_VERSION_QUERY).one()
    return Version(f"{last}:{count}:{finished}:{edits}:{day}", day)


class VersionedCache:
    """A small LRU of values built from the database, keyed with the data version.

    A process never serves a value built before an import made through another process: the key
    holds the version read from the database on each request. A value kept for a version is let go as
    soon as a value for a newer version of the same day is kept (nobody asks for the old one again):
    a server that sees an import every few minutes keeps the values of the data it serves, not those
    of every version until the LRU pushes them out. A value is built by one thread at a
    time: the others that ask for it meanwhile wait for that one, instead of each building it again
    (after an import every key is new, and the threads of a busy server would otherwise all build the
    same corridor summaries at once).
    """

    def __init__(self, size: int = 256, *, budget: int | None = None, weigh: Callable[[Any], int] = len):
        """At most `size` values and, when `budget` is given, values whose `weigh` sums to at most it
        (the least recently used go first), so what a client asks for cannot grow memory without bound."""
        self.size, self.budget, self.weigh = size, budget, weigh
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._weights: dict[tuple, int] = {}
        self._weight = 0
        self._lock = threading.Lock()
        self._building: dict[tuple, threading.Lock] = {}  # key -> held while one thread builds its value
        self._current: dict[tuple, Version] = {}  # (database, day) -> the version last kept for that day
        self._by_version: dict[tuple, set[tuple]] = {}  # (database, version) -> the keys kept for it

    def get(self, key: tuple, build: Callable[[], Any]) -> Any:
        full_key = (str(db.engine.url), *key)
        with self._lock:
            if full_key in self._items:
                self._items.move_to_end(full_key)
                return self._items[full_key]
            building = self._building.get(full_key)
            if building is None:
                building = self._building[full_key] = threading.Lock()
                building.acquire()
                builder = True
            else:
                builder = False
        if not builder:
            with building:  # wait for the thread that builds it
                pass
            with self._lock:
                if full_key in self._items:
                    self._items.move_to_end(full_key)
                    return self._items[full_key]
            return build()  # it failed, or was not kept (too large): build it here
        try:
            return self._build(full_key, build)
        finally:
            with self._lock:
                del self._building[full_key]
            building.release()

    def _build(self, full_key: tuple, build: Callable[[], Any]) -> Any:
        value = build()
        weight = self.weigh(value) if self.budget is not None and value is not None else 0
        if self.budget is not None and weight > self.budget:
            return value  # larger than the whole cache: answered, not kept
        with self._lock:
            if full_key in self._items:
                self._weight -= self._weights.pop(full_key, 0)
            self._items[full_key] = value
            self._weights[full_key] = weight
            self._weight += weight
            self._file(full_key)
            while len(self._items) > self.size or (self.budget is not None and self._weight > self.budget):
                old_key, _ = self._items.popitem(last=False)
                self._drop(old_key)
        return value

    def _file(self, full_key: tuple) -> None:
        """Note the key under its version; a newer version of the same day lets the older one's go."""
        version = next((part for part in full_key if isinstance(part, Version)), None)
        if version is None:
            return
        day = (full_key[0], version.day)
        current = self._current.get(day)
        if current != version:
            for old_key in self._by_version.pop((full_key[0], current), ()):
                self._items.pop(old_key, None)
                self._weight -= self._weights.pop(old_key, 0)
            self._current[day] = version
        self._by_version.setdefault((full_key[0], version), set()).add(full_key)

    def _drop(self, full_key: tuple) -> None:
        self._weight -= self._weights.pop(full_key, 0)
        version = next((part for part in full_key if isinstance(part, Version)), None)
        if version is not None:
            self._by_version.get((full_key[0], version), set()).discard(full_key)

    def peek(self, key: tuple) -> Any:
        """The value kept for the key, or None; builds nothing."""
        full_key = (str(db.engine.url), *key)
        with self._lock:
            return self._items.get(full_key)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weights.clear()
            self._weight = 0
            self._current.clear()
            self._by_version.clear()
