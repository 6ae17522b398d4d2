"""Bundling: seasonal workers pool their remittances into one bank transfer to a collective account
at home, split its cost, and each worker's share is paid into their own account.

Compared with each worker sending alone, the fixed fees are paid once per transfer instead of once per
worker, and a bank wire's FX margin on a large amount is usually lower than a money transfer
operator's on a small one. The plan:

- splits the pooled total into as few transfers as the product's largest band and the cap per
  transfer allow (Canada's FINTRAC reports international transfers of CAD 10,000 or more: the default
  cap, and transfers at or above the reporting threshold are flagged);
- costs each transfer (fee + FX cost + coordinator's fee + incoming fee at the receiving bank) and adds
  a distribution fee per member for paying each share out from the collective account;
- allocates the bundle's cost `pro_rata` (by amount) or `equal`, rounded to the minor unit by the
  largest-remainder method so the shares sum exactly to the bundle's cost;
- keeps the fair guarantee: no member pays more in the bundle than their best individual option.
  Members for whom joining does not pay are left out, one round at a time, until every member left
  gains (the coalition), and each is told why.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from .messages import msg, msgn
from .money import HUNDRED, round_money, round_up, unit
from .pricing import Service, band_for, quote

from .vocabulary import ALLOCATIONS


class BundleError(ValueError):
    """The bundle cannot be planned as asked; the message says why, `field` names the input at fault."""

    field = "members"


class TooManyTransfers(BundleError):
    """The cap per transfer would split the group's total into more transfers than a plan holds."""

    field = "max_transfer"

    def __init__(self, message: str, smallest_cap: Decimal):
        super().__init__(message)
        self.smallest_cap = smallest_cap


@dataclass(frozen=True)
class Member:
    ref: str
    amount: Decimal
    individual_cost: Decimal | None  # exact cost of the member's best individual option
    individual_option: str | None


@dataclass(frozen=True)
class Terms:
    minor_unit: int
    max_transfer: Decimal = Decimal(10000)
    reporting_threshold: Decimal = Decimal(10000)
    distribution_fee: Decimal = Decimal(0)
    coordinator_fee: Decimal = Decimal(0)
    incoming_fee: Decimal = Decimal(0)
    allocation: str = "pro_rata"
    transfers_per_year: int | None = None
    max_transfers: int = 1000  # transfers one plan may hold (remit.inputs.MAX_TRANSFERS)


@dataclass(frozen=True)
class Transfer:
    amount: Decimal
    service_key: str
    fee: Decimal
    fx_cost: Decimal
    coordinator_fee: Decimal
    incoming_fee: Decimal
    reportable: bool

    @property
    def cost(self) -> Decimal:
        return self.fee + self.fx_cost + self.coordinator_fee + self.incoming_fee


@dataclass(frozen=True)
class MemberResult:
    ref: str
    amount: Decimal
    joins: bool
    share: Decimal | None  # rounded to the minor unit; None for a member who sends alone
    exact_share: Decimal | None
    individual_cost: Decimal | None  # rounded
    individual_option: str | None
    saving: Decimal | None
    saving_pct: Decimal | None
    reason: str | None = None


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
    bundle_cost: Decimal  # rounded; the joining members' shares sum to it exactly
    distribution_fees: Decimal
    individual_total: Decimal
    bundled_total: Decimal
    saving: Decimal
    saving_pct: Decimal | None
    break_even_members: int | None
    yearly_saving: Decimal | None
    curve: list[CurvePoint]
    notes: list[str] = field(default_factory=list)


def split(total: Decimal, parts: int, minor_unit: int) -> list[Decimal]:
    """`total` in `parts` amounts that differ by at most one minor unit and sum to it exactly."""
    step = unit(minor_unit)
    units = int((total / step).to_integral_value(rounding=ROUND_FLOOR))
    base, extra = divmod(units, parts)
    return [(base + (1 if i < extra else 0)) * step for i in range(parts)]


def transfers_needed(total: Decimal, cap: Decimal) -> int:
    return int((total / cap).to_integral_value(rounding=ROUND_CEILING))


def _transfer_count(total: Decimal, service: Service, terms: Terms) -> int | None:
    """How many transfers carry `total` with this service under the cap; None when it takes more
    than a plan holds (or no transfer can be made)."""
    cap = min(terms.max_transfer, max(b.max_amount for b in service.bands))
    if cap < unit(terms.minor_unit):
        return None
    count = transfers_needed(total, cap)
    return count if count <= terms.max_transfers else None


def check_transfer_cap(total: Decimal, terms: Terms) -> None:
    """Refuse a cap per transfer that would split `total` into more transfers than a plan holds,
    naming the smallest cap that fits."""
    smallest = round_up(total / terms.max_transfers, terms.minor_unit)
    if terms.max_transfer >= smallest:
        return
    if terms.max_transfer < unit(terms.minor_unit):  # less than a cent (or the currency's unit): no transfer
        split_into = "carries nothing"
    else:
        split_into = f"would split the group's {total} into {transfers_needed(total, terms.max_transfer)} transfers"
    raise TooManyTransfers(f"a cap of {terms.max_transfer} per transfer {split_into}; a plan holds at most "
                           f"{terms.max_transfers} transfers: the cap must be at least {smallest}", smallest)


def plan_transfers(total: Decimal, service: Service, terms: Terms) -> list[Transfer] | None:
    """As few transfers as the service's largest band and the cap allow; None if it cannot carry them."""
    if total <= 0 or not service.bands:
        return None
    count = _transfer_count(total, service, terms)
    if count is None:
        return None
    # The amounts differ by one minor unit at most: each distinct amount is priced once.
    priced: dict[Decimal, Transfer | None] = {}
    transfers = []
    for amount in split(total, count, terms.minor_unit):
        if amount not in priced:
            result = quote(service, amount) if band_for(service, amount) else None
            priced[amount] = None if result is None or result.fx_cost is None else Transfer(
                amount, service.key, result.fee, result.fx_cost, terms.coordinator_fee, terms.incoming_fee,
                amount >= terms.reporting_threshold)
        if priced[amount] is None:
            return None
        transfers.append(priced[amount])
    return transfers


def transfers_cost(total: Decimal, service: Service, terms: Terms) -> Decimal | None:
    """The cost of plan_transfers(total, …) without listing the transfers (for group-size sweeps)."""
    if total <= 0 or not service.bands:
        return None
    count = _transfer_count(total, service, terms)
    if count is None:
        return None
    step = unit(terms.minor_unit)
    units = int((total / step).to_integral_value(rounding=ROUND_FLOOR))
    base, extra = divmod(units, count)
    cost = Decimal(0)
    for amount, times in (((base + 1) * step, extra), (base * step, count - extra)):
        if times == 0:
            continue
        result = quote(service, amount) if band_for(service, amount) else None
        if result is None or result.fx_cost is None:
            return None
        cost += (result.fee + result.fx_cost + terms.coordinator_fee + terms.incoming_fee) * times
    return cost


def cheapest_transfers(total: Decimal, services: list[Service], terms: Terms) -> list[Transfer] | None:
    options = []
    for service in services:
        transfers = plan_transfers(total, service, terms)
        if transfers is not None:
            options.append((sum((t.cost for t in transfers), Decimal(0)), len(transfers), service.key, transfers))
    return min(options, key=lambda o: o[:3])[3] if options else None


def allocate(cost: Decimal, members: list[Member], rule: str, minor_unit: int) -> dict[str, tuple[Decimal, Decimal]]:
    """Each member's exact and rounded share of `cost` (already rounded); rounded shares sum to it."""
    if rule not in ALLOCATIONS:
        raise BundleError(msg("allocation_unknown", "allocation must be one of %(choices)s", choices=list(ALLOCATIONS)))
    step = unit(minor_unit)
    total_amount = sum((m.amount for m in members), Decimal(0))
    exact = {m.ref: (cost * m.amount / total_amount if rule == "pro_rata" else cost / len(members)) for m in members}
    floors = {ref: (value / step).to_integral_value(rounding=ROUND_FLOOR) * step for ref, value in exact.items()}
    left = int(((cost - sum(floors.values(), Decimal(0))) / step).to_integral_value())
    # The units left go to the largest remainders; ties by ref, so the input order never matters.
    for ref in sorted(exact, key=lambda r: (-(exact[r] - floors[r]), r))[:left]:
        floors[ref] += step
    return {ref: (exact[ref], floors[ref]) for ref in exact}


@dataclass
class _Costed:
    transfers: list[Transfer]
    cost: Decimal  # rounded
    distribution: Decimal
    shares: dict[str, tuple[Decimal, Decimal]]


def _cost(members: list[Member], services: list[Service], terms: Terms) -> _Costed | None:
    total = sum((m.amount for m in members), Decimal(0))
    transfers = cheapest_transfers(total, services, terms)
    if transfers is None:
        return None
    distribution = terms.distribution_fee * len(members)
    cost = round_money(sum((t.cost for t in transfers), Decimal(0)) + distribution, terms.minor_unit)
    return _Costed(transfers, cost, distribution, allocate(cost, members, terms.allocation, terms.minor_unit))


def plan_bundle(members: list[Member], bulk_services: list[Service], terms: Terms,
                individual_cost_at=None, max_group: int = 1000) -> BundlePlan:
    """Plan the bundle. `individual_cost_at(amount)` gives the best individual cost for an amount
    (for the break-even size and the savings curve)."""
    if not members:
        raise BundleError(msg("bundle_no_members", "a bundle needs at least one member"))
    refs = [m.ref for m in members]
    if len(set(refs)) != len(refs):
        raise BundleError(msg("bundle_refs_repeat", "every member needs a different ref"))
    ordered = sorted(members, key=lambda m: m.ref)
    notes: list[str] = []
    check_transfer_cap(sum((m.amount for m in members), Decimal(0)), terms)
    if _cost(ordered, bulk_services, terms) is None:
        raise BundleError(msg("bundle_no_product", "no account-to-account product can carry this group's total"))

    coalition = ordered
    reasons: dict[str, str] = {}
    costed = _cost(coalition, bulk_services, terms)
    while coalition:
        costed = _cost(coalition, bulk_services, terms)
        if costed is None:
            break
        losers = [m for m in coalition if m.individual_cost is not None
                  and costed.shares[m.ref][1] > round_money(m.individual_cost, terms.minor_unit)]
        if not losers:
            break
        for m in losers:
            reasons[m.ref] = msg("member_better_alone",
                                 "joining would cost %(share)s, more than sending alone with %(option)s at %(alone)s",
                                 share=costed.shares[m.ref][1], option=m.individual_option,
                                 alone=round_money(m.individual_cost, terms.minor_unit))
        coalition = [m for m in coalition if m.ref not in reasons]
    if reasons:
        notes.append(msgn("members_left_out",
                          "Joining does not pay for %(count)s member under this way of sharing the cost; they are "
                          "better off sending alone and the bundle is planned without them.",
                          "Joining does not pay for %(count)s members under this way of sharing the cost; they are "
                          "better off sending alone and the bundle is planned without them.", len(reasons)))
    if not coalition or costed is None:
        costed = None
        notes.append(msg("bundle_pays_nobody", "Bundling does not pay for anyone in this group: each member should send alone."))

    results = {}
    for m in ordered:
        individual = round_money(m.individual_cost, terms.minor_unit) if m.individual_cost is not None else None
        if costed is not None and m.ref not in reasons:
            exact, share = costed.shares[m.ref]
            saving = individual - share if individual is not None else None
            pct = saving / individual * HUNDRED if saving is not None and individual else None
            results[m.ref] = MemberResult(m.ref, m.amount, True, share, exact, individual, m.individual_option,
                                          saving, pct)
        else:
            results[m.ref] = MemberResult(m.ref, m.amount, False, None, None, individual, m.individual_option,
                                          Decimal(0) if individual is not None else None, Decimal(0),
                                          reasons.get(m.ref, msg("bundle_pays_nobody_member",
                                                                 "bundling does not pay for this group")))
    compared = [r for r in results.values() if r.individual_cost is not None]
    if len(compared) < len(results):
        notes.append(msg("members_without_option", "Members with no individual option for their amount are left out of the totals."))
    individual_total = sum((r.individual_cost for r in compared), Decimal(0))
    bundled_total = sum(((r.share if r.joins else r.individual_cost) for r in compared), Decimal(0))
    saving = individual_total - bundled_total
    transfers = costed.transfers if costed else []
    if any(t.reportable for t in transfers):
        notes.append(msg("transfer_reported",
                         "Transfers of %(threshold)s or more are reported to FINTRAC, with the pooling organisation "
                         "as originator.", threshold=terms.reporting_threshold))
    elif sum((t.amount for t in transfers), Decimal(0)) >= terms.reporting_threshold:
        notes.append(msg("transfers_reported_together",
                         "These transfers add up to %(threshold)s or more: made within 24 hours by or for the same "
                         "organisation they are reported together to FINTRAC.", threshold=terms.reporting_threshold))
    mean = round_money(sum((m.amount for m in ordered), Decimal(0)) / len(ordered), terms.minor_unit)
    curve, break_even = [], None
    if individual_cost_at is not None:
        individual_mean = individual_cost_at(mean)
        individual_rounded = round_money(individual_mean, terms.minor_unit) if individual_mean is not None else None
        for n in range(1, max(len(ordered), 1) + 1):
            point = _equal_group(n, mean, bulk_services, terms, individual_rounded)
            if point is not None:
                curve.append(point)
        if individual_rounded is not None and _may_pay(mean, bulk_services, terms, individual_rounded):
            for n in range(1, max_group + 1):
                point = curve[n - 1] if n <= len(curve) and curve[n - 1].members == n else \
                    _equal_group(n, mean, bulk_services, terms, individual_rounded)
                if point is not None and point.bundled_per_member < individual_rounded:
                    break_even = n
                    break
    yearly = saving * terms.transfers_per_year if terms.transfers_per_year else None
    return BundlePlan(
        transfers=transfers, members=[results[m.ref] for m in members],
        bundle_cost=costed.cost if costed else Decimal(0),
        distribution_fees=costed.distribution if costed else Decimal(0),
        individual_total=individual_total, bundled_total=bundled_total, saving=saving,
        saving_pct=saving / individual_total * HUNDRED if individual_total else None,
        break_even_members=break_even, yearly_saving=yearly, curve=curve, notes=notes,
    )


def _may_pay(amount: Decimal, services: list[Service], terms: Terms, individual: Decimal) -> bool:
    """Whether any group size could pay: every member pays at least their distribution fee and the
    cheapest variable rate (percent fee + FX margin) on their amount, however many share the fixed fees."""
    rates = [b.fee_percent + b.fx_margin_pct for s in services for b in s.bands]
    if not rates:
        return False
    floor = amount * min(rates) / HUNDRED + terms.distribution_fee
    return floor < individual


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
