"""The coalition: the members for whom joining pays (those who would pay more than their cheapest
way alone leave, one round at a time), and each member's result with the reason of those who send
alone."""
from __future__ import annotations

from decimal import Decimal, localcontext

from ..messages import Amount, Message, msg
from ..money import HUNDRED, round_money, unit
from ..pricing import Service
from .model import Member, MemberResult, Terms
from .sharing import EXACT, Costed, _fixed_and_fx, apportion, cost_group, round_all, split_numerators
from .transfers import cheapest_groups


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
        parts = _group_parts(joining, services, terms)
        if parts is None:
            break
        losers = _losers(joining, parts, terms)
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


def _group_parts(joining: list[tuple], services: list[Service], terms: Terms
                 ) -> tuple[list[Decimal], Decimal, Decimal] | None:
    """split_numerators for the members of `joining`, in its order (its bundle's fees as cost_group
    adds them up): the shares' numerators, their denominator and the bundle's cost; None when no
    product carries it."""
    amounts = [row[1] for row in joining]
    groups = cheapest_groups(sum(amounts, Decimal(0)), services, terms)
    if groups is None:
        return None
    return split_numerators(amounts, *_fixed_and_fx(groups), terms.distribution_fee, terms.allocation)


def _losers(joining: list[tuple], parts: tuple[list[Decimal], Decimal, Decimal], terms: Terms
            ) -> list[tuple[Member, Decimal, Decimal]]:
    """The members whose share, rounded to the minor unit, is more than their cheapest way alone, with
    that share and that cost. Each exact share is cost_group's (the same parts). Rounding (largest
    remainder) takes a share to the unit below it or the one above, so a share is decided by its exact
    value unless the unit below it is the cost alone and the share is more: then it loses only if
    rounded up, and only then are all shares rounded to decide, to the bundle's cost, as cost_group
    rounds them. The shares are compared with the costs alone exactly (numerator against cost ×
    denominator)."""
    numerators, denominator, total = parts
    losers = []
    undecided = False
    with localcontext(EXACT):
        for row, numerator in zip(joining, numerators):
            alone = row[2]
            if alone is not None and numerator > alone * denominator:
                losers.append((row[0], numerator, alone))
                undecided = undecided or numerator < row[3] * denominator
    minor = terms.minor_unit
    if undecided:  # the shares rounded as cost_group rounds them (the same exact shares, the same cost)
        rounded = apportion(round_money(total, minor), {row[0].ref: n for row, n in zip(joining, numerators)}, minor,
                            denominator)
        return [(row[0], rounded[row[0].ref], row[2]) for row in joining
                if row[2] is not None and rounded[row[0].ref] > row[2]]
    shares = round_all([numerator for _, numerator, _ in losers], minor, denominator)
    return [(m, share, alone) for (m, _, alone), share in zip(losers, shares)]


def _pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    return part / whole * HUNDRED if part is not None and whole else None


def member_results(members: list[Member], costed: Costed | None, joining: set[str], reasons: dict[str, Message],
                   terms: Terms, alone_costs: dict[str, Decimal] | None = None) -> list[MemberResult]:
    """Each member's result: a member who joins, with their share and what it saves; one who sends
    alone the cheapest way, with the reason."""
    alone_costs = costs_alone(members, terms) if alone_costs is None else alone_costs
    combined: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[str, ...]] = {}  # a few pairs, recurring
    nobody: list[Message] = []  # the one reason of a group for whom bundling pays nobody, made once
    minor = terms.minor_unit
    results = []
    for m in members:
        cheapest, today = m.cheapest, m.today
        pair = (today.warnings if today is not None else (), cheapest.warnings if cheapest is not None else ())
        warnings = combined.get(pair)
        if warnings is None:
            warnings = combined[pair] = tuple(dict.fromkeys(pair[0] + pair[1]))
        current = round_money(today.cost, minor) if today is not None else None
        if m.ref in joining and costed is not None:
            results.append(_joining(m, costed, alone_costs.get(m.ref), current, warnings))
        else:
            reason = reasons.get(m.ref)
            if reason is None:
                if not nobody:
                    nobody.append(msg("bundle_pays_nobody_member", "bundling does not pay for this group"))
                reason = nobody[0]
            results.append(_sending_alone(m, alone_costs.get(m.ref), current, reason, warnings))
    return results


def _joining(m: Member, costed: Costed, alone: Decimal | None, current: Decimal | None, warnings: tuple[str, ...]
             ) -> MemberResult:
    """A member who joins: their share, fees on top and payout, and what joining saves them."""
    exact, share = costed.shares[m.ref]
    saving = alone - share if alone is not None else None
    versus_today = current - share if current is not None else None
    payout = costed.payouts[m.ref] if costed.payouts else None
    return MemberResult(
        m.ref, m.amount, True, share, exact, costed.fees_on_top[m.ref], payout, alone,
        m.cheapest.label if m.cheapest is not None else None, saving, _pct(saving, alone),
        m.today.label if m.today is not None else None, current, versus_today, _pct(versus_today, current), None,
        warnings)


_ZERO = Decimal(0)


def _sending_alone(m: Member, alone: Decimal | None, current: Decimal | None, reason: Message,
                   warnings: tuple[str, ...]) -> MemberResult:
    """A member who sends alone the cheapest way: no saving against it; against today, what switching
    saves."""
    cheapest = m.cheapest
    versus_today = current - alone if current is not None and alone is not None else None
    return MemberResult(
        m.ref, m.amount, False, None, None, None, cheapest.receive_amount if cheapest is not None else None,
        alone, cheapest.label if cheapest is not None else None, _ZERO if alone is not None else None,
        _ZERO if alone is not None else None, m.today.label if m.today is not None else None, current, versus_today,
        _pct(versus_today, current), reason, warnings)
