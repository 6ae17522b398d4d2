"""Observed prices through the API (issue 28, item 5): a partner with a `collect` key submits what a
provider asked for one transfer on one day, checked and stored `submitted` by the same service as the
/collect form (remit/services/observations.py), for an administrator to review; a `read` (or `collect`)
key lists the published ones, those approved and corrected by no other. Evidence files are not sent
through the API: `evidence` names where the centre keeps it; staff attach files on /collect.
"""
from __future__ import annotations

from flask import current_app, request, url_for
from flask.views import MethodView
from flask_smorest import Page, abort
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .. import codes
from ..domain.errors import RemitError
from ..domain.messages import msg
from ..inputs import MAX_AMOUNT, MAX_ID, MAX_LEDGER_AMOUNT, MAX_RATE
from ..importers.fields import decimals
from ..models import PriceObservation
from ..services import observations
from ..services.comparison import observed_source
from . import keys, present
from .blueprint import Blueprint
from .ledger_schemas import LEDGER_POSITIVE, RATE_PATTERN
from .openapi import NEEDS_KEY, PATTERNS, Answer, Iso, Term, Text
from .schemas import AMOUNT_PATTERN, FEE_PATTERN, NO_NUL, ApiNumber, CountryArg, CurrencyArg, Money, Pct, Rate

observations_bp = Blueprint(
    "observations", __name__, url_prefix="/api/v1/observations",
    description="Observed prices: what a provider asked a resource centre's collector for one transfer on one day. "
                "Submitting needs a `collect` key (the observation waits for an administrator's review); reading "
                "the published ones needs a `read` or `collect` key.")

CORRIDOR_PATTERN = r"^[A-Za-z]{2,3}-[A-Za-z]{2,3}$"
ROUND_PATTERN = r"^[A-Za-z]{2,3}-[A-Za-z]{2,3}:[0-9]{4}-(0[1-9]|1[0-2])$"
MAX_NAME_LENGTH = 200  # as the /collect form (remit/web/collect/forms.py)
MAX_COLLECTOR_LENGTH = 120
MAX_NOTES_LENGTH = 2000
MAX_EVIDENCE_REFERENCE = 300


def require_observation_scope():
    # Decided from the Authorization header alone, before the body is read. A preflight is answered
    # without CORS headers: no other origin may submit.
    if request.method == "POST":
        keys.require_scope("collect")
    elif request.method != "OPTIONS":
        keys.require_scope("read", "collect")


# --- What comes in -------------------------------------------------------------------------------

def _text(description: str, maximum: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=maximum), metadata={"pattern": NO_NUL,
                                                                          "description": description}, **kwargs)


# A name holds something besides spaces (the same class in JSON Schema's regular expressions and Python's).
NAMED = r"^[^\x00]*[^\x00 \t\n\r][^\x00]*$"


def _name(description: str, maximum: int = MAX_NAME_LENGTH, **kwargs) -> fields.String:
    return fields.String(required=True, validate=[validate.Length(1, maximum), validate.Regexp(
        NAMED, error="must not be empty")], metadata={"pattern": NAMED, "description": description, **kwargs})


class ObservationRequestSchema(Schema):
    """An observation as the contract's observation file has it, one JSON object."""

    observed_on = fields.Date(required=True, metadata={"description": "the day the price was asked for; not after "
                                                                      "today", "example": "2026-11-20"})
    collector = _name("who asked: a name or code", MAX_COLLECTOR_LENGTH, example="MG")
    provider = _name("the provider, as remit names it or a new one (the review creates it)")
    provider_type = Term("ProviderType", load_default=None)
    product = _name("the service, as remit names it or a new one (the review creates it)")
    send_country = CountryArg(required=True, metadata={"description": "the corridor's sending country", "example": "CA"})
    receive_country = CountryArg(required=True, metadata={"description": "the corridor's receiving country",
                                                          "example": "GT"})
    send_currency = CurrencyArg(required=True, metadata={"description": "the corridor's send currency",
                                                         "example": "CAD"})
    receive_currency = CurrencyArg(required=True, metadata={"description": "the corridor's receive currency",
                                                            "example": "GTQ"})
    funding_method = Term("FundingMethod", required=True)
    payout_method = Term("PayoutMethod", required=True)
    speed = Term("Speed", load_default=None, metadata={"description": "how soon the money is available, if told"})
    send_amount = ApiNumber(required=True, positive=True, maximum=MAX_AMOUNT, places=2, metadata={
        "type": "string", "pattern": AMOUNT_PATTERN, "example": "300",
        "description": "the amount sent, in the send currency; above 0, at most the currency's decimals"})
    fee = ApiNumber(required=True, minimum=0, maximum=MAX_AMOUNT, places=2, metadata={
        "type": "string", "pattern": FEE_PATTERN, "example": "9.99",
        "description": "the fee asked, in the send currency (0 when there is none); at most the currency's decimals"})
    exchange_rate = ApiNumber(positive=True, maximum=MAX_RATE, places=10, metadata={
        "type": "string", "pattern": RATE_PATTERN, "example": "5.40",
        "description": "the rate offered: receive-currency units for one send-currency unit. Give `exchange_rate` "
                       "or `receive_amount`; when both are given, the amount sent at the rate, rounded down to "
                       "the receive currency's minor unit, must be `receive_amount`"})
    receive_amount = ApiNumber(positive=True, maximum=MAX_LEDGER_AMOUNT, places=2,
                               metadata={
        "type": "string", "pattern": LEDGER_POSITIVE,
        "description": "what the family would receive, in the receive currency (instead of, or with, "
                       "`exchange_rate`); at most the currency's decimals"})
    channel = Term("Channel", required=True)
    accepted_ids = fields.List(Term("IdType"), load_default=list, validate=validate.Length(max=20), metadata={
        "description": "IDs asked for"})
    regions = fields.List(fields.String(validate=validate.Length(max=10), metadata={
        "pattern": r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$"}), load_default=list, validate=validate.Length(max=200),
        metadata={"description": "ISO 3166-2 regions of the receiving country the service pays out in"})
    notes = _text("anything else the collector noted", MAX_NOTES_LENGTH, load_default="")
    evidence = _text("where the evidence is kept (a file name or reference); files are not sent through the API",
                     MAX_EVIDENCE_REFERENCE, load_default="")
    supersedes = fields.Integer(load_default=None, strict=True, validate=validate.Range(1, MAX_ID), metadata={
        "description": "the published observation this one corrects (once approved, it replaces it)"})

    @validates_schema
    def rate_or_amount(self, data, **kwargs):
        problems: dict[str, list] = {}
        if data.get("exchange_rate") is None and data.get("receive_amount") is None:
            problems["exchange_rate"] = [msg("observation_rate_missing", "Give the exchange rate offered or the "
                                                                         "amount the family would receive.")]
        for name, currency in (("send_amount", "send_currency"), ("fee", "send_currency"),
                               ("receive_amount", "receive_currency")):
            if data.get(name) is not None and data.get(currency):
                places = codes.minor_unit(data[currency])
                if decimals(data[name]) > places:
                    problems[name] = [f"has more decimals than {data[currency]} allows ({places})"]
        receive = data.get("receive_country")
        for index, region in enumerate(data.get("regions") or []):
            try:
                found = codes.region(region)
            except codes.CodeError as exc:
                problems.setdefault("regions", {})[index] = [exc.args[0]]
                continue
            if receive and not found.startswith(f"{receive}-"):
                problems.setdefault("regions", {})[index] = [f"{found} is not a region of {receive}"]
        if problems:
            raise ValidationError(problems)


class ObservationArgsSchema(Schema):
    corridor = fields.String(load_default=None, validate=validate.Regexp(
        CORRIDOR_PATTERN, error="write the corridor as two country codes joined by '-', e.g. CA-GT"), metadata={
        "pattern": CORRIDOR_PATTERN, "example": "CA-GT",
        "description": "a corridor: sending and receiving country (ISO 3166-1 alpha-2 or alpha-3) joined by '-'"})
    round = fields.String(load_default=None, validate=validate.Regexp(
        ROUND_PATTERN, error="write a round as its corridor and month, e.g. CA-GT:2026-11"), metadata={
        "pattern": ROUND_PATTERN, "example": "CA-GT:2026-11", "description": "a round: its corridor and month"})


# --- What goes out -------------------------------------------------------------------------------

class ObservationFlagDetailSchema(Answer):
    code = Term("ObservationFlag")
    message = fields.String(metadata={"description": "the flag explained, in English"})


class ObservationSchema(Answer):
    id = fields.Integer(validate=validate.Range(1))
    round = Text("round", metadata={"description": "the corridor and month the observation belongs to"})
    status = Term("ObservationStatus")
    observed_on = fields.Date()
    collector = fields.String()
    provider = fields.String()
    provider_type = Term("ProviderType", allow_none=True)
    product = fields.String()
    product_id = fields.String(allow_none=True, metadata={
        "pattern": PATTERNS["product_id"], "description": "once approved, the id of its quote in GET /api/v1/quotes "
                                                          "(obs-N); null before"})
    send_country = Iso("Country")
    receive_country = Iso("Country")
    send_currency = Iso("Currency")
    receive_currency = Iso("Currency")
    funding_method = Term("FundingMethod")
    payout_method = Term("PayoutMethod")
    speed = Term("Speed", allow_none=True)
    channel = Term("Channel")
    send_amount = Money()
    fee = Money()
    fee_pct = Pct("the fee as a share of the amount sent")
    exchange_rate = Rate("the rate offered, as stated (or the amount received over the amount sent)")
    receive_amount = Money("what the family receives: the amount sent at the rate offered, rounded down")
    reference_rate = Rate("the mid-market rate of the day (or the nearest earlier one within "
                          "REMIT_RATE_MAX_AGE_DAYS); null while the observation waits for one", allow_none=True)
    reference_rate_as_of = fields.Date(allow_none=True)
    fx_margin_pct = Pct("(1 − offered / reference) × 100; null while waiting for a rate", allow_none=True)
    fx_cost = Money("the amount sent × the margin, half up; null while waiting for a rate", allow_none=True)
    total_cost = Money("fee + FX cost; null while waiting for a rate", allow_none=True)
    total_cost_pct = Pct("total cost / amount sent × 100; null while waiting for a rate", allow_none=True)
    flags = fields.List(fields.Nested(ObservationFlagDetailSchema))
    accepted_ids = fields.List(Term("IdType"))
    regions = fields.List(Text("region"))
    notes = fields.String()
    evidence = fields.String(metadata={"description": "where the evidence is kept, as given (empty when none)"})
    evidence_file = fields.Boolean(metadata={"description": "a photo, screenshot or PDF is held (shown to staff only)"})
    supersedes = fields.Integer(allow_none=True, metadata={"description": "the published observation it corrects"})
    source = fields.String(metadata={"description": "who observed it and in which round, as its quote names it"})


def observation_json(row: PriceObservation, assessment: observations.Assessment) -> dict:
    fig = assessment.figures
    send_mu, receive_mu = codes.minor_unit(row.send_currency), codes.minor_unit(row.receive_currency)
    organisation = current_app.config.get("REMIT_ORGANISATION", "remit")
    return {
        "id": row.id, "round": assessment.round, "status": row.status, "observed_on": row.observed_on,
        "collector": row.collector, "provider": row.provider_name, "provider_type": row.provider_type,
        "product": row.product_name, "product_id": f"obs-{row.id}" if row.status == "approved" else None,
        "send_country": row.corridor.send_country, "receive_country": row.corridor.receive_country,
        "send_currency": row.send_currency, "receive_currency": row.receive_currency,
        "funding_method": row.funding_method, "payout_method": row.payout_method, "speed": row.speed,
        "channel": row.channel, "send_amount": present.money(fig.send_amount, send_mu),
        "fee": present.money(fig.fee, send_mu), "fee_pct": present.pct(fig.fee_pct),
        "exchange_rate": present.rate(fig.exchange_rate),
        "receive_amount": present.money(fig.receive_amount, receive_mu),
        "reference_rate": None if fig.reference is None else present.rate(fig.reference.rate),
        "reference_rate_as_of": None if fig.reference is None else fig.reference.as_of,
        "fx_margin_pct": present.pct(fig.fx_margin_pct), "fx_cost": present.money(fig.fx_cost, send_mu),
        "total_cost": present.money(fig.total_cost, send_mu), "total_cost_pct": present.pct(fig.total_cost_pct),
        "flags": [{"code": f.code, "message": str(f.message)} for f in assessment.flags],
        "accepted_ids": [i for i in row.accepted_ids.split(";") if i],
        "regions": [r for r in row.regions.split(";") if r], "notes": row.notes,
        "evidence": row.evidence_reference, "evidence_file": bool(row.evidence_file),
        "supersedes": row.supersedes_id, "source": str(observed_source(organisation, assessment.round)),
    }


def _max_age() -> int:
    return int(current_app.config.get("REMIT_RATE_MAX_AGE_DAYS", 14))


def _given(body: dict) -> observations.ObservationInput:
    """The body as the service takes it: the corridor its countries name, in its currencies."""
    corridor = observations.corridor_by_code(f"{body['send_country']}-{body['receive_country']}")
    if corridor is None:
        raise RemitError(msg("corridor_unknown", "remit has no data for the corridor %(corridor)s.",
                             corridor=f"{body['send_country']}-{body['receive_country']}"), field="receive_country")
    for name, held in (("send_currency", corridor.send_currency), ("receive_currency", corridor.receive_currency)):
        if body[name] != held:
            raise RemitError(msg("observation_corridor_currency", "The corridor %(corridor)s is observed in "
                                 "%(held)s.", corridor=corridor.code, held=held), field=name)
    return observations.ObservationInput(
        corridor=corridor, observed_on=body["observed_on"], collector=body["collector"].strip(),
        provider_name=body["provider"].strip(), product_name=body["product"].strip(),
        funding_method=body["funding_method"], payout_method=body["payout_method"], send_amount=body["send_amount"],
        fee=body["fee"], channel=body["channel"], exchange_rate=body.get("exchange_rate"),
        receive_amount=body.get("receive_amount"), provider_type=body["provider_type"], speed=body["speed"],
        accepted_ids=";".join(dict.fromkeys(body["accepted_ids"])),
        regions=";".join(dict.fromkeys(codes.region(r) for r in body["regions"])), notes=body["notes"].strip(),
        evidence_reference=body["evidence"].strip(), supersedes_id=body["supersedes"])


# The service names a field as the form has it; the API's body names it so.
_FIELDS = {"supersedes_id": "supersedes", "corridor": "supersedes"}


def actor_of(key) -> str:
    """Who recorded it, in the audit log and on the row: the key's name and its public prefix."""
    return f"api:{key.name} [{key.prefix}]"[:254]


class PublishedPage(Page):
    """A page of published observations: only the rows on the page are assessed."""

    @property
    def items(self):
        return [observation_json(row, observations.assess_row(row, _max_age())) for row in super().items]


def _corridor_of(code: str):
    """The corridor a filter names, or None when it names none remit holds (the list is then empty)."""
    send, _, receive = code.upper().partition("-")
    try:
        return observations.corridor_by_code(f"{codes.country(send)}-{codes.country(receive)}")
    except codes.CodeError:
        return None


@observations_bp.route("")
class Observations(MethodView):
    @observations_bp.arguments(ObservationArgsSchema, location="query")
    @observations_bp.response(200, ObservationSchema(many=True))
    @observations_bp.paginate(PublishedPage)
    @observations_bp.doc(operationId="list_observations", **NEEDS_KEY)
    def get(self, args):
        """Published observations (approved, corrected by no other), the latest observed first

        Submitted and rejected observations are never listed. `corridor` and `round` filter; a corridor
        or round remit holds nothing of gives an empty list. An approved observation still waiting for
        a reference rate is listed with its cost figures null and the flag `waiting_for_rate`.
        """
        corridor, month = None, None
        for name in ("round", "corridor"):
            if args[name]:
                code, _, wanted_month = args[name].partition(":")
                found = _corridor_of(code)
                if found is None or (corridor is not None and found.id != corridor.id):
                    return []
                corridor, month = found, month or wanted_month or None
        return observations.published_rows(corridor, month)

    @observations_bp.arguments(ObservationRequestSchema, example={
        "observed_on": "2026-11-20", "collector": "MG", "provider": "Remesas Uno", "provider_type": "mto",
        "product": "Cash pickup", "send_country": "CA", "receive_country": "GT", "send_currency": "CAD",
        "receive_currency": "GTQ", "funding_method": "cash", "payout_method": "cash_pickup", "send_amount": "300",
        "fee": "9.99", "exchange_rate": "5.40", "channel": "in_person", "evidence": "board-2026-11-20.jpg"})
    @observations_bp.response(201, ObservationSchema, headers={"Location": {"$ref": "#/components/headers/Location"}},
                              example={
        "id": 1, "round": "CA-GT:2026-11", "status": "submitted", "observed_on": "2026-11-20", "collector": "MG",
        "provider": "Remesas Uno", "provider_type": "mto", "product": "Cash pickup", "product_id": None,
        "send_country": "CA", "receive_country": "GT", "send_currency": "CAD", "receive_currency": "GTQ",
        "funding_method": "cash", "payout_method": "cash_pickup", "speed": None, "channel": "in_person",
        "send_amount": "300.00", "fee": "9.99", "fee_pct": "3.33", "exchange_rate": "5.400000",
        "receive_amount": "1620.00", "reference_rate": "5.550000", "reference_rate_as_of": "2026-11-20",
        "fx_margin_pct": "2.70", "fx_cost": "8.11", "total_cost": "18.10", "total_cost_pct": "6.03", "flags": [],
        "accepted_ids": [], "regions": [], "notes": "", "evidence": "board-2026-11-20.jpg", "evidence_file": False,
        "supersedes": None, "source": "Centro Migrante, prices observed in round CA-GT:2026-11"})
    @observations_bp.alt_response(422, description="A field is wrong (each named in `errors.json`): nothing is "
                                                   "written. Also: a corridor remit does not hold, currencies not the "
                                                   "corridor's, neither `exchange_rate` nor `receive_amount`, the two "
                                                   "disagreeing, a date after today, `supersedes` naming no published "
                                                   "observation of the corridor.")
    @observations_bp.doc(operationId="submit_observation", **NEEDS_KEY)
    def post(self, body):
        """Submit an observed price: checked, priced and stored `submitted`, for an administrator to review

        Priced as on the /collect form: against the reference rate of its day (or the nearest earlier
        one within REMIT_RATE_MAX_AGE_DAYS; without one it waits for a rate and its cost figures are
        null), with the flags a reviewer looks at. It is published (a quote with `basis` observed) only
        once approved. No evidence file is taken here: `evidence` says where it is kept.
        """
        key = keys.request_key()
        given = _given(body)
        try:
            row, assessment = observations.record(given, actor=actor_of(key), max_age_days=_max_age())
        except RemitError as exc:
            if exc.field in _FIELDS:
                raise RemitError(exc.message, field=_FIELDS[exc.field]) from None
            raise
        # The request's commit (remit/edge.py) stores it; a refusal above writes nothing.
        return observation_json(row, assessment), 201, {
            "Location": url_for("observations.ObservationDetail", observation_id=row.id)}


@observations_bp.route("/<int:observation_id>", parameters=[{
    "in": "path", "name": "observation_id", "required": True, "description": "an observation's id",
    "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}])
class ObservationDetail(MethodView):
    @observations_bp.response(200, ObservationSchema)
    @observations_bp.alt_response(404, description="No published observation of this id (nor, for a `collect` "
                                                   "key, one it submitted).")
    @observations_bp.doc(operationId="get_observation", **NEEDS_KEY)
    def get(self, observation_id):
        """An observation: a published one, or one the `collect` key asking submitted, in whatever status"""
        row = _visible(observation_id)
        return observation_json(row, observations.assess_row(row, _max_age()))


def _visible(observation_id: int) -> PriceObservation:
    key = keys.request_key()
    try:
        row = observations.get(observation_id)
    except RemitError:
        row = None
    published = row is not None and row.status == "approved" and not observations.is_superseded(row)
    own = row is not None and key.scope == "collect" and row.recorded_by == actor_of(key)
    if not (published or own):
        abort(404, message=f"There is no published observation #{observation_id}.")
    return row


__all__ = ["observations_bp", "require_observation_scope"]
