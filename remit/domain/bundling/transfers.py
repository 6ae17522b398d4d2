"""The pooled transfers: how many the bank's limit needs, their amounts (split evenly to the minor
unit), what each costs by the product's bands, the cheapest product, and the days they are made on."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from operator import attrgetter

from ..messages import msg
from ..money import round_down, round_up, unit
from ..pricing import Service, applied_rate, band_for
from .model import Terms, TooManyTransfers, Transfer, TransferDay


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
    """One transfer of `amount` by the product's band that holds it: the fee charged, the FX cost
    (exact), and what reaches the collective account at the applied rate as stated."""
    band = band_for(service, amount)
    deducted = terms.incoming_fee + terms.intermediary_fee
    if band is None or deducted >= amount:
        return None  # no band takes it, or the fees on the way would take it all
    applied = applied_rate(service, band.fx_margin_pct)
    credited = None
    if applied is not None:
        credited = round_down((amount - deducted) * applied, terms.receive_minor_unit)
    # Whether the bank reports it depends on the other transfers of its day: schedule() marks it.
    return Transfer(amount, service.key, band.fee(amount, terms.minor_unit), band.fx_cost(amount),
                    terms.coordinator_fee, terms.incoming_fee, terms.intermediary_fee, False, applied, credited)


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
    """Transfer(amount, …).cost by the band's cost alone, without building the transfer (for sweeps)."""
    band = band_for(service, amount)
    deducted = terms.incoming_fee + terms.intermediary_fee
    if band is None or deducted >= amount:
        return None
    return band.cost(amount, terms.minor_unit) + terms.coordinator_fee + deducted


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
