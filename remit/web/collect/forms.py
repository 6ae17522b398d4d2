"""The recording form of an observed price, and the review of one."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ...domain.observations import CHANNELS
from ...domain.vocabulary import FUNDING_METHODS, PAYOUT_METHODS, PROVIDER_TYPES, SPEEDS
from ...i18n import label
from ...inputs import MAX_REASON_LENGTH
from ..format import country_name
from ..forms import choices

MAX_NAME_LENGTH = 200
MAX_NOTES_LENGTH = 2000


def _labelled(codes_, first=None):
    """Choices of a vocabulary, labelled in the page's language (made for each request)."""
    return choices(([first] if first else []) + [(code, _capital(label(code))) for code in codes_])


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def fill_choices(form: ObservationForm, corridors) -> None:
    form.corridor.choices = choices([("", _("Choose…"))] + [
        (c.code, f"{country_name(c.send_country)} → {country_name(c.receive_country)} "
                 f"({c.send_currency} → {c.receive_currency})") for c in corridors])
    form.provider_type.choices = _labelled(PROVIDER_TYPES, ("", _("Not known")))
    form.funding_method.choices = _labelled(FUNDING_METHODS)
    form.payout_method.choices = _labelled(PAYOUT_METHODS)
    form.speed.choices = _labelled(SPEEDS, ("", _("Not told")))
    form.channel.choices = _labelled(CHANNELS)


class ObservationForm(FlaskForm):
    corridor = SelectField(_l("Corridor"), validators=[DataRequired(_l("Choose the corridor."))])
    observed_on = StringField(_l("Date observed"), validators=[DataRequired(_l("Enter the date."))],
                              render_kw={"type": "date"})
    provider = StringField(_l("Provider"), validators=[DataRequired(_l("Enter the provider's name.")),
                                                       Length(max=MAX_NAME_LENGTH)], render_kw={"list": "providers"})
    provider_type = SelectField(_l("Kind of provider"), default="")
    product = StringField(_l("Service"), validators=[DataRequired(_l("Enter the service's name.")),
                                                     Length(max=MAX_NAME_LENGTH)])
    funding_method = SelectField(_l("Paid in by"), default="cash")
    payout_method = SelectField(_l("Paid out as"), default="cash_pickup")
    speed = SelectField(_l("Speed"), default="")
    send_amount = StringField(_l("Amount sent"), validators=[DataRequired(_l("Enter an amount."))],
                              render_kw={"inputmode": "decimal"})
    fee = StringField(_l("Fee"), validators=[DataRequired(_l("Enter the fee (0 when there is none)."))],
                      render_kw={"inputmode": "decimal"})
    exchange_rate = StringField(_l("Exchange rate offered"), validators=[Optional()],
                                render_kw={"inputmode": "decimal"})
    receive_amount = StringField(_l("Or: amount the family would receive"), validators=[Optional()],
                                 render_kw={"inputmode": "decimal"})
    channel = SelectField(_l("How it was observed"), default="in_person")
    collector = StringField(_l("Collected by (name or code)"), validators=[DataRequired(_l("Enter a name or code.")),
                                                                          Length(max=120)])
    accepted_ids = StringField(_l("IDs asked for"), validators=[Optional(), Length(max=300)])
    regions = StringField(_l("Regions served"), validators=[Optional(), Length(max=2000)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=MAX_NOTES_LENGTH)])
    evidence = FileField(_l("Photo, screenshot or PDF (at most 5 MB)"), validators=[Optional()],
                         render_kw={"accept": "image/jpeg,image/png,image/webp,application/pdf"})
    kept_evidence = HiddenField(validators=[Optional(), Length(max=300)])
    supersedes = HiddenField(validators=[Optional(), Length(max=12)])


class ReviewForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=MAX_REASON_LENGTH)])
