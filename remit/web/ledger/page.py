"""A cycle's page: its reconciliation, and its forms filled in from what is recorded (or, once it is
completed, the forms of its corrections)."""
from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from ... import codes
from ...domain.money import round_money
from ...i18n import label, money
from ...services import ledger
from ..forms import choices
from .forms import (ConfirmationForm, ContributionsForm, CorrectionForm, DistributionFeeForm, PayoutsForm,
                    WireCorrectionForm, WireForm)


def typed(value: Decimal | None, currency: str) -> str:
    """An amount as the page's language writes it in a field, without grouping (501,50 in Spanish)."""
    if value is None:
        return ""
    places = codes.minor_unit(currency)
    return format_decimal(round_money(value, places), format="0" + ("." + "0" * places if places else ""),
                          locale=get_locale())


# --- A cycle -------------------------------------------------------------------------------------

def _currency_choices(record: ledger.CycleRecord) -> list:
    found = dict.fromkeys([record.cycle.currency, "USD", "EUR", record.cycle.receive_currency])
    found.update(dict.fromkeys(w.currency_sent for w in record.wires))
    return choices([(code, code) for code in found])


def contributions_form(record: ledger.CycleRecord, formdata=None) -> ContributionsForm:
    current = {c.member_id: c for c in record.current("contribution")}
    form = ContributionsForm(formdata=formdata)
    if formdata is None:
        for m in record.members:
            entry = current.get(m.id)
            form.rows.append_entry({
                "member": str(m.id), "amount": typed(entry.amount, record.cycle.currency) if entry else "",
                "method": entry.method if entry else "cash", "receipt": entry.receipt if entry else "",
                "received_on": entry.received_on.isoformat() if entry and entry.received_on else ""})
    return form


def payouts_form(record: ledger.CycleRecord, formdata=None) -> PayoutsForm:
    current = {p.member_id: p for p in record.current("payout")}
    expected = {m.ref: m.expected_payout for m in record.reconciliation.members}
    form = PayoutsForm(formdata=formdata)
    if formdata is None:
        rcy = record.cycle.receive_currency
        for m in record.members:
            entry = current.get(m.id)
            form.rows.append_entry({
                "member": str(m.id), "amount": typed(entry.amount if entry else expected.get(m.ref), rcy),
                "status": entry.status if entry else "",
                "paid_on": entry.paid_on.isoformat() if entry and entry.paid_on else "",
                "confirmed_how": (entry.confirmed_how or "") if entry else "",
                "confirmed_by": (entry.confirmed_by or "") if entry else ""})
    return form


def wire_form(record: ledger.CycleRecord, formdata=None) -> WireForm:
    """The wire's form, filled in with the plan's next transfer (remit.services.ledger.planned_wire):
    the staffer changes what the bank's confirmation says otherwise."""
    form = WireForm(formdata=formdata)
    form.currency_sent.choices = _currency_choices(record)
    if formdata is None:
        ccy = record.cycle.currency
        form.currency_sent.data = ccy
        for name in ("fee", "intermediary", "receiving_fee"):
            form[name].data = typed(Decimal(0), ccy)
        form.applied_rate.data = "1"
        planned = ledger.planned_wire(record)
        if planned is not None:
            for name in ("debited", "fee", "intermediary", "receiving_fee"):
                form[name].data = typed(getattr(planned, name), ccy)
            form.credited.data = typed(planned.credited, record.cycle.receive_currency)
            form.executed_on.data = planned.executed_on.isoformat()
    return form


def _entry_label(record: ledger.CycleRecord, kind: str, row) -> str:
    if kind == "wire":
        return _("Wire %(reference)s of %(amount)s", reference=row.bank_reference or f"#{row.id}",
                 amount=money(row.debited, record.cycle.currency))
    member = record.member(row.member_id)
    if kind == "payout":
        return _("%(member)s: %(amount)s, %(status)s", member=member.ref,
                 amount=money(row.amount, record.cycle.receive_currency), status=label(row.status))
    return _("%(member)s: %(amount)s", member=member.ref, amount=money(row.amount, record.cycle.currency))


def correction_form(record: ledger.CycleRecord, kind: str, formdata=None) -> CorrectionForm:
    form = CorrectionForm(formdata=formdata, prefix=kind)
    form.kind.data = kind
    form.entry.choices = choices([("", _("A new entry"))] + [(str(r.id), _entry_label(record, kind, r))
                                                             for r in record.current(kind)])
    form.member.choices = choices([(str(m.id), m.ref) for m in record.members])
    if kind == "contribution":
        form.status.data = form.status.data or "paid"
    return form


def wire_correction_form(record: ledger.CycleRecord, formdata=None) -> WireCorrectionForm:
    form = WireCorrectionForm(formdata=formdata, prefix="wire")
    form.currency_sent.choices = _currency_choices(record)
    form.entry.choices = choices([(str(w.id), _entry_label(record, "wire", w)) for w in record.current("wire")])
    return form


def cycle_page(record: ledger.CycleRecord, status: int = 200, problems=(), confirmed=None, **forms):
    """The cycle's page: its reconciliation, and the forms that record what happened (or, once it is
    completed, its corrections). `forms` replaces the empty form of the one that was sent."""
    defaults = {}
    if not record.cycle.completed:
        defaults = {"contributions": lambda: contributions_form(record), "payouts": lambda: payouts_form(record),
                    "wire": lambda: wire_form(record), "confirmation": lambda: ConfirmationForm(formdata=None),
                    "distribution": lambda: DistributionFeeForm(formdata=None, distribution_fee=typed(
                        record.cycle.distribution_fee, record.cycle.receive_currency))}
    else:
        defaults = {"correct_" + kind: (lambda kind=kind: correction_form(record, kind))
                    for kind in ("contribution", "payout")}
        defaults["correct_wire"] = lambda: wire_correction_form(record)
    built = {name: forms.get(name) or make() for name, make in defaults.items()}
    members = {m.ref: m for m in record.members}
    return render_template("ledger/cycle.html", record=record, cycle=record.cycle, recon=record.reconciliation,
                           members=members, members_by_id={str(m.id): m for m in record.members},
                           problems=list(problems), forms=built, confirmed=confirmed,
                           planned_wire=ledger.planned_wire(record) if not record.cycle.completed else None,
                           sent=next(iter(forms), None)), status

