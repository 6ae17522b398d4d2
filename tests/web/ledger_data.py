"""A saved group with two cycles in the season ledger, on whatever corridor data the database holds
(the seeds' CA→GT table in the page tests, where forty workers sending CAD 350 gain by bundling): cycle 1 recorded as planned, completed and corrected (a
payout returned), cycle 2 open with its contributions recorded. For the tests that visit every page."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from remit.extensions import db
from remit.models import BundleGroup
from remit.services import bundles, ledger

ACTOR = "staff@example.org"


def make_season(language: str = "es") -> dict[str, str]:
    """The ledger's pages for a group of forty, as paths to visit."""
    group = BundleGroup(name="Finca Los Pinos", send_country="CA", receive_country="GT", currency="CAD",
                        members="", settings="{}", created_by=ACTOR)
    db.session.add(group)
    db.session.flush()
    request = bundles.BundleRequest(
        send="CA", receive="GT", currency="CAD",
        members=[bundles.MemberInput(f"w{i:02d}", Decimal(350), None, None, language) for i in range(1, 41)],
        distribution_fee=Decimal("1.50"))
    ids = []
    for number in (1, 2):
        result = bundles.plan(request)
        cycle = ledger.create_cycle(group, result, dt.date.today(), actor=ACTOR, language=language)
        record = ledger.load(cycle.id)
        ledger.record_contributions(cycle.id, [ledger.ContributionInput(m.ref, m.planned_contribution, "cash",
                                                                        f"R-{number}-{i}")
                                               for i, m in enumerate(record.reconciliation.members, start=1)],
                                    actor=ACTOR)
        ids.append(cycle.id)
        if number == 2:
            break
        planned = result.plan.transfers[0]
        ledger.add_wire(cycle.id, ledger.WireInput(planned.amount + planned.fee, planned.fee, "CAD", Decimal(1),
                                                   Decimal(0), planned.incoming_fee, planned.credited,
                                                   "FT0001", dt.date.today()), actor=ACTOR)
        record = ledger.load(cycle.id)
        ledger.record_payouts(cycle.id, [ledger.PayoutInput(m.ref, m.expected_payout, "paid", dt.date.today(),
                                                            "signed_receipt")
                                         for m in record.reconciliation.members], actor=ACTOR)
        ledger.complete(cycle.id, actor=ACTOR)
        record = ledger.load(cycle.id)
        payout = record.current("payout")[1]
        ledger.correct(cycle.id, ledger.Correction("payout", "Wrong account.", payout.id, values=ledger.PayoutInput(
            "w02", payout.amount, "returned", dt.date.today())), actor=ACTOR)
    db.session.commit()
    year = dt.date.today().year
    return {"ledger": "/ledger", "ledger group": f"/ledger/groups/{group.id}",
            "completed cycle": f"/ledger/cycles/{ids[0]}", "open cycle": f"/ledger/cycles/{ids[1]}",
            "season": f"/ledger/groups/{group.id}/seasons/{year}",
            "statement": f"/ledger/groups/{group.id}/seasons/{year}/statements/2"}
