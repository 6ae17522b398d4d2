"""Bundling: seasonal workers pool their remittances into one bank transfer to a collective account
at home, split its cost fairly, and each family is paid its share from that account.

The money, as it really moves:
1. each member hands the coordinator the amount they send home and their part of the fees paid on
   top (the bank's transfer fee and the coordinator's fee), split by the group's rule;
2. the coordinator's bank sends the pooled amounts in as few transfers as the bank's limit allows
   (its largest band, or `max_transfer`) and converts them at its rate (its FX margin against the
   mid-market reference rate);
3. on the way, intermediary (correspondent) banks and the receiving bank deduct their fees;
4. the receiving bank or cooperative pays each family out of the collective account, less a
   distribution fee per member.

What a member's participation costs is measured as the World Bank measures a remittance (RPW): the
fees plus the FX margin on the amount sent. The FX margin falls on each member's own money; the fixed
fees (on top and deducted) are split `pro_rata` (by amount) or `equal`; each member pays their own
distribution fee. Shares are rounded to the minor unit by largest remainder, so they add up exactly
to the bundle's cost; the families' payouts likewise add up exactly to what the transfers deliver
less the distribution fees.

Nobody pays more in the bundle than their cheapest way to send alone: members for whom joining does
not pay are left out, one round at a time, until everyone left gains, and each is told why. The
bank reports large transfers (Canada: CAD 10,000 or more, and it adds up the transfers by or for the
same person within 24 hours): a plan splits only to fit the bank's limit, never to stay under that
threshold. Its transfers are made by one person (the coordinator) on one day, unless the coordinator
chooses several days: every transfer of a day whose transfers together reach the threshold is marked
reportable, and the plan says so and gives the day's total.

Gains do not always grow with the group: a total past the bank's limit needs another transfer, whose
fees can cost more than the group saves. The plan gives every group size that pays (paying_sizes) as
ranges, and its verdict says which applies to this group, and why.

Every function here is pure: Decimal in, Decimal out; plan() is a sequence of small named steps.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from operator import attrgetter

from .messages import Amount, Message, msg, msgn
from .money import HUNDRED, round_down, round_money, round_up, unit
from .pricing import Service, band_for, quote
from .vocabulary import ALLOCATIONS


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


# --- Transfers -----------------------------------------------------------------------------------

def split(total: Decimal, parts: int, minor_unit: int) -> list[Decimal]:
    """`total` in `parts` amounts that differ by at most one minor unit and sum to it exactly."""
    return [amount for amount, times in split_counts(total, parts, minor_unit) for _ in range(times)]


def split_counts(total: Decimal, parts: int, minor_unit: int) -> tuple[tuple[Decimal, int], tuple[Decimal, int]]:
    """split(), as its two amounts (the larger first) each with how many of the parts it is."""
    step = unit(minor_unit)
    units = int((total / step).to_integral_value(ROUND_FLOOR))
    base, extra = divmod(units, parts)
    return ((base + 1) * step, extra), (base * step, parts - extra)


def transfers_needed(total: Decimal, cap: Decimal) -> int:
    return int((total / cap).to_integral_value(ROUND_CEILING))


_largest: dict[int, tuple[Service, Decimal]] = {}  # by id(service), while it is that very service


def _largest_band(service: Service) -> Decimal:
    """The upper end of the product's largest band, found once per service (the break-even search
    asks it for every group size up to a thousand); at most 4,096 kept."""
    kept = _largest.get(id(service))
    if kept is not None and kept[0] is service:
        return kept[1]
    largest = max(b.max_amount for b in service.bands)
    if len(_largest) >= 4096:
        _largest.clear()
    _largest[id(service)] = (service, largest)
    return largest


def cap_for(service: Service, terms: Terms) -> Decimal:
    """The most one transfer may carry: the product's largest band, or the bank's lower limit."""
    largest = _largest_band(service)
    return largest if terms.max_transfer is None else min(terms.max_transfer, largest)


def check_transfer_cap(total: Decimal, terms: Terms) -> None:
    """Refuse a cap per transfer that would split `total` into more transfers than a plan holds,
    naming the smallest cap that fits."""
    if terms.max_transfer is None:
        return
    smallest = round_up(total / terms.max_transfers, terms.minor_unit)
    if terms.max_transfer >= smallest:
        return
    if terms.max_transfer < unit(terms.minor_unit):  # less than a cent (or the currency's unit): no transfer
        raise TooManyTransfers(msg(
            "cap_carries_nothing", "a cap of %(cap)s per transfer carries nothing; a plan holds at most %(limit)s "
            "transfers: the cap must be at least %(smallest)s", cap=terms.max_transfer, limit=terms.max_transfers,
            smallest=smallest), smallest)
    raise TooManyTransfers(msg(
        "cap_too_small", "a cap of %(cap)s per transfer would split the group's %(total)s into %(count)s transfers; "
        "a plan holds at most %(limit)s transfers: the cap must be at least %(smallest)s", cap=terms.max_transfer,
        total=total, count=transfers_needed(total, terms.max_transfer), limit=terms.max_transfers,
        smallest=smallest), smallest)


def _transfer(amount: Decimal, service: Service, terms: Terms) -> Transfer | None:
    result = quote(service, amount) if band_for(service, amount) else None
    if result is None or result.fx_cost is None:
        return None
    deducted = terms.incoming_fee + terms.intermediary_fee
    if deducted >= amount:
        return None  # the fees on the way would take it all
    credited = None
    if result.exchange_rate is not None:
        credited = round_down((amount - deducted) * result.exchange_rate, terms.receive_minor_unit)
    # Whether the bank reports it depends on the other transfers of its day: schedule() marks it.
    return Transfer(amount, service.key, result.fee, result.fx_cost, terms.coordinator_fee, terms.incoming_fee,
                    terms.intermediary_fee, False, result.exchange_rate, credited)


def _transfer_count(total: Decimal, service: Service, terms: Terms) -> int | None:
    """How many transfers the product's largest band and the bank's limit need for `total`; None if
    the product cannot carry it (no bands, a cap under one minor unit, more transfers than a plan holds)."""
    if total <= 0 or not service.bands:
        return None
    cap = cap_for(service, terms)
    if cap < unit(terms.minor_unit):
        return None
    count = transfers_needed(total, cap)
    return None if count > terms.max_transfers else count


def transfer_groups(total: Decimal, service: Service, terms: Terms) -> list[tuple[Transfer, int]] | None:
    """plan_transfers(total, …) as its distinct transfers (two at most: the larger first), each with
    how many times it is made; None if the product cannot carry them."""
    count = _transfer_count(total, service, terms)
    if count is None:
        return None
    groups = []
    for amount, times in split_counts(total, count, terms.minor_unit):
        if times:
            transfer = _transfer(amount, service, terms)
            if transfer is None:
                return None
            groups.append((transfer, times))
    return groups


def plan_transfers(total: Decimal, service: Service, terms: Terms) -> list[Transfer] | None:
    """As few transfers as the product's largest band and the bank's limit allow, differing by one
    minor unit at most (split()); None if the product cannot carry them."""
    groups = transfer_groups(total, service, terms)
    return None if groups is None else [transfer for transfer, times in groups for _ in range(times)]


def group_sum(groups: list[tuple[Transfer, int]], figure: Callable[[Transfer], Decimal]) -> Decimal:
    """A figure of each transfer, added up over the transfers: each distinct transfer's times its count."""
    return sum((figure(transfer) * times for transfer, times in groups), Decimal(0))


def _transfer_cost(amount: Decimal, service: Service, terms: Terms) -> Decimal | None:
    """Transfer(amount, …).cost by the band's arithmetic alone, without building a quote (for sweeps)."""
    band = band_for(service, amount)
    deducted = terms.incoming_fee + terms.intermediary_fee
    if band is None or deducted >= amount:
        return None
    return (band.fee_fixed + amount * (band.fee_percent + band.fx_margin_pct) / HUNDRED + terms.coordinator_fee
            + deducted)


def transfers_cost(total: Decimal, service: Service, terms: Terms) -> Decimal | None:
    """The cost of plan_transfers(total, …) without listing the transfers (for group-size sweeps)."""
    count = _transfer_count(total, service, terms)
    if count is None:
        return None
    cost = Decimal(0)
    for amount, times in split_counts(total, count, terms.minor_unit):
        if times:
            one = _transfer_cost(amount, service, terms)
            if one is None:
                return None
            cost += one * times
    return cost


def cheapest_groups(total: Decimal, services: list[Service], terms: Terms) -> list[tuple[Transfer, int]] | None:
    """transfer_groups of the product that carries `total` for the least (ties: fewer transfers, key)."""
    options = []
    for service in services:
        groups = transfer_groups(total, service, terms)
        if groups is not None:
            options.append((group_sum(groups, _cost), sum(times for _, times in groups), service.key, groups))
    return min(options, key=lambda o: o[:3])[3] if options else None


def cheapest_transfers(total: Decimal, services: list[Service], terms: Terms) -> list[Transfer] | None:
    """The transfers of the product that carries `total` for the least (ties: fewer transfers, key)."""
    groups = cheapest_groups(total, services, terms)
    return None if groups is None else [transfer for transfer, times in groups for _ in range(times)]


_cost, _on_top, _fx_cost, _deducted, _credited = (attrgetter(name) for name in (
    "cost", "on_top", "fx_cost", "deducted", "credited"))  # a transfer's figures, for group_sum


def _applied(transfer: Transfer) -> Decimal:
    return transfer.amount * transfer.applied_rate


# --- Sharing -------------------------------------------------------------------------------------

def apportion(total: Decimal, exact: dict[str, Decimal], minor_unit: int) -> dict[str, Decimal]:
    """Round each exact part to the minor unit so that the parts add up to `total` (already rounded):
    the units left over go to the largest remainders (or are taken from the smallest), ties by key,
    so the order of the members never matters."""
    step = unit(minor_unit)
    floors, remainders = {}, []
    for key, value in exact.items():
        floor = value.quantize(step, ROUND_FLOOR)
        floors[key] = floor
        remainders.append((floor - value, key))  # the largest remainder sorts first; ties by key
    left = int(((total - sum(floors.values(), Decimal(0))) / step).to_integral_value())
    remainders.sort()
    if left >= 0:
        for _, key in remainders[:left]:
            floors[key] += step
    else:
        for _, key in remainders[::-1][:-left]:
            floors[key] -= step
    return floors


def weights(members: list[Member], rule: str) -> dict[str, Decimal]:
    """How the fixed fees are split: by amount (`pro_rata`) or in equal parts."""
    if rule not in ALLOCATIONS:
        raise BundleError(msg("allocation_unknown", "allocation must be one of %(choices)s", choices=list(ALLOCATIONS)))
    total = sum((m.amount for m in members), Decimal(0))
    return {m.ref: (m.amount / total if rule == "pro_rata" else Decimal(1) / len(members)) for m in members}


def split_rates(total: Decimal, count: int, fixed: Decimal, fx: Decimal, rule: str) -> tuple[Decimal | None, Decimal]:
    """The split rule's two figures for a group sending `total` in all, `count` members: what each pays
    whatever they send (None under `pro_rata`, where nothing is) and what they pay per unit sent.
    A member's exact part is then `amount × per unit` (plus the first figure, if any) plus their
    distribution fee: split_exact writes it out for every member, the coalition for those it asks."""
    if rule not in ALLOCATIONS:
        raise BundleError(msg("allocation_unknown", "allocation must be one of %(choices)s", choices=list(ALLOCATIONS)))
    if rule == "pro_rata":
        return None, (fixed + fx) / total
    return fixed / count, fx / total


def split_exact(amounts: dict[str, Decimal], fixed: Decimal, fx: Decimal, each: Decimal, rule: str
                ) -> dict[str, Decimal]:
    """The split rule, for a plan and for a cycle as it really happened (ledger.reconcile): each
    member's exact part of a bundle's cost. The fixed fees (`fixed`: on top and deducted on the way)
    by the rule, by amount (`pro_rata`) or in equal parts; the exchange-rate cost (`fx`) by amount,
    since the margin falls on each member's own money; and `each` (a distribution fee) per member."""
    fixed_each, per_unit = split_rates(sum(amounts.values(), Decimal(0)), len(amounts), fixed, fx, rule)
    if fixed_each is None:
        return {ref: amount * per_unit + each for ref, amount in amounts.items()}
    return {ref: fixed_each + amount * per_unit + each for ref, amount in amounts.items()}


def allocate(cost: Decimal, members: list[Member], rule: str, minor_unit: int) -> dict[str, tuple[Decimal, Decimal]]:
    """Each member's exact and rounded part of `cost` (already rounded) by the rule; the rounded parts
    sum to it exactly."""
    parts = {ref: cost * w for ref, w in weights(members, rule).items()}
    rounded = apportion(cost, parts, minor_unit)
    return {ref: (parts[ref], rounded[ref]) for ref in parts}


@dataclass
class Costed:
    """A group's bundle: its transfers and each member's share, fees on top and payout."""

    transfers: list[Transfer]
    cost: Decimal  # rounded
    shares: dict[str, tuple[Decimal, Decimal]]  # exact, rounded
    fees_on_top: dict[str, Decimal]  # rounded, summing to the fees on top (rounded)
    payouts: dict[str, Decimal] | None  # receive currency, summing to what is paid out
    applied_rate: Decimal | None
    credited: Decimal | None
    paid_out: Decimal | None


def _fixed_and_fx(groups: list[tuple[Transfer, int]]) -> tuple[Decimal, Decimal]:
    """The transfers' fixed fees (on top and deducted on the way) and their exchange-rate cost."""
    return group_sum(groups, _on_top) + group_sum(groups, _deducted), group_sum(groups, _fx_cost)


def cost_group(members: list[Member], services: list[Service], terms: Terms) -> Costed | None:
    """Transfers for the group's total with the cheapest product, and what each member pays and gets."""
    sent = sum((m.amount for m in members), Decimal(0))
    groups = cheapest_groups(sent, services, terms)
    if groups is None:
        return None
    fixed, fx = _fixed_and_fx(groups)
    exact = split_exact({m.ref: m.amount for m in members}, fixed, fx, terms.distribution_fee, terms.allocation)
    cost = round_money(sum(exact.values(), Decimal(0)), terms.minor_unit)
    transfers = [transfer for transfer, times in groups for _ in range(times)]
    on_top = group_sum(groups, _on_top)
    deducted = group_sum(groups, _deducted)
    w = weights(members, terms.allocation)
    rounded = apportion(cost, exact, terms.minor_unit)
    shares = {ref: (exact[ref], rounded[ref]) for ref in exact}
    fees_on_top = apportion(round_money(on_top, terms.minor_unit), {ref: on_top * w[ref] for ref in w},
                            terms.minor_unit)
    payouts = applied = credited = paid_out = None
    if all(t.credited is not None for t, _ in groups):
        applied = group_sum(groups, _applied) / sent
        credited = group_sum(groups, _credited)
        distribution = round_money(terms.distribution_fee * applied, terms.receive_minor_unit)
        paid_out = credited - distribution * len(members)
        entitled = {m.ref: (m.amount - deducted * w[m.ref]) * applied - distribution for m in members}
        if paid_out > 0 and all(v > 0 for v in entitled.values()):
            payouts = apportion(paid_out, entitled, terms.receive_minor_unit)
        else:
            paid_out = None
    return Costed(transfers, cost, shares, fees_on_top, payouts, applied, credited, paid_out)


# --- The coalition: who gains --------------------------------------------------------------------

def costs_alone(members: list[Member], terms: Terms) -> dict[str, Decimal]:
    """Each member's cheapest way alone, rounded to the minor unit (for those who have one)."""
    minor = terms.minor_unit
    return {m.ref: round_money(m.cheapest.cost, minor) for m in members if m.cheapest is not None}


def coalition(members: list[Member], services: list[Service], terms: Terms, alone: dict[str, Decimal] | None = None
              ) -> tuple[list[Member], Costed | None, dict[str, Message]]:
    """The members for whom joining pays, their bundle, and why each of the others should send alone.
    Those who would pay more than their cheapest way alone (`alone`: costs_alone's) leave, one round
    at a time."""
    reasons: dict[str, Message] = {}
    step = unit(terms.minor_unit)
    alone = costs_alone(members, terms) if alone is None else alone
    # (member, amount, cost alone rounded or None, that cost plus one minor unit)
    joining = [(m, m.amount, cost, cost + step) if cost is not None else (m, m.amount, None, None)
               for m in members for cost in (alone.get(m.ref),)]
    while joining:
        sent = sum((row[1] for row in joining), Decimal(0))
        split = _round_split(sent, len(joining), services, terms)
        if split is None:
            break
        losers = _losers(joining, *split, terms)
        if not losers:
            kept = [row[0] for row in joining]
            return kept, cost_group(kept, services, terms), reasons
        for m, share, alone in losers:
            reasons[m.ref] = msg("member_better_alone_in",
                                 "joining would cost %(currency)s %(share)s, more than sending alone with %(option)s "
                                 "at %(currency)s %(alone)s", currency=terms.currency, share=Amount(share),
                                 option=m.cheapest.label, alone=Amount(alone))
        joining = [row for row in joining if row[0].ref not in reasons]
    return [], None, reasons


def _round_split(sent: Decimal, count: int, services: list[Service], terms: Terms
                 ) -> tuple[Decimal | None, Decimal] | None:
    """split_rates for a group of `count` sending `sent` (its bundle's fees as cost_group adds them
    up); None when no product carries it."""
    groups = cheapest_groups(sent, services, terms)
    if groups is None:
        return None
    return split_rates(sent, count, *_fixed_and_fx(groups), terms.allocation)


def _losers(joining: list[tuple], fixed_each: Decimal | None, per_unit: Decimal, terms: Terms
            ) -> list[tuple[Member, Decimal, Decimal]]:
    """The members whose share, rounded to the minor unit, is more than their cheapest way alone, with
    that share and that cost. Each exact share is split_exact's, by the same operations. Rounding
    (largest remainder) takes a share to the unit below it or the one above, so a share is decided by
    its exact value unless the unit below it is the cost alone and the share is more: then it loses
    only if rounded up, and only then are all shares rounded to decide, to the bundle's cost (their sum
    rounded), as cost_group rounds them."""
    each = terms.distribution_fee
    if fixed_each is None:
        values = [row[1] * per_unit + each for row in joining]
    else:
        values = [fixed_each + row[1] * per_unit + each for row in joining]
    losers = []
    undecided = False
    for row, value in zip(joining, values):
        alone = row[2]
        if alone is not None and value > alone:
            losers.append((row[0], value, alone))
            undecided = undecided or value < row[3]
    minor = terms.minor_unit
    if undecided:  # the shares rounded as cost_group rounds them (the same exact shares, the same cost)
        rounded = apportion(round_money(sum(values, Decimal(0)), minor),
                            {row[0].ref: value for row, value in zip(joining, values)}, minor)
        return [(row[0], rounded[row[0].ref], row[2]) for row in joining
                if row[2] is not None and rounded[row[0].ref] > row[2]]
    return [(m, round_money(value, minor), alone) for m, value, alone in losers]


def _pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    return part / whole * HUNDRED if part is not None and whole else None


def member_results(members: list[Member], costed: Costed | None, joining: set[str], reasons: dict[str, Message],
                   terms: Terms, alone_costs: dict[str, Decimal] | None = None) -> list[MemberResult]:
    results = []
    alone_costs = costs_alone(members, terms) if alone_costs is None else alone_costs
    combined: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[str, ...]] = {}  # a few pairs, recurring
    nobody: Message | None = None
    minor = terms.minor_unit
    shares = costed.shares if costed is not None else {}
    fees_on_top = costed.fees_on_top if costed is not None else {}
    payouts = costed.payouts if costed is not None else None
    zero = Decimal(0)
    for m in members:
        cheapest, today = m.cheapest, m.today
        alone = alone_costs.get(m.ref)
        current = round_money(today.cost, minor) if today is not None else None
        pair = (today.warnings if today is not None else (), cheapest.warnings if cheapest is not None else ())
        warnings = combined.get(pair)
        if warnings is None:
            warnings = combined[pair] = tuple(dict.fromkeys(pair[0] + pair[1]))
        option = cheapest.label if cheapest is not None else None
        current_option = today.label if today is not None else None
        if m.ref in joining and costed is not None:
            exact, share = shares[m.ref]
            saving = alone - share if alone is not None else None
            versus_today = current - share if current is not None else None
            results.append(MemberResult(
                m.ref, m.amount, True, share, exact, fees_on_top[m.ref], payouts[m.ref] if payouts else None, alone,
                option, saving, _pct(saving, alone), current_option, current, versus_today,
                _pct(versus_today, current), None, warnings))
        else:
            # Sending alone the cheapest way: no saving against it; against today, what switching saves.
            versus_today = current - alone if current is not None and alone is not None else None
            reason = reasons.get(m.ref)
            if reason is None:
                if nobody is None:
                    nobody = msg("bundle_pays_nobody_member", "bundling does not pay for this group")
                reason = nobody
            results.append(MemberResult(
                m.ref, m.amount, False, None, None, None, cheapest.receive_amount if cheapest is not None else None,
                alone, option, zero if alone is not None else None, zero if alone is not None else None,
                current_option, current, versus_today, _pct(versus_today, current), reason, warnings))
    return results


# --- Group sizes: the curve and the break-even ---------------------------------------------------

def _equal_group(n: int, amount: Decimal, services: list[Service], terms: Terms,
                 individual: Decimal | None) -> CurvePoint | None:
    """n members each sending `amount`: what each pays bundled (the larger share, when the cost does
    not divide evenly) against `individual`."""
    costs = [c for c in (transfers_cost(amount * n, s, terms) for s in services) if c is not None]
    if not costs:
        return None
    cost = round_money(min(costs) + terms.distribution_fee * n, terms.minor_unit)
    per_member = round_up(cost / n, terms.minor_unit)
    saving = individual - per_member if individual is not None else None
    return CurvePoint(n, per_member, individual, saving, saving * n if saving is not None else None)


def _first_size_that_may_pay(amount: Decimal, services: list[Service], terms: Terms, individual: Decimal
                             ) -> int | None:
    """The smallest group size at which members each sending `amount` could pay less than
    `individual`; None when none could. Each product's floor under what each member pays
    (_least_sizes) rules out the sizes below it: the break-even search, each size costed, starts
    there, or is not made (a thousand sizes cost 16 ms on a corridor of four bank products)."""
    step = unit(terms.minor_unit)
    if amount <= 0 or amount % step:  # the floors assume the group's total is n × amount exactly
        return 1 if any(s.bands for s in services) else None
    sizes = [n for s in services if s.bands for n in (_least_size(amount, s, terms, individual - step, step),)
             if n is not None]
    return min(sizes, default=None)


def _least_size(amount: Decimal, service: Service, terms: Terms, most: Decimal, step: Decimal) -> int | None:
    """The least group size (up to max_group) whose members, each sending `amount` by `service`,
    could each pay `most` or less; None if none could (_least_sizes)."""
    one, several = _least_sizes(amount, service, terms, most, step)
    return min((n for n in (one, several) if n is not None), default=None)


def _least_sizes(amount: Decimal, service: Service, terms: Terms, most: Decimal, step: Decimal
                 ) -> tuple[int | None, int | None]:
    """For members each sending `amount` by `service`: the least group size (up to max_group) sent in
    one transfer at which each could pay `most` or less, and the least size needing several transfers
    if any such size could (at no size needing several can they otherwise); None for none.

    A floor under each member's share (rounded up from the bundle's cost, rounded half up) for n
    members: a transfer in band b costs its fixed part F_b (its fee, the coordinator's and the fees
    deducted) and r_b of its amount, so each pays at least
    (k × F + n × amount × r + n × distribution fee − half a unit) / n for k transfers:
    - one transfer (n × amount within the cap), in band b: (F_b − half a unit) / n + amount × r_b +
      the distribution fee, falling with n (or, if F_b is under half a unit, least at the first size);
    - several (n × amount over the cap): each carries more than half the cap, less a unit (so only
      bands reaching that far), and they are at least n × amount / cap in number."""
    cap = cap_for(service, terms)
    if cap < step:
        return None, None  # it carries nothing (transfers_cost is None at every size)
    extra = terms.coordinator_fee + terms.incoming_fee + terms.intermediary_fee
    each, half = terms.distribution_fee, step / 2
    sizes = []
    for band in service.bands:
        first = int((max(band.min_amount, amount) / amount).to_integral_value(ROUND_CEILING))
        last = min(int((min(band.max_amount, cap) / amount).to_integral_value(ROUND_FLOOR)), terms.max_group)
        if first > last:
            continue
        fixed = band.fee_fixed + extra - half
        room = most - amount * (band.fee_percent + band.fx_margin_pct) / HUNDRED - each  # what fixed / n may be
        # fixed / n <= room, compared as fixed <= room × n (exact, where a division would be rounded)
        if fixed <= room * first:
            sizes.append(first)
        elif room > 0:
            least = int((fixed / room).to_integral_value(ROUND_CEILING))
            while least - 1 > first and fixed <= room * (least - 1):  # the division rounded up
                least -= 1
            while fixed > room * least:  # or down
                least += 1
            if least <= last:
                sizes.append(least)
    several = [b for b in service.bands if b.max_amount >= cap / 2 - step]
    first = int((cap / amount).to_integral_value(ROUND_FLOOR)) + 1  # the least size needing two
    if several and first <= terms.max_group:
        fixed = min(b.fee_fixed for b in several) + extra
        rate = min(b.fee_percent + b.fx_margin_pct for b in several) / HUNDRED
        # fixed × k / n + amount × rate + each − half / n <= most, for some n >= first, with k / n at least
        # amount / cap (at most amount / cap + 1 / first, which bounds a negative fixed part), times cap × first:
        transfers = amount * first + (cap if fixed < 0 else 0)
        if fixed * transfers + (amount * rate + each - most) * cap * first - half * cap <= 0:
            return min(sizes, default=None), first
    return min(sizes, default=None), None


def paying_sizes(amount: Decimal, services: list[Service], terms: Terms, individual: Decimal | None,
                 upto: int) -> list[tuple[int, int]]:
    """Every group size from 1 to `upto` at which members each sending `amount` each pay strictly less
    bundled than `individual` (rounded), as _equal_group compares them, in ranges (first, last): gains
    stop where a larger total needs another transfer or falls in a dearer band, and may start again.

    A size pays when some product's cost, plus the distribution fees, rounds to n × (individual − one
    unit) or less. Each product's sizes are walked by the transfers k they need; within k, by the bands
    the two amounts of the split fall in. Where both fall in one band b, the cost is k × (b's fixed
    fee + the fees per transfer) + n × amount × b's rate, and whether a size pays is monotone in n
    (the cost less n × the most each may pay is linear in n), so two ends and a binary search decide a
    whole stretch; where they straddle a band's edge (a few sizes at most), each size is costed."""
    if individual is None or upto < 1:
        return []
    step = unit(terms.minor_unit)
    most = individual - step
    if amount <= 0 or amount % step:  # the stretches assume the group's total is n × amount exactly
        return _ranges([n for n in range(1, upto + 1) for point in (_equal_group(n, amount, services, terms,
                                                                                  individual),)
                        if point is not None and point.bundled_per_member < individual])
    found: list[tuple[int, int]] = []
    for service in services:
        if service.bands:
            found += _product_paying_sizes(amount, service, terms, most, step, upto)
    return _merged(found)


def _ranges(sizes: list[int]) -> list[tuple[int, int]]:
    """Sizes in increasing order as ranges of consecutive sizes."""
    ranges: list[tuple[int, int]] = []
    for n in sizes:
        if ranges and ranges[-1][1] == n - 1:
            ranges[-1] = (ranges[-1][0], n)
        else:
            ranges.append((n, n))
    return ranges


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ranges of sizes joined where they overlap or touch."""
    joined: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if joined and first <= joined[-1][1] + 1:
            joined[-1] = (joined[-1][0], max(joined[-1][1], last))
        else:
            joined.append((first, last))
    return joined


def _product_paying_sizes(amount: Decimal, service: Service, terms: Terms, most: Decimal, step: Decimal,
                          upto: int) -> list[tuple[int, int]]:
    """paying_sizes for one product: the sizes at which its cost for the group pays (see there)."""
    one, several = _least_sizes(amount, service, terms, most, step)
    if one is None and several is None:
        return []
    cap = cap_for(service, terms)
    bands = sorted(service.bands, key=attrgetter("min_amount"))
    edges = [(b.min_amount, b.max_amount) for b in bands]
    extra = terms.coordinator_fee + terms.incoming_fee + terms.intermediary_fee
    deducted = terms.incoming_fee + terms.intermediary_fee
    each, minor = terms.distribution_fee, terms.minor_unit
    units = int(amount / step)  # each member's amount in minor units

    def position(value: Decimal) -> int:
        """Where an amount falls, in order: 2i + 1 in band i, 2i in the gap below it."""
        for i, (low, high) in enumerate(edges):
            if value < low:
                return 2 * i
            if value <= high:
                return 2 * i + 1
        return 2 * len(edges)

    def signature(n: int, k: int) -> tuple[int, int, bool]:
        """The bands of the split's smaller and larger amounts, and whether the fees on the way leave
        the smaller one something: each of the three only grows with n (k fixed)."""
        base, left = divmod(n * units, k)
        smaller = base * step
        return position(smaller), position(smaller + step) if left else position(smaller), smaller > deducted

    found: list[tuple[int, int]] = []
    start = min(n for n in (one, several) if n is not None)
    k = max(1, transfers_needed(amount * start, cap))
    if several is None:  # no size needing several transfers pays
        upto = min(upto, int((cap / amount).to_integral_value(ROUND_FLOOR)))
    while k <= terms.max_transfers:
        # The sizes whose total needs k transfers: (k − 1) × cap < n × amount <= k × cap.
        low = max(start, _sizes_within((k - 1) * cap, amount) + 1)
        high = min(upto, _sizes_within(k * cap, amount))
        if low > upto:
            break
        n = low
        while n <= high:
            first = signature(n, k)
            end = high
            if signature(high, k) != first:  # the last size with this signature (each part only grows)
                below, above = n, high
                while above - below > 1:
                    middle = (below + above) // 2
                    if signature(middle, k) == first:
                        below = middle
                    else:
                        above = middle
                end = below
            small, large, carried = first
            if carried and small == large and small % 2:
                band = bands[small // 2]
                found += _linear_paying(n, end, k * (band.fee_fixed + extra),
                                        amount * (band.fee_percent + band.fx_margin_pct) / HUNDRED + each, most, minor)
            elif carried and small % 2 and large % 2:  # straddling a band's edge: each size costed
                found += [(size, size) for size in range(n, end + 1) for cost in (
                    transfers_cost(amount * size, service, terms),)
                    if cost is not None and round_money(cost + each * size, minor) <= most * size]
            n = end + 1
        k += 1
    return found


def _sizes_within(total: Decimal, amount: Decimal) -> int:
    """The most members each sending `amount` whose total is at most `total` (exactly: n × amount <= total)."""
    n = int((total / amount).to_integral_value(ROUND_FLOOR))
    while n * amount > total:  # the division rounded up to a whole number
        n -= 1
    while (n + 1) * amount <= total:
        n += 1
    return n


def _linear_paying(first: int, last: int, fixed: Decimal, per_member: Decimal, most: Decimal, minor: int
                   ) -> list[tuple[int, int]]:
    """The sizes n from `first` to `last` at which a cost of fixed + n × per_member, rounded, is at most
    n × most: one range (the cost less n × most is linear in n, and rounding keeps its order), or none."""
    def pays(n: int) -> bool:
        return round_money(fixed + n * per_member, minor) <= n * most

    at_first, at_last = pays(first), pays(last)
    if at_first and at_last:
        return [(first, last)]
    if not at_first and not at_last:
        return []
    below, above = first, last  # pays at exactly one end: find where it changes
    while above - below > 1:
        middle = (below + above) // 2
        if pays(middle) == at_first:
            below = middle
        else:
            above = middle
    return [(first, below)] if at_first else [(above, last)]


def curve_sizes(size: int, every_up_to: int = 30, points: int = 20) -> list[int]:
    """Group sizes the curve shows: every size up to `every_up_to`, then about `points` sizes up to the
    group's own, so that a chart of a large group stays readable and cheap to draw."""
    sizes = list(range(1, min(size, every_up_to) + 1))
    if size > every_up_to:
        step = max(1, (size - every_up_to) // points)
        sizes += list(range(every_up_to + step, size, step)) + [size]
    return sorted(set(sizes))


def group_sizes(mean: Decimal, size: int, services: list[Service], terms: Terms,
                cheapest_at: Callable[[Decimal], Decimal | None] | None
                ) -> tuple[list[CurvePoint], int | None, list[tuple[int, int]]]:
    """The curve of what each member pays at each group size (each sending `mean`), the smallest group
    in which each pays strictly less than their cheapest way alone, and every size up to max_group (or
    the group's own, if larger) at which they do, in ranges."""
    if cheapest_at is None:
        return [], None, []
    alone = cheapest_at(mean)
    alone = round_money(alone, terms.minor_unit) if alone is not None else None
    curve = [p for p in (_equal_group(n, mean, services, terms, alone) for n in curve_sizes(size)) if p is not None]
    start = None if alone is None else _first_size_that_may_pay(mean, services, terms, alone)
    if start is None:
        return curve, None, []
    paying = paying_sizes(mean, services, terms, alone, max(size, terms.max_group))
    known = {p.members: p for p in curve}
    for n in range(start, terms.max_group + 1):
        point = known.get(n) or _equal_group(n, mean, services, terms, alone)
        if point is not None and point.bundled_per_member < alone:
            return curve, n, paying
    return curve, None, paying


def _cheapest_split(total: Decimal, services: list[Service], terms: Terms) -> tuple[int, Decimal] | None:
    """How many transfers the product that carries `total` for the least needs, and its cap per transfer."""
    options = []
    for service in services:
        cost = transfers_cost(total, service, terms)
        if cost is not None:
            options.append((cost, _transfer_count(total, service, terms), service.key, cap_for(service, terms)))
    if not options:
        return None
    _, count, _, cap = min(options, key=lambda o: o[:3])
    return count, cap


# --- Words: the verdict and the notes ------------------------------------------------------------

SIZES_SHOWN = 8  # ranges of paying sizes a verdict names, at most


def sizes_sentence(ranges: list[tuple[int, int]], mean: Decimal, terms: Terms, upto: int) -> Message:
    """The group sizes at which members each sending `mean` gain, in one sentence."""
    ccy, amount = terms.currency, Amount(round_money(mean, terms.minor_unit))
    if not ranges:
        return msg("verdict_never",
                   "Members each sending %(currency)s %(amount)s would not gain in any group of up to %(limit)s: "
                   "the fees and margin of the pooled transfer cost more than the cheapest way alone.",
                   currency=ccy, amount=amount, limit=upto)
    if len(ranges) == 1:
        first, last = ranges[0]
        if last >= upto:
            return msg("verdict_from", "Members each sending %(currency)s %(amount)s gain from a group of %(needed)s.",
                       currency=ccy, amount=amount, needed=first)
        return msg("verdict_between", "Members each sending %(currency)s %(amount)s gain in a group of %(first)s to "
                                      "%(last)s members, and in no other of up to %(limit)s.",
                   currency=ccy, amount=amount, first=first, last=last, limit=upto)
    shown = ranges if len(ranges) <= SIZES_SHOWN else ranges[:SIZES_SHOWN - 1]
    sizes: list = [str(first) if first == last
                   else msg("sizes_from", "%(first)s or more", first=first) if last >= upto
                   else msg("sizes_range", "%(first)s to %(last)s", first=first, last=last) for first, last in shown]
    if len(shown) < len(ranges):  # a sentence stays readable; the API lists them all (paying_group_sizes)
        sizes.append(msg("sizes_others", "some others from %(first)s to %(limit)s", first=ranges[len(shown)][0],
                         limit=upto))
    return msg("verdict_sizes", "Members each sending %(currency)s %(amount)s gain in a group of these sizes, and in "
                                "no other of up to %(limit)s: %(sizes)s.",
               currency=ccy, amount=amount, sizes=sizes, limit=upto)


def size_cause(size: int, ranges: list[tuple[int, int]], mean: Decimal, services: list[Service], terms: Terms
               ) -> Message | None:
    """Why members each sending `mean` do not gain in a group of `size` though they gain in a smaller
    one: its total needs more transfers than the largest smaller group that gains, or falls in a
    dearer band of the bank's fees. None when the size pays, or no smaller one does."""
    if not ranges or any(first <= size <= last for first, last in ranges) or size < ranges[0][0]:
        return None
    largest = max(last for _, last in ranges if last < size)
    here, there = _cheapest_split(mean * size, services, terms), _cheapest_split(mean * largest, services, terms)
    if here is None:
        return None  # no product carries it: nothing to say about its fees
    ccy, minor = terms.currency, terms.minor_unit
    total = Amount(round_money(mean * size, minor))
    if there is not None and here[0] > there[0]:
        return msgn("verdict_more_transfers",
                    "In a group of %(size)s, members each sending %(currency)s %(amount)s send %(currency)s %(total)s "
                    "together: that needs %(transfers)s transfers, as the bank takes at most %(currency)s %(cap)s in "
                    "one, and the fees of the extra transfer cost more than grouping saves.",
                    "In a group of %(size)s, members each sending %(currency)s %(amount)s send %(currency)s %(total)s "
                    "together: that needs %(transfers)s transfers, as the bank takes at most %(currency)s %(cap)s in "
                    "one, and the fees of the %(count)s extra transfers cost more than grouping saves.",
                    here[0] - there[0], size=size, currency=ccy, amount=Amount(round_money(mean, minor)),
                    total=total, transfers=here[0], cap=Amount(round_money(here[1], minor)))
    return msg("verdict_dearer_band",
               "In a group of %(size)s, members each sending %(currency)s %(amount)s send %(currency)s %(total)s "
               "together, and at that amount the bank's fees cost more than grouping saves.",
               size=size, currency=ccy, amount=Amount(round_money(mean, minor)), total=total)


def verdict(results: list[MemberResult], plan_saving: Decimal, plan_saving_pct: Decimal | None,
            saving_vs_current: Decimal | None, saving_vs_current_pct: Decimal | None,
            ranges: list[tuple[int, int]], mean: Decimal, terms: Terms, cause: Message | None = None,
            upto: int | None = None) -> list[Message]:
    """One coherent account, in sentences: who in this group gains, at what group sizes members sending
    the group's average gain, and what that means for this group and why."""
    size = len(results)
    upto = terms.max_group if upto is None else upto
    joining = [r for r in results if r.joins]
    ccy, minor = terms.currency, terms.minor_unit
    amount = Amount(round_money(mean, minor))
    said: list[Message] = []
    if joining and len(joining) == size:
        said.append(msgn("verdict_all",
                         "The member gains by bundling: %(currency)s %(saving)s less than sending alone the cheapest "
                         "way (%(pct)s%%).",
                         "All %(count)s members gain by bundling: together they pay %(currency)s %(saving)s less "
                         "than each sending alone the cheapest way (%(pct)s%%).", size, currency=ccy,
                         saving=Amount(round_money(plan_saving, minor)),
                         pct=round_money(plan_saving_pct or Decimal(0), 2)))
    elif joining:
        said.append(msg("verdict_some",
                        "%(joining)s of %(size)s members gain by bundling: together they pay %(currency)s %(saving)s "
                        "less than sending alone the cheapest way. %(alone)s should send alone: their share of the "
                        "costs would be more than their cheapest way alone, as each line below says.",
                        joining=len(joining), size=size, currency=ccy, saving=Amount(round_money(plan_saving, minor)),
                        alone=size - len(joining)))
    else:
        said.append(msg("verdict_none", "No member of this group gains by bundling: each should send alone the "
                                        "cheapest way, as each line below says."))
    said.append(sizes_sentence(ranges, mean, terms, upto))
    paying_here = any(first <= size <= last for first, last in ranges)
    if ranges and size < ranges[0][0]:
        if not joining:  # (members whose amounts differ from the average may gain all the same)
            said.append(msgn("verdict_too_small",
                             "This group has %(count)s member: too few for the pooled transfer's fees.",
                             "This group has %(count)s members: too few to share the pooled transfer's fees.", size))
    elif cause is not None:
        if len(joining) < size:
            said.append(cause)
    elif paying_here and len(joining) < size:
        if len({r.amount for r in results}) > 1:
            said.append(msg("verdict_not_these",
                            "A group of %(size)s members each sending the group's average of %(currency)s %(amount)s "
                            "would gain; in this group, those who send least would pay more than alone%(rest)s.",
                            size=size, currency=ccy, amount=amount,
                            rest="" if joining else msg("verdict_not_these_rest",
                                                        ", and without them the fees weigh too much on the others")))
        else:
            said.append(msg("verdict_own_options",
                            "A group of %(size)s members each sending %(currency)s %(amount)s would gain against the "
                            "cheapest way alone by any payout; in this group, some compare with their own payout's, "
                            "which costs less than their share would, as each line below says.",
                            size=size, currency=ccy, amount=amount))
    if saving_vs_current is not None:
        said.append(msg("verdict_today",
                        "Against what they pay today, the members who said how they send save %(currency)s "
                        "%(saving)s (%(pct)s%%), joining or switching to their cheapest way alone.", currency=ccy,
                        saving=Amount(round_money(saving_vs_current, minor)),
                        pct=round_money(saving_vs_current_pct or Decimal(0), 2)))
    return said


def schedule(transfers: list[Transfer], terms: Terms) -> tuple[list[Transfer], list[TransferDay]]:
    """The plan's transfers over the days they are made on: one day, unless the coordinator chooses
    more (never more days than transfers), as even a number each day as they divide, in their order.
    The bank adds up the transfers one person makes within 24 hours: every transfer of a day whose
    transfers reach the reporting threshold together is reportable."""
    count = len(transfers)
    if not count:
        return [], []
    days = max(1, min(terms.transfer_days, count))
    each, extra = divmod(count, days)
    threshold = terms.reporting_threshold
    marked: list[Transfer] = []
    summary: list[TransferDay] = []
    made: dict[tuple[int, int, bool], Transfer] = {}  # a plan's transfers are a few distinct ones, repeated
    start = 0
    for day in range(1, days + 1):
        those = transfers[start:start + each + (1 if day <= extra else 0)]
        start += len(those)
        total = sum((t.amount for t in those), Decimal(0))
        reportable = threshold is not None and total >= threshold
        summary.append(TransferDay(day, len(those), total, reportable))
        for transfer in those:
            key = (id(transfer), day, reportable)
            found = made.get(key)
            if found is None:
                found = made[key] = replace(transfer, day=day, reportable=reportable)
            marked.append(found)
    return marked, summary


def reporting_notes(transfers: list[Transfer], days: list[TransferDay], terms: Terms, cap: Decimal | None
                    ) -> list[Message]:
    """Why the money goes in several transfers, and what the bank reports and why, said plainly, with
    the day's total; never advice to split the money or to wait."""
    notes: list[Message] = []
    count = len(transfers)
    ccy, minor = terms.currency, terms.minor_unit
    if count > 1 and cap is not None:
        notes.append(msg("split_by_limit",
                         "The money goes in %(count)s transfers because the bank takes at most %(currency)s %(cap)s in "
                         "one transfer.", count=count, currency=ccy, cap=Amount(round_money(cap, minor))))
    threshold = terms.reporting_threshold
    if threshold is None or not transfers:
        return notes
    shown = Amount(round_money(threshold, minor))
    if len(days) == 1:
        (day,) = days
        if day.reportable:
            notes.append(msgn(
                "transfers_reportable_day",
                "The bank reports this transfer of %(currency)s %(total)s to FINTRAC, as it reports every "
                "international transfer of %(currency)s %(threshold)s or more; the pooling organisation is named as "
                "the sender. This is routine and asks nothing more of the group.",
                "The bank reports these %(count)s transfers to FINTRAC. Made by one person on one day, they add up to "
                "%(currency)s %(total)s, and the bank adds up the international transfers made by or for the same "
                "person within 24 hours and reports them when they reach %(currency)s %(threshold)s. The pooling "
                "organisation is named as the sender. This is routine and asks nothing more of the group.", count,
                currency=ccy, total=Amount(round_money(day.total, minor)), threshold=shown))
    else:
        reported = [d for d in days if d.reportable]
        notes.append(msg(
            "transfers_over_days",
            "The transfers are made on %(days)s days, as the coordinator chose. The bank adds up the international "
            "transfers made by or for the same person within 24 hours and reports them when they reach %(currency)s "
            "%(threshold)s: it reports the transfers of %(count)s of these days, as the table of days shows.",
            count=len(reported), days=len(days), currency=ccy, threshold=shown))
    if sum((t.amount for t in transfers), Decimal(0)) >= threshold:
        notes.append(msg("reporting_not_avoided",
                         "Splitting money or spreading it over days to stay under %(currency)s %(threshold)s does not "
                         "avoid the reports: banks watch for it (structuring) and report it to FINTRAC as suspicious.",
                         currency=ccy, threshold=shown))
    return notes


# --- The plan ------------------------------------------------------------------------------------

def check_group(members: list[Member]) -> None:
    if not members:
        raise BundleError(msg("bundle_no_members", "a bundle needs at least one member"))
    refs = [m.ref for m in members]
    if len(set(refs)) != len(refs):
        raise BundleError(msg("bundle_refs_repeat", "every member needs a different ref"))


def _totals(results: list[MemberResult]) -> tuple[Decimal, Decimal, int, Decimal | None, Decimal | None]:
    """Over the members with an individual option: what they pay alone, what they pay with the plan,
    and how many they are; over those who said how they send today: what they pay today and what the
    plan saves them (None when nobody said). One pass: the figures are rounded, the sums exact."""
    individual = bundled = today = saving_today = Decimal(0)
    compared = told = 0
    for r in results:
        if r.individual_cost is not None:
            compared += 1
            individual += r.individual_cost
            bundled += r.share if r.joins else r.individual_cost
        if r.current_cost is not None and r.saving_vs_current is not None:
            told += 1
            today += r.current_cost
            saving_today += r.saving_vs_current
    return individual, bundled, compared, (today if told else None), (saving_today if told else None)


def plan(members: list[Member], bulk_services: list[Service], terms: Terms,
         cheapest_at: Callable[[Decimal], Decimal | None] | None = None) -> BundlePlan:
    """Plan the bundle. `cheapest_at(amount)` gives the cheapest cost alone for an amount (for the
    break-even size and the curve)."""
    check_group(members)
    ordered = sorted(members, key=lambda m: m.ref)  # the plan does not depend on the list's order
    sent_all = sum((m.amount for m in ordered), Decimal(0))
    check_transfer_cap(sent_all, terms)
    if cheapest_groups(sent_all, bulk_services, terms) is None:  # what cost_group would say, without the shares
        caps = [cap_for(s, terms) for s in bulk_services if s.bands]
        if caps and all(transfers_needed(sent_all, cap) > terms.max_transfers for cap in caps):
            biggest = max(caps)
            raise BundleError(msg(
                "group_too_large", "the group's %(total)s would take %(count)s transfers of at most %(cap)s, the most "
                "the bank takes in one; a plan holds at most %(limit)s transfers", total=sent_all,
                count=transfers_needed(sent_all, biggest), cap=biggest, limit=terms.max_transfers))
        raise NoBulkProduct(msg("bundle_no_product", "no account-to-account product can carry this group's total"))
    alone = costs_alone(ordered, terms)
    joining, costed, reasons = coalition(ordered, bulk_services, terms, alone)
    by_ref = {r.ref: r for r in member_results(ordered, costed, {m.ref for m in joining}, reasons, terms, alone)}
    results = [by_ref[m.ref] for m in members]

    individual_total, bundled_total, compared, current_total, saving_vs_current = _totals(results)
    saving = individual_total - bundled_total

    mean = round_money(sent_all / len(ordered), terms.minor_unit)
    curve, break_even, paying = group_sizes(mean, len(ordered), bulk_services, terms, cheapest_at)
    upto = max(len(ordered), terms.max_group)
    transfers, days = schedule(costed.transfers if costed else [], terms)
    bulk = next((s for s in bulk_services if transfers and s.key == transfers[0].service_key), None)
    notes = reporting_notes(transfers, days, terms, cap_for(bulk, terms) if bulk else None)
    if compared < len(results):
        notes.append(msg("members_without_option",
                         "Members with no individual option for their amount are left out of the totals."))
    per_year = terms.transfers_per_year
    return BundlePlan(
        transfers=transfers, members=results, bulk_key=transfers[0].service_key if transfers else None,
        applied_rate=costed.applied_rate if costed else None,
        reference_rate=bulk.reference_rate if bulk else None,
        bundle_cost=costed.cost if costed else Decimal(0),
        transfer_fees=sum((t.fee for t in transfers), Decimal(0)),
        coordinator_fees=sum((t.coordinator_fee for t in transfers), Decimal(0)),
        fees_on_top=sum(costed.fees_on_top.values(), Decimal(0)) if costed else Decimal(0),
        fx_cost=sum((t.fx_cost for t in transfers), Decimal(0)),
        deducted=sum((t.deducted for t in transfers), Decimal(0)),
        distribution_fees=terms.distribution_fee * len(joining),
        sent=sum((t.amount for t in transfers), Decimal(0)),
        credited=costed.credited if costed else None, paid_out=costed.paid_out if costed else None,
        individual_total=individual_total, bundled_total=bundled_total, saving=saving,
        saving_pct=_pct(saving, individual_total),
        current_total=current_total, saving_vs_current=saving_vs_current,
        saving_vs_current_pct=_pct(saving_vs_current, current_total),
        break_even_members=break_even, paying_sizes=paying, mean_amount=mean,
        yearly_saving=saving * per_year if per_year else None,
        yearly_saving_vs_current=saving_vs_current * per_year if per_year and saving_vs_current is not None else None,
        curve=curve,
        verdict=verdict(results, saving, _pct(saving, individual_total), saving_vs_current,
                        _pct(saving_vs_current, current_total), paying, mean, terms,
                        size_cause(len(ordered), paying, mean, bulk_services, terms), upto),
        notes=notes, days=days, reporting_threshold=terms.reporting_threshold,
    )


__all__ = ["BundleError", "BundlePlan", "Costed", "CurvePoint", "Member", "MemberResult", "NoBulkProduct", "Option",
           "Terms", "TooManyTransfers", "Transfer", "TransferDay", "allocate", "apportion", "cap_for",
           "check_transfer_cap", "cheapest_groups", "cheapest_transfers", "coalition", "cost_group", "costs_alone",
           "paying_sizes", "plan", "plan_transfers", "schedule", "split", "split_exact", "transfers_cost",
           "transfers_needed"]
