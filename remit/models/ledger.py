"""The season ledger: cycles of a saved group, their members as planned, and the entries that say what
really happened (contributions, wires, payouts).

Entries are never changed once their cycle is completed: a correction is a new row that supersedes
an older one (`supersedes_id`), or voids it (`void`), with its reason. Personal columns (the member's
reference when it is a name, the columns carried from the coordinator's list, a receipt's reference, who
confirmed a payout, the reasons for corrections) are erased when the retention period ends (`erased_at`);
amounts and dates are kept.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..extensions import db
from .types import Money, Rate


class LedgerCycle(db.Model):
    __tablename__ = "ledger_cycles"
    __table_args__ = (UniqueConstraint("group_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("bundle_groups.id"), index=True)
    number: Mapped[int]  # 1, 2, … within the group
    cycle_date: Mapped[dt.date] = mapped_column(Date)  # the day it was planned and priced
    send_country: Mapped[str] = mapped_column(String(2))
    receive_country: Mapped[str] = mapped_column(String(2))
    currency: Mapped[str] = mapped_column(String(3))
    receive_currency: Mapped[str] = mapped_column(String(3))
    bulk_product: Mapped[str] = mapped_column(String(40))  # the product id (ft-N)
    bulk_label: Mapped[str] = mapped_column(String(300))  # "provider · product" on the day
    allocation: Mapped[str] = mapped_column(String(10))
    coordinator_fee: Mapped[Decimal] = mapped_column(Money)  # per wire, send currency
    distribution_fee: Mapped[Decimal] = mapped_column(Money)  # per member, receive currency
    reference_rate: Mapped[Decimal] = mapped_column(Rate)  # mid-market, send → receive
    reference_rate_as_of: Mapped[dt.date] = mapped_column(Date)
    reference_rate_source: Mapped[str] = mapped_column(Text)  # its message as JSON (services.ledger.source_json)
    planned: Mapped[str] = mapped_column(Text, default="{}")  # the plan's transfers and totals (JSON)
    language: Mapped[str | None] = mapped_column(String(5))  # the group's default for statements
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    completed_by: Mapped[str | None] = mapped_column(String(254))
    completed_at: Mapped[dt.datetime | None]
    erased_at: Mapped[dt.datetime | None]  # personal columns erased at the end of the retention period

    members: Mapped[list[LedgerMember]] = relationship(order_by="LedgerMember.position", back_populates="cycle")

    @property
    def season(self) -> int:
        return self.cycle_date.year

    @property
    def completed(self) -> bool:
        return self.completed_on is not None


class LedgerMember(db.Model):
    __tablename__ = "ledger_members"
    __table_args__ = (UniqueConstraint("cycle_id", "ref"), UniqueConstraint("cycle_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("ledger_cycles.id"), index=True)
    position: Mapped[int]  # 1, 2, … in the order of the coordinator's list
    ref: Mapped[str] = mapped_column(String(64))
    amount: Mapped[Decimal] = mapped_column(Money)  # to send home, send currency
    planned_fees_on_top: Mapped[Decimal] = mapped_column(Money)
    planned_share: Mapped[Decimal | None] = mapped_column(Money)
    planned_receive: Mapped[Decimal | None] = mapped_column(Money)
    today_option: Mapped[str | None] = mapped_column(String(300))
    today_cost: Mapped[Decimal | None] = mapped_column(Money)
    cheapest_option: Mapped[str | None] = mapped_column(String(300))
    cheapest_cost: Mapped[Decimal | None] = mapped_column(Money)
    language: Mapped[str | None] = mapped_column(String(5))
    personal: Mapped[str | None] = mapped_column(Text)  # carried columns (JSON), kept only when asked

    cycle: Mapped[LedgerCycle] = relationship(back_populates="members")


class _Entry:
    """What every entry records besides its figures: who entered it, when, and what it corrects."""

    id: Mapped[int] = mapped_column(primary_key=True)

    @declared_attr
    def supersedes_id(cls) -> Mapped[int | None]:  # the entry this one corrects
        return mapped_column(ForeignKey(f"{cls.__tablename__}.id"))

    void: Mapped[bool] = mapped_column(Boolean, default=False)  # a correction that removes the entry it supersedes
    correction: Mapped[bool] = mapped_column(Boolean, default=False)  # recorded after the cycle was completed
    reason: Mapped[str | None] = mapped_column(Text)
    entered_by: Mapped[str] = mapped_column(String(254))
    entered_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())


class LedgerContribution(_Entry, db.Model):
    __tablename__ = "ledger_contributions"

    cycle_id: Mapped[int] = mapped_column(ForeignKey("ledger_cycles.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("ledger_members.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    method: Mapped[str] = mapped_column(String(20))
    receipt: Mapped[str] = mapped_column(String(120), default="")
    received_on: Mapped[dt.date | None] = mapped_column(Date)


class LedgerWire(_Entry, db.Model):
    __tablename__ = "ledger_wires"

    cycle_id: Mapped[int] = mapped_column(ForeignKey("ledger_cycles.id"), index=True)
    bank_reference: Mapped[str] = mapped_column(String(120), default="")
    executed_on: Mapped[dt.date | None] = mapped_column(Date)
    debited: Mapped[Decimal] = mapped_column(Money)
    fee: Mapped[Decimal] = mapped_column(Money)
    currency_sent: Mapped[str] = mapped_column(String(3))
    applied_rate: Mapped[Decimal] = mapped_column(Rate)
    intermediary: Mapped[Decimal] = mapped_column(Money)
    receiving_fee: Mapped[Decimal] = mapped_column(Money)
    credited: Mapped[Decimal] = mapped_column(Money)


class LedgerPayout(_Entry, db.Model):
    __tablename__ = "ledger_payouts"

    cycle_id: Mapped[int] = mapped_column(ForeignKey("ledger_cycles.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("ledger_members.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))
    confirmed_how: Mapped[str | None] = mapped_column(String(20))
    confirmed_by: Mapped[str | None] = mapped_column(String(120))  # personal: erased with the others


__all__ = ["LedgerContribution", "LedgerCycle", "LedgerMember", "LedgerPayout", "LedgerWire"]
