"""The season ledger's use cases: a cycle made from a group's plan, what really happened recorded as
entries, reconciliation, statements, retention and the auditor's export.

Every change is checked by the domain first (remit/domain/ledger) and refused whole; every change
is written to the audit log with who made it and the figures before and after, and never with
personal data (members are named there by their position in the cycle, not by their reference).
Callers commit once, at the edge.

The package, by concept: `records` (what comes in and goes out, loading), `cycles` (a cycle made
from a plan), `typed` (checks of what is typed, what the audit log says), `recording` (entries while
a cycle is open), `corrections` (after completion), `seasons`, `retention` and `export`.
"""

from __future__ import annotations

from .corrections import correct
from .cycles import CycleEntries, create_cycle, record_cycle
from .export import audit_export
from .records import (ENTRY_KINDS, ContributionInput, Correction, CycleRecord, PayoutInput, WireInput, cycles_of,
                      group_row, groups_with_cycles, load, source_json, source_of, terms_of)
from .recording import (Confirmation, add_wire, add_wires, complete, planned_wire, record_confirmation,
                        record_contributions, record_payouts, remove_wire, set_distribution_fee)
from .retention import erase_expired, retention_cutoff
from .seasons import SEASON_COLUMNS, SeasonRecord, season_of, season_rows, seasons_of

__all__ = ["ContributionInput", "Confirmation", "Correction", "CycleRecord", "ENTRY_KINDS", "PayoutInput",
           "SeasonRecord", "WireInput", "CycleEntries", "SEASON_COLUMNS", "add_wire", "add_wires", "audit_export",
           "complete", "correct", "create_cycle", "cycles_of", "erase_expired", "planned_wire", "record_confirmation",
           "group_row", "groups_with_cycles", "load", "record_contributions", "record_payouts", "remove_wire",
           "record_cycle", "retention_cutoff", "season_of", "season_rows", "seasons_of", "set_distribution_fee",
           "source_json", "source_of", "terms_of"]
