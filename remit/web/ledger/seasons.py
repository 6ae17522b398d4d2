"""A group's season (staff login): its summary, each worker's statement in their language, the files,
and everything the ledger holds for an auditor."""
from __future__ import annotations

import datetime as dt

from flask import Response, abort, render_template
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ...i18n import LANGUAGES
from ...services import ledger
from .. import files
from ..access import actor


def season(group_id: int, year: int):
    return render_template("ledger/season.html", season=ledger.season_of(group_id, year))


def season_file(group_id: int, year: int, fmt: str):
    """The season as CSV or XLSX: for people in the page's language, or machine-readable (`?machine=1`)."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    header, rows = ledger.season_rows(ledger.season_of(group_id, year))
    return files.spreadsheet(header, rows, fmt, f"season-{year}-group-{group_id}", title=f"season {year}",
                             sheet=_("Season %(year)s", year=str(year)))


def statement_file(group_id: int, year: int, number: int, fmt: str):
    """One worker's statement as CSV or XLSX: the season's rows for that worker."""
    season = ledger.season_of(group_id, year)
    if fmt not in ("csv", "xlsx") or not 1 <= number <= len(season.season.statements):
        abort(404)
    header, rows = ledger.season_rows(season, season.season.statements[number - 1].ref)
    return files.spreadsheet(header, rows, fmt, f"statement-{year}-group-{group_id}-{number}",
                             title=f"statement {year}", sheet=_("Statement %(year)s", year=str(year)))


def _statement_html(season: ledger.SeasonRecord, statement) -> tuple[str, Markup]:
    """One worker's statement rendered in the worker's language (else the page's)."""
    language = season.languages.get(statement.ref) or str(get_locale())
    if language not in LANGUAGES:
        language = str(get_locale())
    with force_locale(language):
        return language, Markup(render_template("ledger/_statement.html", season=season, statement=statement))


def statements(group_id: int, year: int):
    season = ledger.season_of(group_id, year)
    rendered = [_statement_html(season, s) for s in season.season.statements]
    return render_template("ledger/statements.html", season=season, statements=rendered)


def statement(group_id: int, year: int, number: int):
    season = ledger.season_of(group_id, year)
    if not 1 <= number <= len(season.season.statements):
        abort(404)
    rendered = [_statement_html(season, season.season.statements[number - 1])]
    return render_template("ledger/statements.html", season=season, statements=rendered, number=number)


def export():
    """Everything the ledger holds, for an auditor (administrators; the export is itself audited)."""
    if current_user.role != "admin":
        abort(403)
    data = ledger.audit_export(actor=actor())  # the export's audit row is committed with the answer
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="ledger-{dt.date.today():%Y-%m-%d}.zip"'})
