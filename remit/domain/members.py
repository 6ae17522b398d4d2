"""A member of a group transfer as the coordinator's list gives them (a form's rows, a pasted list, an
uploaded file, an API request): read by remit.importers.members and the API, planned by
remit.services.bundles. Below both, so that each imports it directly."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(slots=True)
class MemberInput:
    """One member as the request gives them. Never changed once made; not declared frozen, which is
    slower to make (a request may hold a thousand), as domain.bundling.Member."""

    ref: str
    amount: Decimal
    payout_method: str | None = None
    product: str | None = None  # the service used today: a product id, or its name as the results page gives it
    language: str | None = None  # for the member's slip
    extra: tuple[tuple[str, str], ...] = ()  # further columns carried through to the payout list
    row: int | None = None  # where the coordinator's list has it, for messages
