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
    "regions": "", "source": "test data",
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
