"""What the staff pages' forms share: choices built from (value, label) pairs, the countries and
currencies remit has corridors for as choices, and an amount read from a field in the page's language.

Amounts are typed text, read by the one rule for amounts (remit.inputs.parse_amount) in the page's
language once the currency is known; choices come from the vocabularies (remit.domain.vocabulary).
Each feature's forms are in its package: web/compare/forms.py, web/group/forms.py, web/ledger/forms.py.
"""
from __future__ import annotations

from decimal import Decimal

from flask import abort
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from .. import codes
from ..inputs import MAX_AMOUNT, InputError, parse_amount
from ..services import catalog
from ..services.reference import find_corridor
from .format import country_name, name_order


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def read_amount(field, currency: str | None, *, allow_zero: bool = False,
                maximum: Decimal = MAX_AMOUNT) -> Decimal | None:
    """The field's amount in the page's language, with at most the currency's decimals (any number of
    them for a rate: currency None); None, with the message on the field, when it cannot be read as
    meant. What was typed stays in the field for the person to correct."""
    try:
        return parse_amount(field.data, str(get_locale()), currency, allow_zero=allow_zero, maximum=maximum)
    except InputError as exc:
        field.errors = [*field.errors, exc.message]
        return None


def country_choices(codes_: set[str]):
    """Countries as (code, name) choices, by their names in the page's language."""
    return sorted(((c, country_name(c)) for c in codes_), key=lambda item: name_order(item[1]))


def corridor_choices(form) -> list:
    """The sending and receiving countries remit has corridors for, and their currencies, as the choices
    of a form's send, receive and currency fields (the compare form's, the group transfer's); the
    corridors."""
    corridors = catalog.corridor_summaries()
    form.send.choices = choices([("", _("Choose…"))] + country_choices({c.send_country for c in corridors}))
    form.receive.choices = choices([("", _("Choose…"))] + country_choices({c.receive_country for c in corridors}))
    currencies = sorted({c.send_currency for c in corridors} | {c.receive_currency for c in corridors})
    form.currency.choices = choices([("", _("The sending country's"))] + [(c, c) for c in currencies])
    return corridors


def corridor_of(code: str):
    """The corridor a page's address names (CA-GT, any case); a 404 for any other."""
    send, _sep, receive = code.upper().partition("-")
    try:
        found = find_corridor(codes.country(send), codes.country(receive))
    except codes.CodeError:
        abort(404)
    if found is None:
        abort(404)
    return found
