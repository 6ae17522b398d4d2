"""The plan: the group checked, its transfers, who joins and what each pays, the group sizes that
pay, the days, the verdict and the notes, one named step after another."""
from __future__ import annotations

from decimal import Decimal

from ..envelope import Envelope
from ..messages import msg
from ..money import round_money
from ..pricing import Service
from .coalition import _pct, coalition, costs_alone, member_results
from .group_sizes import group_sizes
from .model import BundleError, BundlePlan, Member, MemberResult, NoBulkProduct, Terms
from .transfers import cap_for, check_transfer_cap, cheapest_groups, schedule, transfers_needed
from .words import reporting_notes, size_cause, verdict


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


def plan(members: list[Member], bulk_services: list[Service], terms: Terms, alone: Envelope | None = None
         ) -> BundlePlan:
    """Plan the bundle. `alone` is the cheapest way to send any amount alone (for the break-even size
    and the curve); without it, neither is given."""
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
    costs = costs_alone(ordered, terms)
    joining, costed, reasons = coalition(ordered, bulk_services, terms, costs)
    by_ref = {r.ref: r for r in member_results(ordered, costed, {m.ref for m in joining}, reasons, terms, costs)}
    results = [by_ref[m.ref] for m in members]

    individual_total, bundled_total, compared, current_total, saving_vs_current = _totals(results)
    saving = individual_total - bundled_total

    mean = round_money(sent_all / len(ordered), terms.minor_unit)
    curve, break_even, paying = group_sizes(mean, len(ordered), bulk_services, terms, alone)
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
