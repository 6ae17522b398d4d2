"""The data version is read on every request: it must stay cheap however long the audit log grows."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from remit.extensions import db
from remit.models import AuditEvent
from remit.services.versions import _VERSION_QUERY, data_version


def test_the_last_provider_edit_is_read_through_an_index_not_a_scan_of_the_audit_log(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the query plan is SQLite's; PostgreSQL plans a tiny table as it likes")
    compiled = _VERSION_QUERY.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = " | ".join(row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "ix_audit_events_action_id" in plan, plan
    assert "SCAN audit_events" not in plan, plan


def test_a_provider_edit_changes_the_version_and_other_events_do_not(app):
    before = data_version()
    db.session.add(AuditEvent(actor="admin@example.org", action="login", target="admin"))
    db.session.commit()
    assert data_version() == before
    db.session.add(AuditEvent(actor="admin@example.org", action="provider changed", target="remitly"))
    db.session.commit()
    assert data_version() != before
