"""The season ledger: what really happened to a pooled transfer, reconciled with its plan, and each
worker's statement for the season.

A cycle is one pooled transfer of a group, made from its plan. What happened is recorded as entries:
- each member's **contribution** as received (amount, method, receipt);
- each **wire** as the bank executed it: the amount debited from the group's account (the bank's fee
  included), the fee, the currency the wire travels in and the rate the bank applied to reach it
  (1 when it travels in the send currency), what intermediary banks and the receiving bank deducted
  (in the currency sent), and the amount credited to the collective account in the receive currency;
- each family's **payout** (amount, date, status: pending, paid or returned).

What the cycle really cost is measured as the World Bank measures a remittance, with the mid-market
reference rate of the cycle's day:

    cost = what left the members' hands for the wires (debited + the coordinator's fees)
           − what the families get (credited − the distribution fees), at the mid-market rate.

Its parts, in the send currency: the fees on top (the bank's fee and the coordinator's fee), the
deductions on the way (their amount in the currency sent, at the bank's applied rate), the
distribution fees (at the mid-market rate), and the exchange-rate cost, which is the rest (every
margin the conversions took). The cost is split as the plan splits it, by the same function
(`bundling.split_exact`): the fixed fees (on top and deducted) by the group's rule (`pro_rata` by
amount, or `equal`), the exchange-rate cost in proportion to each member's amount, a distribution
fee each.

Rounding, stated once: the cycle's cost is rounded half up to the minor unit; each member's share is
its exact part rounded down, and the units left over go one each to the largest remainders, ties to
the references in alphabetical order (`bundling.apportion`). So the shares add up exactly to the
cost, no share is more than one unit from its exact value, and the order of the list never matters.
The families' expected payouts are apportioned the same way in the receive currency and add up
exactly to what was credited less the distribution fees.

Entries of a completed cycle never change: a correction is a new entry that supersedes an old one
(or voids it), with its reason; `current` gives the entries in force.

Every function here is pure: Decimal in, Decimal out. The package, by concept: `entries` (what a
cycle holds), `checks` (entries refused whole), `corrections` (entries in force), `reconciliation`
(what it cost and who pays what), `results` (what it yields), `flags` (what does not add up) and
`statements` (the season).
"""

from __future__ import annotations

from .checks import (check_completion, check_confirmation, check_contribution, check_members, check_open,
                     check_payout, check_terms, check_wire, check_wires_funded)
from .corrections import Entry, current
from .entries import (Contribution, CycleLocked, CycleMember, CycleTerms, LedgerError, Payout, PlannedTransfer,
                      Wire)
from .flags import flags
from .reconciliation import reconcile, wire_result
from .results import Flag, MemberResult, Reconciliation, WireResult
from .statements import CycleHeading, Season, Statement, StatementLine, season, statement

__all__ = ["Contribution", "CycleHeading", "CycleLocked", "CycleMember", "CycleTerms", "Entry", "Flag", "LedgerError",
           "MemberResult", "Payout", "PlannedTransfer", "Reconciliation", "Season", "Statement", "StatementLine",
           "Wire", "WireResult", "check_completion", "check_confirmation", "check_contribution", "check_members",
           "check_open", "check_payout", "check_terms", "check_wire", "check_wires_funded", "current", "flags",
           "reconcile", "season", "statement", "wire_result"]
