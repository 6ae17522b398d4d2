"""The plan's words: the verdict (who gains, at what group sizes, and why this group's size does or
does not pay) and the notes on the transfers (why several, what the bank reports)."""
from __future__ import annotations

from decimal import Decimal

from ..messages import Amount, Message, msg, msgn
from ..money import round_money
from ..pricing import Service
from .model import MemberResult, Terms, Transfer, TransferDay
from .transfers import _cheapest_split


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
    the group's average gain, what that means for this group and why, and what members save against
    what they pay today."""
    upto = terms.max_group if upto is None else upto
    said = [_who_gains(results, plan_saving, plan_saving_pct, terms), sizes_sentence(ranges, mean, terms, upto)]
    this_size = _this_size(results, ranges, mean, terms, cause)
    if this_size is not None:
        said.append(this_size)
    if saving_vs_current is not None:
        said.append(msg("verdict_today",
                        "Against what they pay today, the members who said how they send save %(currency)s "
                        "%(saving)s (%(pct)s%%), joining or switching to their cheapest way alone.",
                        currency=terms.currency, saving=Amount(round_money(saving_vs_current, terms.minor_unit)),
                        pct=round_money(saving_vs_current_pct or Decimal(0), 2)))
    return said


def _who_gains(results: list[MemberResult], plan_saving: Decimal, plan_saving_pct: Decimal | None, terms: Terms
               ) -> Message:
    """All members gain, some of them, or none, and what the plan saves them."""
    size, joining = len(results), sum(1 for r in results if r.joins)
    ccy, saving = terms.currency, Amount(round_money(plan_saving, terms.minor_unit))
    if joining and joining == size:
        return msgn("verdict_all",
                    "The member gains by bundling: %(currency)s %(saving)s less than sending alone the cheapest "
                    "way (%(pct)s%%).",
                    "All %(count)s members gain by bundling: together they pay %(currency)s %(saving)s less "
                    "than each sending alone the cheapest way (%(pct)s%%).", size, currency=ccy, saving=saving,
                    pct=round_money(plan_saving_pct or Decimal(0), 2))
    if joining:
        return msg("verdict_some",
                   "%(joining)s of %(size)s members gain by bundling: together they pay %(currency)s %(saving)s "
                   "less than sending alone the cheapest way. %(alone)s should send alone: their share of the "
                   "costs would be more than their cheapest way alone, as each line below says.",
                   joining=joining, size=size, currency=ccy, saving=saving, alone=size - joining)
    return msg("verdict_none", "No member of this group gains by bundling: each should send alone the "
                               "cheapest way, as each line below says.")


def _this_size(results: list[MemberResult], ranges: list[tuple[int, int]], mean: Decimal, terms: Terms,
               cause: Message | None) -> Message | None:
    """What the paying sizes mean for this group, where members do not all gain: too few for the fees;
    the size's own cause (size_cause); or, at a size that pays, why some do not (their amounts differ
    from the average, or they compare with their own payout's cheapest way)."""
    size, joining = len(results), sum(1 for r in results if r.joins)
    ccy, amount = terms.currency, Amount(round_money(mean, terms.minor_unit))
    if ranges and size < ranges[0][0]:
        if joining:  # (members whose amounts differ from the average may gain all the same)
            return None
        return msgn("verdict_too_small", "This group has %(count)s member: too few for the pooled transfer's fees.",
                    "This group has %(count)s members: too few to share the pooled transfer's fees.", size)
    if cause is not None:
        return cause if joining < size else None
    if joining == size or not any(first <= size <= last for first, last in ranges):
        return None
    if len({r.amount for r in results}) > 1:
        return msg("verdict_not_these",
                   "A group of %(size)s members each sending the group's average of %(currency)s %(amount)s "
                   "would gain; in this group, those who send least would pay more than alone%(rest)s.",
                   size=size, currency=ccy, amount=amount,
                   rest="" if joining else msg("verdict_not_these_rest",
                                               ", and without them the fees weigh too much on the others"))
    return msg("verdict_own_options",
               "A group of %(size)s members each sending %(currency)s %(amount)s would gain against the "
               "cheapest way alone by any payout; in this group, some compare with their own payout's, "
               "which costs less than their share would, as each line below says.",
               size=size, currency=ccy, amount=amount)


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
