"""The group transfer's page, as the form and its plan make it."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...models import BundleGroup
from .. import charts


def page(form, entered, result, status=200):
    """The group transfer's page: the form as sent, its problems or its plan, and (for staff) the saved
    groups."""
    chart = None
    if result is not None and len(result.plan.curve) > 1:
        chart = charts.savings_curve(_("Saving per member by group size (%(currency)s)",
                                       currency=result.request.currency),
                                     [(p.members, p.saving_per_member) for p in result.plan.curve])
    groups = _saved_groups()
    return render_template("group/bundle.html", form=form, result=result, plan=result.plan if result else None,
                           problems=entered.problems if entered else [], chart=chart, groups=groups,
                           carried=entered.carried if entered else []), status


def _saved_groups():
    if not current_user.is_authenticated:
        return []
    return db.session.execute(select(BundleGroup).order_by(BundleGroup.name)).scalars().all()
