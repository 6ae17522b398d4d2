"""Corrections: the entries of a completed cycle never change; a correction is a new entry that
supersedes an old one (or voids it). `current` gives the entries in force."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """A stored entry: its id, the entry it supersedes (a correction), and whether it voids it."""

    id: int
    supersedes: int | None = None
    void: bool = False


def current(entries: Sequence[Entry]) -> list[int]:
    """The ids of the entries in force, in their order: an entry superseded by a later one is not,
    nor is a voiding entry itself."""
    superseded = {e.supersedes for e in entries if e.supersedes is not None}
    return [e.id for e in entries if e.id not in superseded and not e.void]
