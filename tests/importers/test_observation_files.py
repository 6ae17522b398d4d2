"""Rounds collected on paper: `remit import observations FILE [--dry-run]` (CSV or XLSX, all or nothing,
stored unreviewed with each row's figures and flags printed), and a round exported in the observation
layout (re-imported elsewhere, it gives the same quotes) and in RPW's quote layout, formula-safe."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from remit import create_app
from remit.extensions import db
from remit.formats import OBSERVATION_COLUMNS
from remit.models import AuditEvent, PriceObservation
from remit.services import observations

from ..conftest import table_counts
from .helpers import csv_bytes, load_hand_worked_corridor, xlsx_bytes

DAY = dt.date(2026, 11, 20)
RATES = b"CAD,GTQ,5.55,2026-11-20,test rate\nCAD,USD,0.72,2026-11-20,test rate\n"
HAND_WORKED = {
    "observed_on": "2026-11-20", "collector": "MG", "provider": "Remesas Uno", "provider_type": "mto",
    "product": "Cash", "send_country": "CA", "receive_country": "GT", "send_currency": "CAD",
    "receive_currency": "GTQ", "funding_method": "cash", "payout_method": "cash_pickup", "send_amount": "300",
    "fee": "9.99", "exchange_rate": "5.40", "receive_amount": "1620.00", "channel": "in_person",
    "speed": "same_day", "accepted_ids": "passport", "regions": "", "evidence": "photo 14, folder Nov",
    "notes": "board at the counter",
}
HEADER = list(OBSERVATION_COLUMNS)
# The hand-worked case as the command prints it (CAD 300, fee 9.99, 5.40 against 5.55).
FIGURES = ("CAD 300 fee 9.99 at 5.400000: margin 2.70%, FX cost 8.11, total 18.10 CAD (6.03%); the family "
           "receives GTQ 1,620.00")


@pytest.fixture
def corridor(app):
    load_hand_worked_corridor(RATES)
    app.config["REMIT_ORGANISATION"] = "Centro Migrante"
    return observations.corridor_by_code("CA-GT")


def row(**changes) -> dict:
    return HAND_WORKED | changes


def write(tmp_path, rows: list[dict], name="round.csv", header=HEADER):
    path = tmp_path / name
    if name.endswith(".xlsx"):
        path.write_bytes(xlsx_bytes([header, *([r.get(c, "") for c in header] for r in rows)]))
    else:
        path.write_bytes(csv_bytes(rows, header))
    return path


def run(runner, *args):
    return runner.invoke(args=["remit", *args], catch_exceptions=False)


def stored() -> list[PriceObservation]:
    db.session.expire_all()
    return db.session.execute(select(PriceObservation).order_by(PriceObservation.id)).scalars().all()


def test_the_hand_worked_file_is_stored_unreviewed_with_its_figures_printed(corridor, runner, tmp_path):
    path = write(tmp_path, [row(), row(provider="Cara", fee="70", exchange_rate="5.45", receive_amount="")])
    result = run(runner, "import", "observations", str(path))
    assert result.exit_code == 0, result.output
    first, second = stored()
    assert result.output.splitlines() == [
        f"row 2: CA-GT:2026-11 Remesas Uno · Cash, {FIGURES}; flags: no flag → observation {first.id}",
        "row 3: CA-GT:2026-11 Cara · Cash, CAD 300 fee 70 at 5.450000: margin 1.80%, FX cost 5.41, total 75.41 CAD "
        f"(25.14%); the family receives GTQ 1,635.00; flags: high_fee → observation {second.id}",
        "round.csv: 2 rows; recorded 2 observations (submitted, to be reviewed), 0 already recorded."]
    assert (first.status, first.round, first.collector, first.send_amount, first.fee, first.exchange_rate,
            first.receive_amount, first.channel, first.speed, first.accepted_ids, first.evidence_reference,
            first.notes, first.product_id) == (
        "submitted", "CA-GT:2026-11", "MG", D("300"), D("9.99"), D("5.40"), D("1620.00"), "in_person", "same_day",
        "passport", "photo 14, folder Nov", "board at the counter", None)  # remit holds no such service yet
    assert first.recorded_by.startswith("cli")
    actions = db.session.execute(select(AuditEvent.action, AuditEvent.target).order_by(AuditEvent.id)).all()
    assert [a for a in actions if a[0].startswith("observation")] == [
        ("observation recorded", f"observation {first.id}"), ("observation recorded", f"observation {second.id}"),
        ("observations imported", "round.csv")]


def test_a_dry_run_prints_the_same_figures_and_writes_nothing(corridor, runner, tmp_path):
    path = write(tmp_path, [row()])
    before = table_counts()
    result = run(runner, "import", "observations", "--dry-run", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"row 2: CA-GT:2026-11 Remesas Uno · Cash, {FIGURES}; flags: no flag → would be recorded",
        "round.csv: 1 rows; would record 1 observations (submitted, to be reviewed), 0 already recorded. "
        "Nothing was written."]
    assert table_counts() == before


def test_one_bad_row_refuses_the_file_naming_row_and_column(corridor, runner, tmp_path):
    path = write(tmp_path, [
        row(), row(channel="fax"), row(fee="9,99"), row(receive_amount="1625.00"),
        row(receive_country="MX", receive_currency="MXN"), row(observed_on="2099-01-01"),
        row(exchange_rate="", receive_amount=""), row(send_amount="300.005")])
    before = table_counts()
    result = run(runner, "import", "observations", str(path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("row 3, column channel: 'fax' is not one of:")
    assert lines[1].startswith("row 4, column fee: ")
    assert lines[2:] == [
        "row 5, column exchange_rate: At 5.400000 the family would receive 1620.00, not 1625.00: give the rate or "
        "the amount received, or correct one of them.",
        "row 6, column receive_country: remit holds no corridor CA-MX: observations are taken for the corridors "
        "remit compares",
        "row 7, column observed_on: The date cannot be after today.",
        "row 8, column exchange_rate: Give the exchange rate offered or the amount the family would receive.",
        "row 9, column send_amount: “300.005” has more decimals than CAD allows (2); a file takes plain numbers, so "
        "a thousand is 1000",
        "round.csv: rejected, 7 problem(s); nothing was written."]
    assert table_counts() == before


def test_a_file_without_a_column_of_the_layout_is_refused(corridor, runner, tmp_path):
    path = write(tmp_path, [row()], header=[c for c in HEADER if c != "channel"])
    result = run(runner, "import", "observations", str(path))
    assert result.exit_code == 1 and "row 1, column channel: missing column" in result.output
    assert stored() == []


def test_an_xlsx_file_is_read_as_a_csv_one(corridor, runner, tmp_path):
    path = write(tmp_path, [row(receive_amount="")], name="round.xlsx")
    result = run(runner, "import", "observations", str(path))
    assert result.exit_code == 0, result.output
    [observation] = stored()
    assert result.output.splitlines()[0] == (
        f"row 2: CA-GT:2026-11 Remesas Uno · Cash, {FIGURES}; flags: no flag → observation {observation.id}")


def test_importing_the_same_file_again_records_nothing_twice_and_a_changed_note_is_flagged(corridor, runner,
                                                                                          tmp_path):
    path = write(tmp_path, [row()])
    assert run(runner, "import", "observations", str(path)).exit_code == 0
    [first] = stored()
    again = run(runner, "import", "observations", str(path))
    assert again.exit_code == 0, again.output
    assert again.output.splitlines() == [
        f"row 2: CA-GT:2026-11 Remesas Uno · Cash, {FIGURES}; flags: no flag → already recorded as observation "
        f"{first.id} (submitted)",
        "round.csv: 1 rows; recorded 0 observations (submitted, to be reviewed), 1 already recorded."]
    assert len(stored()) == 1
    changed = write(tmp_path, [row(), row(notes="asked twice")], name="round-2.csv")
    result = run(runner, "import", "observations", str(changed))
    assert result.exit_code == 0, result.output
    first_again, second = stored()
    assert first_again.id == first.id
    assert result.output.splitlines()[1] == (
        f"row 3: CA-GT:2026-11 Remesas Uno · Cash, {FIGURES}; flags: duplicate → observation {second.id}")


def _approve_round(runner):
    done = run(runner, "observations", "approve", "--round", "CA-GT:2026-11")
    assert done.exit_code == 0, done.output


def _published_round(runner, tmp_path):
    """A round of four: the hand-worked one approved, one approved then corrected (the correction approved),
    one rejected, one not reviewed."""
    path = write(tmp_path, [row(), row(provider="Otra Casa", fee="12.00"), row(provider="Rechazada", fee="5.00")])
    assert run(runner, "import", "observations", str(path)).exit_code == 0
    hand, other, refused = stored()
    assert run(runner, "observations", "reject", str(refused.id), "--reason", "misread").exit_code == 0
    _approve_round(runner)
    correction = observations.input_of(other)
    correction.fee, correction.supersedes_id = D("11.00"), other.id
    observations.record(correction, actor="test", max_age_days=14)
    db.session.commit()
    _approve_round(runner)
    waiting = write(tmp_path, [row(provider="Sin Revisar")], name="later.csv")
    assert run(runner, "import", "observations", str(waiting)).exit_code == 0
    return hand, other


def test_a_round_exported_holds_only_its_published_observations_as_they_were_recorded(corridor, runner, tmp_path):
    _published_round(runner, tmp_path)
    out = tmp_path / "export.csv"
    result = run(runner, "observations", "export", "--round", "CA-GT:2026-11", "--layout", "observations", "-o",
                 str(out))
    assert result.exit_code == 0, result.output
    assert "wrote 2 published observations of round CA-GT:2026-11 (approved, not superseded)" in result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["provider"], r["fee"]) for r in rows] == [("Remesas Uno", "9.99"), ("Otra Casa", "11.00")]
    assert rows[0] == row(send_amount="300.00", exchange_rate="5.4")
    assert list(rows[0]) == HEADER
    to_stdout = run(runner, "observations", "export", "--round", "CA-GT:2026-11", "--layout", "observations")
    assert to_stdout.stdout_bytes == out.read_bytes()


def _observed_quotes(client) -> list[dict]:
    body = client.get("/api/v1/quotes?send=CA&receive=GT&amount=300&currency=CAD").get_json()
    keep = ("provider", "product", "basis", "fee", "exchange_rate", "reference_rate", "fx_margin_pct", "fx_cost",
            "total_cost", "total_cost_pct", "receive_amount", "data_as_of", "source", "collected_at", "warnings")
    found = [{k: q.get(k) for k in keep} for q in body if q["basis"] == "observed"]
    for quote in found:  # the product's id is the observation's, its number in each database
        quote["product"] = {k: v for k, v in quote["product"].items() if k != "id"}
    return found


@pytest.fixture
def second_database(database_url, request, tmp_path):
    """Another centre's remit: a fresh database of the same kind, migrated."""
    from flask_migrate import upgrade

    from .. import pg

    if database_url.startswith("sqlite"):
        url = "sqlite:///" + str(tmp_path / "second-centre.db")
    else:
        url = pg.create_database(request.getfixturevalue("postgres_server"), "remit_second_centre")
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                        "REMIT_ORGANISATION": "Centro Migrante"})
    with other.app_context():
        upgrade()
    yield other
    with other.app_context():
        db.engine.dispose()


def test_a_round_exported_and_imported_elsewhere_then_approved_gives_the_same_quotes(corridor, runner, client,
                                                                                     tmp_path, second_database):
    _published_round(runner, tmp_path)
    here = _observed_quotes(client)
    assert [(q["provider"]["name"], q["product"]["name"], q["total_cost"]) for q in here] == [
        ("Remesas Uno", "Cash", "18.10"), ("Otra Casa", "Cash", "19.11")]
    assert here[0] | {"provider": None, "product": None} == {
        "provider": None, "product": None, "basis": "observed", "fee": "9.99", "exchange_rate": "5.400000",
        "reference_rate": "5.550000", "fx_margin_pct": "2.70", "fx_cost": "8.11", "total_cost": "18.10",
        "total_cost_pct": "6.03", "receive_amount": "1620.00", "data_as_of": "2026-11-20",
        "source": "Centro Migrante, prices observed in round CA-GT:2026-11", "collected_at": "2026-11-20",
        "warnings": []}
    for file_format in ("csv", "xlsx"):
        out = tmp_path / f"export.{file_format}"
        assert run(runner, "observations", "export", "--round", "CA-GT:2026-11", "--layout", "observations",
                   "--format", file_format, "-o", str(out)).exit_code == 0
    with second_database.app_context():
        other_runner = second_database.test_cli_runner()
        load_hand_worked_corridor(RATES)
        imported = run(other_runner, "import", "observations", str(tmp_path / "export.xlsx"))
        assert imported.exit_code == 0, imported.output
        assert "recorded 2 observations" in imported.output
        assert run(other_runner, "import", "observations", str(tmp_path / "export.csv")).output.endswith(
            "recorded 0 observations (submitted, to be reviewed), 2 already recorded.\n")
        assert _observed_quotes(second_database.test_client()) == []  # not reviewed there yet
        _approve_round(other_runner)
        there = _observed_quotes(second_database.test_client())
    assert there == here


def test_a_round_in_rpw_layout_is_read_by_import_rpw_and_leaves_out_what_it_cannot_price(corridor, runner,
                                                                                        tmp_path):
    _published_round(runner, tmp_path)
    waiting = write(tmp_path, [row(observed_on="2026-11-03", provider="Sin Tasa")], name="early.csv")
    assert run(runner, "import", "observations", str(waiting)).exit_code == 0
    early = stored()[-1]
    assert run(runner, "observations", "approve", str(early.id)).exit_code == 0
    out = tmp_path / "rpw.csv"
    result = run(runner, "observations", "export", "--round", "CA-GT:2026-11", "--layout", "rpw", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"left out (no reference rate of their day to price them or to convert to USD): observations {early.id}" \
        in result.output
    # CAD 300 at 0.72 is USD 216.00; fee 3.33%, margin 2.702703%, total 18.10 = 6.033333% (USD 13.03).
    assert out.read_text(encoding="utf-8").splitlines() == [
        "period,source_code,source_name,destination_code,destination_name,provider,instrument,access_point,"
        "amount_usd,fee_pct,fx_margin_pct,total_cost_pct,cost_usd,transparent",
        "2026Q4,CA,Canada,GT,Guatemala,Remesas Uno,Cash,Cash,216.00,3.33,2.702703,6.033333,13.03,yes",
        "2026Q4,CA,Canada,GT,Guatemala,Otra Casa,Cash,Cash,216.00,3.666667,2.702703,6.37,13.76,yes"]
    read = run(runner, "import", "rpw", "--dry-run", str(out))
    assert read.exit_code == 0 and "2 rows valid" in read.output, read.output


def test_an_export_runs_no_formula(corridor, runner, tmp_path):
    given = observations.ObservationInput(
        corridor=corridor, observed_on=DAY, collector="@SUM(1+1)", provider_name="Remesas Uno", product_name="Cash",
        funding_method="cash", payout_method="cash_pickup", send_amount=D("300"), fee=D("9.99"), channel="phone",
        exchange_rate=D("5.40"), notes='=HYPERLINK("http://example.com","x")')
    observation, _ = observations.record(given, actor="test", max_age_days=14)
    observations.review(observation, "approve", "", actor="test")
    db.session.commit()
    out = tmp_path / "export.csv"
    assert run(runner, "observations", "export", "--round", "CA-GT:2026-11", "--layout", "observations", "-o",
               str(out)).exit_code == 0
    [exported] = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert (exported["collector"], exported["notes"]) == ("'@SUM(1+1)", "'=HYPERLINK(\"http://example.com\",\"x\")")
    xlsx = tmp_path / "export.xlsx"
    assert run(runner, "observations", "export", "--round", "CA-GT:2026-11", "--layout", "observations", "--format",
               "xlsx", "-o", str(xlsx)).exit_code == 0
    sheet = load_workbook(xlsx).active
    cells = [cell for line in sheet.iter_rows() for cell in line]
    assert {cell.data_type for cell in cells} <= {"s", "inlineStr"}  # text, never a formula ("f")
    assert '=HYPERLINK("http://example.com","x")' in [cell.value for cell in cells]


def test_the_round_page_links_administrators_to_its_exports(corridor, runner, client, app, tmp_path):
    from ..admin.test_admin_imports import login

    _published_round(runner, tmp_path)
    base = "/collect/rounds/CA-GT/2026-11"
    staff = app.test_client()
    login(staff, "staff")
    assert staff.get(f"{base}/observations.csv").status_code == 403
    login(client, "admin")
    page = client.get(base).get_data(as_text=True)
    for name in ("observations.csv", "observations.xlsx", "rpw.csv", "rpw.xlsx"):
        assert f'href="{base}/{name}"' in page
    answer = client.get(f"{base}/observations.csv")
    assert (answer.status_code, answer.mimetype, answer.headers["Cache-Control"]) == (200, "text/csv",
                                                                                       "private, no-store")
    assert 'filename=CA-GT_2026-11_observations.csv' in answer.headers["Content-Disposition"]
    out = tmp_path / "cli.csv"
    run(runner, "observations", "export", "--round", "CA-GT:2026-11", "--layout", "observations", "-o", str(out))
    assert answer.get_data() == out.read_bytes()
    assert client.get(f"{base}/rpw.xlsx").status_code == 200
    assert client.get(f"{base}/other.csv").status_code == 404
    assert client.get("/collect/rounds/CA-GT/2026-10/observations.csv").status_code == 404


def test_rpw_reads_the_instrument_an_export_writes_as_the_same_funding_method():
    from remit.domain.vocabulary import FUNDING_METHODS, RPW_INSTRUMENTS, rpw_funding

    assert {method: rpw_funding(RPW_INSTRUMENTS[method]) for method in FUNDING_METHODS} == {
        method: method for method in FUNDING_METHODS}
