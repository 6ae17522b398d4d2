"""What a cycle holds: its terms, its members as the plan has them, and the entries recorded as
things happened (contributions, wires, payouts), with the transfers the plan expected."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..errors import Conflict, RemitError


ZERO = Decimal(0)


class LedgerError(RemitError):
    """An entry that cannot be recorded as given; `field` names the input at fault."""


class CycleLocked(Conflict):
    """A completed cycle: its entries are kept as they are; corrections are new entries."""


# --- What a cycle holds --------------------------------------------------------------------------

@dataclass(frozen=True)
class CycleTerms:
    currency: str  # the send currency
    receive_currency: str
    minor_unit: int
    receive_minor_unit: int
    allocation: str
    reference_rate: Decimal  # mid-market, receive-currency units per send-currency unit, on the cycle's day
    distribution_fee: Decimal = ZERO  # per member, in the receive currency, out of the collective account
    coordinator_fee: Decimal = ZERO  # per wire, in the send currency, on top


@dataclass(frozen=True)
class CycleMember:
    """A member as the cycle's plan has them: the amount to send, what the plan expected them to hand
    over and pay, and what sending alone would have cost them on the cycle's day."""

    ref: str
    amount: Decimal
    planned_fees_on_top: Decimal = ZERO
    planned_share: Decimal | None = None
    planned_receive: Decimal | None = None
    today_cost: Decimal | None = None  # the service they use today, priced on the cycle's day
    cheapest_cost: Decimal | None = None  # their cheapest way alone, priced on the cycle's day

    @property
    def planned_contribution(self) -> Decimal:
        return self.amount + self.planned_fees_on_top


@dataclass(frozen=True)
class Contribution:
    ref: str
    amount: Decimal
    method: str = "cash"
    receipt: str = ""
    received_on: dt.date | None = None


@dataclass(frozen=True)
class Wire:
    debited: Decimal  # from the group's account, in the send currency, the bank's fee included
    fee: Decimal  # the sending bank's fee, in the send currency
    currency_sent: str
    applied_rate: Decimal  # units of the currency sent per unit of the send currency
    intermediary: Decimal  # deducted by correspondent banks, in the currency sent
    receiving_fee: Decimal  # deducted by the receiving bank, in the currency sent
    credited: Decimal  # to the collective account, in the receive currency
    reference: str = ""
    executed_on: dt.date | None = None

    @property
    def principal(self) -> Decimal:
        """What the wire carries, in the send currency: the amount debited less the fee."""
        return self.debited - self.fee

    @property
    def sent(self) -> Decimal:
        """What the wire carries in the currency it travels in (exact)."""
        return self.principal * self.applied_rate

    @property
    def deductions(self) -> Decimal:
        """What the banks on the way took, in the currency sent."""
        return self.intermediary + self.receiving_fee

    @property
    def arrived(self) -> Decimal:
        """What reached the receiving bank, in the currency sent, after the deductions (exact)."""
        return self.sent - self.deductions

    @property
    def deducted(self) -> Decimal:
        """The deductions in the send currency, at the bank's applied rate (exact)."""
        return (self.intermediary + self.receiving_fee) / self.applied_rate


@dataclass(frozen=True)
class Payout:
    ref: str
    amount: Decimal  # in the receive currency
    status: str = "paid"
    paid_on: dt.date | None = None


@dataclass(frozen=True)
class PlannedTransfer:
    amount: Decimal
    fee: Decimal
    deducted: Decimal
    credited: Decimal | None
