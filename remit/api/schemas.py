"""API schemas, named by purpose: *ArgsSchema (query string in), *Schema (out). Schemas never compute."""
from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from marshmallow.utils import missing as missing_

from .. import codes
from ..inputs import MAX_AMOUNT, MAX_MEMBERS
from ..domain.caveats import WARNINGS
from ..domain.messages import msg
from ..importers.fields import CountryCode, CurrencyCode, ExactNumber, decimals
from ..models.catalog import FUNDING_METHODS, PAYOUT_METHODS, PROVIDER_TYPES, SPEEDS



class RegionCode(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return codes.region(super()._deserialize(value, attr, data, **kwargs))
        except codes.CodeError as exc:
            raise ValidationError(exc.args[0]) from None


def _amount(description: str) -> ExactNumber:
    return ExactNumber(positive=True, maximum=MAX_AMOUNT, load_default=None,
                       metadata={"description": description, "type": "string", "example": "300"})


class CorridorArgsSchema(Schema):
    send = CountryCode(load_default=None, metadata={"description": "sending country, ISO 3166-1 alpha-2 or alpha-3"})
    receive = CountryCode(load_default=None, metadata={"description": "receiving country, ISO 3166-1 alpha-2 or alpha-3"})


class StatsArgsSchema(Schema):
    period = fields.String(load_default=None, validate=validate.Regexp(
        r"^\d{4}(Q[1-4]|_[1-4]Q)$", error="write a quarter as 2025Q3 (or RPW's 2025_3Q)"),
        metadata={"description": "survey quarter, YYYYQn; the latest by default"})


class QuoteArgsSchema(Schema):
    send = CountryCode(required=True, metadata={"description": "sending country (CA or CAN)"})
    receive = CountryCode(required=True, metadata={"description": "receiving country (GT or GTM)"})
    currency = CurrencyCode(required=True, metadata={"description": "the send currency, ISO 4217"})
    amount = _amount("amount to send, in the send currency")
    receive_amount = _amount("amount the family must receive, in the receive currency; "
                             "answers with the smallest send amount that delivers it")
    payout_method = fields.String(load_default=None, validate=validate.OneOf(PAYOUT_METHODS))
    funding_method = fields.String(load_default=None, validate=validate.OneOf(FUNDING_METHODS))
    max_speed = fields.String(load_default=None, validate=validate.OneOf(SPEEDS),
                              metadata={"description": "only services at least this fast"})
    provider_type = fields.String(load_default=None, validate=validate.OneOf(PROVIDER_TYPES))
    region = RegionCode(load_default=None, metadata={"description": "ISO 3166-2 region the money must reach"})
    id_type = fields.String(load_default=None, validate=validate.Regexp(r"^[a-z0-9_]{2,40}$"),
                            metadata={"description": "an ID the sender holds, e.g. passport"})
    transparent_only = fields.Boolean(load_default=False)

    @validates_schema
    def one_amount(self, data, **kwargs):
        if (data.get("amount") is None) == (data.get("receive_amount") is None):
            raise ValidationError({"amount": ["give either amount or receive_amount"]})
        if data.get("amount") is not None and "currency" in data:
            places = codes.minor_unit(data["currency"])
            if decimals(data["amount"]) > places:
                raise ValidationError({"amount": [f"has more decimals than {data['currency']} allows ({places})"]})


class ProviderRefSchema(Schema):
    slug = fields.String()
    name = fields.String()
    type = fields.String(allow_none=True)


class ProductRefSchema(Schema):
    id = fields.String(metadata={"description": "ft-N for a fee-table product, rpw-N for a surveyed service"})
    name = fields.String()
    funding_method = fields.String(allow_none=True)
    payout_method = fields.String(allow_none=True)
    speed = fields.String(allow_none=True)


MONEY = {"metadata": {"description": "decimal string, rounded half up to the currency's minor unit"}}


class QuoteSchema(Schema):
    rank = fields.Integer()
    provider = fields.Nested(ProviderRefSchema)
    product = fields.Nested(ProductRefSchema)
    send_amount = fields.String(**MONEY)
    send_currency = fields.String()
    fee = fields.String(**MONEY)
    exchange_rate = fields.String(allow_none=True, metadata={"description": "applied rate; null when not disclosed"})
    reference_rate = fields.String(allow_none=True)
    reference_rate_as_of = fields.Date(allow_none=True)
    reference_rate_source = fields.String(allow_none=True)
    fx_margin_pct = fields.String(allow_none=True)
    fx_cost = fields.String(allow_none=True)
    total_cost = fields.String(**MONEY)
    total_cost_pct = fields.String()
    receive_amount = fields.String(allow_none=True, metadata={"description": "rounded down to the minor unit"})
    receive_currency = fields.String()
    transparent = fields.Boolean()
    estimated = fields.Boolean(metadata={"description": "true when a survey price point stands in for the amount"})
    basis = fields.String(validate=validate.OneOf(["fee_table", "survey"]))
    data_as_of = fields.String()
    source = fields.String()
    regions = fields.List(fields.String())
    accepted_ids = fields.List(fields.String())
    warnings = fields.List(fields.String(validate=validate.OneOf(WARNINGS)), metadata={"description": (
        "what should stop a person from taking the quote at face value: negative_margin (the applied rate "
        "beat the mid-market rate when priced: a promotion or data out of step), stale (the reference rate "
        "or the survey is past its freshness limit), not_transparent (exchange rate not disclosed: the cost "
        "is the fee alone), estimate (a survey price point stands in for this amount)")})


class CorridorSchema(Schema):
    code = fields.String(metadata={"example": "CA-GT"})
    send_country = fields.String()
    receive_country = fields.String()
    send_currency = fields.String()
    receive_currency = fields.String()
    fee_table_products = fields.Integer()
    survey_services = fields.Integer()
    latest_period = fields.String(allow_none=True)


class CheapestSchema(Schema):
    product_id = fields.String()
    name = fields.String()
    total_cost_pct = fields.String()


class TrendPointSchema(Schema):
    period = fields.String()
    average_total_cost_pct_200 = fields.String(allow_none=True)
    average_total_cost_pct_500 = fields.String(allow_none=True)
    smart_pct = fields.String(allow_none=True)


class CorridorStatsSchema(Schema):
    corridor = fields.String()
    period = fields.String()
    basis = fields.String(validate=validate.OneOf(["survey", "fee_table"]))
    average_total_cost_pct_200 = fields.String(allow_none=True)
    average_total_cost_pct_500 = fields.String(allow_none=True)
    smart_pct = fields.String(allow_none=True)
    services = fields.Integer()
    transparent_services = fields.Integer()
    sdg_target_met = fields.Boolean(allow_none=True)
    above_5pct = fields.Boolean(allow_none=True)
    cheapest = fields.Nested(CheapestSchema, allow_none=True)
    monthly_amount = fields.String(allow_none=True, metadata={"description": "USD 200 in the send currency"})
    send_currency = fields.String()
    yearly_saving = fields.String(allow_none=True, metadata={
        "description": "sending monthly_amount every month with the cheapest service instead of an average one"})
    trend = fields.List(fields.Nested(TrendPointSchema))
    source = fields.String()


class ProviderProductSchema(Schema):
    id = fields.String()
    name = fields.String()
    corridor = fields.String()
    send_currency = fields.String()
    receive_currency = fields.String()
    funding_method = fields.String(allow_none=True)
    payout_method = fields.String(allow_none=True)
    speed = fields.String(allow_none=True)
    min_amount = fields.String(allow_none=True)
    max_amount = fields.String(allow_none=True)
    regions = fields.List(fields.String())
    accepted_ids = fields.List(fields.String())
    basis = fields.String()
    data_as_of = fields.String()


class ProviderSchema(Schema):
    slug = fields.String()
    name = fields.String()
    type = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    licence_note = fields.String(allow_none=True)
    corridors = fields.List(fields.String())
    coverage = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), metadata={
        "description": "per corridor, the ISO 3166-2 regions paid out in; an empty list means the whole country"})
    products = fields.List(fields.Nested(ProviderProductSchema))


class BundleMemberSchema(Schema):
    ref = fields.String(required=True, validate=validate.Length(1, 64),
                        metadata={"description": "the member's own reference, unique in the group"})
    amount = ExactNumber(required=True, positive=True, maximum=MAX_AMOUNT,
                         metadata={"type": "string", "example": "350.00", "description": "in the send currency"})
    payout_method = fields.String(load_default=None, validate=validate.OneOf(PAYOUT_METHODS),
                                  metadata={"description": "compare the member's individual option with this payout"})
    product = fields.String(load_default=None, validate=validate.Length(max=200), metadata={
        "description": "the service the member uses today: its product id (ft-N, rpw-N) or its name as quotes give "
                       "it (\"provider · product\"); the member's saving against it is shown"})


def _fee(description: str):
    return ExactNumber(load_default=Decimal(0), minimum=Decimal(0), maximum=MAX_AMOUNT,
                       metadata={"type": "string", "description": description})


class MemberList(fields.List):
    """The members of a bundle request, each read by BundleMemberSchema's own fields (the same rules
    and the same error shape) without the schema's machinery around every one of a thousand members."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list):
            raise ValidationError(msg("not_a_list", "give a list of members"))
        declared = self.inner.schema.fields
        loaded, errors = [], {}
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                errors[index] = {"_schema": [msg("member_not_object", "each member is an object: {\"ref\", \"amount\"}")]}
                continue
            member, problems = {}, {}
            for name in item.keys() - declared.keys():
                problems[name] = [msg("unknown_field", "Unknown field.")]
            for name, field in declared.items():
                try:
                    member[name] = field.deserialize(item.get(name, missing_), name, item)
                except ValidationError as exc:
                    problems[name] = exc.messages
            if problems:
                errors[index] = problems
            else:
                loaded.append(member)
        if errors:
            raise ValidationError(errors)
        return loaded


class BundleRequestSchema(Schema):
    send = CountryCode(required=True)
    receive = CountryCode(required=True)
    currency = CurrencyCode(required=True, metadata={"description": "the send currency"})
    members = MemberList(fields.Nested(BundleMemberSchema), required=True)
    bulk_product = fields.String(load_default=None, validate=validate.Length(max=40), metadata={
        "description": "product id of the bulk transfer; default: the cheapest account-to-account product"})
    max_transfer = ExactNumber(load_default=None, positive=True, maximum=MAX_AMOUNT, metadata={
        "type": "string", "description": "the sending bank's limit per transfer, in the send currency; default: the "
                                         "largest amount the bulk product's bands accept. A plan splits only to fit "
                                         "this limit, never to stay under a reporting threshold"})
    distribution_fee = _fee("per member, for paying each share out from the collective account")
    coordinator_fee = _fee("per transfer, on top, for whoever organises it")
    incoming_fee = _fee("per transfer, deducted on arrival by the receiving bank")
    intermediary_fee = _fee("per transfer, deducted on the way by correspondent banks (wires to Guatemala travel in "
                            "USD: USD 15–25 is usual)")
    allocation = fields.String(load_default="pro_rata", validate=validate.OneOf(["pro_rata", "equal"]))
    transfers_per_year = fields.Integer(load_default=None, validate=validate.Range(1, 366))

    @validates_schema
    def check_members(self, data, **kwargs):
        members = data["members"]
        if not members:
            raise ValidationError({"members": ["give at least one member"]})
        if len(members) > MAX_MEMBERS:
            raise ValidationError({"members": [msg("members_limit", "at most %(limit)s members, not %(count)s",
                                                   limit=MAX_MEMBERS, count=len(members))]})
        errors: dict = {}
        seen: dict[str, int] = {}
        places = codes.minor_unit(data["currency"])
        for index, member in enumerate(members):
            problems = {}
            if member["ref"] in seen:
                problems["ref"] = [f"member '{member['ref']}' appears twice (also member {seen[member['ref']]})"]
            seen.setdefault(member["ref"], index)
            if decimals(member["amount"]) > places:
                problems["amount"] = [f"member '{member['ref']}': has more decimals than {data['currency']} "
                                      f"allows ({places})"]
            if problems:
                errors[index] = problems
        if errors:
            raise ValidationError({"members": errors})
        for name in ("max_transfer", "distribution_fee", "coordinator_fee", "incoming_fee", "intermediary_fee"):
            if data[name] is not None and decimals(data[name]) > places:
                raise ValidationError({name: [f"has more decimals than {data['currency']} allows ({places})"]})


class BundleProductSchema(Schema):
    id = fields.String()
    name = fields.String()
    provider = fields.String()


class BundleTransferSchema(Schema):
    amount = fields.String()
    product = fields.Nested(BundleProductSchema)
    fee = fields.String()
    fx_cost = fields.String()
    coordinator_fee = fields.String()
    incoming_fee = fields.String(metadata={"description": "deducted on arrival"})
    intermediary_fee = fields.String(metadata={"description": "deducted on the way"})
    deducted = fields.String(metadata={"description": "incoming_fee + intermediary_fee"})
    cost = fields.String()
    exchange_rate = fields.String(allow_none=True, metadata={"description": "the bank's applied rate"})
    receive_amount = fields.String(allow_none=True, metadata={
        "description": "what reaches the collective account, in the receive currency, after the deductions"})
    reportable = fields.Boolean(metadata={
        "description": "the bank reports it (Canada: FINTRAC, CAD 10,000 or more); never a reason to split"})


class BundleMemberResultSchema(Schema):
    ref = fields.String()
    amount = fields.String()
    joins = fields.Boolean()
    share = fields.String(allow_none=True, metadata={"description": "what joining costs the member (fees and FX "
                                                                    "margin, RPW); null for one who should send alone"})
    fees_on_top = fields.String(allow_none=True, metadata={"description": "added to the amount when handing it over"})
    contribution = fields.String(allow_none=True, metadata={"description": "amount + fees_on_top"})
    receive_amount = fields.String(allow_none=True, metadata={
        "description": "what the family is paid out, in the receive currency (for one who sends alone: with the "
                       "cheapest way)"})
    individual_cost = fields.String(allow_none=True, metadata={"description": "the cheapest way alone"})
    individual_option = fields.String(allow_none=True)
    saving = fields.String(allow_none=True, metadata={"description": "against the cheapest way alone"})
    saving_pct = fields.String(allow_none=True)
    current_option = fields.String(allow_none=True, metadata={"description": "the service named as used today"})
    current_cost = fields.String(allow_none=True)
    saving_vs_current = fields.String(allow_none=True, metadata={
        "description": "against today's service: by joining, or, for one who sends alone, by switching to the "
                       "cheapest way"})
    saving_vs_current_pct = fields.String(allow_none=True)
    warnings = fields.List(fields.String(validate=validate.OneOf(WARNINGS)))
    reason = fields.String(allow_none=True)


class BundleTotalsSchema(Schema):
    individual = fields.String()
    bundled = fields.String()
    saving = fields.String()
    saving_pct = fields.String(allow_none=True)
    current = fields.String(allow_none=True, metadata={"description": "what the members who named a service pay today"})
    saving_vs_current = fields.String(allow_none=True)
    saving_vs_current_pct = fields.String(allow_none=True)
    bundle_cost = fields.String()
    fees_on_top = fields.String()
    fx_cost = fields.String()
    deducted = fields.String(metadata={"description": "intermediary and receiving banks' fees"})
    distribution_fees = fields.String()
    sent = fields.String()
    received = fields.String(allow_none=True, metadata={"description": "credited to the collective account"})
    paid_out = fields.String(allow_none=True, metadata={"description": "to the families; their payouts sum to it"})


class BundleCurvePointSchema(Schema):
    members = fields.Integer()
    bundled_per_member = fields.String()
    individual_per_member = fields.String(allow_none=True)
    saving_per_member = fields.String(allow_none=True)
    total_saving = fields.String(allow_none=True)


class BundlePlanSchema(Schema):
    corridor = fields.String()
    currency = fields.String()
    allocation = fields.String()
    transfers = fields.List(fields.Nested(BundleTransferSchema))
    members = fields.List(fields.Nested(BundleMemberResultSchema))
    totals = fields.Nested(BundleTotalsSchema)
    break_even_members = fields.Integer(allow_none=True, metadata={
        "description": "smallest group, each sending the mean amount, in which each pays less than alone"})
    yearly_saving = fields.String(allow_none=True)
    yearly_saving_vs_current = fields.String(allow_none=True)
    receive_currency = fields.String()
    bulk_product = fields.Nested(BundleProductSchema, allow_none=True)
    exchange_rate = fields.String(allow_none=True)
    reference_rate = fields.String(allow_none=True)
    reference_rate_as_of = fields.Date(allow_none=True)
    warnings = fields.List(fields.String(validate=validate.OneOf(WARNINGS)))
    curve = fields.List(fields.Nested(BundleCurvePointSchema))
    verdict = fields.List(fields.String(), metadata={"description": "who gains, from what size, who sends alone"})
    notes = fields.List(fields.String())
