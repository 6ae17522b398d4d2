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

# The contract's observation file (observed prices): its columns in order, read by `remit import
# observations` and written by a round's export in the observation layout.
OBSERVATION_COLUMNS = (
    "observed_on", "collector", "provider", "provider_type", "product",
    "send_country", "receive_country", "send_currency", "receive_currency",
    "funding_method", "payout_method", "send_amount", "fee", "exchange_rate", "receive_amount",
    "channel", "speed", "accepted_ids", "regions", "evidence", "notes",
)
# Columns an observation file may leave out (a row gives `exchange_rate` or `receive_amount`, or both).
OBSERVATION_OPTIONAL = frozenset({"exchange_rate", "receive_amount", "speed", "accepted_ids", "regions", "evidence",
                                  "notes"})
