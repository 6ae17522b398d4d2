"""The ORM models, one module per aggregate."""
from .access import ApiKey, ApiKeyGroup
from .accounts import AuditEvent, BundleGroup, LoginFailure, PendingUpload, User
from .catalog import Corridor, Product, Provider
from .fees import FeeTier
from .imports import ContentDigest, ImportJob, ImportRun
from .observations import PriceObservation
from .ledger import LedgerContribution, LedgerCycle, LedgerMember, LedgerPayout, LedgerWire
from .rates import ReferenceRate
from .reference import Country, Currency, Region
from .survey import PublishedAverage, SurveyObservation, SurveyPricePoint

__all__ = [
    "ApiKey", "ApiKeyGroup", "AuditEvent", "ContentDigest", "ImportJob", "BundleGroup", "LoginFailure", "PendingUpload", "User", "Corridor",
    "Country", "Currency", "FeeTier", "ImportRun", "Product", "Provider",
    "PublishedAverage", "ReferenceRate", "Region", "SurveyObservation", "SurveyPricePoint", "LedgerContribution",
    "LedgerCycle", "LedgerMember", "LedgerPayout", "LedgerWire", "PriceObservation",
]
