"""The group transfer's page, as the form and its plan make it; the plan of a form, a refusal of which
shows the page again."""
from __future__ import annotations

from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...errors import on_refusal
from ...services import bundles, pooling, saved_groups
from .. import charts
from .reading import Entered, read_form, refusal_lines


def page(form, entered, result, status=200):
    """The group transfer's page: the form as sent, its problems or its plan, and (for staff) the saved
    groups."""
    chart = None
    if result is not None and len(result.plan.curve) > 1:
        chart = charts.savings_curve(_("Saving per member by group size (%(currency)s)",
                                       currency=result.request.currency),
                                     [(p.members, p.saving_per_member) for p in result.plan.curve])
    groups = saved_groups.by_name() if current_user.is_authenticated else []
    return render_template("group/bundle.html", form=form, result=result, plan=result.plan if result else None,
                           problems=entered.problems if entered else [], chart=chart, groups=groups,
                           carried=entered.carried if entered else [],
                           pooling_notes=pooling.notes_for(str(get_locale()))), status


def page_again(form, entered: Entered, result=None):
    """What a refusal shows: this page again (422), the refusal's lines among the form's problems."""
    def show(problems: list[str], _status: int):
        entered.problems += problems
        return page(form, entered, result, 422)
    return show


def plan_of(form) -> tuple[Entered, bundles.BundleResult | None]:
    """The form read and planned: the plan, or None with the problems the form has. A plan remit refuses
    shows the page again, each member's problem with where it was entered."""
    entered = read_form(form)
    if entered.request is None:
        return entered, None
    on_refusal(page_again(form, entered), problems=lambda exc: refusal_lines(exc, entered))
    return entered, bundles.plan(entered.request)
