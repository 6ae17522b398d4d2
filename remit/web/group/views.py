"""The coordinator's group transfer: enter the members as they keep them, read the plan, print the
slips, download the payout list and the plan, save the group.

Every output is computed again from the same form (its buttons post the whole form to another
address), so nothing about a group is kept on the server unless a staffer saves it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from markupsafe import Markup
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...domain.bundling import BundleError
from ...domain.errors import RemitError
from ...extensions import db
from ...i18n import LANGUAGES, translate
from ...importers.members import read_members, read_pasted
from ...inputs import MAX_MEMBERS, MAX_TRANSFER_DAYS, MAX_TRANSFERS_PER_YEAR, record_id
from ...models import BundleGroup
from ...services import bundles
from ...services.audit import record as audit
from ...services.bundle_exports import payout_rows, plan_rows, slip_data
from ...services.rates import RateBook
from ...services.reference import find_corridor
from .. import bp, charts, files
from ..format import country_name
from ..forms import choices, read_amount
from .forms import BundleForm

ROWS_STEP = 5


@dataclass
class Entered:
    """What the form says: the request to plan, or the problems to show; the columns carried through."""

    request: bundles.BundleRequest | None = None
    problems: list[str] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # member ref → where it was entered, for messages


def _fill_choices(form: BundleForm) -> None:
    from ..compare.views import _corridor_choices

    _corridor_choices(form)
    form.language_default.choices = choices([(code, name) for code, name in LANGUAGES.items()])
    currencies = choices([("", _("As the amounts"))] + [(code, code) for code in RateBook.load().currencies()])
    for name in bundles.FEES:
        form[f"{name}_currency"].choices = currencies
    for row in form.rows:
        row.form.language.choices = choices([("", _("Same as the page"))] + list(LANGUAGES.items()))


def _members(form: BundleForm, currency: str, entered: Entered) -> list[bundles.MemberInput]:
    locale = str(get_locale())
    members: list[bundles.MemberInput] = []
    for number, row in enumerate(form.rows.entries, start=1):
        ref = (row.form.ref.data or "").strip()
        amount_text = (row.form.amount.data or "").strip()
        if not ref and not amount_text and not (row.form.service.data or "").strip():
            continue
        if not ref or not amount_text:
            row.form.amount.errors.append(_("Give both a reference and an amount."))
            entered.problems.append(_("Row %(n)s: give both a reference and an amount.", n=number))
            continue
        value = read_amount(row.form.amount, currency)
        if value is None:
            entered.problems.append(_("Row %(n)s: %(problem)s", n=number,
                                      problem=translate(row.form.amount.errors[-1])))
            continue
        members.append(bundles.MemberInput(ref, value, None, (row.form.service.data or "").strip() or None,
                                           row.form.language.data or None))
        entered.sources[ref] = _("row %(n)s of the form", n=number)
    if form.upload.data and getattr(form.upload.data, "filename", ""):
        # An uploaded file is read once, then kept in the form as text, so that the plan can be recomputed.
        more, problems, carried = read_members(form.upload.data.read(), form.upload.data.filename, currency, locale)
        if not problems:
            form.uploaded.data = _as_text(more, carried)
        entered.problems += [_("Uploaded file, %(problem)s", problem=translate(p.text())) for p in problems]
        _add(members, more, carried, entered, _("the uploaded file, row %(n)s"))
    elif (form.uploaded.data or "").strip():
        more, problems, carried = read_pasted(form.uploaded.data, currency, "en")
        entered.problems += [_("Uploaded file, %(problem)s", problem=translate(p.text())) for p in problems]
        _add(members, more, carried, entered, _("the uploaded file, row %(n)s"))
    if (form.pasted.data or "").strip():
        more, problems, carried = read_pasted(form.pasted.data, currency, locale)
        entered.problems += [_("Pasted list, %(problem)s", problem=translate(p.text())) for p in problems]
        _add(members, more, carried, entered, _("the pasted list, row %(n)s"))
    refs = [m.ref for m in members]
    for ref in sorted({r for r in refs if refs.count(r) > 1}):
        entered.problems.append(_("The reference %(ref)s is used twice.", ref=ref))
    if len(members) > MAX_MEMBERS:
        entered.problems.append(_("A group has at most %(limit)s members.", limit=f"{MAX_MEMBERS:,}"))
    if not members and not entered.problems:
        entered.problems.append(_("Enter at least one member."))
    return members


def _add(members, more, carried, entered: Entered, where: str) -> None:
    members.extend(more)
    for name in carried:
        if name not in entered.carried:
            entered.carried.append(name)
    for member in more:
        entered.sources[member.ref] = where % {"n": member.row}


def _as_text(members, carried: list[str]) -> str:
    """Members as tab-separated text with a header, as the form keeps an uploaded list."""
    lines = ["\t".join(["reference", "amount", "service", "language", *carried])]
    for m in members:
        extra = dict(m.extra)
        lines.append("\t".join([m.ref, format(m.amount, "f"), m.product or "", m.language or "",
                                *[extra.get(name, "") for name in carried]]))
    return "\n".join(lines)


def read_form(form: BundleForm) -> Entered:
    """The form as a bundle request, or the problems to show beside it."""
    entered = Entered()
    if not form.validate_on_submit():
        return entered
    corridor = find_corridor(form.send.data, form.receive.data)
    if corridor is None:
        form.receive.errors.append(_("remit has no data yet for this corridor: %(send)s → %(receive)s.",
                                     send=country_name(form.send.data), receive=country_name(form.receive.data)))
        return entered
    currency = corridor.send_currency
    members = _members(form, currency, entered)
    currencies = {f"{name}_currency": form[f"{name}_currency"].data or None for name in bundles.FEES}
    fees = {name: form.fee(form[name], currencies[f"{name}_currency"] or currency) for name in bundles.FEES}
    cap = read_amount(form.max_transfer, currency) if (form.max_transfer.data or "").strip() else None
    per_year = _whole(form.transfers_per_year, MAX_TRANSFERS_PER_YEAR)
    days = _whole(form.transfer_days, MAX_TRANSFER_DAYS)
    if entered.problems or form.errors or None in fees.values():
        return entered
    entered.request = bundles.BundleRequest(
        send=corridor.send_country, receive=corridor.receive_country, currency=currency, members=members,
        max_transfer=cap, allocation=form.allocation.data, transfers_per_year=per_year, transfer_days=days or 1,
        **fees, **currencies)
    return entered


def _whole(field, most: int) -> int | None:
    """A whole number from 1 to `most` typed in the field; None when it is empty, with a message on the
    field when it is not such a number."""
    text = (field.data or "").strip()
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) <= len(str(most)) and 1 <= int(text) <= most:
        return int(text)
    field.errors.append(_("Write a whole number from 1 to %(most)s.", most=most))
    return None


def _plan(form: BundleForm) -> tuple[Entered, bundles.BundleResult | None]:
    entered = read_form(form)
    if entered.request is None:
        return entered, None
    try:
        return entered, bundles.plan(entered.request)
    except (RemitError, BundleError) as exc:
        entered.problems += _refusal(exc, entered)
        return entered, None


def _refusal(exc, entered: Entered) -> list[str]:
    """A refusal of the plan as lines for the page, each member's problem with where it was entered."""
    errors = getattr(exc, "errors", None) or {}
    lines = []
    members = errors.get("members") if isinstance(errors, dict) else None
    if isinstance(members, dict):
        for index, problems in members.items():
            member = entered.request.members[int(index)]
            for messages in problems.values():
                for message in messages:
                    lines.append(_("%(where)s: %(problem)s", where=entered.sources.get(member.ref, member.ref),
                                   problem=translate(message)))
    for name, messages in errors.items() if isinstance(errors, dict) else ():
        if name != "members":
            lines += [translate(m) for m in (messages if isinstance(messages, list) else [messages])]
    return lines or [translate(exc.args[0])]


def _page(form, entered, result, status=200):
    chart = None
    if result is not None and len(result.plan.curve) > 1:
        chart = charts.savings_curve(_("Saving per member by group size (%(currency)s)",
                                       currency=result.request.currency),
                                     [(p.members, p.saving_per_member) for p in result.plan.curve])
    groups = _saved_groups()
    return render_template("web/bundle.html", form=form, result=result, plan=result.plan if result else None,
                           problems=entered.problems if entered else [], chart=chart, groups=groups,
                           carried=entered.carried if entered else []), status


@bp.route("/bundle", methods=["GET", "POST"])
def bundle():
    form = BundleForm()
    _fill_choices(form)
    if request.method == "GET":
        if request.args.get("group"):
            group_id = record_id(request.args["group"])
            if group_id is None:
                abort(404)
            _load_group(form, group_id)
        return _page(form, None, None)
    if request.form.get("action") == "add_rows":
        # More rows for typing members in, without JavaScript: the page comes back with all it had.
        for _row in range(ROWS_STEP):
            if len(form.rows) < MAX_MEMBERS:
                form.rows.append_entry()
        _fill_choices(form)
        return _page(form, None, None)
    entered, result = _plan(form)
    return _page(form, entered, result, 200 if result else 422)


def _slips(result, default_language: str | None) -> list[tuple[str, Markup]]:
    """Each worker's slip rendered in the worker's language (else the form's, else the page's)."""
    rendered = []
    for slip in slip_data(result):
        language = slip.language or default_language or str(get_locale())
        if language not in LANGUAGES:
            language = str(get_locale())
        with force_locale(language):
            rendered.append((language, Markup(render_template("web/_slip.html", slip=slip, result=result))))
    return rendered


def _output(kind: str):
    form = BundleForm()
    _fill_choices(form)
    entered, result = _plan(form)
    if result is None:
        return _page(form, entered, None, 422)
    if kind == "slips":
        return render_template("web/bundle_slips.html", slips=_slips(result, form.language_default.data),
                               result=result)
    header, rows = payout_rows(result, entered.carried) if kind.startswith("payout") else plan_rows(result)
    name = f"{'payout-list' if kind.startswith('payout') else 'group-plan'}-{result.corridor_code}"
    sheet = _("Payout list") if kind.startswith("payout") else _("Plan")
    return files.spreadsheet(header, rows, kind.rsplit(".", 1)[1], name, sheet=sheet)


@bp.post("/bundle/slips")
def bundle_slips():
    return _output("slips")


@bp.post("/bundle/payout.<fmt>")
def bundle_payout(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    return _output(f"payout.{fmt}")


@bp.post("/bundle/plan.<fmt>")
def bundle_plan(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    return _output(f"plan.{fmt}")


# --- Saved groups --------------------------------------------------------------------------------

SETTINGS = ("distribution_fee", "incoming_fee", "coordinator_fee", "intermediary_fee", "max_transfer", "allocation",
            "transfers_per_year", "language_default", "distribution_fee_currency", "incoming_fee_currency",
            "coordinator_fee_currency", "intermediary_fee_currency", "transfer_days")


def _saved_groups():
    if not current_user.is_authenticated:
        return []
    return db.session.execute(select(BundleGroup).order_by(BundleGroup.name)).scalars().all()


def _load_group(form: BundleForm, group_id: int) -> None:
    if not current_user.is_authenticated:
        abort(403)
    group = db.session.get(BundleGroup, group_id)
    if group is None:
        abort(404)
    form.send.data, form.receive.data = group.send_country, group.receive_country
    form.group_id.data = str(group.id)
    form.pasted.data = group.members
    for name, value in json.loads(group.settings or "{}").items():
        if name in SETTINGS and value is not None:
            form[name].data = str(value)


@bp.post("/bundle/groups")
def save_group():
    """Staff save a group to plan it again: members with today's service and slip language, and the
    carried columns (names, accounts…) only when asked to keep them."""
    if not current_user.is_authenticated:
        from ...extensions import login_manager

        return login_manager.unauthorized()
    if current_user.role not in ("admin", "staff"):
        abort(403)
    form = BundleForm()
    _fill_choices(form)
    entered = read_form(form)
    name = (request.form.get("group_name") or "").strip()
    if entered.request is None or not name or len(name) > 120:
        if not name or len(name) > 120:
            entered.problems.append(_("The group could not be saved: give it a name of at most 120 characters."))
        return _page(form, entered, None, 422)
    keep = bool(form.keep_personal.data)
    carried = entered.carried if keep else []
    members = entered.request.members if keep else [
        bundles.MemberInput(m.ref, m.amount, m.payout_method, m.product, m.language) for m in entered.request.members]
    settings = {k: (form[k].data or None) for k in SETTINGS}
    group = BundleGroup(name=name, send_country=entered.request.send, receive_country=entered.request.receive,
                        currency=entered.request.currency, members=_as_text(members, carried),
                        settings=json.dumps(settings), created_by=current_user.email)
    db.session.add(group)
    db.session.flush()
    # The audit log says how many members and whether personal columns were kept: never what they hold.
    audit("bundle group saved", f"{group.id} {group.name}", {"members": len(members), "personal_columns": keep},
          actor=current_user.email)
    db.session.commit()
    flash(_("The group %(name)s was saved.", name=name))
    return redirect(url_for("web.bundle", group=group.id))


__all__ = ["bundle", "bundle_payout", "bundle_plan", "bundle_slips", "save_group"]
