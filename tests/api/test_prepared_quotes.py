"""Quotes are priced from a prepared corridor snapshot kept per data version, and written as JSON by
their one writer (remit/api/present.py) from a per-service template. These tests hold both to the plain
rule: every figure as `pricing.quote` (or `smallest_send_for`) gives it, each written as the contract
states it (the percentage and the amount sent in their places), valid against the OpenAPI document
generated from QuoteSchema (the suite's client checks every API answer with openapi-core), and a kept
snapshot never outlives an import, whichever app instance or process made it."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remit.domain import caveats
from remit.domain.money import round_down, round_money, round_pct, round_rate
from remit.domain.pricing import Basis, FeeBand, PricePoint, Service, quote, smallest_send_for

from ..api_document import ValidatingClient
from ..conftest import ROOT
from ..importers.helpers import csv_bytes, fee_row

def plain_rate(value):
    if value is None:
        return None
    return format(round_rate(value, 6 if abs(value) >= D("0.01") else 10), "f")


def day(value):
    return None if value is None else value.isoformat()


def plain_quote_json(q, info, warnings, position) -> dict:
    """A quote as the contract states each of its fields, from the Quote's figures (the domain rounds
    them as shown: rounding them again changes nothing)."""
    send_minor = q.service.send_minor_unit

    def m(value):
        return None if value is None else str(round_money(value, send_minor))

    return {
        "rank": position,
        "provider": {"slug": info.provider_slug, "name": info.provider_name, "type": info.provider_type},
        "product": {"id": info.product_id, "name": info.product_name, "funding_method": info.funding_method,
                    "payout_method": info.payout_method or "unknown", "speed": info.speed or "unknown"},
        "send_amount": m(q.send_amount), "send_currency": q.service.send_currency, "fee": m(q.fee),
        "exchange_rate": plain_rate(q.exchange_rate), "reference_rate": plain_rate(q.reference_rate),
        "reference_rate_as_of": day(info.reference_rate_as_of), "reference_rate_source": info.reference_rate_source,
        "fx_margin_pct": None if q.fx_margin_pct is None else str(round_pct(q.fx_margin_pct)),
        "fx_cost": m(q.fx_cost), "total_cost": m(q.total_cost), "total_cost_pct": str(round_pct(q.total_cost_pct)),
        "receive_amount": None if q.receive_amount is None else str(round_down(q.receive_amount,
                                                                               q.service.receive_minor_unit)),
        "receive_currency": q.service.receive_currency, "transparent": q.transparent, "estimated": q.estimated,
        "basis": q.service.basis.value, "illustrative": info.illustrative, "data_as_of": info.data_as_of, "data_period": info.data_period,
        "collected_at": day(info.collected_at), "source": str(info.source), "regions": list(info.regions),
        "accepted_ids": list(info.accepted_ids), "warnings": list(warnings),
    }


def get(client, **params):
    return client.get("/api/v1/quotes", query_string=params)


# --- Every seeded corridor, amount and mode: the fast path's answer is the plain rule's, dumped. ---------

AMOUNTS = ("0.01", "1", "199.99", "200", "300", "350", "500", "500.01", "999.99", "2500", "9999.99", "250000")
RECEIVE_AMOUNTS = ("1", "1000", "3546", "50000")


def test_every_seeded_quote_is_the_plain_rule_written_as_the_contract_states_it(seeded, client):
    from remit.services import comparison
    from remit.services.reference import find_corridor

    corridors = client.get("/api/v1/corridors").json
    assert len(corridors) >= 4
    checked_before, answered, kinds = ValidatingClient.checked, 0, set()
    limits, today = comparison.freshness(), dt.date.today()
    for corridor in corridors:
        found = find_corridor(corridor["send_country"], corridor["receive_country"])
        currency = corridor["send_currency"]
        for mode, values in (("amount", AMOUNTS), ("receive_amount", RECEIVE_AMOUNTS)):
            for value in values:
                response = get(client, send=corridor["send_country"], receive=corridor["receive_country"],
                               currency=currency, **{mode: value})
                if response.status_code == 422:  # a currency with no minor unit refuses 0.01 and 199.99
                    assert mode == "amount" and "decimals" in response.get_data(as_text=True)
                    continue
                assert response.status_code == 200, response.get_data(as_text=True)
                answered += 1
                result = comparison.compare(found, currency, **{mode: D(value)})
                expected = []
                for position, q in enumerate(result.quotes[:50], start=1):
                    plain = (quote(q.service, D(value)) if mode == "amount"
                             else smallest_send_for(q.service, D(value)))
                    assert plain == q, (corridor["code"], mode, value, q.service.key)
                    info = result.info[q.service.key]
                    # The warnings as the plain rule judges them, one quote at a time.
                    warned = caveats.warnings(
                        plain, rate_as_of=info.reference_rate_as_of, today=today, limits=limits,
                        survey_period=result.survey_period if plain.service.basis is Basis.SURVEY else None)
                    expected.append(plain_quote_json(plain, info, warned, position))
                    kinds.add((plain.service.basis, plain.transparent, plain.estimated, bool(warned)))
                assert response.json == expected, (corridor["code"], mode, value)
    # Every answer above went through the template path and was validated against the document.
    assert ValidatingClient.checked - checked_before >= answered > 100
    # The seeds hold fee tables and surveys, estimates and exact prices, hidden rates, warnings.
    assert {basis for basis, *_ in kinds} == {Basis.FEE_TABLE, Basis.SURVEY}
    assert any(estimated for *_, estimated, _ in kinds) and any(not estimated for *_, estimated, _ in kinds)
    assert any(warned for *_, warned in kinds)


def test_the_answer_for_cad_300_reads_as_worked_out_by_hand_after_the_template(seeded, client):
    """The figures a person checks (see test_quotes.py), read from the raw bytes the template wrote."""
    body = get(client, send="CA", receive="GT", amount="300", currency="CAD").get_data(as_text=True)
    first = json.loads(body)[0]
    assert (first["fee"], first["fx_cost"], first["total_cost"], first["total_cost_pct"]) == (
        "4.99", "4.50", "9.49", "3.16")
    assert first["send_amount"] == "300.00" and first["receive_amount"] == "1640.89"
    assert body.count('"send_amount":"300.00"') == len(json.loads(body))


# --- The writer writes any service as the contract states it: names that look like formats, rounding ties. --

names = st.text(alphabet=st.sampled_from('ab %s%%"\\\u00e9\u00f1\u4e2d\n'), min_size=1, max_size=12)
margins = st.one_of(st.none(), st.decimals(min_value=D("-3"), max_value=D("15"), places=3))  # ties: x.xx5
optional_terms = st.one_of(st.none(), st.sampled_from(["cash_pickup", "bank_account"]))


@st.composite
def priced_comparisons(draw):
    from remit.services.comparison import Comparison, ServiceInfo

    quotes, info, warnings = [], {}, {}
    send_minor = draw(st.sampled_from([0, 2, 3]))
    amount = draw(st.decimals(min_value=D(1), max_value=D(100000), places=send_minor))
    for n in range(draw(st.integers(1, 4))):
        key = f"ft-{n}" if draw(st.booleans()) else f"rpw-{n}"
        rate = draw(st.one_of(st.none(), st.decimals(min_value=D("0.000001"), max_value=D(20000), places=6)))
        margin = draw(margins)
        fee = draw(st.decimals(min_value=0, max_value=D(50), places=3))
        if key.startswith("ft"):
            margin = D(0) if margin is None else margin
            service = Service(key=key, basis=Basis.FEE_TABLE, send_currency="CAD", receive_currency="GTQ",
                              send_minor_unit=send_minor, receive_minor_unit=draw(st.sampled_from([0, 2])),
                              reference_rate=rate, bands=(FeeBand(D(1), D(100000), fee,
                                                                   draw(st.decimals(0, 3, places=3)), margin),),
                              transparent=True)
        else:
            service = Service(key=key, basis=Basis.SURVEY, send_currency="CAD", receive_currency="GTQ",
                              send_minor_unit=send_minor, receive_minor_unit=2, reference_rate=rate,
                              price_points=(PricePoint(D(200), D(200), fee, margin, draw(st.booleans())),),
                              transparent=margin is not None)
        q = quote(service, amount)
        quotes.append(q)
        info[key] = ServiceInfo(
            product_id=key, provider_slug=f"p-{n}", provider_name=draw(names), provider_type=draw(optional_terms),
            product_name=draw(names), funding_method=None, payout_method=draw(optional_terms),
            speed=draw(st.one_of(st.none(), st.just("same_day"))), regions=("GT-13",) if n else (),
            accepted_ids=("passport",), data_as_of="2026-01-01", data_period="2026Q1",
            collected_at=draw(st.one_of(st.none(), st.just(dt.date(2026, 1, 1)))), source=draw(names),
            reference_rate_as_of=dt.date(2025, 12, 26) if rate is not None else None,
            reference_rate_source=None if rate is None else draw(names))
        warnings[key] = draw(st.sampled_from([(), ("stale",), ("negative_margin", "stale", "estimate")]))
    return Comparison(corridor=None, send_currency="CAD", receive_currency="GTQ", amount=amount,
                      receive_amount=None, quotes=quotes, info=info, warnings=warnings)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(result=priced_comparisons(), first=st.integers(0, 3), count=st.one_of(st.none(), st.integers(1, 4)))
def test_the_writer_writes_each_quote_as_the_contract_states_it(result, first, count):
    from remit.api import present

    text = present.quotes_text(result, first, count)
    end = None if count is None else first + count
    expected = [plain_quote_json(q, result.info[q.service.key], result.warnings[q.service.key], position)
                for position, q in enumerate(result.quotes[first:end], start=first + 1)]
    assert json.loads(text) == expected
    # Asked again (the templates are kept), the very same text.
    assert present.quotes_text(result, first, count) == text


# --- A kept corridor snapshot never outlives an import. ------------------------------------------------------

RATES = b"base_currency,quote_currency,rate,as_of,source\nCAD,GTQ,5.5,2025-12-26,test rate\n"


def totals(response) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [(q["fee"], q["total_cost"]) for q in response.json]


def start_with_one_wire(client) -> None:
    """Test Bank's wire at CAD 15.00 and a 2% margin: CAD 300 costs 15.00 + 6.00 = 21.00; CAD 400, 23.00."""
    from remit.importers import run_import

    assert run_import("rates", RATES, "rates.csv", actor="test").ok
    assert run_import("fees", csv_bytes([fee_row()]), "fees.csv", actor="test").ok
    assert totals(get(client, send="CA", receive="GT", amount="300", currency="CAD")) == [("15.00", "21.00")]
    assert totals(get(client, send="CA", receive="GT", amount="400", currency="CAD")) == [("15.00", "23.00")]


# The same wire at CAD 9.00 (2%: CAD 300 costs 15.00, CAD 500 costs 19.00), and a new one at CAD 4.00 +
# 1% with no margin (CAD 300: 4.00 + 3.00 = 7.00, first; CAD 500: 9.00).
NEW_TABLE = csv_bytes([fee_row(fee_fixed="9.00"), fee_row(product="App", fee_fixed="4.00", fee_percent="1",
                                                            fx_margin_pct="0")])
AFTER = {"300": [("7.00", "7.00"), ("9.00", "15.00")], "400": [("8.00", "8.00"), ("9.00", "17.00")],
         "500": [("9.00", "9.00"), ("9.00", "19.00")]}


def assert_new_table(client) -> None:
    """The question asked before (its answer was kept), and one never asked (priced from the snapshot)."""
    for amount in ("300", "500"):
        assert totals(get(client, send="CA", receive="GT", amount=amount, currency="CAD")) == AFTER[amount], amount


def test_a_quote_after_a_fee_import_reflects_the_new_table(app, client):
    from remit.importers import run_import
    from remit.services import comparison
    from remit.services.reference import find_corridor

    start_with_one_wire(client)
    before = comparison.corridor_prices(find_corridor("CA", "GT"), dt.date.today())
    assert run_import("fees", NEW_TABLE, "new.csv", actor="test").ok
    assert_new_table(client)
    after = comparison.corridor_prices(find_corridor("CA", "GT"), dt.date.today())
    assert after is not before and len(after.prepared) == 2
    # The web page prices from the same snapshot: its cheapest is the new product.
    page = client.get("/compare", query_string={"send": "CA", "receive": "GT", "amount": "300", "currency": "CAD",
                                                "mode": "send"})
    text = " ".join(re.sub(r"<[^>]+>", " ", page.get_data(as_text=True)).split())
    assert page.status_code == 200
    assert "The cheapest way is Test Bank (App): it costs CA$7.00 in all, 2.33% of the amount sent" in text


def test_an_import_through_another_app_instance_reaches_this_one(app, client, make_app):
    """Two app servers on one database: the snapshot is kept under the data version read from the
    database, so an import made through the other is seen here at the next request."""
    from remit.extensions import db
    from remit.importers import run_import

    start_with_one_wire(client)
    other = make_app(RATELIMIT_ENABLED=False)
    db.session.commit()
    with other.app_context():
        assert run_import("fees", NEW_TABLE, "new.csv", actor="other server").ok
        db.session.remove()
    db.session.rollback()
    assert_new_table(client)
    with other.app_context():
        assert totals(get(other.test_client(), send="CA", receive="GT", amount="400", currency="CAD")) == AFTER["400"]
        db.session.remove()


def test_an_import_made_by_another_process_reaches_this_one(app, client, database_url, tmp_path):
    """The import runs in a separate process (the command line), which shares nothing with this one
    but the database: only the data version read from the database can tell this process."""
    from remit.extensions import db

    start_with_one_wire(client)
    table = tmp_path / "new.csv"
    table.write_bytes(NEW_TABLE)
    db.session.commit()
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "wsgi", "PYTHONWARNINGS": "ignore"}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "remit", "import", "fees", str(table)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    db.session.rollback()
    assert_new_table(client)


def test_a_rate_import_reaches_the_kept_snapshot(app, client):
    """A new reference rate changes what the family receives: CAD 300 at 5.5 less 2% = 1617.00 GTQ; at
    6.0 less 2%, 1764.00."""
    from remit.importers import run_import

    start_with_one_wire(client)
    assert get(client, send="CA", receive="GT", amount="300", currency="CAD").json[0]["receive_amount"] == "1617.00"
    newer = b"base_currency,quote_currency,rate,as_of,source\nCAD,GTQ,6.0,2025-12-29,test rate\n"
    assert run_import("rates", newer, "newer.csv", actor="test").ok
    again = get(client, send="CA", receive="GT", amount="300", currency="CAD").json[0]
    assert (again["receive_amount"], again["reference_rate"]) == ("1764.00", "6.000000")
    fresh = get(client, send="CA", receive="GT", amount="400", currency="CAD").json[0]
    assert fresh["receive_amount"] == "2352.00"  # 400 × 5.88


