"""Staff forms. The compare form is a GET search (shareable link, no CSRF needed: it changes
nothing); the bundle form posts and carries a CSRF token.

Amounts are typed text, read by the one rule for amounts (remit.inputs.parse_amount) in the page's
language once the currency is known; choices come from the vocabularies (remit.domain.vocabulary).
"""
from __future__ import annotations

from decimal import Decimal

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (BooleanField, FieldList, FormField, HiddenField, RadioField, SelectField,
                     StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.form import Form
from wtforms.validators import DataRequired, Length, Optional

from ..domain.vocabulary import ALLOCATIONS, ID_TYPES, PAYOUT_METHODS, SPEEDS
from ..inputs import (MAX_CONFIRMED_BY_LENGTH, MAX_MEMBERS, MAX_REASON_LENGTH, MAX_RECEIPT_LENGTH, MAX_REF_LENGTH,
                      InputError, parse_amount)


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


PAYOUT_LABELS = {"cash_pickup": _l("Cash pickup"), "bank_account": _l("Bank account"),
                 "mobile_wallet": _l("Mobile wallet"), "home_delivery": _l("Home delivery")}
SPEED_LABELS = {"under_1h": _l("Within an hour"), "same_day": _l("Same day"), "next_day": _l("Next day"),
                "2_days": _l("Within 2 days"), "3_5_days": _l("Within 5 days")}
ID_LABELS = {"passport": _l("Passport"), "consular_id": _l("Consular ID"), "national_id": _l("National ID card"),
             "permanent_resident_card": _l("Permanent resident card"), "work_permit": _l("Work permit"),
             "drivers_licence": _l("Driver's licence")}
ALLOCATION_LABELS = {"pro_rata": _l("By amount sent (pro rata)"), "equal": _l("Equal shares")}

PAYOUTS = [("", _l("Any way"))] + [(code, PAYOUT_LABELS[code]) for code in PAYOUT_METHODS]
# "At most 6 days or more" filters nothing: the slowest speed is not offered as a limit.
SPEEDS_UP_TO = [("", _l("Any speed"))] + [(code, SPEED_LABELS[code]) for code in SPEEDS if code in SPEED_LABELS]
IDS = [("", _l("Not asked"))] + [(code, ID_LABELS[code]) for code in ID_TYPES]
ALLOCATION_CHOICES = [(code, ALLOCATION_LABELS[code]) for code in ALLOCATIONS]


def read_amount(field, currency: str | None, *, allow_zero: bool = False) -> Decimal | None:
    """The field's amount in the page's language; None, with the message on the field, when it cannot
    be read as meant. What was typed stays in the field for the person to correct."""
    try:
        return parse_amount(field.data, str(get_locale()), currency, allow_zero=allow_zero)
    except InputError as exc:
        field.errors.append(exc.message)
        return None


class CompareForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search: nothing changes, and the link must be shareable

    send = SelectField(_l("Sending from"), validators=[DataRequired(_l("Choose a country."))])
    receive = SelectField(_l("Sending to"), validators=[DataRequired(_l("Choose a country."))])
    mode = RadioField(_l("I know"), choices=choices([("send", _l("the amount to send")),
                                                     ("receive", _l("the amount the family must receive"))]),
                      default="send")
    amount = StringField(_l("Amount"), validators=[DataRequired(_l("Enter an amount."))])
    # Empty: the sending country's currency (the family's, for an amount they must receive).
    currency = SelectField(_l("Currency"), validators=[Optional()], default="")
    payout_method = SelectField(_l("How the family gets the money"), choices=choices(PAYOUTS), default="")
    # ISO's names of the regions are not for a browser's translator: said once for all the options.
    region = SelectField(_l("Where the family lives"), default="", render_kw={"translate": "no"})
    id_type = SelectField(_l("ID the sender has"), choices=choices(IDS), default="")
    max_speed = SelectField(_l("How fast it must arrive"), choices=choices(SPEEDS_UP_TO), default="")


STATUS_CHOICES = [("", _l("Any")), ("met", _l("Below 3%: the UN target is met")),
                  ("between", _l("From 3% to 5%")), ("above", _l("Above 5%")), ("unknown", _l("No average known"))]
SORT_CHOICES = [("country", _l("Receiving country, A to Z")), ("cost", _l("Average cost, lowest first")),
                ("cost_desc", _l("Average cost, highest first")), ("date", _l("Newest data first"))]


class CorridorListForm(FlaskForm):
    """The list of corridors, filtered and sorted: a GET search like the compare form."""

    class Meta:
        csrf = False

    send = SelectField(_l("Sending from"), default="")
    receive = SelectField(_l("Sending to"), default="")
    status = SelectField(_l("Average cost against the UN target of 3%"), choices=choices(STATUS_CHOICES), default="")
    sort = SelectField(_l("Order"), choices=choices(SORT_CHOICES), default="country")


class MemberRowForm(Form):
    ref = StringField(_l("Name or reference"), validators=[Optional(), Length(max=MAX_REF_LENGTH)])
    amount = StringField(_l("Amount"), validators=[Optional()])
    service = StringField(_l("Service used today"), validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Slip language"), validators=[Optional()], default="")


class BundleForm(FlaskForm):
    send = SelectField(_l("Sending from"), validators=[DataRequired(_l("Choose a country."))])
    receive = SelectField(_l("Sending to"), validators=[DataRequired(_l("Choose a country."))])
    currency = SelectField(_l("Currency"), validators=[Optional()], default="")
    rows = FieldList(FormField(MemberRowForm), min_entries=5, max_entries=MAX_MEMBERS)
    pasted = TextAreaField(_l("Paste the list from your spreadsheet"),
                           validators=[Optional(), Length(max=400_000)])
    upload = FileField(_l("Or upload it (CSV or XLSX)"),
                       validators=[Optional(), FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file."))])
    uploaded = HiddenField(validators=[Optional(), Length(max=400_000)])  # an uploaded list, kept as text
    distribution_fee = StringField(_l("Fee per member to pay out each share"), default="0")
    incoming_fee = StringField(_l("Fee per transfer at the receiving bank"), default="0")
    intermediary_fee = StringField(_l("Fee per transfer taken by intermediary banks on the way"), default="0")
    coordinator_fee = StringField(_l("Coordinator's fee per transfer"), default="0")
    # Each fee's currency: empty, the send currency (the amounts'); the choices are those remit has rates for.
    distribution_fee_currency = SelectField(_l("Currency of the fee per member"), validators=[Optional()], default="")
    incoming_fee_currency = SelectField(_l("Currency of the receiving bank's fee"), validators=[Optional()],
                                        default="")
    intermediary_fee_currency = SelectField(_l("Currency of the intermediary banks' fee"), validators=[Optional()],
                                            default="")
    coordinator_fee_currency = SelectField(_l("Currency of the coordinator's fee"), validators=[Optional()],
                                           default="")
    max_transfer = StringField(_l("The sending bank's limit per transfer (if it has one)"), default="")
    transfer_days = StringField(_l("Days the transfers are made on"), default="1")
    allocation = SelectField(_l("Split the fees"), choices=choices(ALLOCATION_CHOICES), default="pro_rata")
    transfers_per_year = StringField(_l("Transfers per year"), default="12")
    language_default = SelectField(_l("Language of the slips"), default="es")
    keep_personal = BooleanField(_l("Also keep the other columns (names, accounts…) with the saved group"))
    group_id = HiddenField()  # the saved group the form was loaded from: its plan may become a cycle

    def fee(self, field, currency: str) -> Decimal | None:
        return read_amount(field, currency, allow_zero=True) if (field.data or "").strip() else Decimal(0)


# --- The season ledger ---------------------------------------------------------------------------

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
