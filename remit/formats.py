"""The contract's fee table file: its columns in order, read by the importer and written by the exports."""
from __future__ import annotations

FEE_TABLE_COLUMNS = (
    "provider", "provider_type", "product",
    "send_country", "receive_country", "send_currency", "receive_currency",
    "funding_method", "payout_method", "speed",
    "min_amount", "max_amount", "fee_fixed", "fee_percent",
    "fx_margin_pct", "effective_from",
    "effective_to", "accepted_ids", "regions", "source", "illustrative",
)
# Columns a fee table may leave out.
FEE_TABLE_OPTIONAL = frozenset({"effective_to", "accepted_ids", "regions", "source", "illustrative"})
