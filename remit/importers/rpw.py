"""World Bank Remittance Prices Worldwide (RPW) survey rows.

Three layouts are read:
- the RPW workbook sheet used up to 2016Q1 (30 upper-case columns, `CC1 LCU FEE`, …);
- the sheet used from 2016Q2 (42 lower-case columns, `cc1 lcu fee`, `firm_type`, …): the same fields
  under other spellings, plus columns remit does not keep, which are passed over;
- the flattened per-quote file (`provider`, `amount_usd`, `fee_pct`, …): one price point per row.

An import replaces only the corridor-quarters present in the file: observations of those quarters
that the file no longer has are retired (kept, marked with the import that retired them).
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validates_schema
from sqlalchemy import select

from ..domain.messages import msg
from ..inputs import quoted
from .. import codes
from ..extensions import db
from ..models import ImportRun, SurveyObservation, SurveyPricePoint
from ..services import reference
from .base import NO_DATA_ROWS, Column, ImportReport, PreviewRow, is_blank, load_row, map_header, row_values
from .fields import REQUIRED, CountryCode, CurrencyCode, ExactNumber, Text
from .readers import Problem, Table, normalize_header

ATTRIBUTION = "Source: The World Bank, Remittance Prices Worldwide"
NOT_AVAILABLE = {"n/a", "na", "n.a.", "..", "-", "none", "null"}
FIRM_TYPES = {
    "bank": "bank", "money transfer operator": "mto", "mto": "mto", "post office": "post", "post": "post",
    "mobile operator": "mobile", "mobile money": "mobile", "credit union": "credit_union",
    "non-bank fi": "other", "non bank fi": "other",
}


def _price_point_columns(prefix: str) -> list[Column]:
    p = prefix
    return [
        Column(f"{p}_lcu_amount", False, (f"{p} lcu amount",)),
        Column(f"{p}_denomination_amount", False, (f"{p} denomination amount", f"{p} usd amount")),
        Column(f"{p}_lcu_code", False, (f"{p} lcu code",)),
        Column(f"{p}_lcu_fee", False, (f"{p} lcu fee",)),
        Column(f"{p}_lcu_fx_rate", False, (f"{p} lcu fx rate",)),
        Column(f"{p}_fx_margin", False, (f"{p} fx margin",)),
        Column(f"{p}_total_cost_pct", False, (f"{p} total cost %", f"{p} total cost")),
    ]


SHEET_COLUMNS = [
    Column("period"), Column("source_code"), Column("source_name", False),
    Column("destination_code"), Column("destination_name", False),
    Column("firm"), Column("firm_type", False),
    Column("payment_instrument", False, ("payment instrument",)),
    Column("access_point", False, ("access point",)),
    Column("speed_actual", False, ("speed actual",)),
    *_price_point_columns("cc1"), *_price_point_columns("cc2"),
    Column("inter_lcu_bank_fx", False, ("inter lcu bank fx",)),
    Column("transparent"),
    Column("note1", False, ("note 1",)), Column("note2", False, ("note 2",)),
    Column("pickup_method", False, ("pick-up method", "pickup method", "pick up method")),
    Column("date", False), Column("corridor", False),
]

QUOTE_COLUMNS = [
    Column("period"), Column("source_code"), Column("source_name", False),
    Column("destination_code"), Column("destination_name", False),
    Column("provider"), Column("instrument", False), Column("access_point", False),
    Column("amount_usd"), Column("fee_pct", False), Column("fx_margin_pct", False),
    Column("total_cost_pct"), Column("cost_usd", False), Column("transparent"),
]

NUMERIC = {c.name for c in SHEET_COLUMNS + QUOTE_COLUMNS if c.name.startswith("cc") and "code" not in c.name} | {
    "inter_lcu_bank_fx", "amount_usd", "fee_pct", "fx_margin_pct", "total_cost_pct", "cost_usd"}


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


class YesNo(fields.Field):
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


def _money(**kw):
    return ExactNumber(places=4, maximum=Decimal("99999999999999"), minimum=Decimal("-99999999999999"), **kw)


def _pct(**kw):
    return ExactNumber(places=6, minimum=Decimal(-1000), maximum=Decimal(1000), **kw)


def _rate(**kw):
    return ExactNumber(places=10, minimum=Decimal(0), maximum=Decimal("99999999999999"), **kw)


class _Common(Schema):
    period = Period(required=True)
    source_code = CountryCode(required=True)
    source_name = Text(load_default=None)
    destination_code = CountryCode(required=True)
    destination_name = Text(load_default=None)
    transparent = YesNo(required=True)

    @validates_schema
    def check_corridor(self, data, **kwargs):
        if data["source_code"] == data["destination_code"]:
            raise ValidationError({"destination_code": [msg("same_country_rpw", "must differ from source_code")]})


class _SheetRowBase(_Common):
    firm = Text(required=True)
    firm_type = Text(load_default=None)
    payment_instrument = Text(load_default=None)
    access_point = Text(load_default=None)
    speed_actual = Text(load_default=None)
    inter_lcu_bank_fx = _rate(load_default=None)
    note1 = Text(load_default=None, max_length=2000)
    note2 = Text(load_default=None, max_length=2000)
    pickup_method = Text(load_default=None)
    date = SurveyDate(load_default=None)
    corridor = Text(load_default=None)

    @validates_schema
    def check_price_points(self, data, **kwargs):
        if not reference.slugify(data["firm"]):
            raise ValidationError({"firm": [msg("needs_letter", "needs at least one letter or digit")]})
        if not any(data.get(f"{p}_total_cost_pct") is not None for p in ("cc1", "cc2")):
            raise ValidationError({"cc1_total_cost_pct": [msg("total_cost_needed",
                                                             "a total cost %% is needed for at least one price point")]})
        for p in ("cc1", "cc2"):
            given = [k for k in data if k.startswith(p + "_") and data[k] is not None]
            if given and data.get(f"{p}_total_cost_pct") is None:
                raise ValidationError({f"{p}_total_cost_pct": [msg(
                    "total_cost_with_point", "a value is required when the price point has other values")]})


def _price_point_fields(prefix: str) -> dict:
    return {
        f"{prefix}_lcu_amount": _money(load_default=None),
        f"{prefix}_denomination_amount": _money(load_default=None),
        f"{prefix}_lcu_code": CurrencyCode(load_default=None),
        f"{prefix}_lcu_fee": _money(load_default=None),
        f"{prefix}_lcu_fx_rate": _rate(load_default=None),
        f"{prefix}_fx_margin": _pct(load_default=None),
        f"{prefix}_total_cost_pct": _pct(load_default=None),
    }


# The two price points have the same seven fields under the prefixes cc1 (USD 200) and cc2 (USD 500).
SheetRowSchema = type("SheetRowSchema", (_SheetRowBase,), _price_point_fields("cc1") | _price_point_fields("cc2"))


class QuoteRowSchema(_Common):
    provider = Text(required=True)
    instrument = Text(load_default=None)
    access_point = Text(load_default=None)
    amount_usd = _money(required=True, positive=True)
    fee_pct = _pct(load_default=None)
    fx_margin_pct = _pct(load_default=None)
    total_cost_pct = _pct(required=True)
    cost_usd = _money(load_default=None)

    @validates_schema
    def check_provider(self, data, **kwargs):
        if not reference.slugify(data["provider"]):
            raise ValidationError({"provider": [msg("needs_letter", "needs at least one letter or digit")]})


def _layout(table: Table) -> str:
    names = {normalize_header(h) for h in table.header}
    if "amount usd" in names and "provider" in names:
        return "rpw_quotes"
    if all(h == h.upper() for h in table.header if h):
        return "rpw_sheet_2011"
    return "rpw_sheet_2016"


def _observation(layout: str, data: dict) -> dict:
    """Both layouts reduced to one shape: the observation's fields and its price points."""
    common = {
        "period": data["period"], "send": data["source_code"], "receive": data["destination_code"],
        "transparent": data["transparent"], "layout": layout,
    }
    if layout == "rpw_quotes":
        return common | {
            "firm": data["provider"], "firm_type": None, "instrument": data["instrument"],
            "access_point": data["access_point"], "speed": None, "pickup_method": None,
            "interbank_rate": None, "note1": None, "note2": None, "surveyed_on": None,
            "price_points": [{
                "amount_usd": data["amount_usd"], "amount_lcu": None, "lcu_code": None, "fee_lcu": None,
                "fee_pct": data["fee_pct"], "fx_rate": None, "fx_margin_pct": data["fx_margin_pct"],
                "total_cost_pct": data["total_cost_pct"], "cost_usd": data["cost_usd"],
            }],
        }
    points = []
    for prefix, default_usd in (("cc1", Decimal(200)), ("cc2", Decimal(500))):
        if data.get(f"{prefix}_total_cost_pct") is None:
            continue
        points.append({
            "amount_usd": data.get(f"{prefix}_denomination_amount") or default_usd,
            "amount_lcu": data.get(f"{prefix}_lcu_amount"), "lcu_code": data.get(f"{prefix}_lcu_code"),
            "fee_lcu": data.get(f"{prefix}_lcu_fee"), "fee_pct": None,
            "fx_rate": data.get(f"{prefix}_lcu_fx_rate"), "fx_margin_pct": data.get(f"{prefix}_fx_margin"),
            "total_cost_pct": data[f"{prefix}_total_cost_pct"], "cost_usd": None,
        })
    return common | {
        "firm": data["firm"], "firm_type": data["firm_type"], "instrument": data["payment_instrument"],
        "access_point": data["access_point"], "speed": data["speed_actual"],
        "pickup_method": data["pickup_method"], "interbank_rate": data["inter_lcu_bank_fx"],
        "note1": data["note1"], "note2": data["note2"], "surveyed_on": data["date"], "price_points": points,
    }


def parse(table: Table) -> tuple[list[tuple[int, dict]], list[Problem]]:
    layout = _layout(table)
    columns = QUOTE_COLUMNS if layout == "rpw_quotes" else SHEET_COLUMNS
    positions, problems = map_header(table, columns, strict=False)
    if problems:
        return [], problems
    schema = QuoteRowSchema() if layout == "rpw_quotes" else SheetRowSchema()
    records = []
    for row, cells in table.rows:
        if is_blank(cells):
            continue  # RPW's own files have an empty second row
        values = {k: v for k, v in row_values(cells, positions).items()
                  if not (k in NUMERIC and v.strip().lower() in NOT_AVAILABLE)}
        data, row_problems = load_row(schema, row, values)
        problems.extend(row_problems)
        if data is not None:
            records.append((row, _observation(layout, data)))
    if not records and not problems:
        problems.append(Problem(2, None, NO_DATA_ROWS))
    return records, problems


POINT_FIELDS = ("amount_usd", "amount_lcu", "lcu_code", "fee_lcu", "fee_pct", "fx_rate", "fx_margin_pct",
                "total_cost_pct", "cost_usd")
OBSERVATION_FIELDS = ("firm", "firm_type", "instrument", "access_point", "speed", "pickup_method",
                      "interbank_rate", "transparent", "note1", "note2", "surveyed_on", "layout")


def fingerprint(obs: dict) -> tuple:
    """Everything that makes an observation what it is; Decimals compare by value, not by scale."""
    points = tuple(sorted(
        (tuple(point[name] for name in POINT_FIELDS) for point in obs["price_points"]),
        key=lambda p: p[0],
    ))
    return tuple(obs[name] for name in OBSERVATION_FIELDS) + (points,)


def _as_dict(observation: SurveyObservation) -> dict:
    return {name: getattr(observation, name) for name in OBSERVATION_FIELDS} | {
        "price_points": [{name: getattr(p, name) for name in POINT_FIELDS} for p in observation.price_points]
    }


def plan(records: list[tuple[int, dict]], report: ImportReport) -> dict:
    """Per corridor-quarter in the file: observations to add and stored ones to retire."""
    groups: dict[tuple, list[dict]] = {}
    for _, obs in records:
        groups.setdefault((obs["send"], obs["receive"], obs["period"]), []).append(obs)
    changes = {}
    for (send, receive, period), new in groups.items():
        corridor = reference.find_corridor(send, receive)
        stored = []
        if corridor is not None:
            stored = list(db.session.execute(select(SurveyObservation).where(
                SurveyObservation.corridor_id == corridor.id, SurveyObservation.period == period,
                SurveyObservation.retired_by_import_id.is_(None),
            )).scalars())
        remaining = Counter(fingerprint(_as_dict(o)) for o in stored)
        add = []
        for obs in new:
            key = fingerprint(obs)
            if remaining[key] > 0:
                remaining[key] -= 1
                report.unchanged += 1
            else:
                add.append(obs)
        retire = []
        for observation in stored:
            key = fingerprint(_as_dict(observation))
            if remaining[key] > 0:
                remaining[key] -= 1
                retire.append(observation)
        # A firm's service that is in both, with other values, is a change rather than a retire + add.
        paired = min(len(add), len(retire))
        firms_added = Counter((o["firm"], o["instrument"], o["access_point"]) for o in add)
        firms_retired = Counter((o.firm, o.instrument, o.access_point) for o in retire)
        changed = min(paired, sum((firms_added & firms_retired).values()))
        report.changed += changed
        report.added += len(add) - changed
        report.retired += len(retire) - changed
        for obs in add:
            report.preview.append(PreviewRow("add", f"{send}-{receive} {period}: {obs['firm']} · "
                                                    f"{obs['instrument'] or ''}", tuple(
                (f"USD {p['amount_usd'].normalize():f} total cost %", "", format(p["total_cost_pct"], "f"))
                for p in obs["price_points"])))
        for observation in retire:
            report.preview.append(PreviewRow("retire", f"{send}-{receive} {period}: {observation.firm} · "
                                                       f"{observation.instrument or ''}"))
        if add or retire:
            changes[(send, receive, period)] = (add, retire)
    return changes


def _firm_type(text: str | None) -> str | None:
    if not text:
        return None
    return FIRM_TYPES.get(text.strip().lower(), "other")


def apply(changes: dict, run: ImportRun) -> None:
    for (send, receive, _period), (add, retire) in changes.items():
        for observation in retire:
            observation.retired_by_import_id = run.id
        if not add:
            continue
        lcu = next((p["lcu_code"] for o in add for p in o["price_points"] if p["lcu_code"]), None)
        corridor = reference.ensure_corridor(
            send, receive, lcu or codes.local_currency(send) or "USD", codes.local_currency(receive) or "USD")
        for obs in add:
            existing = reference.find_provider(obs["firm"])
            provider_type = _firm_type(obs["firm_type"]) if existing is None or existing.type is None else None
            provider, _ = reference.ensure_provider(obs["firm"], provider_type)
            observation = SurveyObservation(
                corridor_id=corridor.id, provider_id=provider.id, period=obs["period"], import_id=run.id,
                **{name: obs[name] for name in OBSERVATION_FIELDS},
            )
            for point in obs["price_points"]:
                if point["lcu_code"]:
                    reference.ensure_currency(point["lcu_code"])
                observation.price_points.append(SurveyPricePoint(**point))
            db.session.add(observation)
