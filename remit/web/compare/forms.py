"""The compare page's form and the corridor list's: GET searches (a shareable link, no CSRF needed:
they change nothing)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ...domain.vocabulary import ID_TYPES, PAYOUT_METHODS, SPEEDS
from ..forms import choices

PAYOUT_LABELS = {"cash_pickup": _l("Cash pickup"), "bank_account": _l("Bank account"),
                 "mobile_wallet": _l("Mobile wallet"), "home_delivery": _l("Home delivery")}
SPEED_LABELS = {"under_1h": _l("Within an hour"), "same_day": _l("Same day"), "next_day": _l("Next day"),
                "2_days": _l("Within 2 days"), "3_5_days": _l("Within 5 days")}
ID_LABELS = {"passport": _l("Passport"), "consular_id": _l("Consular ID"), "national_id": _l("National ID card"),
             "permanent_resident_card": _l("Permanent resident card"), "work_permit": _l("Work permit"),
             "drivers_licence": _l("Driver's licence")}

PAYOUTS = [("", _l("Any way"))] + [(code, PAYOUT_LABELS[code]) for code in PAYOUT_METHODS]
# "At most 6 days or more" filters nothing: the slowest speed is not offered as a limit.
SPEEDS_UP_TO = [("", _l("Any speed"))] + [(code, SPEED_LABELS[code]) for code in SPEEDS if code in SPEED_LABELS]
IDS = [("", _l("Not asked"))] + [(code, ID_LABELS[code]) for code in ID_TYPES]


class CompareForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search: nothing changes, and the link must be shareable

    send = SelectField(_l("Sending from"), validators=[DataRequired(_l("Choose a country."))])
    # Offered: the receiving countries held from the sending country chosen. Any country is read, so that
    # one not held from it (the sending country changed since) is refused by name, not as "not a choice".
    receive = SelectField(_l("Sending to"), validators=[DataRequired(_l("Choose a country."))], validate_choice=False)
    mode = RadioField(_l("I know"), choices=choices([("send", _l("the amount to send")),
                                                     ("receive", _l("the amount the family must receive"))]),
                      default="send")
    amount = StringField(_l("Amount"), validators=[DataRequired(_l("Enter an amount."))])
    # Empty: the sending country's currency (the family's, for an amount they must receive).
    currency = SelectField(_l("Currency"), validators=[Optional()], default="")
    payout_method = SelectField(_l("How the family gets the money"), choices=choices(PAYOUTS), default="")
    # ISO's names of the regions are not for a browser's translator: said once for all the options.
    # Offered: the regions of the receiving country chosen; one of another country is refused by the view.
    region = SelectField(_l("Where the family lives"), default="", render_kw={"translate": "no"},
                         validate_choice=False)
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

    q = StringField(_l("Country name"), validators=[Optional(), Length(max=60)], filters=[lambda v: (v or "").strip()])
    send = SelectField(_l("Sending from"), default="")
    receive = SelectField(_l("Sending to"), default="")
    status = SelectField(_l("Average cost against the UN target of 3%"), choices=choices(STATUS_CHOICES), default="")
    sort = SelectField(_l("Order"), choices=choices(SORT_CHOICES), default="country")
