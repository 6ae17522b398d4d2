"""Python's garbage collector, spared by a command-line process that does one large job and nothing else.

Python counts the container objects made (and not freed) and, every 700, looks at the newest ones;
every so many of those passes it looks at every object the process holds: the app, SQLAlchemy's and
marshmallow's classes, pycountry's tables, some 150,000 objects. An import keeping a tuple per row
sets those passes off again and again: a sixth of a 100,000-row import went there.

`collections_spared(threshold)` moves the objects alive before the job out of the collector's way
(`gc.freeze`) and lets it pass every `threshold` new objects instead of 700; all is as before when
the job ends. Garbage made meanwhile is still collected, in larger batches. It changes the whole
process, so only a process that runs nothing else uses it (`remit import`, `remit seed`): a server
never does. In a server, other threads' requests would go on while it held, and whatever they left
alive when it began (their garbage included) would be frozen out of every collection until it
ended; a plan a second kept that state almost always on, and the server's memory grew without end.
The servers freeze the app's own objects once, after it is built (remit/server.py).
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Container objects made (and not freed) between two passes over the newest, while an import runs.
IMPORT_GC_THRESHOLD = 20_000


@contextmanager
def collections_spared(threshold: int = IMPORT_GC_THRESHOLD) -> Iterator[None]:
    before = gc.get_threshold()
    froze = not gc.get_freeze_count()  # objects frozen by something else stay frozen
    if froze:
        gc.freeze()
    gc.set_threshold(max(before[0], threshold), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if froze:
            gc.unfreeze()
