"""Python's garbage collector, spared while a large piece of work makes many objects it keeps.

Python counts the container objects made (and not freed) and, every 700, looks at the newest ones;
every so many of those passes it looks at every object the process holds: the app, SQLAlchemy's and
marshmallow's classes, pycountry's tables, some 150,000 objects. An import keeping a tuple per row,
or a plan keeping a dozen objects for each of a thousand members, sets those passes off again and
again: a sixth of a 100,000-row import went there, a tenth of a 1,000-member plan.

While such work runs, `collections_spared(threshold)` moves the objects alive before it out of the
collector's way (`gc.freeze`) and lets it pass every `threshold` new objects instead of 700; when
the last such work in the process ends, all is as before. Garbage made meanwhile is still collected
(memory stays bounded), only in larger batches. Work running at once in several threads shares one
setting (the highest threshold asked); objects frozen by something else (a server that froze its
preloaded app, say) are left frozen.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_inside: list[int] = []  # the thresholds asked by the work now running
_before: tuple[int, ...] = ()  # the collector's thresholds before the first of them began
_froze = False  # whether the first of them froze the objects (none were frozen before)


@contextmanager
def collections_spared(threshold: int) -> Iterator[None]:
    global _before, _froze
    with _lock:
        if not _inside:
            _before = gc.get_threshold()
            _froze = not gc.get_freeze_count()
            if _froze:
                gc.freeze()
        _inside.append(threshold)
        gc.set_threshold(max(_before[0], *_inside), *_before[1:])
    try:
        yield
    finally:
        with _lock:
            _inside.remove(threshold)
            if _inside:
                gc.set_threshold(max(_before[0], *_inside), *_before[1:])
            else:
                gc.set_threshold(*_before)
                if _froze:
                    gc.unfreeze()
