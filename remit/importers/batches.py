"""Many items a batch at a time: the ids of an `IN (…)` list, the rows of one write."""
from __future__ import annotations

from itertools import islice

# Items of an `IN (…)` list: well within every database's limit on a statement's parameters.
CHUNK = 500


def chunks(items, size: int = CHUNK):
    """Lists of at most `size` items, taken from any iterable as they are needed."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
