"""World Bank Remittance Prices Worldwide (RPW) survey rows.

Three layouts of survey rows are read:
- the RPW workbook sheet used up to 2016Q1 (30 upper-case columns, `CC1 LCU FEE`, …);
- the sheet used from 2016Q2 (42 lower-case columns, `cc1 lcu fee`, `firm_type`, …): the same fields
  under other spellings, plus columns remit does not keep, which are passed over;
- the flattened per-quote file (`provider`, `amount_usd`, `fee_pct`, …): one price point per row.
A file of RPW's published corridor averages (`quarter`, `avg_cost_pct`, …) is read by
`remit.importers.published`, and the World Bank DataBank's export of them (one column per quarter) by
`remit.importers.databank`; `collect`, `plan` and `apply` here pass them on.

An import replaces only the corridor-quarters present in the file: observations of those quarters
that the file no longer has are retired (kept, marked with the import that retired them).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from marshmallow import Schema, ValidationError, validates_schema
from sqlalchemy import bindparam, insert, select, update

from .. import codes
from ..extensions import db
from ..models import ContentDigest, Corridor, ImportRun, Provider, SurveyObservation, SurveyPricePoint
from ..services import reference
from . import databank, digests, published
from ..domain.messages import msg
from .batches import chunks
from .base import Column, ImportReport, PreviewRow, RowLoader, is_blank, map_header, valid_rows
from .fees import currency_problem
from .fields import CurrencyCode, Text, YesNo
from .rows import ProblemLog, RowStream, normalize_header
from .survey_fields import (CorridorRowSchema, Period, SurveyDate, money_field, percent_field, quarter_dates,
                            rate_field)

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


class _Surveyed(Schema):
    period = Period(required=True)


# The quarter first, then the corridor: a row's problems are listed in the order of its fields.
class _Common(CorridorRowSchema, _Surveyed):
    transparent = YesNo(required=True)


class _SheetRowBase(_Common):
    firm = Text(required=True)
    firm_type = Text(load_default=None)
    payment_instrument = Text(load_default=None)
    access_point = Text(load_default=None)
    speed_actual = Text(load_default=None)
    inter_lcu_bank_fx = rate_field(load_default=None)
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
        # RPW's local currency unit is the sending country's, as it was in the quarter surveyed.
        start, end = quarter_dates(data["period"])
        for p in ("cc1", "cc2"):
            code = data.get(f"{p}_lcu_code")
            problem = code and currency_problem(data["source_code"], code, start, end)
            if problem:
                raise ValidationError({f"{p}_lcu_code": [problem]})


def _price_point_fields(prefix: str) -> dict:
    return {
        f"{prefix}_lcu_amount": money_field(load_default=None),
        f"{prefix}_denomination_amount": money_field(load_default=None),
        f"{prefix}_lcu_code": CurrencyCode(load_default=None),
        f"{prefix}_lcu_fee": money_field(load_default=None),
        f"{prefix}_lcu_fx_rate": rate_field(load_default=None),
        f"{prefix}_fx_margin": percent_field(load_default=None),
        f"{prefix}_total_cost_pct": percent_field(load_default=None),
    }


# The two price points have the same seven fields under the prefixes cc1 (USD 200) and cc2 (USD 500).
SheetRowSchema = type("SheetRowSchema", (_SheetRowBase,), _price_point_fields("cc1") | _price_point_fields("cc2"))


class QuoteRowSchema(_Common):
    provider = Text(required=True)
    instrument = Text(load_default=None)
    access_point = Text(load_default=None)
    amount_usd = money_field(required=True, positive=True)
    fee_pct = percent_field(load_default=None)
    fx_margin_pct = percent_field(load_default=None)
    total_cost_pct = percent_field(required=True)
    cost_usd = money_field(load_default=None)

    @validates_schema
    def check_provider(self, data, **kwargs):
        if not reference.slugify(data["provider"]):
            raise ValidationError({"provider": [msg("needs_letter", "needs at least one letter or digit")]})


def _layout(table: RowStream) -> str:
    names = {normalize_header(h) for h in table.header}
    if "amount usd" in names and "provider" in names:
        return "rpw_quotes"
    if all(h == h.upper() for h in table.header if h):
        return "rpw_sheet_2011"
    return "rpw_sheet_2016"


POINT_FIELDS = ("amount_usd", "amount_lcu", "lcu_code", "fee_lcu", "fee_pct", "fx_rate", "fx_margin_pct",
                "total_cost_pct", "cost_usd")
OBSERVATION_FIELDS = ("firm", "firm_type", "instrument", "access_point", "speed", "pickup_method",
                      "interbank_rate", "transparent", "note1", "note2", "surveyed_on", "layout")
# An observation as an import holds it: one tuple of OBSERVATION_FIELDS followed by its price points
# (a tuple of POINT_FIELDS tuples, ordered by amount). It is also everything that makes the observation
# what it is: two are the same when their tuples are equal (Decimals compare by value, not by scale).
FIRM, INSTRUMENT, ACCESS_POINT, POINTS = 0, 2, 3, len(OBSERVATION_FIELDS)
WRITE_BATCH = 2_000


def _observation(layout: str, data: dict) -> tuple:
    """The three layouts reduced to one shape: the observation's fields and its price points."""
    if layout == "rpw_quotes":
        return (data["provider"], None, data["instrument"], data["access_point"], None, None, None,
                data["transparent"], None, None, None, layout,
                ((data["amount_usd"], None, None, None, data["fee_pct"], None, data["fx_margin_pct"],
                  data["total_cost_pct"], data["cost_usd"]),))
    points = []
    for prefix, default_usd in (("cc1", Decimal(200)), ("cc2", Decimal(500))):
        if data.get(f"{prefix}_total_cost_pct") is None:
            continue
        points.append((data.get(f"{prefix}_denomination_amount") or default_usd, data.get(f"{prefix}_lcu_amount"),
                       data.get(f"{prefix}_lcu_code"), data.get(f"{prefix}_lcu_fee"), None,
                       data.get(f"{prefix}_lcu_fx_rate"), data.get(f"{prefix}_fx_margin"),
                       data[f"{prefix}_total_cost_pct"], None))
    return (data["firm"], data["firm_type"], data["payment_instrument"], data["access_point"], data["speed_actual"],
            data["pickup_method"], data["inter_lcu_bank_fx"], data["transparent"], data["note1"], data["note2"],
            data["date"], layout, tuple(sorted(points, key=lambda point: point[0])))


@dataclass
class SurveyFile:
    """What an import keeps of an RPW file once it is read."""

    groups: dict[tuple, dict[str, list[tuple]]] = field(default_factory=dict)  # corridor → period → observations
    text: dict[tuple, str] = field(default_factory=dict)  # (send, receive, period) → digest of its rows' text
    recognised: set[tuple] = field(default_factory=set)  # corridor-quarters as stored: not read again


class _RawQuarter:
    """The corridor-quarter a row names, read from its text alone (None when it does not read)."""

    def __init__(self, positions: dict[str, int]):
        self.at = (positions["source_code"], positions["destination_code"], positions["period"])
        self.period = Period()
        self.memo: dict[tuple, tuple | None] = {}

    def __call__(self, cells: list[str]) -> tuple | None:
        raw = tuple(cells[i] if i < len(cells) else "" for i in self.at)
        found = self.memo.get(raw, False)
        if found is False:
            try:
                found = (codes.country(raw[0]), codes.country(raw[1]), self.period.deserialize(raw[2]))
            except (codes.CodeError, ValidationError):
                found = None
            if len(self.memo) < 10_000:
                self.memo[raw] = found
        return found


def collect(open_rows, problems: ProblemLog, report: ImportReport) -> SurveyFile | None:
    """Validate every row as it is read: (send, receive) → period → observations.

    When earlier imports left digests of their files' text, the file is first read without validating:
    a corridor-quarter whose rows are, text for text, those of the import that made what is in force
    (and nothing changed since) is not validated again, nor compared; its rows are unchanged.
    """
    with open_rows() as table:
        if published.is_averages(table):
            return published.collect(table, problems, report)
        if databank.is_databank(table):
            return databank.collect(table, problems, report)
        layout = _layout(table)
        columns = QUOTE_COLUMNS if layout == "rpw_quotes" else SHEET_COLUMNS
        positions, header_problems = map_header(table, columns, strict=False)
        if header_problems:
            problems.extend(header_problems)
            return None
        text = digests.TextGroups(positions, [c.name for c in columns])
        if not digests.any_stored("rpw"):
            return _validate(table, layout, positions, text, set(), problems, report, first_pass=True)
        quarter_of = _RawQuarter(positions)
        for row, cells in table:
            if not is_blank(cells):
                text.add(quarter_of(cells), cells)
        recognised = _recognised(text)
        if text.lines and all(quarter in recognised for quarter in text.lines):
            report.rows = report.unchanged = sum(text.count(q) for q in recognised)
            return SurveyFile(text={q: text.digest(q) for q in text.lines}, recognised=recognised)
    with open_rows() as table:
        positions, _ = map_header(table, columns, strict=False)
        return _validate(table, layout, positions, text, recognised, problems, report, first_pass=False)


def _recognised(text: digests.TextGroups) -> set[tuple]:
    wanted = {quarter for quarter in text.lines if quarter is not None}
    corridors = {(send, receive) for send, receive, _ in wanted}
    found = set()
    stored = db.session.execute(
        select(Corridor.id, Corridor.send_country, Corridor.receive_country, ContentDigest.subject,
               ContentDigest.digest, ContentDigest.rows, ContentDigest.last_id)
        .join(ContentDigest, ContentDigest.corridor_id == Corridor.id).where(ContentDigest.kind == "rpw")).all()
    stamps_of: dict[int, dict] = {}
    for corridor_id, send, receive, period, digest, rows, last_id in stored:
        quarter = (send, receive, period)
        if (send, receive) not in corridors or quarter not in wanted or digest != text.digest(quarter):
            continue
        if corridor_id not in stamps_of:
            stamps_of[corridor_id] = digests.in_force_stamps(
                SurveyObservation, SurveyObservation.period, SurveyObservation.id,
                (SurveyObservation.corridor_id == corridor_id,))
        if stamps_of[corridor_id].get(period) == (rows, last_id):
            found.add(quarter)
    return found


def _validate(table, layout: str, positions, text: digests.TextGroups, recognised: set, problems: ProblemLog,
              report: ImportReport, *, first_pass: bool) -> SurveyFile:
    loader = RowLoader(QuoteRowSchema() if layout == "rpw_quotes" else SheetRowSchema(), positions)
    numeric = sorted(index for name, index in positions.items() if name in NUMERIC)
    quarter_of = _RawQuarter(positions)
    survey_file = SurveyFile(recognised=recognised)
    groups = survey_file.groups
    unchanged = 0

    def keep(cells: list[str]) -> bool:
        """Every row's text goes to its corridor-quarter's digest as it is first read; on the second
        reading, the rows of a recognised corridor-quarter are unchanged, and not read again."""
        nonlocal unchanged
        if first_pass:
            text.add(quarter_of(cells), cells)
        elif quarter_of(cells) in recognised:
            unchanged += 1
            return False
        return True

    rows = 0
    for _row, data in valid_rows(table, loader, problems, not_available=(numeric, NOT_AVAILABLE), keep=keep):
        rows += 1
        corridor = groups.setdefault((data["source_code"], data["destination_code"]), {})
        corridor.setdefault(data["period"], []).append(_observation(layout, data))
    report.rows = rows + unchanged
    report.unchanged += unchanged
    survey_file.text = {quarter: text.digest(quarter) for quarter in text.lines if quarter is not None}
    return survey_file


@dataclass
class QuarterPlan:
    corridor: tuple[str, str]
    period: str
    digest: str | None  # of the file's text for the corridor-quarter
    add: list[tuple] = field(default_factory=list)
    retire: list[int] = field(default_factory=list)


@dataclass
class SurveyPlan:
    corridors: dict[tuple[str, str], int | None]
    quarters: list[QuarterPlan]


def plan(survey_file, report: ImportReport):
    """Per corridor-quarter in the file: observations to add and stored ones to retire. What is stored is
    read once per corridor, for the corridor-quarters that were not recognised by their digest."""
    if isinstance(survey_file, published.AveragesFile):
        return published.plan(survey_file, report)
    corridor_ids = {(send, receive): corridor_id for corridor_id, send, receive in db.session.execute(
        select(Corridor.id, Corridor.send_country, Corridor.receive_country))}
    survey_plan = SurveyPlan({}, [])
    groups = survey_file.groups
    for corridor in groups:
        corridor_id = corridor_ids.get(corridor)
        survey_plan.corridors[corridor] = corridor_id
        periods = groups[corridor]
        current = _stored_observations(corridor_id, list(periods)) if corridor_id is not None else {}
        for period, new in periods.items():
            quarter = QuarterPlan(corridor, period, survey_file.text.get((*corridor, period)))
            _compare(quarter, new, current.get(period, []), report)
            survey_plan.quarters.append(quarter)
    return survey_plan


def _stored_observations(corridor_id: int, periods: list[str]) -> dict[str, list[tuple[int, tuple]]]:
    """period → [(id, observation tuple)] of the observations in force, with their price points."""
    table = SurveyObservation.__table__
    found: dict[str, list[tuple[int, tuple]]] = {}
    rows = db.session.execute(select(table.c.id, table.c.period, *(table.c[name] for name in OBSERVATION_FIELDS))
                              .where(table.c.corridor_id == corridor_id, table.c.period.in_(periods),
                                     table.c.retired_by_import_id.is_(None))
                              .order_by(table.c.id)).all()
    points: dict[int, list[tuple]] = {}
    point_table = SurveyPricePoint.__table__
    for chunk in chunks([row[0] for row in rows]):
        for point in db.session.execute(select(point_table.c.observation_id, *(point_table.c[n] for n in POINT_FIELDS))
                                        .where(point_table.c.observation_id.in_(chunk)).order_by(point_table.c.id)):
            points.setdefault(point[0], []).append(tuple(point[1:]))
    for row in rows:
        observation = tuple(row[2:]) + (tuple(sorted(points.get(row[0], []), key=lambda point: point[0])),)
        found.setdefault(row[1], []).append((row[0], observation))
    return found


def _compare(quarter: QuarterPlan, new: list[tuple], stored: list[tuple[int, tuple]], report: ImportReport) -> None:
    send, receive = quarter.corridor
    remaining = Counter(observation for _, observation in stored)
    for observation in new:
        if remaining[observation] > 0:
            remaining[observation] -= 1
            report.unchanged += 1
        else:
            quarter.add.append(observation)
    retired = []
    for observation_id, observation in stored:
        if remaining[observation] > 0:
            remaining[observation] -= 1
            quarter.retire.append(observation_id)
            retired.append(observation)
    # A firm's service that is in both, with other values, is a change rather than a retire + add.
    paired = min(len(quarter.add), len(retired))
    firms_added = Counter((o[FIRM], o[INSTRUMENT], o[ACCESS_POINT]) for o in quarter.add)
    firms_retired = Counter((o[FIRM], o[INSTRUMENT], o[ACCESS_POINT]) for o in retired)
    changed = min(paired, sum((firms_added & firms_retired).values()))
    report.changed += changed
    report.added += len(quarter.add) - changed
    report.retired += len(retired) - changed
    for observation in quarter.add:
        report.show(PreviewRow("add", f"{send}-{receive} {quarter.period}: {observation[FIRM]} · "
                                      f"{observation[INSTRUMENT] or ''}", tuple(
            (f"USD {point[0].normalize():f} total cost %", "", format(point[7], "f"))
            for point in observation[POINTS])))
    for observation in retired:
        report.show(PreviewRow("retire", f"{send}-{receive} {quarter.period}: {observation[FIRM]} · "
                                         f"{observation[INSTRUMENT] or ''}"))


def _firm_type(text: str | None) -> str | None:
    if not text:
        return None
    return FIRM_TYPES.get(text.strip().lower(), "other")


def apply(survey_plan, run: ImportRun) -> None:
    """Write the plan with bulk statements, in the caller's transaction: the providers and corridors
    the added observations need, the retired observations, the added ones, the digests."""
    if isinstance(survey_plan, published.AveragesPlan):
        published.apply(survey_plan, run)
        return
    quarters = [q for q in survey_plan.quarters if q.add or q.retire]
    provider_ids = _write_providers(quarters)
    corridor_ids = _ensure_corridors(quarters, dict(survey_plan.corridors))
    _retire(quarters, run)
    _add(quarters, run, corridor_ids, provider_ids)
    _write_digests(survey_plan.quarters, corridor_ids)


def _ensure_corridors(quarters: list[QuarterPlan], corridor_ids: dict) -> dict:
    """The corridors (and currencies) the added observations name, created as needed: `corridor_ids`
    completed."""
    for quarter in quarters:
        if quarter.add and corridor_ids.get(quarter.corridor) is None:
            send, receive = quarter.corridor
            lcu = next((p[2] for o in quarter.add for p in o[POINTS] if p[2]), None)
            corridor_ids[quarter.corridor] = reference.ensure_corridor(
                send, receive, lcu or codes.local_currency(send) or "USD",
                codes.local_currency(receive) or "USD").id
    for code in sorted({p[2] for q in quarters for o in q.add for p in o[POINTS] if p[2]}):
        reference.ensure_currency(code)
    return corridor_ids


def _retire(quarters: list[QuarterPlan], run: ImportRun) -> None:
    connection = db.session.connection()
    table = SurveyObservation.__table__
    retired = ({"observation_id": observation_id} for q in quarters for observation_id in q.retire)
    for batch in chunks(retired, WRITE_BATCH):
        connection.execute(update(table).where(table.c.id == bindparam("observation_id"))
                           .values(retired_by_import_id=run.id), batch)


def _add(quarters: list[QuarterPlan], run: ImportRun, corridor_ids: dict, provider_ids: dict[str, int]) -> None:
    """The added observations, then their price points, a batch at a time."""
    connection = db.session.connection()
    added = ((q, o) for q in quarters for o in q.add)
    for batch in chunks(added, WRITE_BATCH):
        ids = db.session.execute(insert(SurveyObservation).returning(SurveyObservation.id, sort_by_parameter_order=True), [
            {"corridor_id": corridor_ids[q.corridor], "provider_id": provider_ids[reference.slugify(o[FIRM])],
             "period": q.period, "import_id": run.id, **dict(zip(OBSERVATION_FIELDS, o))} for q, o in batch
        ]).scalars().all()
        points = [{"observation_id": observation_id, **dict(zip(POINT_FIELDS, point))}
                  for observation_id, (_, o) in zip(ids, batch, strict=True) for point in o[POINTS]]
        connection.execute(SurveyPricePoint.__table__.insert(), points)


def _write_providers(quarters: list[QuarterPlan]) -> dict[str, int]:
    """The providers the added observations name, created as needed. A provider whose kind is not
    stated takes the first kind the file gives for it."""
    firms: dict[str, tuple[str, str | None]] = {}
    for quarter in quarters:
        for observation in quarter.add:
            slug = reference.slugify(observation[FIRM])
            name, kind = firms.get(slug, (observation[FIRM], None))
            firms[slug] = (name, kind or _firm_type(observation[1]))
    ids, types = {}, {}
    for chunk in chunks(sorted(firms)):
        for provider_id, slug, provider_type in db.session.execute(
                select(Provider.id, Provider.slug, Provider.type).where(Provider.slug.in_(chunk))):
            ids[slug], types[slug] = provider_id, provider_type
    new = [(slug, name, kind) for slug, (name, kind) in sorted(firms.items()) if slug not in ids]
    if new:
        created = db.session.execute(insert(Provider).returning(Provider.id, sort_by_parameter_order=True), [
            {"slug": slug, "name": name, "type": kind, "active": True} for slug, name, kind in new]).scalars().all()
        ids.update(zip((slug for slug, _, _ in new), created, strict=True))
    for slug, (_, kind) in sorted(firms.items()):
        if slug in types and types[slug] is None and kind is not None:
            db.session.execute(update(Provider).where(Provider.id == ids[slug]).values(type=kind))
    return ids


def _write_digests(quarters: list[QuarterPlan], corridor_ids: dict) -> None:
    """Each corridor-quarter the file lists (but those recognised), as it is now stored: the digest of
    the file's text for it, with the observations in force."""
    by_corridor: dict[int, dict[str, QuarterPlan]] = {}
    for quarter in quarters:
        corridor_id = corridor_ids.get(quarter.corridor)
        if corridor_id is not None:
            by_corridor.setdefault(corridor_id, {})[quarter.period] = quarter
    for corridor_id, wanted in by_corridor.items():
        stamps = digests.in_force_stamps(SurveyObservation, SurveyObservation.period, SurveyObservation.id, (
            SurveyObservation.corridor_id == corridor_id, SurveyObservation.period.in_(sorted(wanted))))
        digests.replace("rpw", corridor_id, {period: (q.digest, *stamps[period])
                                             for period, q in wanted.items() if period in stamps and q.digest})
