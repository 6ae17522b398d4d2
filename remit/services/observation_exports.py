"""A round of observed prices exported, so that another centre can import it or RPW's tools read it.

Only what is published is exported: the round's approved observations that no approved observation
supersedes (a correction, of any month, replaces the one it names). Submitted and rejected ones never
leave. Two layouts:

- the observation layout (the contract's observation file, `remit.formats.OBSERVATION_COLUMNS`), which
  `remit import observations` reads back: every column as recorded, amounts and rates as plain
  decimals, the rate or the amount received as the collector noted it (both when both were noted);
  `evidence` is the reference given with the observation, or, for a file this remit keeps (shown to its
  staff only, never exported), `<organisation>, observation <id>`;
- RPW's flattened quote layout (`remit.importers.rpw.QUOTE_COLUMNS`), which `remit import rpw` reads:
  one price point per observation, its quarter, the corridor, the provider, RPW's instrument for the
  funding method and the service's name as its access point; RPW gives amounts in US dollars, so the
  amount sent is converted at the reference rate to USD of the observation's day (or the nearest
  earlier within REMIT_RATE_MAX_AGE_DAYS), half up to the cent, and the fee %, FX margin % and total
  cost % are the observation's own, to RPW's six decimals. An observation without a reference rate of
  its day (for its margin), or without one to USD, cannot be written so: it is left out, and named.

Both are written by remit.services.spreadsheets, the one formula-safe writer, as CSV (machine-readable:
`,`, a point, no byte-order mark) or XLSX (every cell text): no cell can run as a formula.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from .. import codes
from ..domain.caveats import quarter_of
from ..domain.money import HUNDRED, round_money
from ..domain.vocabulary import RPW_INSTRUMENTS
from ..formats import OBSERVATION_COLUMNS
from ..models import Corridor, PriceObservation
from . import observations, spreadsheets
from .exports import plain
from .snapshot import reads

LAYOUTS = ("observations", "rpw")
FORMATS = ("csv", "xlsx")
RPW_COLUMNS = ("period", "source_code", "source_name", "destination_code", "destination_name", "provider",
               "instrument", "access_point", "amount_usd", "fee_pct", "fx_margin_pct", "total_cost_pct", "cost_usd",
               "transparent")
PERCENT_PLACES = 6  # as RPW's files and remit's percentages keep them


def published_rows(corridor: Corridor, month: str) -> list[PriceObservation]:
    """The round's approved observations that no approved observation supersedes, by date and id."""
    rows = reads().execute(select(PriceObservation).where(
        PriceObservation.corridor_id == corridor.id, PriceObservation.month == month,
        PriceObservation.status == "approved").order_by(PriceObservation.observed_on, PriceObservation.id)
    ).scalars().all()
    ids = [r.id for r in rows]
    replaced = set(reads().execute(select(PriceObservation.supersedes_id).where(
        PriceObservation.status == "approved", PriceObservation.supersedes_id.in_(ids))).scalars()) if ids else set()
    return [r for r in rows if r.id not in replaced]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


def observation_row(row: PriceObservation, organisation: str) -> dict[str, str]:
    """The observation as the observation file has it: amounts with their currency's decimals."""
    corridor = row.corridor
    send_unit, receive_unit = codes.minor_unit(row.send_currency), codes.minor_unit(row.receive_currency)
    evidence = row.evidence_reference or (f"{organisation}, observation {row.id}" if row.evidence_file else "")
    values = {
        "observed_on": row.observed_on.isoformat(), "collector": row.collector, "provider": row.provider_name,
        "provider_type": row.provider_type, "product": row.product_name, "send_country": corridor.send_country,
        "receive_country": corridor.receive_country, "send_currency": row.send_currency,
        "receive_currency": row.receive_currency, "funding_method": row.funding_method,
        "payout_method": row.payout_method, "send_amount": plain(row.send_amount, send_unit),
        "fee": plain(row.fee, send_unit), "exchange_rate": row.exchange_rate,
        "receive_amount": None if row.receive_amount is None else plain(row.receive_amount, receive_unit),
        "channel": row.channel,
        "speed": row.speed, "accepted_ids": row.accepted_ids, "regions": row.regions, "evidence": evidence,
        "notes": row.notes,
    }
    return {name: _text(values[name]) for name in OBSERVATION_COLUMNS}


def _pct(value: Decimal) -> str:
    return plain(round_money(value, PERCENT_PLACES))


def rpw_row(row: PriceObservation, max_age_days: int) -> dict[str, str] | None:
    """The observation as RPW's flattened quote layout writes a price point; None when it cannot be
    (no reference rate of its day, or none to USD)."""
    fig = observations.assess_row(row, max_age_days).figures
    if fig.waiting_for_rate:
        return None
    to_usd = observations.reference(row.send_currency, "USD", row.observed_on, max_age_days)
    if to_usd is None:
        return None
    amount_usd = round_money(row.send_amount * to_usd.rate, 2)
    total_pct = fig.total_cost / row.send_amount * HUNDRED
    corridor = row.corridor
    return {
        "period": quarter_of(row.observed_on), "source_code": corridor.send_country,
        "source_name": codes.country_record(corridor.send_country).name,
        "destination_code": corridor.receive_country,
        "destination_name": codes.country_record(corridor.receive_country).name,
        "provider": row.provider_name, "instrument": RPW_INSTRUMENTS[row.funding_method],
        "access_point": row.product_name, "amount_usd": plain(amount_usd, 2),
        "fee_pct": _pct(row.fee / row.send_amount * HUNDRED), "fx_margin_pct": _pct(fig.fx_margin_pct),
        "total_cost_pct": _pct(total_pct), "cost_usd": plain(round_money(amount_usd * total_pct / HUNDRED, 2), 2),
        "transparent": "yes",
    }


@dataclass
class RoundExport:
    """A round's file: its content, its name, how many observations it holds and those left out."""

    content: bytes
    filename: str
    media_type: str
    exported: int
    left_out: list[int] = field(default_factory=list)


def export(corridor: Corridor, month: str, layout: str, file_format: str, *, organisation: str,
           max_age_days: int) -> RoundExport:
    rows = published_rows(corridor, month)
    left_out = []
    if layout == "observations":
        header, records = OBSERVATION_COLUMNS, [observation_row(r, organisation) for r in rows]
    else:
        header, records = RPW_COLUMNS, []
        for row in rows:
            written = rpw_row(row, max_age_days)
            if written is None:
                left_out.append(row.id)
            else:
                records.append(written)
    name = f"{corridor.code}_{month}_{layout}.{file_format}"
    if file_format == "xlsx":
        content = spreadsheets.xlsx_bytes(header, records, title=f"{corridor.code} {month}")
        media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = spreadsheets.csv_text(header, records).encode("utf-8")
        media_type = "text/csv"
    return RoundExport(content, name, media_type, len(records), left_out)
