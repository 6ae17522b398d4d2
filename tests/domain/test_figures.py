"""Figures that add up (issue 26, item 1), worked by hand: a fee is charged in the currency's minor unit
(rounded once, half up, as charged); the total is the fee shown plus the FX cost shown; the percentage
is worked from the total shown; the amount received is worked from the rate as stated (six decimals);
conversions round half up to the currency's minor unit, which is none for JPY and three decimals for
KWD; half up means towards the larger number, negative amounts too; a plan's shares add up to exactly
what the bank charges.

The first examples are the issue's, found by an independent check of the seeded corridors."""
from __future__ import annotations

from decimal import Decimal as D
from types import SimpleNamespace

from remit.domain.bundling import Member, Terms, cost_group, plan
from remit.domain.bundling.sharing import apportion, split_parts
from remit.domain.money import convert, round_money, round_pct, shown_rate
from remit.domain.pricing import Basis, FeeBand, PricePoint, Service, quote, survey_point


def fee_table(fixed, percent, margin, rate, send="CAD", receive="GTQ", minor=2, receive_minor=2, key="ft-1",
              high="50000") -> Service:
    return Service(key=key, basis=Basis.FEE_TABLE, send_currency=send, receive_currency=receive, send_minor_unit=minor,
                   receive_minor_unit=receive_minor, reference_rate=D(rate),
                   bands=(FeeBand(D("0.001"), D(high), D(fixed), D(percent), D(margin)),),
                   funding_method="bank_account", payout_method="bank_account")


def shown(q) -> tuple[str, ...]:
    return str(q.fee), str(q.fx_cost), str(q.total_cost), str(round_pct(q.total_cost_pct))


def test_a_fee_is_charged_in_cents_and_the_total_is_the_fee_plus_the_fx_cost():
    """CA→GT CAD 1.40 by an app at CAD 1.99 + 1% and a 1.5% margin (the seeds' ft-6): the fee is
    1.99 + 0.014 = 2.004, charged as 2.00; the FX cost is 1.40 × 1.5% = 0.021, shown as 0.02; the
    total is 2.00 + 0.02 = 2.02 (it was 2.03, the exact 2.025 rounded on its own), 2.02 / 1.40 =
    144.29%. At CAD 1.00: 1.99 + 0.01 = 2.00, FX 0.015 → 0.02, total 2.02 = 202.00% of 1.00 (the
    percentage was worked from the exact 2.015: 201.50%)."""
    app = fee_table("1.99", "1", "1.5", "5.552941")
    assert shown(quote(app, D("1.40"))) == ("2.00", "0.02", "2.02", "144.29")
    assert shown(quote(app, D("1.00"))) == ("2.00", "0.02", "2.02", "202.00")


def test_half_up_takes_a_negative_half_towards_the_larger_number():
    """US→MX USD 6.25 with a fee of USD 1.26 and a margin of −0.24% (the rate beat the mid-market
    rate): the FX cost is 6.25 × −0.24% = −0.015, shown as −0.01 (half up: towards the larger number,
    as 0.015 is 0.02); the total is 1.26 − 0.01 = 1.25, which is also the exact 1.245 rounded (it was
    shown as 1.25 beside an FX cost of −0.02, rounded away from zero: 1.26 − 0.02 is 1.24), 20.00%."""
    survey = Service(key="rpw-531", basis=Basis.SURVEY, send_currency="USD", receive_currency="MXN", send_minor_unit=2,
                     receive_minor_unit=2, reference_rate=D("18.907715"),
                     price_points=(PricePoint(D(200), D(200), D("1.26"), D("-0.24")),))
    assert shown(quote(survey, D("6.25"))) == ("1.26", "-0.01", "1.25", "20.00")
    assert (round_money(D("-0.015"), 2), round_money(D("0.015"), 2)) == (D("-0.01"), D("0.02"))
    assert str(round_money(D("-0.004"), 2)) == "0.00"  # not −0.00
    assert str(round_pct(D("-2.445"))) == "-2.44"


def test_the_percentage_is_worked_from_the_total_shown():
    """CA→IN CAD 0.01 with no fee and a 0.86% margin: the FX cost 0.000086 shows as 0.00, so the
    total is 0.00 and so is the percentage (it was 0.86%, from the exact total)."""
    service = Service(key="rpw-117", basis=Basis.SURVEY, send_currency="CAD", receive_currency="INR", send_minor_unit=2,
                      receive_minor_unit=2, reference_rate=D("67.976433"),
                      price_points=(PricePoint(D(200), D("274.24"), D("0.00"), D("0.86")),))
    assert shown(quote(service, D("0.01"))) == ("0.00", "0.00", "0.00", "0.00")


def test_the_amount_received_is_worked_from_the_rate_as_stated():
    """CA→GT CAD 10.41 at a 2% margin on a reference rate of 5.55294133: the applied rate is
    5.4418825034, stated (six decimals, half up) as 5.441883, and 10.41 × 5.441883 = 56.65000203 →
    GTQ 56.65, as a calculator gives it (the exact rate gave 56.6499968…, paid as 56.64)."""
    q = quote(fee_table("3.99", "0", "2", "5.55294133"), D("10.41"))
    assert (str(q.exchange_rate), str(q.receive_amount)) == ("5.441883", "56.65")
    assert shown_rate(D("0.000651449")) == D("0.0006514490")  # a tiny rate keeps ten decimals


def test_jpy_has_no_minor_unit():
    """JPY 30,001 to the Philippines at JPY 1,490 + 0.5% and a 1.25% margin, reference 0.3811 PHP a
    yen: the fee is 1,490 + 150.005 = 1,640.005, charged as JPY 1,640; the FX cost 375.0125 shows as
    375; the total is 2,015 = 6.72% of 30,001. The rate 0.3811 × 0.9875 = 0.37633625 is stated as
    0.376336, and 30,001 × 0.376336 = 11,290.456336 → PHP 11,290.45."""
    q = quote(fee_table("1490", "0.5", "1.25", "0.3811", send="JPY", receive="PHP", minor=0), D("30001"))
    assert shown(q) == ("1640", "375", "2015", "6.72")
    assert (str(q.exchange_rate), str(q.receive_amount)) == ("0.376336", "11290.45")
    # USD 200 at 151.5525 yen is 30,310.5: JPY 30,311 half up (half-even gave 30,310; 0.01 gave 30,310.50).
    assert str(convert(D(200), D("151.5525"), 0)) == "30311"


def test_kwd_has_three_decimals():
    """KWD 100.125 to India at KWD 1.500 + 0.35% and a 0.5% margin, reference 270.15 INR a dinar: the
    fee is 1.500 + 0.3504375 = 1.8504375, charged as 1.850; the FX cost 0.500625 shows as 0.501; the
    total is 2.351 = 2.35% of 100.125. The rate 270.15 × 0.995 = 268.79925 is stated as 268.799250,
    and 100.125 × 268.79925 = 26,913.5249… → INR 26,913.52."""
    q = quote(fee_table("1.500", "0.35", "0.5", "270.15", send="KWD", receive="INR", minor=3), D("100.125"))
    assert shown(q) == ("1.850", "0.501", "2.351", "2.35")
    assert str(q.receive_amount) == "26913.52"
    # USD 200 at 0.3071825 is 61.4365: KWD 61.437 half up (half-even gave 61.436; 0.01 gave 61.44).
    assert str(convert(D(200), D("0.3071825"), 3)) == "61.437"


def test_a_survey_price_point_converted_from_usd_is_in_the_minor_unit_and_its_fee_as_charged():
    """A survey quote of USD 500 with a 1.2% fee, for a KWD corridor without the dinar amount: USD 500
    at 0.3071825 is 153.59125, KWD 153.591 half up; the fee 1.2% of it is 1.843092, charged 1.843."""
    point = survey_point(D(500), 3, usd_rate=D("0.3071825"), fee_pct=D("1.2"), fx_margin_pct=D("0.9"))
    assert (str(point.send_amount), str(point.fee), point.converted) == ("153.591", "1.843", True)
    hidden = survey_point(D(200), 2, send_is_usd=True, fee_lcu=D("4.99"), fx_margin_pct=D("1"), disclosed=False)
    assert (hidden.send_amount, hidden.fee, hidden.fx_margin_pct) == (D(200), D("4.99"), None)
    assert survey_point(D(200), 2, fee_pct=D("1")) is None  # no amount in the send currency and no rate


def test_the_statistics_monthly_amount_and_the_reporting_threshold_round_half_up_in_the_currency():
    """USD 200 a month in JPY (30,311 at 151.5525) and in KWD (61.437 at 0.3071825); Canada's CAD
    10,000 reporting threshold in KWD at 0.23745625 is 2,374.5625 → KWD 2,374.563 (half-even gave
    2,374.562) and in JPY at 108.52545 is 1,085,254.5 → JPY 1,085,255 (half-even: 1,085,254)."""
    from remit.services.bundles import reporting_threshold
    from remit.services.stats import _monthly_amount

    def book(rate):
        return SimpleNamespace(get=lambda base, quote_currency: SimpleNamespace(rate=D(rate)))

    assert str(_monthly_amount(SimpleNamespace(send_currency="JPY"), book("151.5525"))) == "30311"
    assert str(_monthly_amount(SimpleNamespace(send_currency="KWD"), book("0.3071825"))) == "61.437"
    assert str(reporting_threshold("CA", "KWD", book("0.23745625"))) == "2374.563"
    assert str(reporting_threshold("CA", "JPY", book("108.52545"))) == "1085255"


def test_a_plans_shares_add_up_to_what_the_bank_charges():
    """Two members send CAD 20.04 and 20.16 by a bank at CAD 1.99 + 2.5% with no margin and no other
    fee: the fee on CAD 40.20 is 1.99 + 1.005 = 2.995, charged 3.00. Pro rata, the exact parts are
    3.00 × 20.04 / 40.20 = 1.4955… and 3.00 × 20.16 / 40.20 = 1.5044…: 1.49 and 1.50 rounded down, and
    the cent left goes to the larger remainder, 1.4955…: 1.50 + 1.50 = 3.00. (The parts were shared
    from the unrounded fee, 2.995, whose 28-digit quotients summed to 2.9949999…: the shares were
    1.49 + 1.50 = 2.99, a cent short of what the bank charges; in equal parts, 3.00.)"""
    bank = fee_table("1.99", "2.5", "0", "5.5")
    pair = [Member("a", D("20.04")), Member("b", D("20.16"))]
    for rule in ("pro_rata", "equal"):
        costed = cost_group(pair, [bank], Terms(minor_unit=2, allocation=rule))
        assert costed.transfers[0].fee == D("3.00")
        assert costed.cost == D("3.00")
        assert {ref: str(share) for ref, (_, share) in costed.shares.items()} == {"a": "1.50", "b": "1.50"}


def test_the_whole_is_rounded_once_from_its_exact_value():
    """CAD 2.00 + a 2.5% margin on CAD 39.80 (members 13.27 and 26.53): the cost is 2.00 + 0.995 =
    2.995 exactly, CAD 3.00 half up, and the shares (0.9985… and 1.9964…, exact fractions of 2.995 by
    amount) are 1.00 + 2.00 = 3.00."""
    bank = fee_table("2.00", "0", "2.5", "5.5")
    costed = cost_group([Member("a", D("13.27")), Member("b", D("26.53"))], [bank], Terms(minor_unit=2))
    assert costed.cost == D("3.00")
    assert [str(share) for _, share in costed.shares.values()] == ["1.00", "2.00"]
    parts = split_parts({"a": D("13.27"), "b": D("26.53")}, D("2.00"), D("0.995"), D(0), "pro_rata")
    assert parts.total == D("2.995") and parts.denominator == D("39.80")


def test_apportion_compares_remainders_exactly():
    """Thirds of CAD 1.00 among a, b, c: 0.33 each and the cent left to the first key, a; as
    fractions (100 / 300) the remainders are equal, so the tie goes by key, never by a 28th digit."""
    assert apportion(D("1.00"), {"c": D(1), "a": D(1), "b": D(1)}, 2, D(3)) == {
        "c": D("0.33"), "a": D("0.34"), "b": D("0.33")}
    # Negative parts are rounded down too (−0.005 → −0.01 each, −0.02 in all): the cent given back to
    # reach −0.01 goes to the first key (the remainders are equal).
    assert apportion(D("-0.01"), {"a": D("-0.005"), "b": D("-0.005")}, 2) == {"a": D("0.00"), "b": D("-0.01")}


def test_a_fee_given_in_another_currency_is_counted_in_cents():
    """A distribution fee of USD 1.50 a member, in a CAD plan at 1.3652 CAD a dollar: CAD 2.0478, counted
    as CAD 2.05 a member, so that 12 members' fees are 12 × 2.05 = 24.60, as the plan shows them."""
    assert convert(D("1.50"), D("1.3652"), 2) == D("2.05")


def test_a_plan_of_members_alike_shares_the_bank_fee_exactly():
    """Twelve members of CAD 350 by a wire at CAD 30 + 0.1% (4.20 on CAD 4,200: 34.20) and a 2% margin
    (84.00): 118.20, 9.85 each."""
    result = plan([Member(f"w{i:02d}", D(350)) for i in range(12)], [fee_table("30", "0.1", "2", "5.55")],
                  Terms(minor_unit=2, currency="CAD"))
    assert result.bundle_cost == D("118.20") and result.transfer_fees == D("34.20")


def test_the_statistics_price_a_fee_table_at_usd_200_and_500_in_the_currency_as_charged(monkeypatch):
    """A corridor's fee-table statistics price each service at USD 200 and USD 500 in the send
    currency, half up to its minor unit, each fee as charged.

    JPY at 151.5525 yen a dollar, JPY 1,490 + 0.5% and a 1.25% margin: USD 200 is 30,310.5, JPY 30,311
    (half-even gave 30,310); the fee 1,490 + 151.555 = 1,641.555 is charged 1,642, the FX cost 378.8875
    shows as 379, total 2,021 = 6.6675% of 30,311 (from 30,310 it would be 2,021 = 6.6677%). USD 500 is
    75,776.25, JPY 75,776: 1,490 + 378.88 = 1,868.88 → 1,869, FX 947.2 → 947, total 2,816 = 3.7162%.

    KWD at 0.3071825 dinars a dollar, KWD 1.500 + 0.35% and a 0.5% margin: USD 200 is 61.4365, KWD
    61.437 (half-even gave 61.436); the fee 1.500 + 0.2150295 = 1.7150295 is charged 1.715, the FX cost
    0.307185 shows as 0.307, total 2.022 = 3.29118% of 61.437 (of 61.436: 3.29123%). USD 500 is
    153.59125, KWD 153.591: 1.500 + 0.5375685 → 2.038, FX 0.767955 → 0.768, total 2.806 = 1.82693%."""
    import datetime as dt

    from remit.services import stats

    def costs(service, rate):
        info = SimpleNamespace(provider_name="Bank", product_name="Wire", illustrative=False)
        monkeypatch.setattr(stats, "fee_table_services", lambda corridor, rates, on: [(service, info)])
        rates = SimpleNamespace(get=lambda base, quote_currency: SimpleNamespace(rate=D(rate)))
        corridor = SimpleNamespace(send_currency=service.send_currency)
        [cost] = stats._fee_table_costs(corridor, rates, dt.date(2026, 1, 5))
        return cost.total_cost_pct_200, cost.total_cost_pct_500

    jpy = fee_table("1490", "0.5", "1.25", "0.3811", send="JPY", receive="PHP", minor=0, high="1000000")
    at_200, at_500 = costs(jpy, "151.5525")
    assert (at_200, at_500) == (D(2021) / D(30311) * 100, D(2816) / D(75776) * 100)
    assert (str(at_200.quantize(D("0.0001"))), str(at_500.quantize(D("0.0001")))) == ("6.6675", "3.7162")
    kwd = fee_table("1.500", "0.35", "0.5", "270.15", send="KWD", receive="INR", minor=3)
    at_200, at_500 = costs(kwd, "0.3071825")
    assert (at_200, at_500) == (D("2.022") / D("61.437") * 100, D("2.806") / D("153.591") * 100)
    assert (str(at_200.quantize(D("0.00001"))), str(at_500.quantize(D("0.00001")))) == ("3.29118", "1.82693")


def test_the_ledger_pays_each_familys_distribution_fee_in_the_receive_currencys_unit():
    """A plan's distribution fee of CAD 2.50 a family, paid out of the collective account at the
    transfers' rate: at 109 yen a dollar, 272.5 is JPY 273 half up (half-even gave 272; to the cent,
    272.50); at 0.2266 dinars a dollar, 0.5665 is KWD 0.567 (half-even gave 0.566; to the cent, 0.57)."""
    from remit.services.ledger.cycles import fee_per_family

    assert str(fee_per_family(D("2.50"), D("109"), "JPY")) == "273"
    assert str(fee_per_family(D("2.50"), D("0.2266"), "KWD")) == "0.567"
    assert str(fee_per_family(D("1.50"), D("5.5"), "GTQ")) == "8.25"
