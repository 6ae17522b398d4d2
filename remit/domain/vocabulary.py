"""The vocabularies every input is checked against, in one place.

Files, forms, the API and the survey data all name kinds of providers, ways to pay in and to be paid
out, speeds and identity documents with these codes; pages show them translated (remit.i18n.LABELS).
"""
from __future__ import annotations

PROVIDER_TYPES = ("bank", "mto", "post", "mobile", "credit_union", "other")
FUNDING_METHODS = ("cash", "bank_account", "debit_card", "credit_card", "online", "mobile_wallet")
PAYOUT_METHODS = ("cash_pickup", "bank_account", "mobile_wallet", "home_delivery")
# Fastest first: a filter "at most X" keeps X and everything before it.
SPEEDS = ("under_1h", "same_day", "next_day", "2_days", "3_5_days", "6_days_plus")
ID_TYPES = ("passport", "consular_id", "national_id", "permanent_resident_card", "work_permit",
            "drivers_licence")
ALLOCATIONS = ("pro_rata", "equal")
# The season ledger: how a member handed over their money, where a family's payout stands, and how the
# payout was confirmed.
CONTRIBUTION_METHODS = ("cash", "bank_transfer", "e_transfer", "cheque", "payroll", "other")
PAYOUT_STATUSES = ("pending", "paid", "returned")
CONFIRMATIONS = ("signed_receipt", "bank_statement", "phone", "in_person", "message", "other")


def speed_rank(speed: str | None) -> int:
    """0 for the fastest; a speed that was not recorded ranks after every known one."""
    return SPEEDS.index(speed) if speed in SPEEDS else len(SPEEDS)


# How the World Bank's survey writes these, read into the codes above. A text not listed here was not
# recorded in a form remit understands: the service keeps None ("not recorded").
RPW_SPEEDS = {
    "less than one hour": "under_1h", "less than 1 hour": "under_1h", "same day": "same_day",
    "next day": "next_day", "2 days": "2_days", "3-5 days": "3_5_days", "6 days or more": "6_days_plus",
    "more than 5 days": "6_days_plus",
}
RPW_FUNDING = {
    "cash": "cash", "cash to cash": "cash", "bank account transfer": "bank_account",
    "account to account (same bank)": "bank_account", "account to account (other bank)": "bank_account",
    "account to account": "bank_account", "debit card": "debit_card", "credit card": "credit_card",
    "online": "online", "mobile": "mobile_wallet", "mobile wallet": "mobile_wallet",
}
RPW_PAYOUT = {
    "cash": "cash_pickup", "bank account": "bank_account", "own/partner bank account": "bank_account",
    "mobile wallet": "mobile_wallet", "home delivery": "home_delivery",
}
# A funding method in the words of RPW's `instrument`, as a round exported in RPW's layout writes it
# (read back as the same method by `rpw_funding`).
RPW_INSTRUMENTS = {
    "cash": "Cash", "bank_account": "Bank account transfer", "debit_card": "Debit card",
    "credit_card": "Credit card", "online": "Online", "mobile_wallet": "Mobile wallet",
}
RPW_FIRM_TYPES = {"bank": "bank", "money transfer operator": "mto", "post office": "post",
                  "mobile operator": "mobile"}


def _key(text: str | None) -> str:
    return (text or "").strip().lower()


def rpw_speed(text: str | None) -> str | None:
    return RPW_SPEEDS.get(_key(text))


def rpw_funding(instrument: str | None) -> str | None:
    return RPW_FUNDING.get(_key(instrument))


def rpw_payout(pickup_method: str | None, instrument: str | None = None) -> str | None:
    payout = RPW_PAYOUT.get(_key(pickup_method))
    if payout is None and _key(instrument) == "cash to cash":
        return "cash_pickup"
    return payout


def rpw_firm_type(text: str | None) -> str | None:
    return RPW_FIRM_TYPES.get(_key(text))
