"""Column types.

SQLite has no exact decimal type: SQLAlchemy's Numeric stores floats there. Money must stay exact, so
on SQLite the value is stored as its decimal text; PostgreSQL gets a real NUMERIC(p, s). Either way the
value is quantized to the column's scale on the way in and comes back as a Decimal of that scale, so
both databases return the same values.

Because SQLite holds the text, SQL may test these columns for equality but must not order or compare
them with < or >: sort and compare amounts in Python, where they are Decimals.
"""
from __future__ import annotations

from decimal import Decimal, ROUND_HALF_UP

from sqlalchemy import Numeric, String
from sqlalchemy.types import TypeDecorator


class ExactDecimal(TypeDecorator):
    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int):
        super().__init__()
        self.precision = precision
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)
        # The smallest magnitude with more than `precision` digits at this scale.
        self._too_large = Decimal(10) ** (precision - scale)

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(self.precision + 2))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        if not isinstance(value, Decimal):
            raise TypeError(f"ExactDecimal takes Decimal or int values, not {type(value).__name__}")
        quantized = value.quantize(self._quantum, rounding=ROUND_HALF_UP)
        if quantized.copy_abs() >= self._too_large:
            raise ValueError(f"{value} does not fit NUMERIC({self.precision}, {self.scale})")
        return str(quantized) if dialect.name == "sqlite" else quantized

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(value).quantize(self._quantum)


# Amounts of money in a currency: room for 14 integer digits and 4 decimals.
Money = ExactDecimal(18, 4)
# Percentages (fees, FX margins, total cost): RPW publishes up to 4 decimals.
Percent = ExactDecimal(12, 6)
# Exchange rates: from 0.000651 (TZS→KES) to 1475 (USD→TZS).
Rate = ExactDecimal(24, 10)
