"""The group transfer's form: it posts, with a CSRF token; its outputs post the same form elsewhere."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.form import Form
from wtforms.validators import DataRequired, Length, Optional

from ...domain.vocabulary import ALLOCATIONS
from ...inputs import MAX_MEMBERS, MAX_REF_LENGTH
from ..forms import choices, read_amount

ALLOCATION_LABELS = {"pro_rata": _l("By amount sent (pro rata)"), "equal": _l("Equal shares")}
ALLOCATION_CHOICES = [(code, ALLOCATION_LABELS[code]) for code in ALLOCATIONS]


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
    # The members of an upload, kept signed for the next post (remit/web/group/members.py).
    uploaded = HiddenField(validators=[Optional(), Length(max=400_000)])
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
