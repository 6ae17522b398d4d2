"""Observed prices as staff record and review them: an observation checked against its round and the
reference rate of its day (remit.domain.observations holds the rules), stored `submitted`, approved or
rejected by an administrator with a reason, every step in the audit log. A published observation is
never edited: a new one supersedes it.

Reads go through `snapshot.reads()`: quotes price published observations inside a snapshot, and a read
on the request's own connection there waited on an import's commit that waited on the snapshot
(SQLite: "database is locked").
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from .. import codes
from ..domain import observations as rules
from ..domain.errors import NotFound, RemitError
from ..domain.messages import msg
from ..domain.vocabulary import FUNDING_METHODS, PAYOUT_METHODS, PROVIDER_TYPES, SPEEDS
from ..extensions import db
from ..models import Corridor, FeeTier, PriceObservation, Product, Provider
from . import audit
from .rates import RateBook
from .snapshot import reads
from .reference import ensure_provider, slugify


@dataclass
class ObservationInput:
    """An observation as a form, a file row or the API gives it, its amounts already read as Decimals."""

    corridor: Corridor
    observed_on: dt.date
    collector: str
    provider_name: str
    product_name: str
    funding_method: str
    payout_method: str
    send_amount: Decimal
    fee: Decimal
    channel: str
    exchange_rate: Decimal | None = None
    receive_amount: Decimal | None = None
    provider_type: str | None = None
    speed: str | None = None
    accepted_ids: str = ""
    regions: str = ""
    notes: str = ""
    evidence_reference: str = ""
    supersedes_id: int | None = None


@dataclass
class Assessment:
    """An observation's figures and flags, and its round."""

    round: str
    figures: rules.Figures
    flags: list[rules.Flag] = field(default_factory=list)


def corridors() -> list[Corridor]:
    return reads().execute(select(Corridor).order_by(Corridor.send_country, Corridor.receive_country)
                              ).scalars().all()


def corridor_by_code(code: str) -> Corridor | None:
    send, _, receive = (code or "").partition("-")
    return reads().execute(select(Corridor).where(Corridor.send_country == send,
                                                     Corridor.receive_country == receive)).scalar_one_or_none()


def provider_names() -> list[str]:
    return reads().execute(select(Provider.name).order_by(func.lower(Provider.name))).scalars().all()


def reference(send_currency: str, receive_currency: str, day: dt.date, max_age_days: int) -> rules.Reference | None:
    """The reference rate the observation of `day` is priced against, or None: it waits for a rate."""
    known = RateBook.load(day).get(send_currency, receive_currency)
    found = None if known is None else rules.Reference(known.rate, known.as_of, str(known.source))
    return rules.reference_for(day, found, max_age_days)


def check(given: ObservationInput) -> None:
    """Refuse what the vocabularies do not hold, naming the field."""
    for name, value, allowed in (("funding_method", given.funding_method, FUNDING_METHODS),
                                 ("payout_method", given.payout_method, PAYOUT_METHODS),
                                 ("channel", given.channel, rules.CHANNELS)):
        if value not in allowed:
            raise RemitError(msg("observation_bad_choice", "Choose one of: %(allowed)s.", allowed=list(allowed)),
                             field=name)
    if given.provider_type is not None and given.provider_type not in PROVIDER_TYPES:
        raise RemitError(msg("observation_bad_choice", "Choose one of: %(allowed)s.", allowed=list(PROVIDER_TYPES)),
                         field="provider_type")
    if given.speed is not None and given.speed not in SPEEDS:
        raise RemitError(msg("observation_bad_choice", "Choose one of: %(allowed)s.", allowed=list(SPEEDS)),
                         field="speed")
    if given.send_amount <= 0:
        raise RemitError(msg("observation_amount_zero", "The amount sent must be more than zero."), field="send_amount")
    if given.observed_on > dt.date.today():
        raise RemitError(msg("observation_in_future", "The date cannot be after today."), field="observed_on")


def offered(given: ObservationInput) -> Decimal:
    try:
        return rules.offered_rate(given.send_amount, given.exchange_rate, given.receive_amount,
                                  codes.minor_unit(given.corridor.receive_currency))
    except ValueError as exc:
        raise RemitError(exc.args[0], field="exchange_rate") from None


def assess(given: ObservationInput, *, own_id: int | None = None, max_age_days: int) -> Assessment:
    """The figures and flags of an observation, recorded (`own_id`) or not yet."""
    corridor = given.corridor
    rate = offered(given)
    fig = rules.figures(given.send_amount, given.fee, rate,
                        reference(corridor.send_currency, corridor.receive_currency, given.observed_on, max_age_days),
                        codes.minor_unit(corridor.send_currency), codes.minor_unit(corridor.receive_currency))
    sighting = _sighting(own_id, given.provider_name, given.product_name, given.funding_method, given.payout_method,
                         given.observed_on, given.send_amount, given.fee, rate)
    others = [_sighting_of(o) for o in _in_play(corridor.id, f"{given.observed_on:%Y-%m}")
              if o.id != given.supersedes_id]
    flags = rules.checks(fig, sighting, others, _limits(given), currency=corridor.send_currency,
                         send_minor_unit=codes.minor_unit(corridor.send_currency), max_age_days=max_age_days)
    return Assessment(rules.round_of(corridor.code, given.observed_on), fig, flags)


def assess_row(row: PriceObservation, max_age_days: int) -> Assessment:
    return assess(input_of(row), own_id=row.id, max_age_days=max_age_days)


def input_of(row: PriceObservation) -> ObservationInput:
    return ObservationInput(
        corridor=row.corridor, observed_on=row.observed_on, collector=row.collector, provider_name=row.provider_name,
        product_name=row.product_name, funding_method=row.funding_method, payout_method=row.payout_method,
        send_amount=row.send_amount, fee=row.fee, channel=row.channel, exchange_rate=row.exchange_rate,
        receive_amount=row.receive_amount, provider_type=row.provider_type, speed=row.speed,
        accepted_ids=row.accepted_ids, regions=row.regions, notes=row.notes,
        evidence_reference=row.evidence_reference, supersedes_id=row.supersedes_id)


def _sighting(own_id, provider, product, funding, payout, day, amount, fee, rate) -> rules.Sighting:
    return rules.Sighting(own_id, provider.strip(), product.strip(), funding, payout, day, amount, fee, rate)


def _sighting_of(row: PriceObservation) -> rules.Sighting:
    rate = rules.offered_rate(row.send_amount, row.exchange_rate, row.receive_amount,
                              codes.minor_unit(row.receive_currency))
    return _sighting(row.id, row.provider_name, row.product_name, row.funding_method, row.payout_method,
                     row.observed_on, row.send_amount, row.fee, rate)


def _in_play(corridor_id: int, month: str) -> list[PriceObservation]:
    """The round's observations that are not rejected nor superseded by another in play."""
    rows = reads().execute(select(PriceObservation).where(
        PriceObservation.corridor_id == corridor_id, PriceObservation.month == month,
        PriceObservation.status != "rejected").order_by(PriceObservation.id)).scalars().all()
    superseded = {r.supersedes_id for r in rows if r.supersedes_id is not None}
    return [r for r in rows if r.id not in superseded]


def published(corridor_id: int, on: dt.date) -> list[PriceObservation]:
    """The corridor's published observations on `on`: of each service, the latest approved one observed on
    or before that day that no approved observation supersedes. Submitted and rejected ones never are."""
    rows = reads().execute(select(PriceObservation).where(
        PriceObservation.corridor_id == corridor_id, PriceObservation.status == "approved",
        PriceObservation.product_id.is_not(None), PriceObservation.observed_on <= on)
        .order_by(PriceObservation.observed_on, PriceObservation.id)).scalars().all()
    superseded = {r.supersedes_id for r in rows if r.supersedes_id is not None}
    latest: dict[int, PriceObservation] = {}
    for row in rows:
        if row.id not in superseded:
            latest[row.product_id] = row  # in date order: the last is the latest
    return sorted(latest.values(), key=lambda r: r.id)


def _product(given: ObservationInput) -> Product | None:
    """The existing product the observation names: the provider (by its slug), the product's name (case
    blind), the corridor, the currencies and the funding and payout method."""
    provider = reads().execute(select(Provider).where(Provider.slug == slugify(given.provider_name))).scalar()
    if provider is None:
        return None
    corridor = given.corridor
    for product in reads().execute(select(Product).where(
            Product.provider_id == provider.id, Product.corridor_id == corridor.id,
            Product.send_currency == corridor.send_currency, Product.receive_currency == corridor.receive_currency,
            Product.funding_method == given.funding_method, Product.payout_method == given.payout_method)).scalars():
        if product.name.casefold() == given.product_name.strip().casefold():
            return product
    return None


def _limits(given: ObservationInput) -> rules.Limits | None:
    """The amounts the named service takes, by its fee table in force; None when remit has none."""
    product = _product(given)
    if product is None:
        return None
    tiers = reads().execute(select(FeeTier).where(FeeTier.product_id == product.id,
                                                     FeeTier.retired_by_import_id.is_(None))).scalars().all()
    if not tiers:
        return None
    return rules.Limits(min(t.min_amount for t in tiers), max(t.max_amount for t in tiers))


def record(given: ObservationInput, *, actor: str, max_age_days: int, evidence_file: str | None = None,
           evidence_type: str | None = None) -> tuple[PriceObservation, Assessment]:
    """Store the observation `submitted` (the caller commits), with its evidence file's name when one was
    stored, and say so in the audit log with its figures and flags."""
    check(given)
    if given.supersedes_id is not None:
        _superseded(given)
    assessment = assess(given, max_age_days=max_age_days)
    product = _product(given)
    corridor = given.corridor
    row = PriceObservation(
        corridor_id=corridor.id, month=f"{given.observed_on:%Y-%m}", observed_on=given.observed_on,
        collector=given.collector.strip(), provider_name=given.provider_name.strip(),
        provider_type=given.provider_type, product_name=given.product_name.strip(),
        provider_id=product.provider_id if product else None, product_id=product.id if product else None,
        send_currency=corridor.send_currency, receive_currency=corridor.receive_currency,
        funding_method=given.funding_method, payout_method=given.payout_method, speed=given.speed,
        send_amount=given.send_amount, fee=given.fee, exchange_rate=given.exchange_rate,
        receive_amount=given.receive_amount, channel=given.channel, accepted_ids=given.accepted_ids,
        regions=given.regions, notes=given.notes, evidence_file=evidence_file, evidence_type=evidence_type,
        evidence_reference=given.evidence_reference, status="submitted", supersedes_id=given.supersedes_id,
        recorded_by=actor)
    db.session.add(row)
    db.session.flush()
    audit.record("observation recorded", f"observation {row.id}", {
        "round": assessment.round, "provider": row.provider_name, "product": row.product_name,
        "flags": [f.code for f in assessment.flags], "supersedes": row.supersedes_id}, actor=actor)
    return row, assessment


def _superseded(given: ObservationInput) -> PriceObservation:
    old = db.session.get(PriceObservation, given.supersedes_id)
    if old is None or old.status != "approved":
        raise RemitError(msg("observation_supersedes_unpublished", "Only a published observation is corrected by a "
                                                                  "new one."), field="supersedes_id")
    if old.corridor_id != given.corridor.id:
        raise RemitError(msg("observation_supersedes_other_corridor", "A correction is of the same corridor as the "
                                                                     "observation it corrects."), field="corridor")
    return old


def get(observation_id: int) -> PriceObservation:
    row = db.session.get(PriceObservation, observation_id)
    if row is None:
        raise NotFound(msg("observation_not_found", "There is no observation %(id)s.", id=observation_id))
    return row


@dataclass(frozen=True)
class RoundSummary:
    corridor: str
    month: str
    submitted: int
    approved: int
    rejected: int

    @property
    def name(self) -> str:
        return f"{self.corridor}:{self.month}"


def rounds() -> list[RoundSummary]:
    """Every round held, newest month first, with how many observations each holds in each status."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for corridor_id, month, status, n in reads().execute(select(
            PriceObservation.corridor_id, PriceObservation.month, PriceObservation.status, func.count())
            .group_by(PriceObservation.corridor_id, PriceObservation.month, PriceObservation.status)):
        corridor = reads().get(Corridor, corridor_id)
        counts.setdefault((corridor.code, month), {})[status] = n
    return [RoundSummary(code, month, c.get("submitted", 0), c.get("approved", 0), c.get("rejected", 0))
            for (code, month), c in sorted(counts.items(), key=lambda item: (item[0][1], item[0][0]), reverse=True)]


def all_rows(corridor: Corridor | None = None, month: str | None = None,
             status: str | None = None) -> list[PriceObservation]:
    """Observations in the order they were recorded: of a round (a corridor and month), in a status."""
    query = select(PriceObservation).order_by(PriceObservation.id)
    if corridor is not None:
        query = query.where(PriceObservation.corridor_id == corridor.id, PriceObservation.month == month)
    if status is not None:
        query = query.where(PriceObservation.status == status)
    return reads().execute(query).scalars().all()


def round_rows(corridor: Corridor, month: str) -> list[PriceObservation]:
    return reads().execute(select(PriceObservation).where(
        PriceObservation.corridor_id == corridor.id, PriceObservation.month == month)
        .order_by(PriceObservation.observed_on, PriceObservation.id)).scalars().all()


def review(row: PriceObservation, decision: str, reason: str, *, actor: str) -> None:
    """Approve or reject a submitted observation with the reason (the caller commits). Approving one that
    names a provider or service remit does not hold yet creates them."""
    if row.status != "submitted":
        raise RemitError(msg("observation_already_reviewed", "Observation %(id)s is already reviewed.", id=row.id),
                         field="decision")
    reason = reason.strip()
    if decision == "reject" and not reason:
        raise RemitError(msg("observation_reason_needed", "Say why the observation is rejected."), field="reason")
    if decision not in ("approve", "reject"):
        raise RemitError(msg("observation_bad_decision", "Approve or reject."), field="decision")
    row.status = "approved" if decision == "approve" else "rejected"
    row.review_reason = reason
    row.reviewed_by = actor
    row.reviewed_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    if row.status == "approved" and row.product_id is None:
        _create_service(row)
    audit.record(f"observation {row.status}", f"observation {row.id}",
                 {"round": row.round, "reason": reason, "supersedes": row.supersedes_id}, actor=actor)


def _create_service(row: PriceObservation) -> None:
    provider, _ = ensure_provider(row.provider_name, row.provider_type)
    product = _product(input_of(row))
    if product is None:
        product = Product(provider_id=provider.id, corridor_id=row.corridor_id, name=row.product_name,
                          send_currency=row.send_currency, receive_currency=row.receive_currency,
                          funding_method=row.funding_method, payout_method=row.payout_method)
        db.session.add(product)
        db.session.flush()
    row.provider_id, row.product_id = provider.id, product.id


def published_rows(corridor: Corridor | None = None, month: str | None = None) -> list[PriceObservation]:
    """Every published observation (approved, and corrected by no approved one), newest first: of one
    corridor, or of one round (a corridor and month). Submitted and rejected ones never are."""
    superseded = select(PriceObservation.supersedes_id).where(
        PriceObservation.status == "approved", PriceObservation.supersedes_id.is_not(None))
    query = select(PriceObservation).where(PriceObservation.status == "approved",
                                           PriceObservation.id.not_in(superseded))
    if corridor is not None:
        query = query.where(PriceObservation.corridor_id == corridor.id)
    if month is not None:
        query = query.where(PriceObservation.month == month)
    return reads().execute(query.order_by(PriceObservation.observed_on.desc(), PriceObservation.id.desc())
                           ).scalars().all()


def is_superseded(row: PriceObservation) -> bool:
    """An approved observation corrects it."""
    return reads().execute(select(func.count()).select_from(PriceObservation).where(
        PriceObservation.supersedes_id == row.id, PriceObservation.status == "approved")).scalar_one() > 0


def figures_of(row: PriceObservation, max_age_days: int) -> rules.Figures:
    """An observation's cost against the reference rate of its day (no flags: nothing else is read)."""
    rate = rules.offered_rate(row.send_amount, row.exchange_rate, row.receive_amount,
                              codes.minor_unit(row.receive_currency))
    return rules.figures(row.send_amount, row.fee, rate,
                         reference(row.send_currency, row.receive_currency, row.observed_on, max_age_days),
                         codes.minor_unit(row.send_currency), codes.minor_unit(row.receive_currency))
