"""A coordinator's member list for a bundle: ref,amount (and optionally payout_method, product)."""
from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, ValidationError, validate, validates_schema

from .. import codes
from ..models.catalog import PAYOUT_METHODS
from .base import Column, is_blank, load_row, map_header, row_values
from .fields import Choice, ExactNumber, Text, decimals
from .readers import FileRejected, Problem, read_table

COLUMNS = [Column("ref"), Column("amount"), Column("payout_method", False), Column("product", False)]


class MemberRowSchema(Schema):
    ref = Text(required=True, max_length=64)
    amount = ExactNumber(required=True, positive=True, maximum=Decimal(1000000))
    payout_method = Choice(PAYOUT_METHODS, load_default=None)
    product = Text(load_default=None, validate=validate.Regexp(r"^(ft|rpw)-\d+$", error="is not a product id (ft-N)"))

    @validates_schema
    def check(self, data, **kwargs):
        places = codes.minor_unit(self.context_currency)
        if decimals(data["amount"]) > places:
            raise ValidationError({"amount": [f"has more decimals than {self.context_currency} allows ({places})"]})


def read_members(data: bytes, filename: str, currency: str):
    from ..services.bundles import MAX_MEMBERS, MemberInput

    try:
        table = read_table(data, filename, max_rows=MAX_MEMBERS)
    except FileRejected as rejected:
        return [], rejected.problems
    positions, problems = map_header(table, COLUMNS)
    if problems:
        return [], problems
    schema = MemberRowSchema()
    schema.context_currency = currency
    members, seen = [], {}
    for row, cells in table.rows:
        if is_blank(cells):
            continue
        values, row_problems = load_row(schema, row, row_values(cells, positions))
        problems.extend(row_problems)
        if values is None:
            continue
        if values["ref"] in seen:
            problems.append(Problem(row, "ref", f"'{values['ref']}' is already on row {seen[values['ref']]}"))
            continue
        seen[values["ref"]] = row
        members.append(MemberInput(values["ref"], values["amount"], values["payout_method"], values["product"]))
    if not members and not problems:
        problems.append(Problem(2, None, "the file lists no members"))
    return members, problems
