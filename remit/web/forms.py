"""What the staff pages' forms share: choices built from (value, label) pairs, and an amount read
from a field in the page's language.

Amounts are typed text, read by the one rule for amounts (remit.inputs.parse_amount) in the page's
language once the currency is known; choices come from the vocabularies (remit.domain.vocabulary).
Each feature's forms are in its package: web/compare/forms.py, web/group/forms.py, web/ledger/forms.py.
"""
from __future__ import annotations

from decimal import Decimal

from flask_babel import get_locale
from wtforms.fields.choices import SelectChoice

from ..inputs import InputError, parse_amount


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def read_amount(field, currency: str | None, *, allow_zero: bool = False) -> Decimal | None:
    """The field's amount in the page's language; None, with the message on the field, when it cannot
    be read as meant. What was typed stays in the field for the person to correct."""
    try:
        return parse_amount(field.data, str(get_locale()), currency, allow_zero=allow_zero)
    except InputError as exc:
        field.errors.append(exc.message)
        return None
