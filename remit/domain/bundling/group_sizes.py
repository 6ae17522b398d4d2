"""Group sizes: what each member pays at each size when all send the same amount (the curve), the
smallest size at which they gain (the break-even) and every size at which they do, in ranges."""
from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from operator import attrgetter

from ..envelope import Envelope
from ..money import round_money, round_up, unit
from ..pricing import FeeBand, Service
from .model import CurvePoint, Terms
from .transfers import cap_for, transfers_cost, transfers_needed


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
    there, or is not made: each size costed is a sweep over the products."""
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
      bands reaching that far), and they are at least n × amount / cap in number.
    A band whose fee is not flat (FeeBand.flat_fee) charges it rounded half up, at least half a unit
    under the line: its F_b is taken half a unit lower, so the floor stays a floor."""
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
        fixed = _fixed_floor(band, terms.minor_unit, half) + extra - half
        room = most - amount * band.rate - each  # what fixed / n may be
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
        fixed = min(_fixed_floor(b, terms.minor_unit, half) for b in several) + extra
        rate = min(b.rate for b in several)
        # fixed × k / n + amount × rate + each − half / n <= most, for some n >= first, with k / n at least
        # amount / cap (at most amount / cap + 1 / first, which bounds a negative fixed part), times cap × first:
        transfers = amount * first + (cap if fixed < 0 else 0)
        if fixed * transfers + (amount * rate + each - most) * cap * first - half * cap <= 0:
            return min(sizes, default=None), first
    return min(sizes, default=None), None


def _fixed_floor(band: FeeBand, minor_unit: int, half: Decimal) -> Decimal:
    """The band's fixed fee, or half a unit under it when its fee is charged rounded (not flat)."""
    return band.fee_fixed if band.flat_fee(minor_unit) else band.fee_fixed - half


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
    whole stretch; where they straddle a band's edge (a few sizes at most), or fall in a band whose fee
    has a percentage (charged rounded, so not a straight line), each size is costed."""
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


class _Splits:
    """One product's bands, for members each sending `amount`: where the two amounts of a group's split
    into k transfers fall, and which of a stretch of sizes pay (see paying_sizes)."""

    def __init__(self, amount: Decimal, service: Service, terms: Terms, most: Decimal, step: Decimal):
        self.amount, self.service, self.terms, self.most, self.step = amount, service, terms, most, step
        self.bands = sorted(service.bands, key=attrgetter("min_amount"))
        self.flat = [b.flat_fee(terms.minor_unit) for b in self.bands]
        self.edges = [(b.min_amount, b.max_amount) for b in self.bands]
        self.extra = terms.coordinator_fee + terms.incoming_fee + terms.intermediary_fee
        self.deducted = terms.incoming_fee + terms.intermediary_fee
        self.units = int(amount / step)  # each member's amount in minor units

    def position(self, value: Decimal) -> int:
        """Where an amount falls, in order: 2i + 1 in band i, 2i in the gap below it."""
        for i, (low, high) in enumerate(self.edges):
            if value < low:
                return 2 * i
            if value <= high:
                return 2 * i + 1
        return 2 * len(self.edges)

    def signature(self, n: int, k: int) -> tuple[int, int, bool]:
        """The bands of the split's smaller and larger amounts, and whether the fees on the way leave
        the smaller one something: each of the three only grows with n (k fixed)."""
        base, left = divmod(n * self.units, k)
        smaller = base * self.step
        position = self.position(smaller)
        return position, self.position(smaller + self.step) if left else position, smaller > self.deducted

    def last_alike(self, n: int, high: int, k: int, first: tuple[int, int, bool]) -> int:
        """The last size from n to high whose signature is `first` (each part only grows: a search)."""
        if self.signature(high, k) == first:
            return high
        below, above = n, high
        while above - below > 1:
            middle = (below + above) // 2
            if self.signature(middle, k) == first:
                below = middle
            else:
                above = middle
        return below

    def paying(self, n: int, end: int, k: int, signature: tuple[int, int, bool]) -> list[tuple[int, int]]:
        """The sizes from n to end, all of one signature, that pay: by the line of their band where
        both amounts fall in one band whose fee is flat, else each size costed (straddling a band's
        edge, or a fee charged rounded); none where an amount falls outside every band."""
        small, large, carried = signature
        terms, minor, each = self.terms, self.terms.minor_unit, self.terms.distribution_fee
        if carried and small == large and small % 2 and self.flat[small // 2]:
            band = self.bands[small // 2]
            return _linear_paying(n, end, k * (band.fee_fixed + self.extra), self.amount * band.rate + each,
                                  self.most, minor)
        if carried and small % 2 and large % 2:
            return [(size, size) for size in range(n, end + 1) for cost in (
                transfers_cost(self.amount * size, self.service, terms),)
                if cost is not None and round_money(cost + each * size, minor) <= self.most * size]
        return []


def _product_paying_sizes(amount: Decimal, service: Service, terms: Terms, most: Decimal, step: Decimal,
                          upto: int) -> list[tuple[int, int]]:
    """paying_sizes for one product: the sizes at which its cost for the group pays (see there), walked
    by the transfers k they need and, within k, by stretches of one signature (_Splits)."""
    one, several = _least_sizes(amount, service, terms, most, step)
    if one is None and several is None:
        return []
    cap = cap_for(service, terms)
    splits = _Splits(amount, service, terms, most, step)
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
            first = splits.signature(n, k)
            end = splits.last_alike(n, high, k, first)
            found += splits.paying(n, end, k, first)
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


def group_sizes(mean: Decimal, size: int, services: list[Service], terms: Terms, envelope: Envelope | None
                ) -> tuple[list[CurvePoint], int | None, list[tuple[int, int]]]:
    """The curve of what each member pays at each group size (each sending `mean`), the smallest group
    in which each pays strictly less than their cheapest way alone (`envelope`'s for `mean`), and every
    size up to max_group (or the group's own, if larger) at which they do, in ranges."""
    if envelope is None:
        return [], None, []
    found = envelope.cheapest(mean)
    alone = round_money(found[0], terms.minor_unit) if found is not None else None
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
