"""The same migrations build the same schema on SQLite and PostgreSQL, and go down cleanly."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from remit.extensions import db


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_base_and_upgrade_again(app):
    downgrade(revision="base")
    db.engine.dispose()
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    db.engine.dispose()
    assert {"fee_tiers", "survey_observations", "reference_rates", "import_runs"} <= set(
        inspect(db.engine).get_table_names())


def test_the_illustrative_flag_is_set_from_the_notes_of_tables_imported_before_it(app):
    """A database seeded before fee tiers had the flag: the upgrade flags the tiers whose note begins
    "Illustrative" (the seed's thirteen), and no other."""
    from sqlalchemy import select, text

    from remit.importers import run_import
    from remit.models import FeeTier

    from .conftest import SEEDS
    from .importers.helpers import csv_bytes, fee_row

    assert run_import("fees", (SEEDS / "fees" / "CA-GT_illustrative_fee_table.csv").read_bytes(), "seed.csv",
                      actor="test").ok
    assert run_import("fees", csv_bytes([fee_row()]), "observed.csv", actor="test").ok
    db.session.commit()
    db.session.remove()
    downgrade(revision="7f3a9d1e2b64")
    db.engine.dispose()
    with db.engine.begin() as connection:
        assert "illustrative" not in {c["name"] for c in inspect(connection).get_columns("fee_tiers")}
        assert connection.execute(text("SELECT count(*) FROM fee_tiers")).scalar() == 14
    upgrade()
    db.engine.dispose()
    flags = db.session.execute(select(FeeTier.source, FeeTier.illustrative)).all()
    assert sorted(flag for _, flag in flags) == [False] + [True] * 13
    assert [source for source, flag in flags if not flag] == ["test data"]
