"""Corridor listing and statistics: the seeded 2025 Q3 survey figures equal the source file's means."""
from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal as D

import pytest

from .. import seeds


def source_rows():
    """The 2025 Q3 quotes of USA→Mexico, USA→Guatemala and Canada→Philippines, as the seed file has them."""
    return seeds.rows(seeds.quotes(*seeds.USA, ("CAN", "PHL")))


def pct(value: D) -> str:
    return str(value.quantize(D("0.01"), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize("code,src,dst", [("US-MX", "USA", "MEX"), ("US-GT", "USA", "GTM"), ("CA-PH", "CAN", "PHL")])
def test_survey_stats_equal_the_simple_means_of_the_source_file(seeded, client, code, src, dst):
    by_point = defaultdict(list)
    for row in source_rows():
        if (row["source_code"], row["destination_code"]) == (src, dst) and row["transparent"] == "True":
            by_point[row["amount_usd"]].append(D(row["total_cost_pct"]))
    mean_200 = sum(by_point["200"]) / len(by_point["200"])
    mean_500 = sum(by_point["500"]) / len(by_point["500"])
    smart = sum(sorted(by_point["200"])[:3]) / 3
    response = client.get(f"/api/v1/corridors/{code}/stats")
    assert response.status_code == 200
    stats = response.json
    assert stats["period"] == "2025Q3" and stats["basis"] == "survey"
    assert stats["average_total_cost_pct_200"] == pct(mean_200)
    assert stats["average_total_cost_pct_500"] == pct(mean_500)
    assert stats["smart_pct"] == pct(smart)
    assert stats["services"] == stats["transparent_services"] == len(by_point["200"])
    assert stats["sdg_target_met"] is (mean_200 < 3) and stats["above_5pct"] is (mean_200 > 5)
    assert stats["source"] == "The World Bank, Remittance Prices Worldwide, 2025Q3"
    # Canada's corridors also have RPW's published averages of the three quarters before.
    assert [t["period"] for t in stats["trend"]] == (["2024Q3", "2024Q4", "2025Q1", "2025Q3"] if src == "CAN"
                                                     else ["2025Q3"])


def test_us_gt_average_is_the_published_4_2_percent(seeded, client):
    stats = client.get("/api/v1/corridors/USA-GTM/stats").json
    assert stats["average_total_cost_pct_200"] == "4.19"  # RPW: about 4.2% of USD 200 in 2025 Q3
    # The cheapest (-2.12%) is a promotion (its FX margin is below zero) and is flagged; sending USD 200
    # monthly is measured against the cheapest whose margin is not negative, instead of the average.
    cheapest = D(stats["cheapest"]["total_cost_pct"])
    assert stats["monthly_amount"] == "200.00"
    rows = [r for r in source_rows() if r["destination_code"] == "GTM" and r["amount_usd"] == "200"]
    costs = [D(r["total_cost_pct"]) for r in rows]
    regular = min(D(r["total_cost_pct"]) for r in rows if D(r["fx_margin_pct"]) >= 0)
    exact = 200 * (sum(costs) / len(costs) - regular) / 100 * 12
    assert (cheapest, stats["cheapest"]["negative_margin"]) == (min(costs), True)
    assert stats["yearly_saving"] == pct(exact) == "51.96"


def test_period_parameter_and_unknown_periods(seeded, client):
    assert client.get("/api/v1/corridors/TZ-KE/stats?period=2011_1Q").json["period"] == "2011Q1"
    missing = client.get("/api/v1/corridors/TZ-KE/stats?period=2019Q2")
    assert missing.status_code == 404
    assert missing.json["message"] == "no survey data for TZ-KE in 2019Q2; surveyed: 2011Q1"
    india = client.get("/api/v1/corridors/CA-IN/stats?period=2025Q2")
    assert india.status_code == 404  # RPW published nothing for 2025 Q2: no figure is made up for it
    assert india.json["message"] == "no survey data for CA-IN in 2025Q2; surveyed: 2024Q3, 2024Q4, 2025Q1, 2025Q3"
    bad = client.get("/api/v1/corridors/TZ-KE/stats?period=2019-2")
    assert bad.status_code == 422 and "period" in bad.json["errors"]["query"]
    # The path names a corridor: one of an unknown country names nothing (404, saying which code); one
    # not written as two codes is refused, keyed by the path parameter's name.
    unknown = client.get("/api/v1/corridors/XX-KE/stats")
    assert unknown.status_code == 404 and unknown.json["reason"] == "corridor_unknown_country"
    assert unknown.json["message"] == ("remit has no data for the corridor XX-KE: unknown country code 'XX' "
                                       "(use ISO 3166-1 alpha-2 or alpha-3)")
    assert client.get("/api/v1/corridors/FR-KE/stats").json["reason"] == "corridor_unknown"
    malformed = client.get("/api/v1/corridors/CAKE/stats")
    assert malformed.status_code == 422 and list(malformed.json["errors"]) == ["path"]
    assert malformed.json["errors"]["path"] == {"code": ["write the corridor as two country codes joined by '-', "
                                                         "e.g. CA-GT"]}


def test_fee_table_corridor_stats(seeded, client):
    """CA→GT is not surveyed. USD 200 = CAD 279.38 at the ECB's rates of 30 October 2026 (the latest
    seeded: USD→CAD = EUR→CAD 1.5606 / EUR→USD 1.1172 = 1.396885…); the cheapest service there is
    Illustrative Money Transfer B's account deposit: 1.99 + 1% (2.7938) + 1.5% FX (4.1907) = 8.9745
    = 3.21% of 279.38."""
    stats = client.get("/api/v1/corridors/CA-GT/stats").json
    assert stats["basis"] == "fee_table" and stats["services"] == 7
    assert (D(200) * D("1.5606") / D("1.1172")).quantize(D("0.01")) == D("279.38")
    assert stats["monthly_amount"] == "279.38" and stats["send_currency"] == "CAD"
    assert stats["cheapest"]["total_cost_pct"] == pct((D("1.99") + D("2.7938") + D("4.1907")) / D("279.38") * 100)
    assert stats["source"].startswith("remit fee tables in force on ")


def test_corridor_list_is_paginated_and_filtered(seeded, client):
    first = client.get("/api/v1/corridors?page=1&page_size=4")
    assert first.status_code == 200
    assert [c["code"] for c in first.json] == ["CA-CN", "CA-GH", "CA-GT", "CA-GY"]
    assert '"total": 21' in first.headers["X-Pagination"]  # 15 from Canada, 2 from the USA, 3 from Tanzania, CA-GT
    assert [c["code"] for c in client.get("/api/v1/corridors?send=USA").json] == ["US-GT", "US-MX"]
    ph = client.get("/api/v1/corridors?receive=PH").json[0]
    assert (ph["send_currency"], ph["receive_currency"], ph["survey_services"], ph["latest_period"]) == (
        "CAD", "PHP", 37, "2025Q3")
    assert client.get("/api/v1/corridors?send=QQ").status_code == 422


def test_corridor_list_gives_each_corridors_latest_quarter_and_its_age(seeded, client):
    import datetime as dt

    canada = client.get("/api/v1/corridors?send=CA&page_size=100").json
    assert [c["code"] for c in canada] == ["CA-CN", "CA-GH", "CA-GT", "CA-GY", "CA-HT", "CA-IN", "CA-JM", "CA-KE",
                                           "CA-LB", "CA-LK", "CA-NG", "CA-PH", "CA-PK", "CA-RW", "CA-VN", "CA-ZW"]
    age = (dt.date.today() - dt.date(2025, 9, 30)).days
    for corridor in canada:
        if corridor["code"] == "CA-GT":  # not surveyed by RPW: an illustrative fee table, no quarter
            assert (corridor["latest_period"], corridor["data_as_of"], corridor["data_age_days"]) == (None, None, None)
            continue
        assert (corridor["latest_period"], corridor["latest_basis"], corridor["data_as_of"],
                corridor["data_age_days"]) == ("2025Q3", "survey", "2025-09-30", age), corridor
    kenya = client.get("/api/v1/corridors?receive=KE&send=TZ").json[0]
    assert (kenya["latest_period"], kenya["data_as_of"]) == ("2011Q1", "2011-03-31")


def test_corridor_list_flags_old_data_by_the_quotes_rules_and_counts_illustrative_products(seeded, client):
    """A surveyed corridor is judged by its survey quarter (REMIT_SURVEY_MAX_AGE_DAYS, 365 days), one known
    only by fee tables by the reference rate its quotes use (REMIT_RATE_MAX_AGE_DAYS, 14 days): CAD→GTQ is
    crossed through USD from the rates of 26 December 2025, so Canada→Guatemala is old, as its quotes are,
    until a rate of today is imported."""
    import datetime as dt

    from remit.importers import run_import

    from ..importers.helpers import csv_bytes

    today = dt.date.today()
    listed = {c["code"]: c for c in client.get("/api/v1/corridors?page_size=100").json}
    guatemala = listed["CA-GT"]
    assert (guatemala["fee_table_products"], guatemala["illustrative_products"]) == (7, 7)
    assert guatemala["reference_rate_as_of"] == "2025-12-26" and guatemala["stale"] is True
    assert all(q["warnings"].count("stale") == 1 for q in client.get(
        "/api/v1/quotes?send=CA&receive=GT&amount=300&currency=CAD").json)
    survey_old = (today - dt.date(2025, 9, 30)).days > 365
    assert listed["CA-IN"]["stale"] is survey_old and listed["CA-IN"]["illustrative_products"] == 0
    assert listed["TZ-KE"]["stale"] is True  # 2011 Q1
    header = ["base_currency", "quote_currency", "rate", "as_of", "source"]
    assert run_import("rates", csv_bytes([
        {"base_currency": "USD", "quote_currency": "CAD", "rate": "1.40", "as_of": today.isoformat(), "source": "t"},
        {"base_currency": "USD", "quote_currency": "GTQ", "rate": "7.70", "as_of": today.isoformat(), "source": "t"}],
        header), "rates.csv", actor="test").ok
    guatemala = client.get("/api/v1/corridors?send=CA&receive=GT").json[0]
    assert guatemala["reference_rate_as_of"] == today.isoformat() and guatemala["stale"] is False
    stats = client.get("/api/v1/corridors/CA-GT/stats").json
    assert stats["basis"] == "fee_table" and stats["illustrative"] is True
    assert client.get("/api/v1/corridors/CA-IN/stats").json["illustrative"] is False


def published_rows():
    return seeds.rows(seeds.canada_trend())


def test_every_published_corridor_quarter_is_answered_to_the_hundredth(seeded, client):
    """The 60 corridor-quarters of RPW's published trend: the 45 whose quotes remit does not hold answer
    the published figures themselves; the 15 of 2025 Q3 are computed from the quotes and agree."""
    from remit import codes

    matched, bases = 0, defaultdict(int)
    for row in published_rows():
        code = f"{codes.country(row['source_code'])}-{codes.country(row['destination_code'])}"
        answer = client.get(f"/api/v1/corridors/{code}/stats?period={row['quarter']}")
        assert answer.status_code == 200, (code, row["quarter"])
        stats = answer.json
        assert stats["period"] == row["quarter"].replace("_", "Q")[:5] + row["quarter"][5]
        assert abs(D(stats["average_total_cost_pct_200"]) - D(row["avg_cost_pct"])) <= D("0.01"), (code, row)
        assert abs(D(stats["cheapest_total_cost_pct"]) - D(row["cheapest_cost_pct"])) <= D("0.01"), (code, row)
        assert stats["sdg_target_met"] is (D(row["avg_cost_pct"]) < 3)
        assert stats["above_5pct"] is (D(row["avg_cost_pct"]) > 5)
        assert stats["source"] == f"The World Bank, Remittance Prices Worldwide, {stats['period']}"
        if stats["basis"] == "published":
            # Nothing per service is known for these quarters.
            assert (stats["services"], stats["average_total_cost_pct_500"], stats["smart_pct"], stats["cheapest"]) == (
                None, None, None, None)
            assert stats["average_total_cost_pct_200"] == pct(D(row["avg_cost_pct"]))
        bases[stats["basis"]] += 1
        matched += 1
    assert matched == 60 and dict(bases) == {"published": 45, "survey": 15}


def test_2025_q3_averages_computed_from_the_quotes_equal_the_published_ones(seeded, client):
    from remit import codes

    costs = defaultdict(list)
    for row in seeds.rows(seeds.quotes(sender="CAN")):
        if row["amount_usd"] == "200" and row["transparent"] == "True":
            costs[row["destination_code"]].append(D(row["total_cost_pct"]))
    published = {r["destination_code"]: r for r in published_rows() if r["quarter"] == "2025Q3"}
    assert sorted(costs) == sorted(published) and len(costs) == 15
    for destination, values in costs.items():
        mean = sum(values) / len(values)
        assert pct(mean) == pct(D(published[destination]["avg_cost_pct"])), destination
        stats = client.get(f"/api/v1/corridors/CA-{codes.country(destination)}/stats").json
        assert (stats["period"], stats["basis"], stats["services"]) == ("2025Q3", "survey", len(values))
        assert stats["average_total_cost_pct_200"] == pct(mean)
        assert D(stats["cheapest"]["total_cost_pct"]) == min(values) == D(published[destination]["cheapest_cost_pct"])
        # The trend: every quarter held, the published ones before the computed one.
        trend = [(t["period"], t["basis"]) for t in stats["trend"]]
        assert trend[-1] == ("2025Q3", "survey") and all(basis == "published" for _, basis in trend[:-1])


def test_providers_with_products_and_coverage(seeded, client):
    provider = client.get("/api/v1/providers/illustrative-money-transfer-a").json
    assert provider["type"] == "mto" and provider["corridors"] == ["CA-GT"]
    assert provider["coverage"] == {"CA-GT": ["GT-01", "GT-09", "GT-12", "GT-13", "GT-14", "GT-16"]}
    cash = next(p for p in provider["products"] if p["payout_method"] == "cash_pickup")
    assert (cash["min_amount"], cash["max_amount"], cash["speed"]) == ("1.00", "3000.00", "under_1h")
    listing = client.get("/api/v1/providers?page_size=100").json
    assert any(p["slug"] == "moneygram" and "US-MX" in p["corridors"] for p in listing)
    assert client.get("/api/v1/providers/no-such-firm").status_code == 404


def test_corridor_without_data_and_empty_database(client):
    assert client.get("/api/v1/corridors").json == []
    assert client.get("/api/v1/quotes?send=CA&receive=GT&amount=300&currency=CAD").status_code == 404
