"""The fields of RPW's files, as every layout of them writes them: a quarter (`2011Q1`, RPW's `2011_1Q`),
yes or no, RPW's survey dates, the percentages, amounts and rates of a price point, and the corridor a
row names (`CorridorRowSchema`): the survey rows (`rpw`), the published averages (`published`) and
DataBank's export of them (`databank`) read them alike.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache

from marshmallow import Schema, ValidationError, fields, validates_schema

from ..domain.caveats import quarter_bounds
from ..domain.messages import msg
from ..inputs import quoted
from .fields import REQUIRED, CountryCode, ExactNumber, Text


class Period(fields.Field):
    PATTERNS = (re.compile(r"^(\d{4})_?([1-4])Q$"), re.compile(r"^(\d{4})_?Q([1-4])$"))

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", REQUIRED)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(value).strip().upper()
        for pattern in self.PATTERNS:
            match = pattern.match(text)
            if match:
                return f"{match.group(1)}Q{match.group(2)}"
        raise ValidationError(msg("not_a_quarter", "'%(typed)s' is not a quarter (write 2011Q1 or RPW's 2011_1Q)",
                                  typed=quoted(value)))


class SurveyDate(fields.Field):
    FORMATS = ("%d/%b/%Y", "%Y-%m-%d", "%d-%b-%Y", "%d-%b-%y", "%d %b %Y")

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(value).strip()
        for fmt in self.FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValidationError(msg("not_a_survey_date",
                                  "'%(typed)s' is not a date (RPW writes 24/Jan/2011; YYYY-MM-DD is read too)",
                                  typed=quoted(value)))


# 2011Q1 → (1 January 2011, 31 March 2011), remembered: every row of a survey file asks it.
quarter_dates = lru_cache(maxsize=512)(quarter_bounds)


def money_field(**kw) -> ExactNumber:
    """An amount of a price point (a fee, the amount sent), in its currency."""
    return ExactNumber(places=4, maximum=Decimal("99999999999999"), minimum=Decimal("-99999999999999"), **kw)


# Decimals kept of a percentage (the database's `Percent`).
PERCENT_PLACES = 6


def percent_field(**kw) -> ExactNumber:
    """A percentage (a fee, an FX margin, a total cost): negative ones are RPW's too."""
    return ExactNumber(places=PERCENT_PLACES, minimum=Decimal(-1000), maximum=Decimal(1000), **kw)


def rate_field(**kw) -> ExactNumber:
    """An exchange rate, applied or interbank."""
    return ExactNumber(places=10, minimum=Decimal(0), maximum=Decimal("99999999999999"), **kw)


class CorridorRowSchema(Schema):
    """A row that names a corridor: its sending and receiving countries, which must differ (a file's
    names of them are read, and not kept: pages name countries in their own language)."""

    source_code = CountryCode(required=True)
    source_name = Text(load_default=None)
    destination_code = CountryCode(required=True)
    destination_name = Text(load_default=None)

    @validates_schema
    def check_corridor(self, data, **kwargs):
        if data["source_code"] == data["destination_code"]:
            raise ValidationError({"destination_code": [msg("same_country_rpw", "must differ from source_code")]})
