"""marshmallow fields for text cells and API values: codes, exact decimals, dates, lists.

Numbers follow `remit.inputs.parse_plain_decimal`; every message is a `Message` (remit.domain.messages)
so that pages can show it in their language.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from marshmallow import ValidationError, fields

from .. import codes
from ..domain.messages import msg
from ..domain.vocabulary import ID_TYPES
from ..inputs import InputError, decimals, parse_plain_decimal, quoted

REQUIRED = {"required": msg("required", "a value is required"), "null": msg("required", "a value is required")}
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
            raise ValidationError(msg("text_too_long", "is %(length)s characters long; at most %(limit)s are allowed",
                                      length=len(text), limit=self.max_length))
        if text.startswith(FORMULA_START):
            raise ValidationError(msg("text_formula", "must not start with '%(start)s' (spreadsheets read it as a formula)",
                                      start=text[0]))
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
            raise ValidationError(msg("not_a_choice", "'%(typed)s' is not one of: %(choices)s",
                                      typed=quoted(value), choices=list(self.choices)))
        return text


class CountryCode(fields.String):
    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", REQUIRED)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return codes.country(super()._deserialize(value, attr, data, **kwargs))
        except codes.CodeError as exc:
            raise ValidationError(exc.args[0]) from None


class CurrencyCode(fields.String):
    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", REQUIRED)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return codes.currency(super()._deserialize(value, attr, data, **kwargs))
        except codes.CodeError as exc:
            raise ValidationError(exc.args[0]) from None


class ExactNumber(fields.Field):
    """A decimal number written as plain text ('9.99', '-0.41'), read by the one rule for numbers
    (remit.inputs.parse_plain_decimal). Never a float."""

    def __init__(self, *, minimum: Decimal | None = None, maximum: Decimal | None = None,
                 places: int | None = None, positive: bool = False, **kwargs):
        kwargs.setdefault("error_messages", REQUIRED)
        super().__init__(**kwargs)
        self.minimum, self.maximum, self.places, self.positive = minimum, maximum, places, positive

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            raise ValidationError(msg("number_as_text", "write the number as text, e.g. \"300.50\""))
        try:
            number = parse_plain_decimal(value)
        except InputError as exc:
            raise ValidationError(exc.message) from None
        shown = quoted(str(value).strip())
        if self.positive and number <= 0:
            raise ValidationError(msg("not_positive", "must be greater than 0, not %(typed)s", typed=shown))
        if self.minimum is not None and number < self.minimum:
            if self.minimum == 0:
                raise ValidationError(msg("negative", "must not be negative"))
            raise ValidationError(msg("below_minimum", "must be at least %(minimum)s, not %(typed)s",
                                      minimum=self.minimum, typed=shown))
        if self.maximum is not None and number > self.maximum:
            raise ValidationError(msg("above_maximum", "must be at most %(maximum)s, not %(typed)s",
                                      maximum=self.maximum, typed=shown))
        if self.places is not None and decimals(number) > self.places:
            raise ValidationError(msg("too_many_decimals", "has more than %(places)s decimals", places=self.places))
        return number


class IsoDate(fields.Field):
    PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", REQUIRED)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(value).strip()
        if not self.PATTERN.match(text):
            raise ValidationError(msg("not_a_date", "'%(typed)s' is not a date in the form YYYY-MM-DD",
                                      typed=quoted(value)))
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValidationError(msg("not_a_real_date", "'%(typed)s' is not a real date", typed=text)) from None


class IdList(fields.Field):
    """';'-separated ID types of the vocabulary (remit.domain.vocabulary.ID_TYPES): passport;consular_id."""

    def _deserialize(self, value, attr, data, **kwargs):
        items = [part.strip().lower() for part in str(value).split(";") if part.strip()]
        for item in items:
            if item not in ID_TYPES:
                raise ValidationError(msg("unknown_id_type", "'%(typed)s' is not an ID type remit knows (%(known)s)",
                                          typed=quoted(item), known=list(ID_TYPES)))
        return ";".join(sorted(set(items)))


class YesNo(fields.Field):
    """yes or no (also y/n, true/false, 1/0, in any case): RPW's `transparent`, a fee table's `illustrative`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", REQUIRED)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(value).strip().lower()
        if text in {"yes", "y", "true", "1"}:
            return True
        if text in {"no", "n", "false", "0"}:
            return False
        raise ValidationError(msg("not_yes_no", "'%(typed)s' is not yes or no", typed=quoted(value)))


class RegionList(fields.Field):
    """';'-separated ISO 3166-2 codes: GT-HU;GT-QZ."""

    def _deserialize(self, value, attr, data, **kwargs):
        items = []
        for part in str(value).split(";"):
            if part.strip():
                try:
                    items.append(codes.region(part))
                except codes.CodeError as exc:
                    raise ValidationError(exc.args[0]) from None
        return ";".join(sorted(set(items)))


__all__ = ["Choice", "CountryCode", "CurrencyCode", "ExactNumber", "FORMULA_START", "IdList", "IsoDate",
           "REQUIRED", "RegionList", "Text", "YesNo", "decimals"]
