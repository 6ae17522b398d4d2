"""Build import files in tests."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from remit.importers.fees import HEADER as FEE_HEADER

BASE_FEE_ROW = {
    "provider": "Test Bank", "provider_type": "bank", "product": "Wire", "send_country": "CA",
    "receive_country": "GT", "send_currency": "CAD", "receive_currency": "GTQ",
    "funding_method": "bank_account", "payout_method": "bank_account", "speed": "2_days",
    "min_amount": "1.00", "max_amount": "2499.99", "fee_fixed": "15.00", "fee_percent": "0",
    "fx_margin_pct": "2", "effective_from": "2026-01-01", "effective_to": "", "accepted_ids": "passport",
    "regions": "", "source": "test data", "illustrative": "",
}


def fee_row(**changes) -> dict:
    return BASE_FEE_ROW | changes


def csv_bytes(rows: list[dict], header: list[str] | None = None) -> bytes:
    header = header or FEE_HEADER
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


CORRIDORS = [("CA", "GT", "CAD", "GTQ"), ("US", "GT", "USD", "GTQ"), ("US", "MX", "USD", "MXN")]


def generated_fee_rows(rows: int, bands: int = 10, products_per_provider: int = 6):
    """Synthetic fee-table rows, as text: products of `bands` bands, each provider in every corridor."""
    for index in range(rows):
        product, band = divmod(index, bands)
        provider, slot = divmod(product, products_per_provider)
        send, receive, send_ccy, receive_ccy = CORRIDORS[slot % len(CORRIDORS)]
        low = band * 1000 + 1
        yield [f"Provider {provider:05d}", "mto", f"Product {slot // len(CORRIDORS)}", send, receive, send_ccy,
               receive_ccy, "debit_card", "cash_pickup", "same_day", f"{low}.00", f"{low + 999}.00",
               f"{(band + product) % 15 + 1}.99", "0.5", "2.25", "2026-01-01", "", "passport", "", "generated"]


def generated_fee_table(rows: int, change=None) -> bytes:
    """A CSV fee table of `rows` data rows; `change(row_number, cells)` may alter a row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FEE_HEADER)
    for number, cells in enumerate(generated_fee_rows(rows), start=2):
        if change is not None:
            change(number, cells)
        writer.writerow(cells)
    return out.getvalue().encode()


HAND_WORKED_RATES = b"base_currency,quote_currency,rate,as_of,source\nCAD,GTQ,5.5,2026-01-05,test rate\n"


def load_hand_worked_corridor(later_rates: bytes = b"") -> None:
    """Canada→Guatemala built so that every figure can be worked by hand: a bank wire at CAD 30 + 2%,
    a money transfer operator at 9.99 + 3.5% and a cash agent at 7.99 + 4.5%, with CAD→GTQ at 5.5
    from 5 January 2026 (and `later_rates`, lines of the same file, after it)."""
    from remit.importers import run_import

    assert run_import("rates", HAND_WORKED_RATES + later_rates, "rates.csv", actor="test").ok
    rows = [
        fee_row(provider="Test MTO", provider_type="mto", product="Cash", funding_method="cash",
                payout_method="cash_pickup", speed="under_1h", max_amount="3000.00", fee_fixed="9.99",
                fx_margin_pct="3.5"),
        fee_row(provider="Corner Agent", provider_type="mto", product="Cash pickup", funding_method="cash",
                payout_method="cash_pickup", speed="under_1h", max_amount="3000.00", fee_fixed="7.99",
                fx_margin_pct="4.5"),
        fee_row(provider="Test Bank", product="Wire", max_amount="50000.00", fee_fixed="30.00", fx_margin_pct="2"),
    ]
    assert run_import("fees", csv_bytes(rows), "fees.csv", actor="test").ok
