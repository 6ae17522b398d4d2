"""API schemas, named by purpose: *ArgsSchema (query string in), *Schema (out). Schemas never compute."""
from __future__ import annotations

from decimal import Decimal
from itertools import repeat
from operator import eq

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from marshmallow.utils import missing as missing_

from .. import codes
from ..domain.messages import msg
from ..domain.money import unit
from ..domain.vocabulary import PAYOUT_METHODS
from ..importers.fields import CountryCode, CurrencyCode, ExactNumber, decimals
from ..inputs import (MAX_AMOUNT, MAX_MEMBERS, MAX_PRODUCT_NAME_LENGTH, MAX_REF_LENGTH, MAX_TRANSFER_DAYS,
                      MAX_TRANSFERS_PER_YEAR, InputError, parse_plain_decimal)
from .openapi import PATTERNS, Answer, Iso, Term, Text, Timestamp

# Amounts as the API reads them: a plain decimal string, above 0 and at most 1,000,000 (MAX_AMOUNT),
# with at most 2 decimals (fewer where the currency has fewer: JPY none).
AMOUNT_PATTERN = r"^(1000000(\.00?)?|[1-9][0-9]{0,5}(\.[0-9]{1,2})?|0\.([1-9][0-9]?|0[1-9]))$"
FEE_PATTERN = r"^(1000000(\.00?)?|[0-9]{1,6}(\.[0-9]{1,2})?)$"  # 0 to 1,000,000
NO_NUL = r"^[^\x00]*$"
assert MAX_AMOUNT == 1_000_000  # the patterns above spell it out


class ApiNumber(ExactNumber):
    """A number in a JSON body: a string, as the API's money always is (`"300.50"`), never a JSON number."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError(msg("number_as_text", "write the number as text, e.g. \"300.50\""))
        return super()._deserialize(value, attr, data, **kwargs)


class CountryArg(CountryCode):
    """A country in a request: alpha-2 or alpha-3, any case; documented as the Country component."""

    component, unknown = "Country", False


class CurrencyArg(CurrencyCode):
    component, unknown = "Currency", False



class RegionCode(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return codes.region(super()._deserialize(value, attr, data, **kwargs))
        except codes.CodeError as exc:
            raise ValidationError(exc.args[0]) from None


def _amount(description: str) -> ExactNumber:
    return ExactNumber(positive=True, maximum=MAX_AMOUNT, load_default=None, metadata={
        "description": description, "type": "string", "pattern": AMOUNT_PATTERN, "example": "300"})


class CorridorArgsSchema(Schema):
    send = CountryArg(load_default=None, metadata={"description": "sending country (CA, or CAN)"})
    receive = CountryArg(load_default=None, metadata={"description": "receiving country (GT, or GTM)"})


class StatsArgsSchema(Schema):
    period = fields.String(load_default=None, validate=validate.Regexp(
        r"^\d{4}(Q[1-4]|_[1-4]Q)$", error="write a quarter as 2025Q3 (or RPW's 2025_3Q)"),
        metadata={"description": "survey quarter, YYYYQn (RPW's YYYY_nQ is read too); the latest by default",
                  "pattern": r"^[0-9]{4}(Q[1-4]|_[1-4]Q)$", "example": "2025Q3"})


class QuoteArgsSchema(Schema):
    send = CountryArg(required=True, metadata={"description": "sending country (CA, or CAN)", "example": "CA"})
    receive = CountryArg(required=True, metadata={"description": "receiving country (GT, or GTM)", "example": "GT"})
    currency = CurrencyArg(required=True, metadata={
        "description": "the send currency; a currency the corridor is not priced in is refused (422, naming "
                       "the ones it is)", "example": "CAD"})
    amount = _amount("amount to send, in the send currency; give `amount` or `receive_amount`, not both")
    receive_amount = _amount("amount the family must receive, in the receive currency; answers with the smallest "
                             "send amount that delivers it. Give `amount` or `receive_amount`, not both")
    payout_method = Term("PayoutMethod", load_default=None, metadata={
        "description": "services that pay out this way (and those that do not record how: `unknown`)"})
    funding_method = Term("FundingMethod", load_default=None)
    max_speed = Term("Speed", load_default=None, metadata={
        "description": "services at least this fast (and those that do not record their speed: `unknown`)"})
    provider_type = Term("ProviderType", load_default=None)
    region = RegionCode(load_default=None, metadata={
        "description": "ISO 3166-2 region of the receiving country the money must reach (GT-13)",
        "pattern": r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$"})
    id_type = Term("IdType", load_default=None, metadata={"description": "an ID the sender holds"})
    transparent_only = fields.Boolean(load_default=False)

    @validates_schema
    def one_amount(self, data, **kwargs):
        if (data.get("amount") is None) == (data.get("receive_amount") is None):
            raise ValidationError({"amount": ["give either amount or receive_amount"]})
        if data.get("amount") is not None and "currency" in data:
            places = codes.minor_unit(data["currency"])
            if decimals(data["amount"]) > places:
                raise ValidationError({"amount": [f"has more decimals than {data['currency']} allows ({places})"]})


def Money(description: str | None = None, **kwargs) -> fields.String:  # noqa: N802 — a field
    """A money amount: a decimal string rounded to its currency's minor unit (half up; amounts received down)."""
    return Text("money", metadata={"description": description or "decimal string in the currency's minor unit"},
                **kwargs)


def Pct(description: str | None = None, **kwargs) -> fields.String:  # noqa: N802
    return Text("percent", metadata={"description": description or "a percentage, 2 decimals"}, **kwargs)


def Rate(description: str | None = None, **kwargs) -> fields.String:  # noqa: N802
    return Text("rate", metadata={"description": description or "units of the receive currency per unit sent"},
                **kwargs)


def ProductId(**kwargs) -> fields.String:  # noqa: N802
    return Text("product_id", metadata={"description": "ft-N for a fee-table product, rpw-N for a surveyed service"},
                **kwargs)


class ProviderRefSchema(Answer):
    slug = fields.String(metadata={"example": "western-union"})
    name = fields.String()
    type = Term("ProviderType", allow_none=True)


class ProductRefSchema(Answer):
    id = ProductId()
    name = fields.String()
    funding_method = Term("FundingMethod", allow_none=True)
    payout_method = Term("PayoutMethod", unknown=True)
    speed = Term("Speed", unknown=True)


class QuoteSchema(Answer):
    rank = fields.Integer(validate=validate.Range(1), metadata={"description": "1 for the best"})
    provider = fields.Nested(ProviderRefSchema)
    product = fields.Nested(ProductRefSchema)
    send_amount = Money()
    send_currency = Iso("Currency")
    fee = Money()
    exchange_rate = Rate("applied rate; null when not disclosed", allow_none=True)
    reference_rate = Rate("mid-market rate the margin is measured against", allow_none=True)
    reference_rate_as_of = fields.Date(allow_none=True, metadata={"description": "the reference rate's date"})
    reference_rate_source = fields.String(allow_none=True)
    fx_margin_pct = Pct(allow_none=True)
    fx_cost = Money(allow_none=True)
    total_cost = Money("fee + fx_cost")
    total_cost_pct = Pct()
    receive_amount = Money("rounded down to the receive currency's minor unit", allow_none=True)
    receive_currency = Iso("Currency")
    transparent = fields.Boolean()
    estimated = fields.Boolean(metadata={"description": "true when a survey price point stands in for the amount"})
    basis = Term("Basis")
    illustrative = fields.Boolean(metadata={
        "description": "true when the price comes from a fee table flagged illustrative: an example built from "
                       "public fee facts, not prices anyone observed"})
    data_as_of = fields.String(metadata={
        "description": "the fee table's effective date (YYYY-MM-DD) or the survey quarter (YYYYQn); "
                       "`data_period` and `collected_at` give them apart"})
    data_period = Text("period", metadata={
        "description": "the quarter the price was collected in: the survey's, or the one the fee table took "
                       "effect in"})
    collected_at = fields.Date(allow_none=True, metadata={
        "description": "the day the fee table took effect; null for survey data, known by its quarter only"})
    source = fields.String()
    regions = fields.List(Text("region"), metadata={
        "description": "ISO 3166-2 regions paid out in; empty: the whole country (or not recorded)"})
    accepted_ids = fields.List(Term("IdType"))
    warnings = fields.List(Term("Warning"))


class CorridorSchema(Answer):
    code = Text("corridor", metadata={"example": "CA-GT"})
    send_country = Iso("Country")
    receive_country = Iso("Country")
    send_currency = Iso("Currency")
    receive_currency = Iso("Currency")
    fee_table_products = fields.Integer(validate=validate.Range(0))
    survey_services = fields.Integer(validate=validate.Range(0), metadata={
        "description": "services quoted at USD 200 in the latest survey quarter whose quotes remit holds"})
    latest_period = Text("period", allow_none=True, metadata={
        "description": "the latest quarter with RPW data (quotes or a published average); null when none"})
    latest_basis = Term("Basis", allow_none=True, metadata={
        "description": "survey when remit holds that quarter's quotes, published when only RPW's published figures"})
    data_as_of = fields.Date(allow_none=True, metadata={"description": "the last day of latest_period"})
    data_age_days = fields.Integer(allow_none=True, validate=validate.Range(0), metadata={
        "description": "days from data_as_of to today"})
    illustrative_products = fields.Integer(validate=validate.Range(0), metadata={
        "description": "of fee_table_products, those whose fee table is flagged illustrative (an example, not "
                       "prices anyone observed)"})
    reference_rate_as_of = fields.Date(allow_none=True, metadata={
        "description": "the date of the reference rate the corridor's quotes are priced at; null when none"})
    stale = fields.Boolean(metadata={
        "description": "the data the corridor's figures rest on is past the quotes' freshness limits: its latest "
                       "survey quarter ended more than REMIT_SURVEY_MAX_AGE_DAYS ago, or, for a corridor known only "
                       "by fee tables, reference_rate_as_of is more than REMIT_RATE_MAX_AGE_DAYS old (the quotes' "
                       "`stale` warning)"})
    reference_rate = fields.Boolean(metadata={
        "description": "remit holds a reference rate from send_currency to receive_currency (reference_rate_as_of "
                       "is its date): quotes say what the family receives. false: the amount received is not "
                       "available (null in quotes), never worked out with a guessed rate; `no_rate_reason` says why"})
    no_rate_currencies = fields.List(Iso("Currency"), metadata={
        "description": "of send_currency and receive_currency, those remit holds no reference rate for (the ECB's "
                       "file has 29 currencies); empty when reference_rate is true"})
    survey_in_usd = fields.Boolean(attribute="usd_only", metadata={
        "description": "remit holds no rate for send_currency and no fee table in the corridor: its comparison gives "
                       "the survey's own figures in US dollars (cost at USD 200 and 500, percentages as surveyed)"})
    no_rate_reason = fields.String(allow_none=True, metadata={
        "description": "why reference_rate is false, in a sentence (English); null when it is true"})


class CheapestSchema(Answer):
    product_id = fields.String(metadata={"description": "ft-N, rpw-N, or the provider's name for published data"})
    name = fields.String()
    total_cost_pct = Pct()
    negative_margin = fields.Boolean(metadata={
        "description": "its exchange rate beat the mid-market rate when priced (a promotion for new customers, or a "
                       "reference rate out of step): it may not be offered; `yearly_saving` is not measured against it"})


class TrendPointSchema(Answer):
    period = Text("period")
    basis = Term("Basis")
    frequency = Term("Frequency", metadata={
        "description": "half_yearly: RPW surveyed twice a year until 2013, in the first and third quarters; such a "
                       "figure covers its quarter and the next (2011Q1: 2011 Q1 and Q2). quarterly from 2013"})
    average_total_cost_pct_200 = Pct(allow_none=True)
    average_total_cost_pct_500 = Pct(allow_none=True)
    smart_pct = Pct(allow_none=True)
    cheapest_total_cost_pct = Pct(allow_none=True)


class QuarterSchema(Answer):
    period = Text("period")
    gap = fields.Boolean(metadata={
        "description": "true: no figure covers this quarter (RPW published none, or remit has not imported it); "
                       "basis, frequency, figures_of and the figures are null. Shown as a gap, never filled"})
    basis = Term("Basis", allow_none=True, metadata={"description": "the basis of the figures that cover the "
                                                                    "quarter; null for a gap"})
    frequency = Term("Frequency", allow_none=True, metadata={
        "description": "quarterly, or half_yearly for a figure of a twice-yearly survey (until 2013), which covers "
                       "the quarter it is named by and the next; null for a gap"})
    figures_of = Text("period", allow_none=True, metadata={
        "description": "the quarter whose figures cover this one: itself; the quarter before for the second quarter "
                       "of a half-yearly survey (its own figures are then null: not a gap, not a second figure); "
                       "null for a gap"})
    average_total_cost_pct_200 = Pct(allow_none=True)
    average_total_cost_pct_500 = Pct(allow_none=True)
    smart_pct = Pct(allow_none=True)
    cheapest_total_cost_pct = Pct(allow_none=True)


class RpwBesideSchema(Answer):
    period = Text("period")
    basis = Term("Basis")
    average_total_cost_pct_200 = Pct(allow_none=True)
    smart_pct = Pct(allow_none=True)
    cheapest_total_cost_pct = Pct(allow_none=True)
    sdg_target_met = fields.Boolean(allow_none=True)
    above_5pct = fields.Boolean(allow_none=True)
    source = fields.String()


class ObservedRoundSchema(Answer):
    round = Text("round", metadata={"description": "the corridor and month the prices were observed in"})
    month = Text("month")
    source = fields.String(metadata={"description": "who observed them and in which round"})
    first_day = fields.Date(metadata={"description": "the first day an observation counted was made"})
    last_day = fields.Date()
    services = fields.Integer(validate=validate.Range(0), metadata={
        "description": "the services counted: of each, its latest published observation of the round"})
    waiting_for_rate = fields.Integer(validate=validate.Range(0), metadata={
        "description": "published observations left out: no reference rate of their day yet"})
    send_amounts = fields.List(Money(), metadata={
        "description": "the amounts observed, in the send currency: each service's cost is at its own amount, "
                       "not at USD 200"})
    average_total_cost_pct = Pct("the mean of the services' total cost % at the amounts observed", allow_none=True)
    smart_pct = Pct("SmaRT-style: the mean of the three cheapest (transparent, 5 days or less); null with fewer "
                    "than three", allow_none=True)
    smart_negative_margins = fields.Integer(validate=validate.Range(0, 3))
    cheapest_total_cost_pct = Pct(allow_none=True)
    cheapest = fields.Nested(CheapestSchema, allow_none=True)
    sdg_target_met = fields.Boolean(allow_none=True, metadata={"description": "the average is below 3% (SDG 10.c)"})
    above_5pct = fields.Boolean(allow_none=True, metadata={"description": "the average is above 5%"})
    rpw = fields.Nested(RpwBesideSchema, allow_none=True, metadata={
        "description": "RPW's figures for the quarter the month falls in (at USD 200), where remit holds them"})


class CorridorStatsSchema(Answer):
    corridor = Text("corridor")
    period = Text("period")
    basis = Term("Basis", metadata={
        "description": "survey: computed from the quotes held; published: RPW's published average and cheapest "
                       "quote (nothing per service); fee_table: remit's fee tables, for a corridor RPW does not "
                       "survey"})
    average_total_cost_pct_200 = Pct(allow_none=True)
    average_total_cost_pct_500 = Pct(allow_none=True)
    smart_pct = Pct(allow_none=True)
    smart_negative_margins = fields.Integer(validate=validate.Range(0, 3), metadata={
        "description": "how many of the three services averaged in `smart_pct` beat the mid-market rate when priced "
                       "(RPW counts them; a SmaRT below zero comes from such promotions)"})
    smart_speed_unknown = fields.Boolean(metadata={
        "description": "one of the three services averaged in `smart_pct` has no recorded speed (RPW's 2025 files give "
                       "none), so SmaRT could not leave out services slower than 5 days"})
    services = fields.Integer(validate=validate.Range(0), allow_none=True, metadata={
        "description": "null when basis is published"})
    transparent_services = fields.Integer(validate=validate.Range(0), allow_none=True)
    sdg_target_met = fields.Boolean(allow_none=True)
    above_5pct = fields.Boolean(allow_none=True)
    cheapest = fields.Nested(CheapestSchema, allow_none=True)
    cheapest_total_cost_pct = Pct("the cheapest service's total cost at USD 200 (RPW's cheapest quote when published)",
                                  allow_none=True)
    monthly_amount = Money("USD 200 in the send currency", allow_none=True)
    send_currency = Iso("Currency")
    yearly_saving = Money("sending monthly_amount every month with the cheapest service whose exchange rate did not "
                          "beat the mid-market rate (`yearly_saving_against`), instead of an average one",
                          allow_none=True)
    yearly_saving_against = fields.Nested(CheapestSchema, allow_none=True, metadata={
        "description": "the service `yearly_saving` is measured against: the cheapest whose exchange rate did not beat "
                       "the mid-market rate (null when there is none)"})
    trend = fields.List(fields.Nested(TrendPointSchema), metadata={
        "description": "every quarter held, oldest first, each with its figures"})
    quarters = fields.List(fields.Nested(QuarterSchema), metadata={
        "description": "every quarter from the first held to the last, oldest first: the quarters of `trend` with "
                       "their figures, the second quarter of each half-yearly survey (covered by the one before, "
                       "`figures_of`) and the gaps (`gap` true)"})
    source = fields.String()
    illustrative = fields.Boolean(metadata={
        "description": "true when the figures come from fee tables some of which are flagged illustrative (an "
                       "example, not prices anyone observed)"})
    observed_rounds = fields.List(fields.Nested(ObservedRoundSchema), metadata={
        "description": "every round of prices the resource centre observed in the corridor and published (approved; "
                       "submitted and rejected observations never count), oldest first, whatever `period`"})


class ProviderProductSchema(Answer):
    id = ProductId()
    name = fields.String()
    corridor = Text("corridor")
    send_currency = Iso("Currency")
    receive_currency = Iso("Currency")
    funding_method = Term("FundingMethod", allow_none=True)
    payout_method = Term("PayoutMethod", unknown=True)
    speed = Term("Speed", unknown=True)
    min_amount = Money(allow_none=True)
    max_amount = Money(allow_none=True)
    regions = fields.List(Text("region"))
    accepted_ids = fields.List(Term("IdType"))
    basis = Term("Basis")
    illustrative = fields.Boolean(metadata={
        "description": "true for a fee table flagged illustrative: an example, not prices anyone observed"})
    data_as_of = fields.String(metadata={"description": "the fee table's effective date or the survey quarter"})


class ProviderSchema(Answer):
    slug = fields.String()
    name = fields.String()
    type = Term("ProviderType", allow_none=True)
    website = fields.String(allow_none=True, metadata={"format": "uri", "description": "where the data has it"})
    licence_note = fields.String(allow_none=True)
    corridors = fields.List(Text("corridor"))
    coverage = fields.Dict(keys=Text("corridor"), values=fields.List(Text("region")), metadata={
        "description": "per corridor, the ISO 3166-2 regions paid out in; an empty list means the whole country"})
    products = fields.List(fields.Nested(ProviderProductSchema))


class BundleMemberSchema(Schema):
    ref = fields.String(required=True, validate=validate.Length(1, MAX_REF_LENGTH), metadata={
        "description": "the member's own reference, different for each member", "pattern": NO_NUL})
    amount = ApiNumber(required=True, positive=True, maximum=MAX_AMOUNT, metadata={
        "type": "string", "pattern": AMOUNT_PATTERN, "example": "350.00",
        "description": "in the send currency, at most its minor unit's decimals"})
    payout_method = Term("PayoutMethod", load_default=None,
                         metadata={"description": "compare the member's individual option with this payout"})
    product = fields.String(load_default=None, validate=validate.Length(max=MAX_PRODUCT_NAME_LENGTH), metadata={
        "pattern": NO_NUL,
        "description": "the service the member uses today: its product id (ft-N, rpw-N) or its name as quotes give "
                       "it (\"provider · product\"); the member's saving against it is shown"})


def _fee(description: str):
    return ApiNumber(load_default=Decimal(0), minimum=Decimal(0), maximum=MAX_AMOUNT,
                     metadata={"type": "string", "pattern": FEE_PATTERN, "default": "0",
                               "description": description + "; in its own currency (`<fee>_currency`); 0 when absent"})


def _fee_currency(fee: str, example: str | None = None):
    return CurrencyArg(load_default=None, metadata={
        "description": f"the currency `{fee}` is given in; default (absent or null): the send currency. The plan "
                       "counts the fee in the send currency at its reference rate, and refuses (422) a currency it "
                       "has no rate for", **({"example": example} if example else {})})


def plain_member(item: dict) -> dict | None:
    """A member as BundleMemberSchema's fields read it, when every value is plainly what they accept
    (a ref of 1 to MAX_REF_LENGTH characters, an amount written as text that parse_plain_decimal reads
    as above 0 and at most MAX_AMOUNT, a payout method of the vocabulary or none, a product name of at
    most MAX_PRODUCT_NAME_LENGTH characters or none); None for anything else, which the fields then
    read, and refuse with their own messages. A thousand members pass here in a tenth of the time the
    fields take (tests/api/test_bundles.py holds the two readings equal)."""
    ref, amount = item.get("ref"), item.get("amount")
    payout, product = item.get("payout_method"), item.get("product")
    if (type(ref) is not str or not 0 < len(ref) <= MAX_REF_LENGTH or type(amount) is not str
            or (payout is not None and payout not in PAYOUT_METHODS)
            or (product is not None and (type(product) is not str or len(product) > MAX_PRODUCT_NAME_LENGTH))):
        return None
    try:
        number = parse_plain_decimal(amount)
    except InputError:
        return None
    if not _ZERO < number <= MAX_AMOUNT:
        return None
    return {"ref": ref, "amount": number, "payout_method": payout, "product": product}


_ZERO = Decimal(0)


class MemberList(fields.List):
    """The members of a bundle request, each read by BundleMemberSchema's own fields (the same rules
    and the same error shape) without the schema's machinery around every one of a thousand members."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list):
            raise ValidationError(msg("not_a_list", "give a list of members"))
        declared = self.inner.schema.fields
        names = declared.keys()
        # A list whose members are all plain, as lists mostly are, is read in one pass; any other is
        # read again below, member by member, each told what is wrong with it.
        loaded = [plain_member(item) if type(item) is dict and item.keys() <= names else None for item in value]
        if None not in loaded:
            return loaded
        loaded, errors = [], {}
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                errors[index] = {"_schema": [msg("member_not_object", "each member is an object: {\"ref\", \"amount\"}")]}
                continue
            member = plain_member(item) if item.keys() <= names else None
            if member is not None:
                loaded.append(member)
                continue
            member, problems = {}, {}
            for name in item:  # in the order given (a set's order changed from one process to the next)
                if name not in declared:
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
    send = CountryArg(required=True, metadata={"example": "CA"})
    receive = CountryArg(required=True, metadata={"example": "GT"})
    currency = CurrencyArg(required=True, metadata={"description": "the send currency", "example": "CAD"})
    members = MemberList(fields.Nested(BundleMemberSchema), required=True, metadata={
        "minItems": 1, "maxItems": MAX_MEMBERS, "description": "each with a different `ref`"})
    bulk_product = fields.String(load_default=None, validate=validate.Length(max=40), metadata={
        "pattern": r"^(ft-[0-9]+)?$",
        "description": "product id of the bulk transfer: a fee table's (ft-N) product of this corridor, as "
                       "GET /api/v1/quotes lists them (another id is a 422); default (absent, null or empty): the "
                       "cheapest account-to-account product"})
    max_transfer = ApiNumber(load_default=None, positive=True, maximum=MAX_AMOUNT, metadata={
        "type": "string", "pattern": AMOUNT_PATTERN,
        "description": "the sending bank's limit per transfer, in the send currency; default: the largest amount the "
                       "bulk product's bands accept. A plan splits only to fit this limit, never to stay under a "
                       "reporting threshold"})
    distribution_fee = _fee("per member, for paying each share out from the collective account")
    distribution_fee_currency = _fee_currency("distribution_fee")
    coordinator_fee = _fee("per transfer, on top, for whoever organises it")
    coordinator_fee_currency = _fee_currency("coordinator_fee")
    incoming_fee = _fee("per transfer, deducted on arrival by the receiving bank")
    incoming_fee_currency = _fee_currency("incoming_fee")
    intermediary_fee = _fee("per transfer, deducted on the way by correspondent banks (wires to Guatemala travel in "
                            "USD: USD 15–25 is usual, given as `\"intermediary_fee\": \"20\", "
                            "\"intermediary_fee_currency\": \"USD\"`)")
    intermediary_fee_currency = _fee_currency("intermediary_fee", "USD")
    allocation = Term("Allocation", load_default="pro_rata")
    transfers_per_year = fields.Integer(load_default=None, validate=validate.Range(1, MAX_TRANSFERS_PER_YEAR),
                                        metadata={"description": "gives the plan's `yearly_saving`"})
    transfer_days = fields.Integer(load_default=1, validate=validate.Range(1, MAX_TRANSFER_DAYS), metadata={
        "default": 1,
        "description": "the days the coordinator makes the transfers on: one (the default), or as many as they "
                       "choose (never more than the transfers). The bank adds up one person's transfers within 24 "
                       "hours: each day whose transfers reach the reporting threshold together is reported"})

    @validates_schema
    def check_members(self, data, **kwargs):
        members = data["members"]
        if not members:
            raise ValidationError({"members": ["give at least one member"]})
        if len(members) > MAX_MEMBERS:
            raise ValidationError({"members": [msg("members_limit", "at most %(limit)s members, not %(count)s",
                                                   limit=MAX_MEMBERS, count=len(members))]})
        places = codes.minor_unit(data["currency"])
        refs = [member["ref"] for member in members]
        amounts = [member["amount"] for member in members]
        # Different refs and amounts the currency can hold, as most lists have, are seen in a few steps
        # of C for all the members (an amount with at most `places` decimals is the one it rounds to);
        # any other list is looked at member by member, each told what is wrong with it.
        rounded = map(Decimal.quantize, amounts, repeat(unit(places)))
        if len(set(refs)) < len(refs) or not all(map(eq, amounts, rounded)):
            self._check_each_member(members, data["currency"], places)
        for name in ("max_transfer", "distribution_fee", "coordinator_fee", "incoming_fee", "intermediary_fee"):
            currency = data.get(f"{name}_currency") or data["currency"]
            allowed = codes.minor_unit(currency)
            if data[name] is not None and decimals(data[name]) > allowed:
                raise ValidationError({name: [f"has more decimals than {currency} allows ({allowed})"]})

    @staticmethod
    def _check_each_member(members: list[dict], currency: str, places: int) -> None:
        errors: dict = {}
        seen: dict[str, int] = {}
        for index, member in enumerate(members):
            problems = {}
            if member["ref"] in seen:
                problems["ref"] = [f"member '{member['ref']}' appears twice (also member {seen[member['ref']]})"]
            seen.setdefault(member["ref"], index)
            if decimals(member["amount"]) > places:
                problems["amount"] = [f"member '{member['ref']}': has more decimals than {currency} "
                                      f"allows ({places})"]
            if problems:
                errors[index] = problems
        if errors:
            raise ValidationError({"members": errors})


class BundleProductSchema(Answer):
    id = ProductId()
    name = fields.String()
    provider = fields.String()


class BundleTransferSchema(Answer):
    amount = Money()
    product = fields.Nested(BundleProductSchema)
    fee = Money()
    fx_cost = Money()
    coordinator_fee = Money()
    incoming_fee = Money("deducted on arrival")
    intermediary_fee = Money("deducted on the way")
    deducted = Money("incoming_fee + intermediary_fee")
    cost = Money()
    exchange_rate = Rate("the bank's applied rate", allow_none=True)
    receive_amount = Money("what reaches the collective account, in the receive currency, after the deductions",
                           allow_none=True)
    reportable = fields.Boolean(metadata={
        "description": "the bank reports it: the transfers of its day reach the reporting threshold together (Canada: "
                       "FINTRAC, CAD 10,000 or more, one person's transfers within 24 hours added up); every transfer "
                       "of such a day is reportable. Never a reason to split"})
    day = fields.Integer(metadata={"description": "the day of the plan it is made on: 1, or up to `transfer_days`"})


class BundleDaySchema(Answer):
    day = fields.Integer()
    transfers = fields.Integer(metadata={"description": "how many of the plan's transfers are made that day"})
    total = Money("their total, in the send currency: what the bank adds up (24-hour rule)")
    reportable = fields.Boolean(metadata={"description": "the total reaches the reporting threshold"})


class BundleFeeSchema(Answer):
    amount = Money("as given, in `currency`")
    currency = Iso("Currency")
    in_send_currency = Money("as the plan counts it, in the send currency")
    rate = Rate("units of the send currency for one of `currency`, the reference rate of `rate_as_of`; null when the "
                "fee is in the send currency", allow_none=True)
    rate_as_of = fields.Date(allow_none=True)
    rate_source = fields.String(allow_none=True)


class BundleFeesSchema(Answer):
    distribution_fee = fields.Nested(BundleFeeSchema, metadata={"description": "per member"})
    coordinator_fee = fields.Nested(BundleFeeSchema, metadata={"description": "per transfer"})
    incoming_fee = fields.Nested(BundleFeeSchema, metadata={"description": "per transfer"})
    intermediary_fee = fields.Nested(BundleFeeSchema, metadata={"description": "per transfer"})


class BundleSizeRangeSchema(Answer):
    first = fields.Integer(data_key="from")
    last = fields.Integer(data_key="to")


class BundleMemberResultSchema(Answer):
    ref = fields.String()
    amount = Money()
    joins = fields.Boolean()
    share = Money("what joining costs the member (fees and FX margin, RPW); null for one who should send alone",
                  allow_none=True)
    fees_on_top = Money("added to the amount when handing it over", allow_none=True)
    contribution = Money("amount + fees_on_top", allow_none=True)
    receive_amount = Money("what the family is paid out, in the receive currency (for one who sends alone: with "
                           "the cheapest way)", allow_none=True)
    individual_cost = Money("the cheapest way alone", allow_none=True)
    individual_option = fields.String(allow_none=True, metadata={"description": "the cheapest way alone"})
    saving = Money("against the cheapest way alone", allow_none=True)
    saving_pct = Pct(allow_none=True)
    current_option = fields.String(allow_none=True, metadata={"description": "the service named as used today"})
    current_cost = Money(allow_none=True)
    saving_vs_current = Money("against today's service: by joining, or, for one who sends alone, by switching to "
                              "the cheapest way", allow_none=True)
    saving_vs_current_pct = Pct(allow_none=True)
    warnings = fields.List(Term("Warning"))
    reason = fields.String(allow_none=True)


class BundleTotalsSchema(Answer):
    individual = Money()
    bundled = Money()
    saving = Money()
    saving_pct = Pct(allow_none=True)
    current = Money("what the members who named a service pay today", allow_none=True)
    saving_vs_current = Money(allow_none=True)
    saving_vs_current_pct = Pct(allow_none=True)
    bundle_cost = Money()
    fees_on_top = Money()
    fx_cost = Money()
    deducted = Money("intermediary and receiving banks' fees")
    distribution_fees = Money()
    sent = Money()
    received = Money("credited to the collective account", allow_none=True)
    paid_out = Money("to the families; their payouts sum to it", allow_none=True)


class BundleCurvePointSchema(Answer):
    members = fields.Integer()
    bundled_per_member = Money()
    individual_per_member = Money(allow_none=True)
    saving_per_member = Money(allow_none=True)
    total_saving = Money(allow_none=True)


class BundlePlanSchema(Answer):
    corridor = Text("corridor")
    currency = Iso("Currency")
    allocation = Term("Allocation")
    transfers = fields.List(fields.Nested(BundleTransferSchema))
    members = fields.List(fields.Nested(BundleMemberResultSchema))
    totals = fields.Nested(BundleTotalsSchema)
    break_even_members = fields.Integer(allow_none=True, metadata={
        "description": "smallest group, each sending the mean amount, in which each pays less than alone"})
    paying_group_sizes = fields.List(fields.Nested(BundleSizeRangeSchema), metadata={
        "description": "every group size from 1 to 1,000 (the most members a plan holds) in which members each "
                       "sending the mean amount each pay less than alone, as ranges in increasing order: gains stop "
                       "where the total needs another transfer or falls in a dearer band, and may start again. The "
                       "first range starts at `break_even_members`; empty when no size pays"})
    yearly_saving = Money(allow_none=True)
    yearly_saving_vs_current = Money(allow_none=True)
    receive_currency = Iso("Currency")
    bulk_product = fields.Nested(BundleProductSchema, allow_none=True)
    exchange_rate = Rate(allow_none=True)
    reference_rate = Rate(allow_none=True)
    reference_rate_as_of = fields.Date(allow_none=True)
    warnings = fields.List(Term("Warning"))
    curve = fields.List(fields.Nested(BundleCurvePointSchema))
    verdict = fields.List(fields.String(), metadata={
        "description": "who gains, at which group sizes, what that means for this group and why"})
    notes = fields.List(fields.String())
    days = fields.List(fields.Nested(BundleDaySchema), metadata={
        "description": "the days the transfers are made on (one unless `transfer_days` says more), each with its "
                       "total and whether the bank reports it"})
    reporting_threshold = Money("the reporting threshold in the send currency (CAD 10,000, or its equivalent at the "
                                "plan's reference rate, rounded half up); null where remit knows no rule",
                                allow_none=True)
    fees = fields.Nested(BundleFeesSchema, metadata={
        "description": "each fee as given and as the plan counts it, with the rate it is converted at"})
