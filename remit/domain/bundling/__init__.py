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

Every function here is pure: Decimal in, Decimal out. The package, by concept: `model` (what goes in
and out), `transfers` (the pooled transfers and their days), `sharing` (the split rule and its
rounding), `coalition` (who gains), `group_sizes` (the curve, the break-even, the sizes that pay),
`words` (the verdict and the notes), `threshold` (from which size
pooling pays at one amount) and `planning` (plan(), a sequence of small named steps).
"""

from __future__ import annotations

from .coalition import coalition, costs_alone, member_results
from .group_sizes import curve_sizes, group_sizes, paying_sizes
from .model import (BundleError, BundlePlan, CurvePoint, Member, MemberResult, NoBulkProduct, Option, Terms,
                    TooManyTransfers, Transfer, TransferDay)
from .planning import check_group, plan
from .threshold import PooledTerms, PoolingThreshold, pooled_cost, pooling_threshold
from .sharing import Costed, Parts, allocate, apportion, cost_group, split_exact, split_parts, weight_parts
from .transfers import (cap_for, check_transfer_cap, cheapest_groups, cheapest_transfers, plan_transfers, schedule,
                        split, split_counts, transfers_cost, transfers_needed)
from .words import reporting_notes, size_cause, sizes_sentence, verdict

__all__ = ["BundleError", "BundlePlan", "Costed", "CurvePoint", "Member", "MemberResult", "NoBulkProduct", "Option",
           "Terms", "TooManyTransfers", "Transfer", "TransferDay", "allocate", "apportion", "cap_for",
           "check_group", "check_transfer_cap", "cheapest_groups", "cheapest_transfers", "coalition", "cost_group",
           "costs_alone", "curve_sizes", "group_sizes", "member_results", "paying_sizes", "plan", "plan_transfers",
           "PooledTerms", "PoolingThreshold", "pooled_cost", "pooling_threshold",
           "reporting_notes", "schedule", "size_cause", "sizes_sentence", "split", "split_counts", "split_exact",
           "split_parts", "transfers_cost", "transfers_needed", "verdict", "weight_parts", "Parts"]
