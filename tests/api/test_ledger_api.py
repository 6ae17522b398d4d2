"""The season ledger through the API (issue 17, item 5): a `ledger` key reads groups, cycles and
seasons and records a cycle; every answer is checked against the OpenAPI document (tests/api_document.py).

The figures are those worked by hand in tests/services/test_ledger_season.py: cycle 5 (27 April 2026,
mid-market 5.6) costs CAD 283.00; w05 pays 21.38 of it and w05's family is due GTQ 4,092.90; over the
season w12 pays 173.78 and saves 147.42 against today's service."""
from __future__ import annotations

import json

import pytest

from remit.extensions import db
from remit.models import AuditEvent

from ..conftest import table_counts
from ..services.test_ledger_season import (AMOUNTS, ON_TOP, PAY_5, REFS, corridor, group,  # noqa: F401, F811
                                           make_group, record_season)
from .test_imports_api import key

DAY = "2026-04-27"


def body(**changes) -> dict:
    """Cycle 5 of the hand-worked season, as a partner app sends it."""
    return {
        "date": DAY, "language": "es",
        "plan": {"send": "CA", "receive": "GT", "currency": "CAD", "distribution_fee": "1.50", "incoming_fee": "10",
                 "intermediary_fee": "25",
                 "members": [{"ref": ref, "amount": str(a), "product": "Corner Agent · Cash pickup"}
                             for ref, a in AMOUNTS.items()]},
        "contributions": [{"ref": ref, "amount": str(a + ON_TOP[ref]), "method": "cash", "receipt": f"R-{ref}",
                           "received_on": DAY} for ref, a in AMOUNTS.items()],
        "distribution_fee": "8.40",
        "wires": [{"debited": "10030.00", "fee": "30.00", "currency_sent": "USD", "applied_rate": "0.75",
                   "intermediary": "18.75", "receiving_fee": "7.50", "credited": "54684.00",
                   "bank_reference": "FT2604270001", "executed_on": DAY}],
        "payouts": [{"ref": ref, "amount": str(PAY_5[ref]), "status": "paid", "paid_on": "2026-04-30",
                     "confirmed_how": "signed_receipt"} for ref in REFS],
        "complete": True, "completed_on": "2026-05-01",
    } | changes


def test_the_ledger_needs_a_ledger_key(client, group):
    assert client.get("/api/v1/ledger/groups").status_code == 401
    refused = client.get("/api/v1/ledger/groups", headers=key("read"))
    assert refused.status_code == 403
    assert refused.json["message"] == "This API key has the 'read' scope; this call needs 'ledger'."
    assert client.post(f"/api/v1/ledger/groups/{group.id}/cycles", json=body(), headers=key("import")).status_code == 403
    listed = client.get("/api/v1/ledger/groups", headers=key("ledger"))
    assert listed.status_code == 200
    assert listed.json == [{"id": group.id, "name": "Finca 2026", "send": "CA", "receive": "GT", "currency": "CAD",
                            "cycles": 0, "latest": None}]


def test_a_cycle_recorded_through_the_api_reconciles_as_worked_by_hand(client, group):
    headers = key("ledger")
    created = client.post(f"/api/v1/ledger/groups/{group.id}/cycles", json=body(), headers=headers)
    assert created.status_code == 201, created.json
    cycle = created.json
    assert created.headers["Location"] == f"/api/v1/ledger/cycles/{cycle['id']}"
    assert (cycle["number"], cycle["date"], cycle["completed_on"], cycle["members"]) == (1, DAY, "2026-05-01", 12)
    assert (cycle["cost"], cycle["totals"]["cost"], cycle["flags"]) == ("283.00", "283.00", [])
    assert cycle["totals"]["fees_on_top"] == "30.00"
    assert (cycle["totals"]["deducted"], cycle["totals"]["distribution"], cycle["totals"]["fx_cost"]) == (
        "35.00", "18.00", "200.00")
    w05 = next(m for m in cycle["member_results"] if m["ref"] == "w05")
    assert (w05["share"], w05["expected_payout"], w05["paid"], w05["saving_vs_today"]) == (
        "21.38", "4092.90", "4092.90", "20.36")  # 41.74 today − 21.38
    assert sum(float(m["share"]) for m in cycle["member_results"]) == pytest.approx(283.00)
    # Personal columns stay on the staff pages: receipts' texts, who confirmed a payout.
    assert "R-w05" not in created.get_data(as_text=True)
    again = client.get(created.headers["Location"], headers=headers)
    assert again.status_code == 200 and again.json == cycle
    listed = client.get(f"/api/v1/ledger/groups/{group.id}/cycles", headers=headers)
    assert [(c["number"], c["cost"]) for c in listed.json] == [(1, "283.00")]
    assert json.loads(listed.headers["X-Pagination"])["total"] == 1
    events = db.session.query(AuditEvent).filter(AuditEvent.action == "ledger cycle completed").all()
    assert [e.actor for e in events] == ["api:ledger partner"]


def test_a_refusal_writes_nothing(client, group):
    headers = key("ledger")
    before = table_counts()
    cases = [
        (body(wires=[body()["wires"][0] | {"debited": "20000.00"}]), "ledger_wire_exceeds_contributions"),
        (body(payouts=[*body()["payouts"], {"ref": "w99", "amount": "1.00"}]), "ledger_payout_not_a_member"),
        (body(payouts=body()["payouts"][:11]), "ledger_complete_payouts"),
        (body(date="2026-04-27", completed_on="2026-04-01"), "ledger_completed_before"),
        (body(plan=body()["plan"] | {"receive": "MX", "currency": "CAD"}), None),
    ]
    for sent, reason in cases:
        refused = client.post(f"/api/v1/ledger/groups/{group.id}/cycles", json=sent, headers=headers)
        assert refused.status_code in (404, 422), refused.json
        if reason:
            assert refused.json["reason"] == reason, refused.json
    zero = body(wires=[body()["wires"][0] | {"applied_rate": "0"}])
    refused = client.post(f"/api/v1/ledger/groups/{group.id}/cycles", json=zero, headers=headers)
    assert refused.status_code == 422 and "applied_rate" in refused.json["errors"]["json"]["wires"]["0"]
    assert client.post("/api/v1/ledger/groups/999999/cycles", json=body(), headers=headers).status_code == 404
    assert table_counts() == before


def test_the_season_and_its_statements(client, group):
    record_season(group)
    headers = key("ledger")
    season = client.get(f"/api/v1/ledger/groups/{group.id}/seasons/2026", headers=headers)
    assert season.status_code == 200
    data = season.json
    assert data["totals"]["cost"] == "1679.50" and len(data["cycles"]) == 6
    w12 = next(s for s in data["statements"] if s["ref"] == "w12")
    assert (len(w12["lines"]), w12["share"], w12["contributed"], w12["received"], w12["saving_vs_today"],
            w12["saving_vs_cheapest"], w12["language"]) == (5, "173.78", "6269.96", "33766.57", "147.42", "94.92", "es")
    w06 = next(s for s in data["statements"] if s["ref"] == "w06")
    assert (w06["lines"][1]["corrected"], w06["lines"][1]["returned"]) == (True, "4017.75")
    # The corrected wire of cycle 4: both entries, the typo no longer in force; no reason typed is sent.
    fourth = client.get(f"/api/v1/ledger/cycles/{data['cycles'][3]['id']}", headers=headers).json
    assert [(w["credited"], w["in_force"], w["correction"]) for w in fourth["wires"]] == [
        ("47842.00", False, False), ("47824.00", True, True)]
    assert "bank statement says" not in json.dumps(fourth) and "Rosa" not in season.get_data(as_text=True)
    assert client.get(f"/api/v1/ledger/groups/{group.id}/seasons/2025", headers=headers).status_code == 404
    # Old data, as quotes flag it: on all but 13 April the rate was past its 14 days (and so were the
    # prices the savings compare with, priced at it).
    assert [c["warnings"] for c in data["cycles"]] == [["stale"]] * 3 + [[]] + [["stale"]] * 2
    assert [line["warnings"] for line in w12["lines"]] == [["stale"]] * 5  # w12 sent nothing on 13 April
    assert fourth["warnings"] == [] and {tuple(m["warnings"]) for m in fourth["member_results"]} == {()}
    first = client.get(f"/api/v1/ledger/cycles/{data['cycles'][0]['id']}", headers=headers).json
    assert {tuple(m["warnings"]) for m in first["member_results"]} == {("stale",)}


def test_many_wires_are_checked_against_one_reading_of_the_cycle(client, group):
    """A cycle's wires are added together: the cycle and its wires are read the same number of times for
    3 wires as for 60 (one by one, each wire re-read the cycle and its wires: 1,000 wires took 32 s)."""
    from sqlalchemy import event

    wire = {"debited": "100.00", "fee": "0.00", "currency_sent": "USD", "applied_rate": "0.75", "intermediary": "0",
            "receiving_fee": "0", "credited": "400.00", "bank_reference": "", "executed_on": DAY}
    reads = {}
    # The first request also fills the corridor's price cache and the key's last use: it is not counted.
    for count, day in ((1, "2026-04-27"), (3, "2026-04-28"), (60, "2026-04-29")):
        statements = []

        def seen(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            created = client.post(f"/api/v1/ledger/groups/{group.id}/cycles", headers=key("ledger"), json=body(
                date=day, wires=[wire] * count, payouts=[], complete=False, completed_on=None))
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        assert created.status_code == 201, created.json
        assert len(created.json["wires"]) == count
        reads[count] = sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))
    assert reads[3] == reads[60]


def test_a_key_tied_to_some_groups_reaches_those_and_no_other(client, group):
    from remit.services.keys import create_key

    record_season(group)
    other = make_group("Vivero 2026")
    record_season(other)
    _, text = create_key("Cooperativa del Vivero", "ledger", [other.id])
    db.session.commit()
    tied = {"Authorization": f"Bearer {text}"}
    everyone = key("ledger")  # no group chosen: every saved group, as keys made before groups could be chosen
    assert [g["name"] for g in client.get("/api/v1/ledger/groups", headers=tied).json] == ["Vivero 2026"]
    assert [g["name"] for g in client.get("/api/v1/ledger/groups", headers=everyone).json] == [
        "Finca 2026", "Vivero 2026"]
    finca_cycles = client.get(f"/api/v1/ledger/groups/{group.id}/cycles", headers=everyone).json
    vivero_cycles = client.get(f"/api/v1/ledger/groups/{other.id}/cycles", headers=tied).json
    assert len(finca_cycles) == len(vivero_cycles) == 6
    # Another group, its cycles and its season are answered as if they did not exist: nothing to tell
    # the partner that they do.
    missing = 999999
    for path, absent in ((f"/api/v1/ledger/groups/{group.id}/cycles", f"/api/v1/ledger/groups/{missing}/cycles"),
                         (f"/api/v1/ledger/cycles/{finca_cycles[0]['id']}", f"/api/v1/ledger/cycles/{missing}"),
                         (f"/api/v1/ledger/groups/{group.id}/seasons/2026", f"/api/v1/ledger/groups/{missing}/seasons/2026")):
        refused, nothing = client.get(path, headers=tied), client.get(absent, headers=tied)
        assert refused.status_code == nothing.status_code == 404, path
        assert (refused.json["message"].replace(str(finca_cycles[0]["id"]), "N").replace(str(group.id), "N")
                == nothing.json["message"].replace(str(missing), "N")), path
    before = table_counts()
    assert client.post(f"/api/v1/ledger/groups/{group.id}/cycles", json=body(), headers=tied).status_code == 404
    assert table_counts() == before
    assert client.get(f"/api/v1/ledger/cycles/{vivero_cycles[0]['id']}", headers=tied).status_code == 200


def test_a_page_of_cycles_reads_only_the_cycles_on_it(client, group, monkeypatch):
    from remit.services import ledger

    ids = record_season(group)
    headers = key("ledger")
    loaded = []
    real_load = ledger.load
    monkeypatch.setattr(ledger, "load", lambda cycle_id, **kw: loaded.append(cycle_id) or real_load(cycle_id, **kw))
    second = client.get(f"/api/v1/ledger/groups/{group.id}/cycles?page=2&page_size=2", headers=headers)
    assert second.status_code == 200
    assert json.loads(second.headers["X-Pagination"])["total"] == 6
    # The latest first: the six cycles' 4th and 3rd.
    assert [c["id"] for c in second.json] == [ids[3], ids[2]] and loaded == [ids[3], ids[2]]
