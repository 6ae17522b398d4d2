"""Order quotes by what they cost the sender, and filter services by what the sender needs."""
from __future__ import annotations

from dataclasses import dataclass

from .pricing import Quote, Service
from .vocabulary import speed_rank


def rank_key(q: Quote) -> tuple:
    """Three tiers, then total cost: services that disclose their rate and price at or under the
    mid-market rate; then those whose rate beat the mid-market rate when priced (negative margin: a
    promotion or data out of step, which a person should not be told is the cheapest way); then those
    that do not disclose their rate (their cost shown is the fee alone). Within a tier, by cost (the fee
    charged and the FX cost before it is rounded for showing: the totals shown are in the same order,
    and two that show alike are told apart). Ties go to the faster, then by name and key, so that the
    order is total and the same on every run.

    Within a tier, an illustrative fee table comes after the services priced from data (an observed
    price, a survey, a provider's own table), whatever it costs: an example never leads a price observed."""
    tier = 2 if not q.transparent else (1 if q.negative_margin else 0)
    return (tier, q.service.illustrative, q.cost, speed_rank(q.service.speed), q.service.sort_name, q.service.key)


def rank(quotes) -> list[Quote]:
    return sorted(quotes, key=rank_key)


# The filters a service can fail only when it recorded the value: a survey that did not record how
# a service pays out keeps it under a payout filter, labelled "not recorded".
RECORDED_FILTERS = ("payout_method", "funding_method", "max_speed", "provider_type")


@dataclass(frozen=True)
class Filters:
    payout_method: str | None = None
    funding_method: str | None = None
    max_speed: str | None = None
    provider_type: str | None = None
    region: str | None = None  # ISO 3166-2: services that pay out there (no list = the whole country)
    id_held: str | None = None  # services that accept it (no list = not stated, kept)
    transparent_only: bool = False

    @property
    def active(self) -> dict[str, object]:
        """The filters set, by name."""
        return {name: value for name, value in self.__dict__.items() if value}

    def matches(self, service: Service) -> bool:
        """False only when the service is known not to meet a filter; a value not recorded passes."""
        if self.payout_method and service.payout_method not in (None, self.payout_method):
            return False
        if self.funding_method and service.funding_method not in (None, self.funding_method):
            return False
        if self.max_speed and service.speed is not None and speed_rank(service.speed) > speed_rank(self.max_speed):
            return False
        if self.provider_type and service.provider_type not in (None, self.provider_type):
            return False
        if self.region and service.regions and self.region not in service.regions:
            return False
        if self.id_held and service.accepted_ids and self.id_held not in service.accepted_ids:
            return False
        if self.transparent_only and not service.transparent:
            return False
        return True

    def unrecorded(self, service: Service) -> tuple[str, ...]:
        """The filters set that the service passes only because it did not record the value."""
        values = {"payout_method": service.payout_method, "funding_method": service.funding_method,
                  "max_speed": service.speed, "provider_type": service.provider_type}
        return tuple(name for name in RECORDED_FILTERS if getattr(self, name) and values[name] is None)
