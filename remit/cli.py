"""The `flask --app wsgi remit …` command group."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from .extensions import db
from .importers import KINDS, run_import
from .models import ImportRun

remit_cli = AppGroup("remit", help="Manage remit's data: schema, seed data, imports and exports.")

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
# Rates first: fee-table quotes need them; RPW rows last.
SEED_ORDER = ("rates", "fees", "rpw")


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 — no user name in some containers
        return "cli"


def _print_report(report) -> None:
    if report.problems:
        for problem in report.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{report.filename}: rejected, {len(report.problems)} problem(s); nothing was written.", err=True)
        return
    if report.dry_run:
        click.echo(f"{report.filename}: dry run, {report.rows} rows valid; would make {report.counts()}. Nothing was written.")
    elif report.import_id is None:
        click.echo(f"{report.filename}: no changes ({report.rows} rows match the stored data).")
    else:
        click.echo(f"{report.filename}: {report.kind} import #{report.import_id}: {report.counts()}.")
    for line in report.details:
        click.echo(f"  {line}")


def import_file(kind: str, path: Path, dry_run: bool = False):
    report = run_import(
        kind, path.read_bytes(), path.name, actor=_actor(), dry_run=dry_run,
        max_rows=current_app.config["REMIT_IMPORT_MAX_ROWS"],
        max_columns=current_app.config["REMIT_IMPORT_MAX_COLUMNS"],
    )
    _print_report(report)
    return report


@remit_cli.command("init-db")
def init_db() -> None:
    """Create or upgrade the schema (Alembic migrations)."""
    from flask_migrate import upgrade

    upgrade()
    click.echo("database schema is up to date")


@remit_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Only when no import has been made yet.")
def seed(if_empty: bool) -> None:
    """Load the default data in seeds/ (idempotent)."""
    if if_empty and db.session.scalar(select(func.count()).select_from(ImportRun)):
        click.echo("database already holds data; seeds not loaded")
        return
    failed = False
    for kind in SEED_ORDER:
        for path in sorted((SEEDS_DIR / kind).glob("*.csv")):
            failed |= not import_file(kind, path).ok
    if failed:
        sys.exit(1)


@remit_cli.group("import")
def import_group() -> None:
    """Import a fee table, reference rates or RPW survey rows (CSV or XLSX)."""


def _import_command(kind: str, help_text: str):
    @import_group.command(kind, help=help_text)
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Validate and show what would change; write nothing.")
    def command(file: Path, dry_run: bool) -> None:
        if not import_file(kind, file, dry_run).ok:
            sys.exit(1)

    return command


_import_command("fees", "Import a fee table: the tiers of every product it lists replace the current ones.")
_import_command("rates", "Import reference (mid-market) exchange rates.")
_import_command("rpw", "Import World Bank RPW rows; replaces only the corridor-quarters in the file.")


@remit_cli.group("export")
def export_group() -> None:
    """Export data in the import formats."""


@export_group.command("fees")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def export_fees(file: Path | None) -> None:
    """Write the current fee tables as CSV to FILE, or to standard output."""
    from .services.exports import fee_table_csv

    text = fee_table_csv()
    if file is None:
        click.echo(text, nl=False)
    else:
        file.write_text(text, encoding="utf-8")
        click.echo(f"wrote {text.count(chr(10)) - 1} fee tiers to {file}", err=True)


@remit_cli.command("create-api-key")
@click.argument("name")
@click.option("--scope", type=click.Choice(["read", "import"]), required=True,
              help="read: higher rate limits for reads; import: may also import files through the API.")
def create_api_key(name: str, scope: str) -> None:
    """Create a partner API key and print it once; only its hash is stored."""
    from .api.keys import create_key

    key, text = create_key(name.strip()[:120], scope)
    db.session.commit()
    click.echo(text)
    click.echo(f"API key #{key.id} '{key.name}' ({scope}) created. It is shown only now: store it safely.", err=True)


@remit_cli.command("revoke-api-key")
@click.argument("prefix")
def revoke_api_key(prefix: str) -> None:
    """Revoke the API key whose text starts with rk_PREFIX_."""
    import datetime as dt

    from .models import ApiKey

    key = db.session.execute(select(ApiKey).where(ApiKey.prefix == prefix)).scalar_one_or_none()
    if key is None:
        click.echo(f"no API key with prefix {prefix}", err=True)
        sys.exit(1)
    if key.revoked_at is None:
        key.revoked_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        db.session.commit()
    click.echo(f"API key #{key.id} '{key.name}' revoked")


@remit_cli.command("list-api-keys")
def list_api_keys() -> None:
    """List API keys: prefix, name, scope, last use, revoked."""
    from .models import ApiKey

    for key in db.session.execute(select(ApiKey).order_by(ApiKey.id)).scalars():
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never used"
        click.echo(f"{key.prefix}  {key.scope:6}  {state:18}  {used:16}  {key.name}")


assert set(SEED_ORDER) == set(KINDS)
