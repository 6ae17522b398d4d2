"""Order quotes by what they cost the sender, and filter services by what the sender needs."""
from __future__ import annotations

from dataclasses import dataclass

from .pricing import Quote, Service
from .vocabulary import speed_rank


def rank_key(q: Quote) -> tuple:
    """Transparent services first; then total cost; ties go to the faster, then by name and key so
    that the order is total and the same on every run."""
    return (not q.transparent, q.total_cost, speed_rank(q.service.speed), q.service.sort_name, q.service.key)


def rank(quotes) -> list[Quote]:
    return sorted(quotes, key=rank_key)


@dataclass(frozen=True)
class Filters:
    payout_method: str | None = None
    funding_method: str | None = None
    max_speed: str | None = None
    provider_type: str | None = None
    region: str | None = None  # ISO 3166-2: services that pay out there (no list = the whole country)
    id_held: str | None = None  # services that accept it (no list = not stated, kept)
    transparent_only: bool = False

    def matches(self, service: Service) -> bool:
        if self.payout_method and service.payout_method != self.payout_method:
            return False
        if self.funding_method and service.funding_method != self.funding_method:
            return False
        if self.max_speed and (service.speed is None or speed_rank(service.speed) > speed_rank(self.max_speed)):
            return False
        if self.provider_type and service.provider_type != self.provider_type:
            return False
        if self.region and service.regions and self.region not in service.regions:
            return False
        if self.id_held and service.accepted_ids and self.id_held not in service.accepted_ids:
            return False
        if self.transparent_only and not service.transparent:
            return False
        return True
