"""What a reconciliation yields: each wire's and each member's result, the cycle's, and the flags
it raises (`reconciliation` works them out, `flags` finds what does not add up)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..messages import Message
from .entries import ZERO, PlannedTransfer, Wire


@dataclass(frozen=True)
class Flag:
    """Something in the cycle that does not add up, or is not recorded yet, said in a sentence."""

    code: str
    message: Message
    ref: str | None = None
    wire: int | None = None  # 1-based


@dataclass(frozen=True)
class WireResult:
    number: int
    wire: Wire
    principal: Decimal
    deducted: Decimal  # in the send currency, exact
    fx_cost: Decimal  # exact
    cost: Decimal  # fee + coordinator fee + deductions + FX, exact
    effective_rate: Decimal  # credited per unit of the principal
    planned: PlannedTransfer | None
    cost_difference: Decimal | None  # against the planned transfer's, rounded
    credited_difference: Decimal | None


@dataclass(frozen=True)
class MemberResult:
    ref: str
    amount: Decimal
    contributed: Decimal  # as received
    planned_contribution: Decimal
    fees_on_top: Decimal | None  # the actual fees on top, rounded (None until a wire is recorded)
    balance: Decimal | None  # contributed − (amount + fees_on_top): + to refund, − still owed
    exact_share: Decimal | None
    share: Decimal | None  # of the actual cost, rounded
    planned_share: Decimal | None
    share_difference: Decimal | None  # share − planned share
    expected_payout: Decimal | None  # in the receive currency
    planned_receive: Decimal | None
    paid: Decimal  # paid to the family
    pending: Decimal
    returned: Decimal
    today_cost: Decimal | None
    cheapest_cost: Decimal | None
    saving_vs_today: Decimal | None
    saving_vs_cheapest: Decimal | None


@dataclass
class Reconciliation:
    members: list[MemberResult]
    wires: list[WireResult]
    contributed: Decimal
    planned_contributions: Decimal
    principal: Decimal
    debited: Decimal
    fees_on_top: Decimal  # exact: bank fees + coordinator fees
    deducted: Decimal  # exact, send currency
    distribution: Decimal  # exact, send currency at the mid-market rate
    fx_cost: Decimal  # exact
    cost_exact: Decimal
    cost: Decimal | None  # rounded; the members' shares sum to it (None until a wire is recorded)
    planned_cost: Decimal | None
    credited: Decimal
    distribution_fees: Decimal  # in the receive currency
    expected_paid_out: Decimal | None
    paid_out: Decimal
    pending: Decimal
    returned: Decimal
    left_to_settle: Decimal | None  # contributed − what the wires and the coordinator took
    taken: Decimal = ZERO  # what the wires and the coordinator took: debited + a coordinator's fee a wire
    flags: list[Flag] = field(default_factory=list)

    @property
    def settled(self) -> bool:
        return bool(self.wires) and not self.flags
