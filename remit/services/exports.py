"""Write the current fee tables in the import format (round-trips losslessly, byte for byte)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import codes
from ..extensions import db
from ..formats import FEE_TABLE_COLUMNS
from ..models import FeeTier, Product
from . import spreadsheets
from .comparison import in_force


def plain(number: Decimal, at_least: int = 0) -> str:
    """A decimal as plain text without exponent or trailing zeros, keeping `at_least` decimals."""
    exponent = number.normalize().as_tuple().exponent
    places = max(at_least, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    return format(number.quantize(Decimal(1).scaleb(-places)), "f")


def tiers_as_of(day) -> list[FeeTier]:
    """The fee tables in force on `day`, as remit knows them now: per product, the tiers of the latest
    import among those in force that day (so a reverted import gives way to what it replaced)."""
    tiers = db.session.execute(
        select(FeeTier).options(joinedload(FeeTier.product).joinedload(Product.provider),
                                joinedload(FeeTier.product).joinedload(Product.corridor))
    ).scalars().all()
    by_product: dict[int, list[FeeTier]] = {}
    for tier in tiers:
        if in_force(tier, day):
            by_product.setdefault(tier.product_id, []).append(tier)
    chosen = []
    for group in by_product.values():
        latest = max(t.import_id for t in group)
        chosen.extend(t for t in group if t.import_id == latest)
    return chosen


def current_fee_rows(as_of=None) -> list[dict[str, str]]:
    if as_of is not None:
        tiers = tiers_as_of(as_of)
    else:
        tiers = db.session.execute(
            select(FeeTier).join(FeeTier.product).join(Product.provider)
            .where(FeeTier.retired_by_import_id.is_(None))
            .options(joinedload(FeeTier.product).joinedload(Product.provider),
                     joinedload(FeeTier.product).joinedload(Product.corridor))
        ).scalars().all()
    rows = []
    for tier in tiers:
        product = tier.product
        minor = codes.minor_unit(product.send_currency)
        rows.append({
            "provider": product.provider.name,
            "provider_type": product.provider.type or "other",
            "product": product.name,
            "send_country": product.corridor.send_country,
            "receive_country": product.corridor.receive_country,
            "send_currency": product.send_currency,
            "receive_currency": product.receive_currency,
            "funding_method": product.funding_method,
            "payout_method": product.payout_method,
            "speed": tier.speed,
            "min_amount": plain(tier.min_amount, minor),
            "max_amount": plain(tier.max_amount, minor),
            "fee_fixed": plain(tier.fee_fixed, minor),
            "fee_percent": plain(tier.fee_percent),
            "fx_margin_pct": plain(tier.fx_margin_pct),
            "effective_from": tier.effective_from.isoformat(),
            "effective_to": tier.effective_to.isoformat() if tier.effective_to else "",
            "accepted_ids": tier.accepted_ids,
            "regions": tier.regions,
            "source": tier.source,
            "illustrative": "yes" if tier.illustrative else "no",
            "_order": (product.provider.name.lower(), product.provider.slug, product.name,
                       product.corridor.send_country, product.corridor.receive_country, product.send_currency,
                       product.receive_currency, product.funding_method, product.payout_method, tier.min_amount),
        })
    rows.sort(key=lambda r: r["_order"])
    for row in rows:
        del row["_order"]
    return rows


def fee_table_csv(as_of=None) -> str:
    """The fee tables as CSV, written by the one formula-safe writer (remit.services.spreadsheets)."""
    return spreadsheets.csv_text(FEE_TABLE_COLUMNS, current_fee_rows(as_of))


def fee_table_xlsx(as_of=None) -> bytes:
    return spreadsheets.xlsx_bytes(FEE_TABLE_COLUMNS, current_fee_rows(as_of), title="fee tables")


__all__ = ["fee_table_csv", "fee_table_xlsx", "current_fee_rows", "plain", "tiers_as_of"]
