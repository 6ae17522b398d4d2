"""An observed price on the printed compare page, in Debian's Chromium (issue 28's done-when): the
hand-worked observation (CAD 300, fee 9.99, offered 5.40 GTQ per CAD on 2026-11-20 against a reference
of 5.55) recorded and approved through the services the collect pages use, then /compare in Spanish
for Canada→Guatemala, CAD 300, printed to A4: margin 2.70%, FX cost 8.11, total 18.10 (6.03%), the
family receives GTQ 1,620.00, and who observed it and when."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal as D

import pytest

from .browser import ARTIFACTS, browser_type_launch_args, require_chromium, serve, shot  # noqa: F401

require_chromium()

ORGANISATION = "Centro Migrante"


def _observed() -> None:
    """The hand-worked corridor, its rate of 2026-11-20 and the observation, approved."""
    from remit.services import observations

    from ..importers.helpers import load_hand_worked_corridor

    load_hand_worked_corridor(b"CAD,GTQ,5.55,2026-11-20,test rate\n")
    given = observations.ObservationInput(
        corridor=observations.corridor_by_code("CA-GT"), observed_on=dt.date(2026, 11, 20), collector="MG",
        provider_name="Remesas Uno", product_name="Retiro en efectivo", funding_method="cash",
        payout_method="cash_pickup", send_amount=D("300"), fee=D("9.99"), channel="in_person",
        exchange_rate=D("5.40"), provider_type="mto")
    row, _ = observations.record(given, actor="colecta@example.org", max_age_days=14)
    observations.review(row, "approve", "", actor="admin@example.org")


@pytest.fixture(scope="module")
def observed_server(tmp_path_factory):
    yield from serve(tmp_path_factory, {}, config={"REMIT_ORGANISATION": ORGANISATION}, prepare=_observed)


def test_the_printed_spanish_compare_page_shows_the_observed_price_worked_by_hand(page, observed_server):
    page.goto(f"{observed_server}/compare?send=CA&receive=GT&mode=send&amount=300&lang=es")
    page.emulate_media(media="print")
    shot(page, "compare-observed-es-print")
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "compare-observed-es.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1
    # What prints: the row of the observed service, as the print style lays it out (innerText leaves out
    # what the print style hides).
    row = page.locator("tr", has_text="Remesas Uno")
    assert row.count() == 1 and row.is_visible()
    printed = re.sub(r"\s+", " ", row.inner_text()).replace("\u202f", " ").replace("\xa0", " ")
    for shown in ("9,99 CAD", "2,70%", "cuesta 8,11 CAD", "18,10 CAD", "6,03%", "1.620,00 GTQ"):
        assert shown in printed, (shown, printed)
    assert f"Observado por {ORGANISATION} el 20 nov 2026." in printed, printed
    everything = re.sub(r"\s+", " ", page.locator("body").inner_text()).replace("\xa0", " ")
    assert "Remesas Uno" in everything and "Retiro en efectivo" in everything
