"""The season ledger's forms: what each member handed over, the payouts, the bank's confirmation file,
the wire, the fee per family, and the corrections of a completed cycle."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, FieldList, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.form import Form
from wtforms.validators import DataRequired, Length, Optional

from ...inputs import MAX_CONFIRMED_BY_LENGTH, MAX_MEMBERS, MAX_REASON_LENGTH, MAX_RECEIPT_LENGTH
from ..forms import choices

METHOD_LABELS = {"cash": _l("Cash"), "bank_transfer": _l("Bank transfer"), "e_transfer": _l("E-transfer"),
                 "cheque": _l("Cheque"), "payroll": _l("Payroll deduction"), "other": _l("Other")}
STATUS_LABELS = {"pending": _l("Pending"), "paid": _l("Paid"), "returned": _l("Returned")}
CONFIRMATION_LABELS = {"signed_receipt": _l("Signed receipt"), "bank_statement": _l("Bank statement"),
                       "phone": _l("Phone call"), "in_person": _l("In person"), "message": _l("Message"),
                       "other": _l("Other")}
DATE_ERROR = _l("Write the date as year-month-day, e.g. 2026-03-02.")
MAX_CONFIRMATION_KEPT = 4 * 1024 * 1024  # a confirmation file kept in the form (base64): a few thousand rows


def read_date(field):
    """The field's date (the calendar's year-month-day), None when empty; a message on the field when it
    cannot be read."""
    import datetime as dt

    text = (field.data or "").strip()
    if not text:
        return None
    try:
        if len(text) != 10 or not text.isascii():  # fromisoformat would also read 20260302
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        field.errors = [*field.errors, DATE_ERROR]
        return None


class ContributionRowForm(Form):
    member = HiddenField()
    amount = StringField(_l("Handed over"), validators=[Optional()])
    method = SelectField(_l("How"), choices=choices(METHOD_LABELS.items()), default="cash")
    receipt = StringField(_l("Receipt"), validators=[Optional(), Length(max=MAX_RECEIPT_LENGTH)])
    received_on = StringField(_l("Received on"), validators=[Optional()], render_kw={"type": "date"})


class ContributionsForm(FlaskForm):
    rows = FieldList(FormField(ContributionRowForm), max_entries=MAX_MEMBERS)


class PayoutRowForm(Form):
    member = HiddenField()
    amount = StringField(_l("Paid to the family"), validators=[Optional()])
    # "Not recorded": the row is left as it is (or, when it held a payout, the payout is removed); "paid
    # as due" records the rows that are not recorded yet as paid.
    status = SelectField(_l("Status"), choices=choices([("", _l("Not recorded"))] + list(STATUS_LABELS.items())),
                         default="")
    paid_on = StringField(_l("Date"), validators=[Optional()], render_kw={"type": "date"})
    confirmed_how = SelectField(_l("Confirmed by"), choices=choices([("", _l("Not yet"))]
                                                                    + list(CONFIRMATION_LABELS.items())), default="")
    confirmed_by = StringField(_l("Who confirmed"), validators=[Optional(), Length(max=MAX_CONFIRMED_BY_LENGTH)])


class PayoutsForm(FlaskForm):
    rows = FieldList(FormField(PayoutRowForm), max_entries=MAX_MEMBERS)


class ConfirmationForm(FlaskForm):
    """The receiving bank's confirmation file (remit.importers.confirmations); once read, it is kept in
    the form (`kept`, base64) so that the rows it refused can be left out without uploading it again."""

    file = FileField(_l("The receiving bank's confirmation file (CSV or XLSX)"),
                     validators=[Optional(), FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file."))])
    kept = HiddenField(validators=[Optional(), Length(max=MAX_CONFIRMATION_KEPT)])
    kept_name = HiddenField(validators=[Optional(), Length(max=200)])


class WireForm(FlaskForm):
    bank_reference = StringField(_l("The bank's reference"), validators=[Optional(), Length(max=MAX_RECEIPT_LENGTH)])
    executed_on = StringField(_l("Date executed"), validators=[Optional()], render_kw={"type": "date"})
    debited = StringField(_l("Amount debited, the bank's fee included"), validators=[DataRequired(_l("Enter an amount."))])
    fee = StringField(_l("The bank's fee"), default="0")
    currency_sent = SelectField(_l("Currency the wire travels in"))
    applied_rate = StringField(_l("Rate the bank applied"), default="1")
    intermediary = StringField(_l("Deducted by intermediary banks"), default="0")
    receiving_fee = StringField(_l("Deducted by the receiving bank"), default="0")
    credited = StringField(_l("Credited to the collective account"), validators=[DataRequired(_l("Enter an amount."))])


class DistributionFeeForm(FlaskForm):
    distribution_fee = StringField(_l("Fee per family to pay it out"))


class CorrectionForm(FlaskForm):
    """A correction of a completed cycle: an entry's new figures, or its removal, with the reason."""

    kind = HiddenField()
    entry = SelectField(_l("Entry"), validators=[Optional()])
    member = SelectField(_l("Member"), validators=[Optional()])
    remove = BooleanField(_l("Remove this entry (it was recorded by mistake)"))
    amount = StringField(_l("Amount"), validators=[Optional()])
    method = SelectField(_l("How"), choices=choices(METHOD_LABELS.items()), default="cash")
    receipt = StringField(_l("Receipt"), validators=[Optional(), Length(max=MAX_RECEIPT_LENGTH)])
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS.items()), default="paid")
    on = StringField(_l("Date"), validators=[Optional()], render_kw={"type": "date"})
    confirmed_how = SelectField(_l("Confirmed by"), choices=choices([("", _l("Not yet"))]
                                                                    + list(CONFIRMATION_LABELS.items())), default="")
    confirmed_by = StringField(_l("Who confirmed"), validators=[Optional(), Length(max=MAX_CONFIRMED_BY_LENGTH)])
    reason = TextAreaField(_l("Why"), validators=[DataRequired(_l("Say why the entry is corrected.")),
                                                  Length(max=MAX_REASON_LENGTH)])


class WireCorrectionForm(WireForm):
    entry = SelectField(_l("Wire"))
    remove = BooleanField(_l("Remove this wire (it was recorded by mistake)"))
    reason = TextAreaField(_l("Why"), validators=[DataRequired(_l("Say why the entry is corrected.")),
                                                  Length(max=MAX_REASON_LENGTH)])
    debited = StringField(_l("Amount debited, the bank's fee included"), validators=[Optional()])
    credited = StringField(_l("Credited to the collective account"), validators=[Optional()])
