"""Observation files: a round of observed prices collected on paper (the contract's observation layout,
CSV or XLSX), imported all or nothing.

As every import: each row is read by its schema (`ObservationRowSchema`, the fields and rules the fee
table file shares), then the rules of an observation itself (`remit.services.observations.check` and
the offered rate's, the same that the /collect form applies) and the corridor it names, which remit
must hold with those currencies. One problem anywhere refuses the whole file: every problem is listed
as `row N, column C: message` and nothing is written.

A clean file is then recorded row by row through `remit.services.observations.record`, as the form
records one: `submitted` (unreviewed) in its round, priced against the reference rate of its day,
flagged by the same checks (a row is compared with the round as stored and with the file's rows before
it), each in the audit log, with one audit event for the file. A provider or service remit does not
hold is named as the file gives it; approving the observation creates it, as for the form.

A row identical, column for column, to an observation already recorded in its round (in any status) is
not recorded again: it is counted unchanged and said to be that observation, so importing the same
file twice changes nothing. A row that differs from one recorded only in what the duplicate check
does not compare (the collector, the notes…) is recorded, and flagged `duplicate` for the reviewer.

A dry run does all of it in the transaction and rolls it back: it prints the very figures and flags an
import would, and writes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from ..domain.errors import RemitError
from ..domain.messages import msg
from ..domain.observations import CHANNELS
from ..domain.vocabulary import FUNDING_METHODS, PAYOUT_METHODS, PROVIDER_TYPES, SPEEDS
from ..extensions import db
from ..formats import OBSERVATION_COLUMNS, OBSERVATION_OPTIONAL
from ..inputs import MAX_AMOUNT, MAX_RATE
from ..models import PriceObservation
from ..services import audit, observations
from .base import Column, ImportReport, RowLoader, RuledSchema, map_header, row_rule, sha256, sha256_of_file, valid_rows
from .fees import FeeRowSchema, places_problem
from .fields import Choice, CountryCode, CurrencyCode, ExactNumber, IdList, IsoDate, RegionList, Text
from .limits import ImportLimits
from .readers import open_table
from .rows import FileRejected, Problem, ProblemLog

KIND = "observations"
COLUMNS = [Column(name, required=name not in OBSERVATION_OPTIONAL) for name in OBSERVATION_COLUMNS]
HEADER = [c.name for c in COLUMNS]


class ObservationRowSchema(RuledSchema):
    observed_on = IsoDate(required=True)
    collector = Text(required=True, max_length=120)
    provider = Text(required=True)
    provider_type = Choice(PROVIDER_TYPES, load_default=None)  # an empty cell: not known
    product = Text(required=True)
    send_country = CountryCode(required=True)
    receive_country = CountryCode(required=True)
    send_currency = CurrencyCode(required=True)
    receive_currency = CurrencyCode(required=True)
    funding_method = Choice(FUNDING_METHODS, required=True)
    payout_method = Choice(PAYOUT_METHODS, required=True)
    send_amount = ExactNumber(required=True, positive=True, maximum=MAX_AMOUNT)
    fee = ExactNumber(required=True, minimum=Decimal(0), maximum=MAX_AMOUNT)
    exchange_rate = ExactNumber(load_default=None, positive=True, maximum=MAX_RATE, places=10)
    receive_amount = ExactNumber(load_default=None, positive=True, maximum=MAX_AMOUNT * MAX_RATE)
    channel = Choice(CHANNELS, required=True)
    speed = Choice(SPEEDS, load_default=None)
    accepted_ids = IdList(load_default="")
    regions = RegionList(load_default="")
    evidence = Text(load_default="", max_length=300)
    notes = Text(load_default="", max_length=2000)

    # The rules a fee table's rows follow too, from their one home; then the amounts' decimals.
    row_rules = ("check_provider", "check_countries", "check_regions", "check_currencies", "check_places")
    check_provider = FeeRowSchema.check_provider
    check_countries = FeeRowSchema.check_countries
    check_regions = FeeRowSchema.check_regions
    check_currencies = FeeRowSchema.check_currencies

    @row_rule("send_amount", "fee", "receive_amount", "send_currency", "receive_currency")
    def check_places(self, data):
        errors: dict[str, list] = {}
        for name, currency in (("send_amount", "send_currency"), ("fee", "send_currency"),
                               ("receive_amount", "receive_currency")):
            problem = data.get(name) is not None and places_problem(data[name], data[currency])
            if problem:
                errors.setdefault(name, []).append(problem)
        return errors


@dataclass
class FileRow:
    """A valid row: where it is in the file and the observation it gives."""

    row: int
    given: observations.ObservationInput


@dataclass
class RowResult:
    """What became of a row: recorded (or, in a dry run, would be) as `observation_id`, with its figures
    and flags, or already recorded as `observation_id` (`unchanged`, in the status `status`)."""

    row: int
    given: observations.ObservationInput
    assessment: observations.Assessment
    unchanged: bool = False
    observation_id: int | None = None
    status: str = "submitted"


@dataclass
class ObservationImport:
    report: ImportReport
    rows: list[RowResult] = field(default_factory=list)


def collect(table, problems: ProblemLog, report: ImportReport) -> list[FileRow]:
    """Every row validated as the file is read: its fields and rules, its corridor (held by remit, with
    those currencies), and the rules of an observation (the form's)."""
    positions, header_problems = map_header(table, COLUMNS)
    if header_problems:
        problems.extend(header_problems)
        return []
    corridors: dict[tuple[str, str], object] = {}
    found = []
    for row, data in valid_rows(table, RowLoader(ObservationRowSchema(), positions), problems):
        corridor = _corridor(row, data, corridors, problems)
        if corridor is None:
            continue
        given = observations.ObservationInput(
            corridor=corridor, observed_on=data["observed_on"], collector=data["collector"],
            provider_name=data["provider"], product_name=data["product"], funding_method=data["funding_method"],
            payout_method=data["payout_method"], send_amount=data["send_amount"], fee=data["fee"],
            channel=data["channel"], exchange_rate=data["exchange_rate"], receive_amount=data["receive_amount"],
            provider_type=data["provider_type"], speed=data["speed"], accepted_ids=data["accepted_ids"],
            regions=data["regions"], notes=data["notes"], evidence_reference=data["evidence"])
        try:
            observations.check(given)
            observations.offered(given)
        except RemitError as exc:
            problems.add(Problem(row, exc.field, exc.message))
            continue
        found.append(FileRow(row, given))
    report.rows = len(found)
    return found


def _corridor(row: int, data: dict, corridors: dict, problems: ProblemLog):
    key = (data["send_country"], data["receive_country"])
    if key not in corridors:
        corridors[key] = observations.corridor_by_code("-".join(key))
    corridor = corridors[key]
    if corridor is None:
        problems.add(Problem(row, "receive_country", msg(
            "observation_no_corridor", "remit holds no corridor %(corridor)s: observations are taken for the "
            "corridors remit compares", corridor="-".join(key))))
        return None
    for name, held in (("send_currency", corridor.send_currency), ("receive_currency", corridor.receive_currency)):
        if data[name] != held:
            problems.add(Problem(row, name, msg(
                "observation_corridor_currency", "the corridor %(corridor)s is in %(held)s, not %(given)s",
                corridor=corridor.code, held=held, given=data[name])))
            return None
    return corridor


def identity(given: observations.ObservationInput) -> tuple:
    """Everything a file's row says: two rows (or a row and a stored observation) that say the same are
    the same observation."""
    return (given.corridor.id, given.observed_on, given.collector.strip(), given.provider_name.strip(),
            given.provider_type, given.product_name.strip(), given.funding_method, given.payout_method, given.speed,
            given.send_amount, given.fee, given.exchange_rate, given.receive_amount, given.channel,
            given.accepted_ids, given.regions, given.evidence_reference, given.notes)


def _recorded(rows: list[FileRow]) -> dict[tuple, list[PriceObservation]]:
    """The observations already recorded in the rounds the file names, by what they say."""
    found: dict[tuple, list[PriceObservation]] = {}
    rounds = {(r.given.corridor.id, f"{r.given.observed_on:%Y-%m}") for r in rows}
    for corridor_id, month in sorted(rounds):
        for stored in db.session.execute(select(PriceObservation).where(
                PriceObservation.corridor_id == corridor_id, PriceObservation.month == month)
                .order_by(PriceObservation.id)).scalars():
            found.setdefault(identity(observations.input_of(stored)), []).append(stored)
    return found


def record(rows: list[FileRow], report: ImportReport, *, actor: str, max_age_days: int) -> list[RowResult]:
    """Record the file's rows in the caller's transaction, in the file's order: a row is assessed against
    its round as stored and the rows before it."""
    recorded = _recorded(rows)
    results = []
    for file_row in rows:
        same = recorded.get(identity(file_row.given))
        if same:
            stored = same.pop(0)
            report.unchanged += 1
            results.append(RowResult(file_row.row, file_row.given, observations.assess_row(stored, max_age_days),
                                     unchanged=True, observation_id=stored.id, status=stored.status))
            continue
        stored, assessment = observations.record(file_row.given, actor=actor, max_age_days=max_age_days)
        report.added += 1
        results.append(RowResult(file_row.row, file_row.given, assessment, observation_id=stored.id))
    return results


def run(data: bytes | Path, filename: str, *, actor: str, max_age_days: int, dry_run: bool = False,
        limits: ImportLimits | None = None) -> ObservationImport:
    """Validate the whole file; if it is clean, record its rows and commit (a dry run rolls back). The
    caller's session must hold no pending work."""
    from . import _serialize_imports

    limits = limits or ImportLimits()
    digest = sha256(data) if isinstance(data, (bytes, bytearray, memoryview)) else sha256_of_file(data)
    result = ObservationImport(ImportReport(kind=KIND, filename=filename, sha256=digest, dry_run=dry_run,
                                            preview_limit=limits.max_preview))
    report = result.report
    problems = ProblemLog(limits.max_problems)
    rows: list[FileRow] = []
    try:
        with open_table(data, filename, limits, problems) as table:
            rows = collect(table, problems, report)
    except FileRejected as rejected:
        problems.extend(rejected.problems)
    report.problems, report.more_problems = problems.items, problems.more
    if problems:
        db.session.rollback()
        return result
    try:
        _serialize_imports()
        result.rows = record(rows, report, actor=actor, max_age_days=max_age_days)
        if dry_run or not report.added:
            db.session.rollback()
            if dry_run:
                for row in result.rows:
                    if not row.unchanged:
                        row.observation_id = None  # rolled back: it names nothing
            return result
        audit.record("observations imported", filename, {
            "sha256": report.sha256, "rows": report.rows, "recorded": report.added, "unchanged": report.unchanged,
            "observations": [r.observation_id for r in result.rows if not r.unchanged]}, actor=actor)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return result


__all__ = ["COLUMNS", "HEADER", "ObservationImport", "ObservationRowSchema", "RowResult", "run"]

