"""The garbage collector: spared by a command that imports (one job, one process), never by a server's
requests, which run beside each other's."""
from __future__ import annotations

import gc

import pytest

from remit.extensions import db
from remit.services.collector import collections_spared
from remit.services.keys import create_key


def test_the_collector_is_spared_while_a_command_works_and_restored_after():
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    with collections_spared(20_000):
        assert gc.get_threshold() == (max(before[0], 20_000), *before[1:])
        assert gc.get_freeze_count() > 0  # the objects alive before are out of its way
        cycle = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1  # garbage made meanwhile is still collected
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_objects_frozen_by_something_else_stay_frozen():
    gc.freeze()
    try:
        with collections_spared(20_000):
            pass
        assert gc.get_freeze_count() > 0  # not unfrozen by the work's end
    finally:
        gc.unfreeze()


@pytest.fixture
def collector_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
    monkeypatch.setattr(gc, "set_threshold", lambda *a: calls.append(("set_threshold", a)))
    return calls


def test_a_plan_or_an_import_in_a_request_leaves_the_collector_alone(seeded, client, collector_calls):
    # A request runs beside others: freezing then would keep their garbage from every collection.
    members = [{"ref": f"w{i}", "amount": "900"} for i in range(100)]
    answer = client.post("/api/v1/bundles", json={"send": "CA", "receive": "GT", "currency": "CAD",
                                                  "members": members})
    assert answer.status_code == 200
    key = create_key("collector", "import")[1]
    db.session.commit()
    rates = b"base_currency,quote_currency,rate,as_of,source\nCAD,GTQ,5.55,2026-11-20,test\n"
    from io import BytesIO

    answer = client.post("/api/v1/imports", headers={"Authorization": f"Bearer {key}"},
                         data={"kind": "rates", "file": (BytesIO(rates), "rates.csv")})
    assert answer.status_code == 201, answer.json
    assert collector_calls == []


def test_the_import_command_spares_the_collector_and_restores_it(seeded, runner, tmp_path, collector_calls):
    path = tmp_path / "rates.csv"
    path.write_text("base_currency,quote_currency,rate,as_of,source\nCAD,GTQ,5.55,2026-11-20,test\n")
    result = runner.invoke(args=["remit", "import", "rates", str(path)])
    assert result.exit_code == 0, result.output
    assert collector_calls[0] == "freeze" and collector_calls[-1] == "unfreeze"
    assert ("set_threshold", (20_000, *gc.get_threshold()[1:])) in collector_calls
