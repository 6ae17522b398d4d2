"""Staff forms. The compare form is a GET search (shareable link, no CSRF needed: it changes
nothing); the bundle form posts and carries a CSRF token."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import FieldList, FormField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.form import Form
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from .. import codes
from ..importers.fields import decimals

def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


PAYOUTS = [("", _l("Any way")), ("cash_pickup", _l("Cash pickup")), ("bank_account", _l("Bank account")),
           ("mobile_wallet", _l("Mobile wallet")), ("home_delivery", _l("Home delivery"))]
SPEEDS = [("", _l("Any speed")), ("under_1h", _l("Within an hour")), ("same_day", _l("Same day")),
          ("next_day", _l("Next day")), ("2_days", _l("Within 2 days")), ("3_5_days", _l("Within 5 days"))]
IDS = [("", _l("Not asked")), ("passport", _l("Passport")), ("consular_id", _l("Consular ID")),
       ("permanent_resident_card", _l("Permanent resident card")), ("work_permit", _l("Work permit")),
       ("drivers_licence", _l("Driver's licence"))]
ALLOCATIONS = [("pro_rata", _l("By amount sent (pro rata)")), ("equal", _l("Equal shares"))]
MAX_AMOUNT = Decimal(1000000)


def parse_amount(text: str | None, currency: str | None, *, allow_zero: bool = False) -> Decimal:
    """A positive amount with no more decimals than the currency has; messages for a person."""
    cleaned = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # 300,50 as written in Spanish and French
    cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(_l("Write an amount in figures, for example 300 or 300.50.")) from None
    if not value.is_finite() or value < 0 or (value == 0 and not allow_zero):
        raise ValidationError(_l("The amount must be more than zero."))
    if value > MAX_AMOUNT:
        raise ValidationError(_l("The amount is too large: at most 1,000,000."))
    if currency:
        places = codes.minor_unit(currency)
        if decimals(value) > places:
            raise ValidationError(_l("%(currency)s amounts have at most %(places)s decimals.",
                                     currency=currency, places=places))
    return value


class CompareForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search: nothing changes, and the link must be shareable

    send = SelectField(_l("Sending from"), validators=[DataRequired(_l("Choose a country."))])
    receive = SelectField(_l("Sending to"), validators=[DataRequired(_l("Choose a country."))])
    mode = RadioField(_l("I know"), choices=choices([("send", _l("the amount to send")),
                                                     ("receive", _l("the amount the family must receive"))]),
                      default="send")
    amount = StringField(_l("Amount"), validators=[DataRequired(_l("Enter an amount."))])
    currency = SelectField(_l("Currency"), validators=[DataRequired()])
    payout_method = SelectField(_l("How the family gets the money"), choices=choices(PAYOUTS), default="")
    region = SelectField(_l("Where the family lives"), default="")
    id_type = SelectField(_l("ID the sender has"), choices=choices(IDS), default="")
    max_speed = SelectField(_l("How fast it must arrive"), choices=choices(SPEEDS), default="")

    def validate_amount(self, field):
        currency = self.currency.data if self.mode.data == "send" else None
        self.amount_value = parse_amount(field.data, currency)


class MemberRowForm(Form):
    ref = StringField(_l("Name or reference"), validators=[Optional(), Length(max=64)])
    amount = StringField(_l("Amount"), validators=[Optional()])


class BundleForm(FlaskForm):
    send = SelectField(_l("Sending from"), validators=[DataRequired(_l("Choose a country."))])
    receive = SelectField(_l("Sending to"), validators=[DataRequired(_l("Choose a country."))])
    currency = SelectField(_l("Currency"), validators=[DataRequired()])
    rows = FieldList(FormField(MemberRowForm), min_entries=8, max_entries=200)
    pasted = TextAreaField(_l("Or paste members, one per line: reference, amount"),
                           validators=[Optional(), Length(max=100000)])
    upload = FileField(_l("Or upload a CSV file with columns ref, amount"),
                       validators=[Optional(), FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file."))])
    distribution_fee = StringField(_l("Fee per member to pay out each share"), default="0")
    incoming_fee = StringField(_l("Fee per transfer at the receiving bank"), default="0")
    coordinator_fee = StringField(_l("Coordinator's fee per transfer"), default="0")
    allocation = SelectField(_l("Split the cost"), choices=choices(ALLOCATIONS), default="pro_rata")
    transfers_per_year = StringField(_l("Transfers per year"), default="12")

    def fee(self, field) -> Decimal:
        try:
            return parse_amount(field.data or "0", self.currency.data, allow_zero=True)
        except ValidationError as exc:
            field.errors.append(str(exc))
            raise
