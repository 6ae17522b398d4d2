"""marshmallow fields for text cells: codes, exact decimals, dates, lists."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from marshmallow import ValidationError, fields

from .. import codes

REQUIRED = {"required": "a value is required", "null": "a value is required"}
# A cell starting with one of these is read as a formula by spreadsheet programs (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Text(fields.String):
    def __init__(self, *, max_length: int = 200, **kwargs):
        kwargs.setdefault("error_messages", REQUIRED)
        super().__init__(**kwargs)
        self.max_length = max_length

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if len(text) > self.max_length:
            raise ValidationError(f"is {len(text)} characters long; at most {self.max_length} are allowed")
        if text.startswith(FORMULA_START):
            raise ValidationError(f"must not start with '{text[0]}' (spreadsheets read it as a formula)")
        return text


class Choice(fields.String):
    """One of a fixed list of lower-case names; case and surrounding spaces are forgiven."""

    def __init__(self, choices, **kwargs):
        kwargs.setdefault("error_messages", REQUIRED)
        super().__init__(**kwargs)
        self.choices = tuple(choices)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip().lower()
        if text not in self.choices:
            raise ValidationError(f"'{value}' is not one of: {', '.join(self.choices)}")
        return text


class CountryCode(fields.String):
    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", REQUIRED)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return codes.country(super()._deserialize(value, attr, data, **kwargs))
        except codes.CodeError as exc:
            raise ValidationError(str(exc)) from None


class CurrencyCode(fields.String):
    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", REQUIRED)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return codes.currency(super()._deserialize(value, attr, data, **kwargs))
        except codes.CodeError as exc:
            raise ValidationError(str(exc)) from None


class ExactNumber(fields.Field):
    """A decimal number written as text: '9.99', '-0.41', '1e-5'. Never a float."""

    def __init__(self, *, minimum: Decimal | None = None, maximum: Decimal | None = None,
                 places: int | None = None, positive: bool = False, **kwargs):
        kwargs.setdefault("error_messages", REQUIRED)
        super().__init__(**kwargs)
        self.minimum, self.maximum, self.places, self.positive = minimum, maximum, places, positive

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(value).strip().replace(" ", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(f"'{value}' is not a number") from None
        if not number.is_finite():
            raise ValidationError(f"'{value}' is not a number")
        if self.positive and number <= 0:
            raise ValidationError(f"must be greater than 0, not {value}")
        if self.minimum is not None and number < self.minimum:
            raise ValidationError(
                "must not be negative" if self.minimum == 0 else f"must be at least {self.minimum}, not {value}"
            )
        if self.maximum is not None and number > self.maximum:
            raise ValidationError(f"must be at most {self.maximum}, not {value}")
        if self.places is not None and decimals(number) > self.places:
            raise ValidationError(f"has more than {self.places} decimals")
        return number


def decimals(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


class IsoDate(fields.Field):
    PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", REQUIRED)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(value).strip()
        if not self.PATTERN.match(text):
            raise ValidationError(f"'{value}' is not a date in the form YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValidationError(f"'{value}' is not a real date") from None


class IdList(fields.Field):
    """';'-separated lower-case ID kinds: passport;consular_id."""

    TOKEN = re.compile(r"^[a-z0-9_]{2,40}$")

    def _deserialize(self, value, attr, data, **kwargs):
        items = [part.strip().lower() for part in str(value).split(";") if part.strip()]
        for item in items:
            if not self.TOKEN.match(item):
                raise ValidationError(f"'{item}' is not an ID kind (letters, digits and '_', e.g. passport)")
        return ";".join(sorted(set(items)))


class RegionList(fields.Field):
    """';'-separated ISO 3166-2 codes: GT-HU;GT-QZ."""

    def _deserialize(self, value, attr, data, **kwargs):
        items = []
        for part in str(value).split(";"):
            if part.strip():
                try:
                    items.append(codes.region(part))
                except codes.CodeError as exc:
                    raise ValidationError(str(exc)) from None
        return ";".join(sorted(set(items)))
