"""Figures that add up on every seeded corridor, for random amounts (issue 26, item 1): in every quote a
person is shown (the API's JSON, as the pages read the same quotes), the total is the fee plus the FX
cost, the percentage is the total over the amount, and the amount received is the amount at the rate
as stated, rounded down; in every plan, the shares add up to the bundle's cost, the fees on top to
their total, the payouts to what is paid out, and the cost to its parts, each as shown."""
from __future__ import annotations

import json
from decimal import ROUND_FLOOR
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remit import codes
from remit.api import present
from remit.services import bundles, comparison
from remit.services.reference import find_corridor


def check_quote(q: dict) -> None:
    fee, total, amount = D(q["fee"]), D(q["total_cost"]), D(q["send_amount"])
    fx = D(q["fx_cost"]) if q["fx_cost"] is not None else D(0)
    assert total == fee + fx, q
    # Half up, towards the larger number for a negative percentage too: ⌊x + 0.005⌋ to the hundredth.
    assert D(q["total_cost_pct"]) == (total / amount * 100 + D("0.005")).quantize(D("0.01"), ROUND_FLOOR), q
    if q["receive_amount"] is not None:
        received = D(q["receive_amount"])
        exact = amount * D(q["exchange_rate"])
        assert received == exact.quantize(D(1).scaleb(received.as_tuple().exponent), ROUND_FLOOR), q


def amounts(places: int):
    return st.decimals(min_value=D(1).scaleb(-places), max_value=D(60000), places=places)


def test_every_quote_of_every_seeded_corridor_adds_up(seeded, client):
    corridors = client.get("/api/v1/corridors?page_size=100").json
    assert len(corridors) >= 20
    checked = 0
    for corridor in corridors:
        found = find_corridor(corridor["send_country"], corridor["receive_country"])
        currency = corridor["send_currency"]

        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(amounts(codes.minor_unit(currency)), st.booleans())
        def adds_up(amount, receiving):
            nonlocal checked
            mode = {"receive_amount": amount} if receiving else {"amount": amount}
            result = comparison.compare(found, currency, **mode)
            for q in json.loads(present.quotes_text(result)):
                check_quote(q)
                checked += 1

        adds_up()
    assert checked > 1000


MEMBER_AMOUNTS = st.decimals(min_value=D("20"), max_value=D("4000"), places=2)


def check_plan(body: dict) -> bool:
    """The plan's figures add up; whether anybody joins (else there is little to add up)."""
    joining = [m for m in body["members"] if m["joins"]]
    totals = body["totals"]
    if not joining:
        return False
    assert sum(D(m["share"]) for m in joining) == D(totals["bundle_cost"])
    assert sum(D(m["fees_on_top"]) for m in joining) == D(totals["fees_on_top"])
    assert D(totals["bundle_cost"]) == (D(totals["fees_on_top"]) + D(totals["fx_cost"]) + D(totals["deducted"])
                                        + D(totals["distribution_fees"]))
    if totals["paid_out"] is not None:
        assert sum(D(m["receive_amount"]) for m in joining) == D(totals["paid_out"])
    for t in body["transfers"]:
        assert D(t["cost"]) == D(t["fee"]) + D(t["coordinator_fee"]) + D(t["fx_cost"]) + D(t["deducted"])
        assert D(t["receive_amount"]) == ((D(t["amount"]) - D(t["deducted"])) * D(t["exchange_rate"])).quantize(
            D("0.01"), ROUND_FLOOR)
    distribution = body["fees"]["distribution_fee"]["in_send_currency"]
    assert D(distribution) * len(joining) == D(totals["distribution_fees"])
    return True


def test_every_plan_adds_up(seeded):
    joined = 0

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(MEMBER_AMOUNTS, min_size=20, max_size=80), st.sampled_from(["pro_rata", "equal"]),
           st.sampled_from(["0", "1.50", "2.99"]), st.sampled_from([("CAD", "0"), ("CAD", "7.77"), ("USD", "2.50")]),
           st.sampled_from(["CAD", "USD"]))
    def adds_up(values, allocation, coordinator, incoming, distribution_currency):
        request = bundles.BundleRequest(
            send="CA", receive="GT", currency="CAD",
            members=[bundles.MemberInput(f"m{i:03d}", value) for i, value in enumerate(values)],
            allocation=allocation, coordinator_fee=D(coordinator), incoming_fee=D(incoming[1]),
            incoming_fee_currency=incoming[0], distribution_fee=D("1.25"),
            distribution_fee_currency=distribution_currency)
        nonlocal joined
        joined += check_plan(json.loads(present.bundle_text(bundles.plan(request))))

    adds_up()
    assert joined >= 10
