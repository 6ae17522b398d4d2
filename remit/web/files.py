"""Spreadsheets to download, in two kinds (remit/services/spreadsheets.py):
- for people, by default: in the page's language (column names, words, the plan's reasons), CSV as
  that language's spreadsheets save it (Spanish and French: `;` and a decimal comma), UTF-8 with a
  byte-order mark, XLSX amounts as numbers with their currency's decimals;
- with `?machine=1`: the stable machine-readable file, for programs (English codes as column names,
  `,`, `.`, no byte-order mark, XLSX cells as text): byte for byte as remit has always written it.
"""
from __future__ import annotations

from flask import Response, request
from flask_babel import get_locale

from ..i18n import translate
from ..services import spreadsheets

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def machine_readable() -> bool:
    return request.args.get("machine") == "1"


def spreadsheet(header, rows, fmt: str, name: str, *, title: str = "Sheet1", sheet: str | None = None,
                machine: bool | None = None) -> Response:
    """The rows as a CSV or XLSX download named `name`.`fmt`; `title` names the machine-readable
    workbook's sheet, `sheet` the one for people (in their language)."""
    machine = machine_readable() if machine is None else machine
    style = spreadsheets.style_for(str(get_locale()), translate)
    disposition = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "xlsx":
        data = (spreadsheets.xlsx_bytes(header, rows, title=title) if machine
                else spreadsheets.people_xlsx(header, rows, style, title=sheet or title))
        return Response(data, headers={**disposition, "Content-Type": XLSX_TYPE})
    if machine:
        return Response(spreadsheets.csv_text(header, rows), mimetype="text/csv", headers=disposition)
    return Response(spreadsheets.people_csv(header, rows, style), mimetype="text/csv", headers=disposition)


__all__ = ["machine_readable", "spreadsheet"]
