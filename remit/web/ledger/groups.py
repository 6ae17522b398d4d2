"""The season ledger's saved groups (staff login): the list, a group's cycles season by season, and a
new cycle recorded from the plan the group transfer's page shows."""
from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...errors import on_refusal
from ...inputs import LEDGER_GROUPS_PER_PAGE, page_number, record_id
from ...services import ledger
from ..access import actor
from ..group.forms import BundleForm
from ..group.page import page as group_page, page_again, plan_of
from ..group.reading import fill_choices


def index():
    groups = ledger.groups_with_cycles()
    pages = max(1, -(-len(groups) // LEDGER_GROUPS_PER_PAGE))
    page = page_number(request.args.get("page"), pages)
    if page is None:
        abort(404)
    shown = groups[(page - 1) * LEDGER_GROUPS_PER_PAGE: page * LEDGER_GROUPS_PER_PAGE]
    return render_template("ledger/index.html", groups=shown, total=len(groups), page=page, pages=pages)


def group(group_id: int):
    """The group and the cycles of one season (`?season=YEAR`, the latest by default): only those are
    read whole and reconciled, however many seasons the group has."""
    group = ledger.group_row(group_id)
    rows = ledger.cycles_of(group_id)
    seasons = sorted({c.season for c in rows}, reverse=True)
    season = seasons[0] if seasons else None
    if "season" in request.args:
        season = record_id(request.args["season"])
        if season not in seasons:
            abort(404)
    records = [ledger.load(c.id) for c in rows if c.season == season]
    return render_template("ledger/group.html", group=group, records=records, seasons=seasons, season=season)


def create():
    """A new cycle from the group page's form: the plan it shows, priced today."""
    form = BundleForm()
    fill_choices(form)
    group_id = record_id(form.group_id.data)
    if group_id is None:
        abort(404)
    group = ledger.group_row(group_id)
    entered, result = plan_of(form)
    if result is None:
        return group_page(form, entered, None, 422)
    on_refusal(page_again(form, entered, result))  # the plan shown, with why it cannot become a cycle
    cycle = ledger.create_cycle(group, result, dt.date.today(), actor=actor(),
                                keep_personal=bool(form.keep_personal.data),
                                language=form.language_default.data or None)
    flash(_("Cycle %(number)s of %(group)s is recorded from the plan. Record what happens as it happens.",
            number=cycle.number, group=group.name))
    return redirect(url_for("season_ledger.cycle", cycle_id=cycle.id))

