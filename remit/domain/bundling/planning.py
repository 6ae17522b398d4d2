"""The plan: the group checked, its transfers, who joins and what each pays, the group sizes that
pay, the days, the verdict and the notes, one named step after another."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..envelope import Envelope
from ..messages import Message, msg
from ..money import round_money
from ..pricing import Service
from .coalition import _pct, coalition, costs_alone, member_results
from .sharing import Costed
from .group_sizes import group_sizes
from .model import BundleError, BundlePlan, Member, MemberResult, NoBulkProduct, Terms, Transfer, TransferDay
from .transfers import cap_for, check_transfer_cap, cheapest_groups, schedule, transfers_needed
from .words import reporting_notes, size_cause, verdict


def check_group(members: list[Member]) -> None:
    if not members:
        raise BundleError(msg("bundle_no_members", "a bundle needs at least one member"))
    refs = [m.ref for m in members]
    if len(set(refs)) != len(refs):
        raise BundleError(msg("bundle_refs_repeat", "every member needs a different ref"))


@dataclass(frozen=True)
class _Totals:
    """Over the members with an individual option: what they pay alone, what they pay with the plan,
    how many they are and what the plan saves them; over those who said how they send today: what they
    pay today and what the plan saves them (None when nobody said)."""

    individual: Decimal
    bundled: Decimal
    compared: int
    current: Decimal | None
    saving_vs_current: Decimal | None

    @property
    def saving(self) -> Decimal:
        return self.individual - self.bundled


def _totals(results: list[MemberResult]) -> _Totals:
    """The members' totals in one pass: the figures are rounded, the sums exact."""
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
    return _Totals(individual, bundled, compared, today if told else None, saving_today if told else None)


def _check_carried(sent: Decimal, bulk_services: list[Service], terms: Terms) -> None:
    """Refuse a group no product can carry: more transfers than a plan holds, or no product at all
    (what cost_group would say, without the shares)."""
    check_transfer_cap(sent, terms)
    if cheapest_groups(sent, bulk_services, terms) is not None:
        return
    caps = [cap_for(s, terms) for s in bulk_services if s.bands]
    if caps and all(transfers_needed(sent, cap) > terms.max_transfers for cap in caps):
        biggest = max(caps)
        raise BundleError(msg(
            "group_too_large", "the group's %(total)s would take %(count)s transfers of at most %(cap)s, the most "
            "the bank takes in one; a plan holds at most %(limit)s transfers", total=sent,
            count=transfers_needed(sent, biggest), cap=biggest, limit=terms.max_transfers))
    raise NoBulkProduct(msg("bundle_no_product", "no account-to-account product can carry this group's total"))


def _who_joins(members: list[Member], ordered: list[Member], bulk_services: list[Service], terms: Terms
               ) -> tuple[list[Member], Costed | None, list[MemberResult]]:
    """Who joins, their bundle, and every member's result, in the order of the list given."""
    costs = costs_alone(ordered, terms)
    joining, costed, reasons = coalition(ordered, bulk_services, terms, costs)
    by_ref = {r.ref: r for r in member_results(ordered, costed, {m.ref for m in joining}, reasons, terms, costs)}
    return joining, costed, [by_ref[m.ref] for m in members]


def _transfers_and_notes(costed: Costed | None, bulk_services: list[Service], terms: Terms, everyone_compared: bool
                         ) -> tuple[list[Transfer], list[TransferDay], Service | None, list[Message]]:
    """The bundle's transfers over their days, the product they go by, and the notes on them."""
    transfers, days = schedule(costed.transfers if costed else [], terms)
    bulk = next((s for s in bulk_services if transfers and s.key == transfers[0].service_key), None)
    notes = reporting_notes(transfers, days, terms, cap_for(bulk, terms) if bulk else None)
    if not everyone_compared:
        notes.append(msg("members_without_option",
                         "Members with no individual option for their amount are left out of the totals."))
    return transfers, days, bulk, notes


def _yearly(saving: Decimal | None, terms: Terms) -> Decimal | None:
    per_year = terms.transfers_per_year
    return saving * per_year if per_year and saving is not None else None


def plan(members: list[Member], bulk_services: list[Service], terms: Terms, alone: Envelope | None = None
         ) -> BundlePlan:
    """Plan the bundle. `alone` is the cheapest way to send any amount alone (for the break-even size
    and the curve); without it, neither is given. The steps: the group checked and carried, who joins
    and what each pays, the totals, the group sizes that pay, the transfers over their days and their
    notes, the verdict."""
    check_group(members)
    ordered = sorted(members, key=lambda m: m.ref)  # the plan does not depend on the list's order
    sent_all = sum((m.amount for m in ordered), Decimal(0))
    _check_carried(sent_all, bulk_services, terms)
    joining, costed, results = _who_joins(members, ordered, bulk_services, terms)
    totals = _totals(results)
    saving, saving_pct = totals.saving, _pct(totals.saving, totals.individual)
    saving_vs_current_pct = _pct(totals.saving_vs_current, totals.current)
    mean = round_money(sent_all / len(ordered), terms.minor_unit)
    curve, break_even, paying = group_sizes(mean, len(ordered), bulk_services, terms, alone)
    transfers, days, bulk, notes = _transfers_and_notes(costed, bulk_services, terms,
                                                        totals.compared == len(results))
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
        individual_total=totals.individual, bundled_total=totals.bundled, saving=saving, saving_pct=saving_pct,
        current_total=totals.current, saving_vs_current=totals.saving_vs_current,
        saving_vs_current_pct=saving_vs_current_pct,
        break_even_members=break_even, paying_sizes=paying, mean_amount=mean,
        yearly_saving=_yearly(saving, terms), yearly_saving_vs_current=_yearly(totals.saving_vs_current, terms),
        curve=curve,
        verdict=verdict(results, saving, saving_pct, totals.saving_vs_current, saving_vs_current_pct, paying, mean,
                        terms, size_cause(len(ordered), paying, mean, bulk_services, terms),
                        max(len(ordered), terms.max_group)),
        notes=notes, days=days, reporting_threshold=terms.reporting_threshold,
    )
