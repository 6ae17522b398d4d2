"""What a bundle plan takes (the members, their ways to send alone, the terms) and what it gives
(the transfers, each member's result, the days, the curve of group sizes, the plan)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..messages import Message


class BundleError(ValueError):
    """The bundle cannot be planned as asked; the message says why, `field` names the input at fault."""

    field = "members"


class NoBulkProduct(BundleError):
    field = "bulk_product"


class TooManyTransfers(BundleError):
    """The cap per transfer would split the group's total into more transfers than a plan holds."""

    field = "max_transfer"

    def __init__(self, message, smallest_cap: Decimal):
        super().__init__(message)
        self.smallest_cap = smallest_cap


# --- What goes in --------------------------------------------------------------------------------

@dataclass(slots=True)
class Option:
    """A way for one member to send alone: what it costs (exact, RPW) and what the family receives.
    Never changed once made; not declared frozen, which is slower to make (two for each of a thousand
    members), as Member and MemberResult."""

    label: str
    cost: Decimal
    key: str | None = None
    receive_amount: Decimal | None = None
    warnings: tuple[str, ...] = ()


@dataclass(slots=True)
class Member:
    ref: str
    amount: Decimal
    cheapest: Option | None = None  # the cheapest way alone that discloses its rate
    today: Option | None = None  # the service the member uses today, when named


@dataclass(frozen=True)
class Terms:
    minor_unit: int
    receive_minor_unit: int = 2
    currency: str = ""  # the send currency's code, for the plan's sentences
    max_transfer: Decimal | None = None  # the sending bank's limit; None: the product's largest band
    reporting_threshold: Decimal | None = None  # in the send currency; None where no rule is known
    distribution_fee: Decimal = Decimal(0)  # per member, out of the collective account
    coordinator_fee: Decimal = Decimal(0)  # per transfer, on top
    incoming_fee: Decimal = Decimal(0)  # per transfer, deducted by the receiving bank
    intermediary_fee: Decimal = Decimal(0)  # per transfer, deducted by correspondent banks
    allocation: str = "pro_rata"
    transfers_per_year: int | None = None
    max_transfers: int = 1000  # transfers one plan may hold (remit.inputs.MAX_TRANSFERS)
    max_group: int = 1000  # the largest group the break-even search and the paying sizes consider
    transfer_days: int = 1  # the days the coordinator makes the transfers on (one, unless they choose more)


# --- What comes out ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Transfer:
    amount: Decimal
    service_key: str
    fee: Decimal
    fx_cost: Decimal
    coordinator_fee: Decimal
    incoming_fee: Decimal
    intermediary_fee: Decimal
    reportable: bool  # its day's transfers together reach the reporting threshold (schedule())
    applied_rate: Decimal | None
    credited: Decimal | None  # what reaches the collective account, in the receive currency
    day: int = 1  # the day (1, 2…) of the plan it is made on

    @property
    def on_top(self) -> Decimal:
        return self.fee + self.coordinator_fee

    @property
    def deducted(self) -> Decimal:
        return self.incoming_fee + self.intermediary_fee

    @property
    def cost(self) -> Decimal:
        return self.on_top + self.fx_cost + self.deducted


@dataclass(slots=True)
class MemberResult:
    ref: str
    amount: Decimal
    joins: bool
    share: Decimal | None  # what joining costs, rounded; None for a member who sends alone
    exact_share: Decimal | None
    fees_on_top: Decimal | None  # added to the amount when handing it over
    receive_amount: Decimal | None  # what the family is paid, in the receive currency
    individual_cost: Decimal | None  # the cheapest way alone, rounded
    individual_option: str | None
    saving: Decimal | None  # against the cheapest way alone
    saving_pct: Decimal | None
    current_option: str | None = None
    current_cost: Decimal | None = None
    saving_vs_current: Decimal | None = None  # joining (or, for one who sends alone, switching) against today
    saving_vs_current_pct: Decimal | None = None
    reason: Message | None = None
    warnings: tuple[str, ...] = ()

    @property
    def contribution(self) -> Decimal | None:
        return None if self.fees_on_top is None else self.amount + self.fees_on_top


@dataclass(frozen=True)
class TransferDay:
    """The transfers made on one day of the plan: how many, their total, and whether the bank reports
    them (their total reaches the threshold: the bank adds up one person's transfers within 24 hours)."""

    day: int
    transfers: int
    total: Decimal
    reportable: bool


@dataclass(frozen=True)
class CurvePoint:
    members: int
    bundled_per_member: Decimal
    individual_per_member: Decimal | None
    saving_per_member: Decimal | None
    total_saving: Decimal | None


@dataclass
class BundlePlan:
    transfers: list[Transfer]
    members: list[MemberResult]
    bulk_key: str | None
    applied_rate: Decimal | None
    reference_rate: Decimal | None
    bundle_cost: Decimal  # rounded; the joining members' shares sum to it exactly
    transfer_fees: Decimal  # the bank's fees for the transfers
    coordinator_fees: Decimal
    fees_on_top: Decimal
    fx_cost: Decimal
    deducted: Decimal
    distribution_fees: Decimal
    sent: Decimal
    credited: Decimal | None
    paid_out: Decimal | None  # the families' payouts, which sum to it exactly
    individual_total: Decimal
    bundled_total: Decimal
    saving: Decimal
    saving_pct: Decimal | None
    current_total: Decimal | None
    saving_vs_current: Decimal | None
    saving_vs_current_pct: Decimal | None
    break_even_members: int | None
    paying_sizes: list[tuple[int, int]]  # group sizes (first, last) at which members sending the mean gain
    mean_amount: Decimal
    yearly_saving: Decimal | None
    yearly_saving_vs_current: Decimal | None
    curve: list[CurvePoint]
    verdict: list[Message] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    days: list[TransferDay] = field(default_factory=list)
    reporting_threshold: Decimal | None = None  # in the send currency; None where no rule is known
