"""The coordinator's group transfer: enter the members as they keep them, read the plan, print the
slips, download the payout list and the plan, save the group.

Every output is computed again from the same form (its buttons post the whole form to another
address), so nothing about a group is kept on the server unless a staffer saves it.
"""
from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ...i18n import LANGUAGES
from ...inputs import MAX_MEMBERS, record_id
from ...services import saved_groups
from ...services.bundle_exports import payout_rows, plan_rows, slip_data
from .. import files
from ..access import staff_only
from .forms import BundleForm
from .page import page, plan_of
from .reading import fill_choices, read_form

ROWS_STEP = 5


def bundle():
    form = BundleForm()
    fill_choices(form)
    if request.method == "GET":
        if request.args.get("group"):
            group_id = record_id(request.args["group"])
            if group_id is None:
                abort(404)
            _load_group(form, group_id)
        return page(form, None, None)
    if request.form.get("action") == "add_rows":
        # More rows for typing members in, without JavaScript: the page comes back with all it had.
        for _row in range(ROWS_STEP):
            if len(form.rows) < MAX_MEMBERS:
                form.rows.append_entry()
        fill_choices(form)
        return page(form, None, None)
    entered, result = plan_of(form)
    return page(form, entered, result, 200 if result else 422)


def _slips(result, default_language: str | None) -> list[tuple[str, Markup]]:
    """Each worker's slip rendered in the worker's language (else the form's, else the page's)."""
    rendered = []
    for slip in slip_data(result):
        language = slip.language or default_language or str(get_locale())
        if language not in LANGUAGES:
            language = str(get_locale())
        with force_locale(language):
            rendered.append((language, Markup(render_template("group/_slip.html", slip=slip, result=result))))
    return rendered


def _output(kind: str):
    form = BundleForm()
    fill_choices(form)
    entered, result = plan_of(form)
    if result is None:
        return page(form, entered, None, 422)
    if kind == "slips":
        return render_template("group/slips.html", slips=_slips(result, form.language_default.data),
                               result=result)
    header, rows = payout_rows(result, entered.carried) if kind.startswith("payout") else plan_rows(result)
    name = f"{'payout-list' if kind.startswith('payout') else 'group-plan'}-{result.corridor_code}"
    sheet = _("Payout list") if kind.startswith("payout") else _("Plan")
    return files.spreadsheet(header, rows, kind.rsplit(".", 1)[1], name, sheet=sheet)


def slips():
    return _output("slips")


def payout_list(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    return _output(f"payout.{fmt}")


def plan_file(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    return _output(f"plan.{fmt}")


# --- Saved groups --------------------------------------------------------------------------------

SETTINGS = ("distribution_fee", "incoming_fee", "coordinator_fee", "intermediary_fee", "max_transfer", "allocation",
            "transfers_per_year", "language_default", "distribution_fee_currency", "incoming_fee_currency",
            "coordinator_fee_currency", "intermediary_fee_currency", "transfer_days")


def _load_group(form: BundleForm, group_id: int) -> None:
    if not current_user.is_authenticated:
        abort(403)
    group = saved_groups.find(group_id)
    if group is None:
        abort(404)
    form.send.data, form.receive.data = group.send_country, group.receive_country
    form.group_id.data = str(group.id)
    form.pasted.data = group.members
    for name, value in json.loads(group.settings or "{}").items():
        if name in SETTINGS and value is not None:
            form[name].data = str(value)


@staff_only
def save():
    """Staff save a group to plan it again: members with today's service and slip language, and the
    carried columns (names, accounts…) only when asked to keep them."""
    form = BundleForm()
    fill_choices(form)
    entered = read_form(form)
    name = (request.form.get("group_name") or "").strip()
    if entered.request is None or not name or len(name) > 120:
        if not name or len(name) > 120:
            entered.problems.append(_("The group could not be saved: give it a name of at most 120 characters."))
        return page(form, entered, None, 422)
    settings = {k: (form[k].data or None) for k in SETTINGS}
    group = saved_groups.save(name, entered.request, entered.carried, settings,
                              keep_personal=bool(form.keep_personal.data), actor=current_user.email)
    flash(_("The group %(name)s was saved.", name=name))
    return redirect(url_for("group.bundle", group=group.id))

