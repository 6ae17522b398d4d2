"""The `flask --app wsgi remit …` command group."""
from __future__ import annotations

import getpass
import json
import sys
from contextlib import nullcontext
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select
from sqlalchemy.exc import InternalError, OperationalError

from . import codes, dbfaults
from .domain.errors import RemitError
from .extensions import db
from .importers import run_import
from .models import ImportRun


class RemitGroup(AppGroup):
    """Every command: a fault of the database (full disk, read-only file, server away) or of a file
    it writes ends with one clear line and exit status 1, not a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (OperationalError, InternalError) as exc:
            fault = dbfaults.describe(exc)
            if fault is None:
                raise
            raise click.ClickException(fault.english) from exc
        except OSError as exc:
            where = f" {exc.filename}" if exc.filename else ""
            raise click.ClickException(f"cannot write or read{where}: {exc.strerror or exc}") from exc


remit_cli = RemitGroup("remit", help="Manage remit's data: schema, seed data, imports and exports.")

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
# Rates first: fee-table quotes need them; RPW rows last.
SEED_ORDER = ("rates", "fees", "rpw")


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 — no user name in some containers
        return "cli"


def report_lines(report) -> tuple[list[str], list[str]]:
    """What an import's report says, as the command prints it: (standard output, standard error)."""
    if not report.ok:
        found = len(report.problems) + report.more_problems
        return [], [*report.problem_lines(),
                    f"{report.filename}: rejected, {found} problem(s); nothing was written."]
    lines = []
    if report.dry_run:
        lines.append(f"{report.filename}: dry run, {report.rows} rows valid; would make {report.counts()}. "
                     "Nothing was written.")
    elif report.import_id is None:
        lines.append(f"{report.filename}: no changes ({report.rows} rows match the stored data).")
    else:
        lines.append(f"{report.filename}: {report.kind} import #{report.import_id}: {report.counts()}.")
    lines += [f"  {line}" for line in report.details]
    lines += [f"  note: {line}" for line in report.notes]
    return lines, []


def _print_report(report) -> None:
    out, err = report_lines(report)
    for line in err:
        click.echo(line, err=True)
    for line in out:
        click.echo(line)


class ProgressBar:
    """A progress bar on standard error while an import runs: how far through the file, rows read and
    rows per second, then the phase (checking, writing). Shown on a terminal only; quiet otherwise."""

    def __init__(self, file=None):
        import time

        self.file = file or sys.stderr
        self.started = time.monotonic()
        self.rows = 0
        self.bar = None
        self.clock = time.monotonic

    @staticmethod
    def wanted(file=None) -> bool:
        return (file or sys.stderr).isatty()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.render_finish()

    def _describe(self, _item) -> str:
        elapsed = max(self.clock() - self.started, 1e-6)
        return f"{self.rows:,} rows, {self.rows / elapsed:,.0f} rows/s"

    def __call__(self, phase: str, rows: int, done: int, total: int) -> None:
        self.rows = max(self.rows, rows)
        if self.bar is None:
            self.bar = click.progressbar(length=max(total, 1), label=f"{phase:9}", file=self.file, width=24,
                                         show_eta=False, item_show_func=self._describe)
            self.bar.render_progress()
        self.bar.label = f"{phase:9}"
        if phase == "reading" and total:
            self.bar.length = total
            self.bar.pos = min(done, total)
        else:
            self.bar.pos = self.bar.length
        self.bar.render_progress()



def import_file(kind: str, path: Path, dry_run: bool = False):
    """Import a file read from disk as a stream, with a progress bar on a terminal."""
    from .importers.limits import from_config

    from .services.collector import collections_spared

    progress = ProgressBar() if ProgressBar.wanted() else None
    # This process does nothing else: the collector may be spared while it reads (services/collector.py).
    with collections_spared(), progress or nullcontext():
        report = run_import(kind, path, path.name, actor=_actor(), dry_run=dry_run,
                            limits=from_config(current_app.config), progress=progress)
    _print_report(report)
    return report



@remit_cli.command("init-db")
def init_db() -> None:
    """Create or upgrade the schema (Alembic migrations)."""
    from flask_migrate import upgrade

    upgrade()
    click.echo("database schema is up to date")


@remit_cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=None, help="threads that run the app [default: 8]")
@click.option("--idle-timeout", type=click.IntRange(1, 3600), default=None,
              help="seconds a connection may stay quiet before it is closed [default: 30]")
def serve_command(host: str, port: int, threads: int | None, idle_timeout: int | None) -> None:
    """Serve the app with waitress, one process (what `make run` starts; see remit/server.py)."""
    from . import server

    click.echo(f"remit: serving http://{host}:{port} (waitress, {threads or server.THREADS} threads)")
    server.serve(current_app._get_current_object(), host, port, idle_timeout=idle_timeout or server.IDLE_TIMEOUT,
                 threads=threads or server.THREADS)


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
_import_command("rpw", "Import World Bank RPW rows or RPW's published corridor averages; replaces only the "
                "corridor-quarters in the file.")


@import_group.command("observations")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate, work out each row's figures and flags; write nothing.")
def import_observations(file: Path, dry_run: bool) -> None:
    """Import a round of observed prices (CSV or XLSX, the contract's observation layout): all or nothing,
    stored unreviewed (submitted) in their rounds; each row's margin, total cost and flags are printed."""
    from .importers import observations as observation_files
    from .importers.limits import from_config

    result = observation_files.run(file, file.name, actor=_actor(), dry_run=dry_run,
                                   max_age_days=int(current_app.config.get("REMIT_RATE_MAX_AGE_DAYS", 14)),
                                   limits=from_config(current_app.config))
    report = result.report
    if not report.ok:
        _print_report(report)
        sys.exit(1)
    for row in result.rows:
        click.echo(_imported_line(row))
    recorded = "would record" if dry_run else "recorded"
    click.echo(f"{report.filename}: {report.rows} rows; {recorded} {report.added} observations (submitted, to be "
               f"reviewed), {report.unchanged} already recorded." + (" Nothing was written." if dry_run else ""))


def _figures_text(fig, send_currency: str, receive_currency: str) -> str:
    """An observation's cost as the command line says it: margin, FX cost, total, what the family receives."""
    from .domain.money import round_money, round_pct

    send_unit, receive_unit = codes.minor_unit(send_currency), codes.minor_unit(receive_currency)
    received = f"the family receives {receive_currency} {round_money(fig.receive_amount, receive_unit):,f}"
    if fig.waiting_for_rate:
        return f"fee {fig.fee_pct}%, margin and total cost waiting for a rate; {received}"
    return (f"margin {round_pct(fig.fx_margin_pct)}%, FX cost {round_money(fig.fx_cost, send_unit):,f}, "
            f"total {round_money(fig.total_cost, send_unit):,f} {send_currency} ({fig.total_cost_pct}%); {received}")


def _imported_line(row) -> str:
    """One row of an observation file: where it goes, its figures and its flags."""
    given, a = row.given, row.assessment
    if row.unchanged:
        what = f"already recorded as observation {row.observation_id} ({row.status})"
    elif row.observation_id is None:
        what = "would be recorded"
    else:
        what = f"observation {row.observation_id}"
    flags = ", ".join(f.code for f in a.flags) or "no flag"
    return (f"row {row.row}: {a.round} {given.provider_name.strip()} · {given.product_name.strip()}, "
            f"{given.corridor.send_currency} {given.send_amount.normalize():f} fee {given.fee.normalize():f} at "
            f"{a.figures.exchange_rate:f}: "
            f"{_figures_text(a.figures, given.corridor.send_currency, given.corridor.receive_currency)}; "
            f"flags: {flags} → {what}")


@remit_cli.group("export")
def export_group() -> None:
    """Export data in the import formats."""


@export_group.command("fees")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="The tables in force on this date.")
def export_fees(file: Path | None, as_of) -> None:
    """Write the current fee tables (or those in force on a date) as CSV to FILE, or to standard output."""
    from .services.exports import fee_table_csv

    text = fee_table_csv(as_of.date() if as_of else None)
    if file is None:
        click.echo(text, nl=False)
    else:
        _write_whole(file, text)
        click.echo(f"wrote {text.count(chr(10)) - 1} fee tiers to {file}", err=True)


def _write_whole(file: Path, text: str | bytes) -> None:
    """Write a regular file through a temporary file beside it, renamed into place: on a full disk FILE
    is left as it was, never cut short. Anything else (a pipe, a terminal, a device) is written to."""
    import os
    import stat
    import tempfile

    try:
        if file.exists() and not stat.S_ISREG(file.stat().st_mode):
            with open(file, **_mode(text)) as out:
                out.write(text)
            return
        fd, temporary = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.")
    except OSError as exc:
        raise click.ClickException(f"cannot write {file}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, **_mode(text)) as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as a plain open() would have made it
        os.replace(temporary, file)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise click.ClickException(f"cannot write {file}: {exc.strerror or exc}") from exc


def _mode(content: str | bytes) -> dict:
    """How a file is opened to write `content`: bytes as they are, text as UTF-8 with its own line ends."""
    if isinstance(content, bytes):
        return {"mode": "wb"}
    return {"mode": "w", "encoding": "utf-8", "newline": ""}


@remit_cli.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "staff"]), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--collector", is_flag=True, help="May record observed prices (administrators always may).")
def create_user_command(email: str, role: str, password_stdin: bool, collector: bool) -> None:
    """Create a login; the password is asked for (or read from standard input) and stored as argon2."""
    from .admin import auth

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = auth.create_user(email, password, role)
        user.collector = collector
        auth.audit("user created", user.email, {"role": role, "collector": collector}, actor=_actor())
        db.session.commit()
    except RemitError as exc:
        db.session.rollback()
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"login {user.email} ({role}) created")


@remit_cli.command("create-api-key")
@click.argument("name")
@click.option("--scope", type=click.Choice(["read", "import", "ledger", "collect"]), required=True,
              help="read: higher rate limits for reads; import: may also import files through the API; "
                   "ledger: may read and record the season ledger's cycles and statements; collect: may submit observed "
                   "prices (POST /api/v1/observations), which an administrator reviews.")
@click.option("--group", "groups", type=click.IntRange(1, 2**31 - 1), multiple=True, metavar="ID",
              help="ledger keys only, repeatable: a saved group's id (as /ledger and GET /api/v1/ledger/groups give "
                   "it); the key then reaches these groups and no others. Without: every saved group.")
def create_api_key(name: str, scope: str, groups: tuple[int, ...]) -> None:
    """Create a partner API key and print it once; only its hash is stored."""
    from .services.keys import create_key, missing_groups

    if groups and scope != "ledger":
        raise click.UsageError("--group is for a ledger key only")
    missing = missing_groups(groups)
    if missing:
        raise click.UsageError(f"no saved group has the id {', '.join(map(str, missing))}")
    key, text = create_key(name.strip()[:120], scope, groups)
    db.session.commit()
    click.echo(text)
    reach = "" if scope != "ledger" else (
        f", groups {', '.join(map(str, sorted(set(groups))))} only" if groups else ", every saved group")
    click.echo(f"API key #{key.id} '{key.name}' ({scope}{reach}) created. It is shown only now: store it safely.",
               err=True)


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
    """List API keys: prefix, scope, state, last use, name, and the groups a ledger key is tied to."""
    from .models import ApiKey
    from .services.keys import groups_of

    for key in db.session.execute(select(ApiKey).order_by(ApiKey.id)).scalars():
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never used"
        groups = groups_of(key) if key.scope == "ledger" else None
        tied = "" if groups is None else f"  [groups {', '.join(map(str, sorted(groups))) or 'none left'}]"
        click.echo(f"{key.prefix}  {key.scope:6}  {state:18}  {used:16}  {key.name}{tied}")


def _decimal_option(value: str | None, name: str):
    """A fee or limit given on the command line: a plain number of 0 or more (remit.inputs' rule)."""
    from .inputs import InputError, parse_plain_decimal

    if value is None:
        return None
    try:
        number = parse_plain_decimal(value)
    except InputError as exc:
        raise click.BadParameter(str(exc.message), param_hint=name) from None
    if number < 0:
        raise click.BadParameter(f"'{value}' must be a number of 0 or more", param_hint=name)
    return number


@remit_cli.command("bundle")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--send", required=True, help="Sending country (CA or CAN).")
@click.option("--receive", required=True, help="Receiving country (GT or GTM).")
@click.option("--currency", help="Send currency; default: the sending country's.")
@click.option("--bulk-product", help="Product id of the bulk transfer (ft-N); default: the cheapest "
              "account-to-account product.")
@click.option("--max-transfer", help="The sending bank's limit per transfer; default: the product's largest band. "
              "Transfers are split only to fit it, never to stay under a reporting threshold.")
@click.option("--distribution-fee", default="0", show_default=True, help="Per member, paid out at home.")
@click.option("--coordinator-fee", default="0", show_default=True, help="Per transfer, on top.")
@click.option("--incoming-fee", default="0", show_default=True, help="Per transfer, deducted by the receiving bank.")
@click.option("--intermediary-fee", default="0", show_default=True,
              help="Per transfer, deducted on the way by correspondent banks.")
@click.option("--distribution-fee-currency", help="The fee's currency; default: the send currency.")
@click.option("--coordinator-fee-currency", help="The fee's currency; default: the send currency.")
@click.option("--incoming-fee-currency", help="The fee's currency; default: the send currency.")
@click.option("--intermediary-fee-currency", help="The fee's currency (intermediary banks usually take USD); "
              "default: the send currency.")
@click.option("--allocation", type=click.Choice(["pro_rata", "equal"]), default="pro_rata", show_default=True)
@click.option("--transfers-per-year", type=click.IntRange(1, 366))
@click.option("--transfer-days", type=click.IntRange(1, 31), default=1, show_default=True,
              help="The days the transfers are made on; the bank adds up one person's transfers within 24 hours.")
def bundle(file: Path, send: str, receive: str, currency: str | None, bulk_product: str | None,
           max_transfer: str | None, distribution_fee: str, coordinator_fee: str, incoming_fee: str,
           intermediary_fee: str, distribution_fee_currency: str | None, coordinator_fee_currency: str | None,
           incoming_fee_currency: str | None, intermediary_fee_currency: str | None, allocation: str,
           transfers_per_year: int | None, transfer_days: int) -> None:
    """Plan a group transfer for the members listed in FILE (CSV or XLSX: reference, amount and,
    optionally, the service each uses today)."""
    from . import codes
    from .domain.bundling import BundleError
    from .domain.errors import RemitError
    from .importers.members import read_members
    from .services import bundles

    try:
        send, receive = codes.country(send), codes.country(receive)
        currency = codes.currency(currency or codes.local_currency(send) or "")
        fee_currencies = {f"{name}_currency": codes.currency(code) if code else None for name, code in (
            ("distribution_fee", distribution_fee_currency), ("coordinator_fee", coordinator_fee_currency),
            ("incoming_fee", incoming_fee_currency), ("intermediary_fee", intermediary_fee_currency))}
    except codes.CodeError as exc:
        raise click.BadParameter(str(exc)) from None
    # Amounts as plain numbers or as English writes them (1,000.50): a file names no language.
    members, problems, _carried = read_members(file.read_bytes(), file.name, currency, "en")
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    request = bundles.BundleRequest(
        send=send, receive=receive, currency=currency, members=members, bulk_product=bulk_product,
        max_transfer=_decimal_option(max_transfer, "--max-transfer"),
        distribution_fee=_decimal_option(distribution_fee, "--distribution-fee"),
        coordinator_fee=_decimal_option(coordinator_fee, "--coordinator-fee"),
        incoming_fee=_decimal_option(incoming_fee, "--incoming-fee"),
        intermediary_fee=_decimal_option(intermediary_fee, "--intermediary-fee"), allocation=allocation,
        transfers_per_year=transfers_per_year, transfer_days=transfer_days, **fee_currencies)
    try:
        result = bundles.plan(request)
    except (RemitError, BundleError) as exc:
        click.echo(str(exc.args[0]), err=True)
        for field_, messages in _flatten(getattr(exc, "errors", None) or {}):
            click.echo(f"  {field_}: {messages}", err=True)
        sys.exit(1)
    from .api.present import bundle_text

    click.echo(_bundle_table(json.loads(bundle_text(result))))


def _flatten(errors, prefix=""):
    for key, value in errors.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            yield from _flatten(value, path)
        else:
            yield path, "; ".join(value)


def _bundle_table(plan: dict) -> str:
    """The plan as the command prints it: the bulk product, the verdict, the transfers, the members,
    the totals and what the plan rests on."""
    lines = [f"Bundle plan {plan['corridor']} in {plan['currency']}, {plan['allocation']} allocation"]
    if plan["bulk_product"]:
        lines.append(f"Bulk product: {plan['bulk_product']['provider']} · {plan['bulk_product']['name']}, "
                     f"rate {plan['exchange_rate'] or '-'} (reference {plan['reference_rate'] or '-'} of "
                     f"{plan['reference_rate_as_of'] or '-'})")
    lines += ["", *plan["verdict"], ""]
    lines += _transfer_lines(plan)
    lines += [""]
    lines += _member_lines(plan["members"])
    lines += [""]
    lines += _total_lines(plan)
    return "\n".join(lines)


def _transfer_lines(plan: dict) -> list[str]:
    lines = ["Transfers:", f"  {'#':>3}  {'amount':>12}  {'fee':>9}  {'FX cost':>9}  {'deducted':>9}  {'cost':>9}  "
                           f"{'credited (' + plan['receive_currency'] + ')':>16}"]
    for i, t in enumerate(plan["transfers"], start=1):
        deducted = t["deducted"]
        flag = "  reported by the bank (FINTRAC)" if t["reportable"] else ""
        flag += f"  day {t['day']}" if len(plan["days"]) > 1 else ""
        lines.append(f"  {i:>3}  {t['amount']:>12}  {t['fee']:>9}  {t['fx_cost']:>9}  {deducted:>9}  {t['cost']:>9}  "
                     f"{t['receive_amount'] or '-':>16}{flag}")
    if not plan["transfers"]:
        lines.append("  none: bundling does not pay for this group")
    return lines


def _member_lines(members: list[dict]) -> list[str]:
    lines = ["Members:", f"  {'ref':16}  {'amount':>10}  {'share':>9}  {'alone':>9}  {'saving':>9}  "
                         f"{'saving %':>8}  {'today':>9}  {'vs today':>9}  {'family gets':>12}  best individual option"]
    for m in members:
        share = m["share"] if m["joins"] else "sends alone"
        lines.append(f"  {m['ref'][:16]:16}  {m['amount']:>10}  {share:>9}  {m['individual_cost'] or '-':>9}  "
                     f"{m['saving'] or '-':>9}  {m['saving_pct'] or '-':>8}  {m['current_cost'] or '-':>9}  "
                     f"{m['saving_vs_current'] or '-':>9}  {m['receive_amount'] or '-':>12}  "
                     f"{m['individual_option'] or '-'}")
        if m["reason"]:
            lines.append(f"  {'':16}  {m['reason']}")
    return lines


def _total_lines(plan: dict) -> list[str]:
    """The totals, the break-even size and the sizes that pay, then the days, the fees converted and the
    notes."""
    ccy, rcy, t = plan["currency"], plan["receive_currency"], plan["totals"]
    lines = [f"Totals ({ccy}): alone {t['individual']}, bundled {t['bundled']}, saving {t['saving']} "
             f"({t['saving_pct'] or '-'}%)"]
    if t["current"] is not None:
        lines.append(f"Against today ({ccy}): {t['current']}, saving {t['saving_vs_current']} "
                     f"({t['saving_vs_current_pct'] or '-'}%)")
    if t["paid_out"] is not None:
        lines.append(f"Received ({rcy}): {t['received']} credited, {t['paid_out']} paid out to the families")
    lines.append(f"Break-even group size: {plan['break_even_members'] or 'not reached within 1,000 members'}")
    if plan["paying_group_sizes"]:
        lines.append("Group sizes that pay: " + ", ".join(
            f"{r['from']}–{r['to']}" if r["from"] != r["to"] else str(r["from"]) for r in plan["paying_group_sizes"]))
    lines += [f"Day {d['day']}: {d['transfers']} transfers, {ccy} {d['total']}"
              + (", reported by the bank (one person's transfers within 24 hours)" if d["reportable"] else "")
              for d in plan["days"]]
    lines += [f"Fee {name}: {f['currency']} {f['amount']} = {ccy} {f['in_send_currency']} at {f['rate']} of "
              f"{f['rate_as_of']}" for name, f in plan["fees"].items() if f["rate"] is not None]
    if plan["yearly_saving"] is not None:
        lines.append(f"Yearly saving for the group: {ccy} {plan['yearly_saving']}")
    lines += [f"Note: {note}" for note in plan["notes"]]
    return lines


@remit_cli.group("ledger")
def ledger_group() -> None:
    """The season ledger: retention and the auditor's export."""


@ledger_group.command("erase-expired")
@click.option("--years", type=click.IntRange(1, 100), help="Keep personal columns this many years after the "
              "date of a season's last cycle; default: REMIT_LEDGER_RETENTION_YEARS (5).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Count from this day instead of today.")
@click.option("--dry-run", is_flag=True, help="Say which cycles would be erased; change nothing.")
def ledger_erase_expired(years: int | None, today, dry_run: bool) -> None:
    """Erase the personal columns of seasons past the retention period, a whole season at once (member
    references become one pseudonym per worker for the season; carried columns, receipts, who confirmed
    each payout, correction reasons are removed); amounts, dates and totals are kept.
    Safe to run every day from cron: a cycle is erased once."""
    import datetime as dt

    from .services import ledger

    years = years or int(current_app.config.get("REMIT_LEDGER_RETENTION_YEARS", 5))
    day = today.date() if today else dt.date.today()
    cutoff = ledger.retention_cutoff(day, years)
    cycles = ledger.erase_expired(day, years, actor=_actor(), dry_run=dry_run)
    if dry_run:
        click.echo(f"{len(cycles)} cycles of seasons whose last cycle is dated before {cutoff:%Y-%m-%d} would be erased; "
                   "nothing was changed.")
    else:
        db.session.commit()
        click.echo(f"erased the personal columns of {len(cycles)} cycles of seasons whose last cycle is dated before "
                   f"{cutoff:%Y-%m-%d} "
                   f"(retention: {years} years); their totals are kept.")
    for cycle in cycles:
        click.echo(f"  cycle {cycle.id}: group {cycle.group_id}, no. {cycle.number}, {cycle.cycle_date:%Y-%m-%d}")


@ledger_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def ledger_export(file: Path) -> None:
    """Write everything the ledger holds, for an auditor, as a ZIP of CSV files."""
    from .services import ledger

    data = ledger.audit_export(actor=_actor())
    db.session.commit()
    file.write_bytes(data)
    click.echo(f"wrote the ledger ({len(data)} bytes) to {file}", err=True)


@remit_cli.group("observations")
def observations_group() -> None:
    """Observed prices: list a round's observations, approve or reject them (scripted review), export a round."""


def _round_option(text: str | None):
    """A round written CORRIDOR:YYYY-MM (CA-GT:2026-11): its corridor and month, or a usage error."""
    import re

    from .services import observations

    if text is None:
        return None, None
    corridor_code, _, month = text.partition(":")
    corridor = observations.corridor_by_code(corridor_code.upper())
    if corridor is None or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise click.BadParameter(f"{text!r} is not a round held (CORRIDOR:YYYY-MM, e.g. CA-GT:2026-11)")
    return corridor, month


def _observation_line(row, assessment) -> str:
    from .domain.money import round_money, round_pct

    fig = assessment.figures
    unit = codes.minor_unit(row.send_currency)
    cost = ("waiting for a rate" if fig.waiting_for_rate else
            f"margin {round_pct(fig.fx_margin_pct)}%, total {round_money(fig.total_cost, unit)} {row.send_currency} "
            f"({fig.total_cost_pct}%)")
    flags = ", ".join(f.code for f in assessment.flags) or "no flag"
    return (f"{row.id}\t{assessment.round}\t{row.observed_on:%Y-%m-%d}\t{row.status}\t{row.provider_name} · "
            f"{row.product_name}\t{row.send_currency} {row.send_amount.normalize():f} fee {row.fee.normalize():f}: "
            f"{cost}; {flags}")


@observations_group.command("list")
@click.option("--round", "round_", help="CORRIDOR:YYYY-MM, e.g. CA-GT:2026-11 (default: every round).")
@click.option("--status", type=click.Choice(["submitted", "approved", "rejected"]))
def observations_list(round_: str | None, status: str | None) -> None:
    """One line per observation: id, round, date, status, service, amount and fee, margin, total cost, flags."""
    from .services import observations

    corridor, month = _round_option(round_)
    max_age = int(current_app.config.get("REMIT_RATE_MAX_AGE_DAYS", 14))
    for row in observations.all_rows(corridor, month, status):
        click.echo(_observation_line(row, observations.assess_row(row, max_age)))


def _review(ids: tuple[int, ...], round_: str | None, decision: str, reason: str) -> None:
    from .services import observations

    corridor, month = _round_option(round_)
    if not ids and corridor is None:
        raise click.UsageError("name the observations (their ids) or a round (--round CORRIDOR:YYYY-MM)")
    rows = []
    try:
        rows = [observations.get(i) for i in ids] if ids else observations.all_rows(corridor, month, "submitted")
        for row in rows:
            observations.review(row, decision, reason, actor=_actor())
    except RemitError as exc:
        db.session.rollback()
        click.echo(f"{exc}; nothing was changed", err=True)
        sys.exit(1)
    db.session.commit()
    done = "approved" if decision == "approve" else "rejected"
    click.echo(f"{len(rows)} observations {done}: {', '.join(str(r.id) for r in rows) or 'none'}")


@observations_group.command("export")
@click.option("--round", "round_", required=True, help="CORRIDOR:YYYY-MM, e.g. CA-GT:2026-11.")
@click.option("--layout", type=click.Choice(["observations", "rpw"]), required=True,
              help="observations: the observation file `import observations` reads; rpw: RPW's flattened quote "
                   "layout, which `import rpw` reads.")
@click.option("--format", "file_format", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (default: standard output).")
def observations_export(round_: str, layout: str, file_format: str, output: Path | None) -> None:
    """Export a round's published observations (approved, not superseded; submitted and rejected ones never)."""
    from .services.observation_exports import export

    corridor, month = _round_option(round_)
    made = export(corridor, month, layout, file_format,
                  organisation=current_app.config.get("REMIT_ORGANISATION", "remit"),
                  max_age_days=int(current_app.config.get("REMIT_RATE_MAX_AGE_DAYS", 14)))
    if output is None:
        click.echo(made.content, nl=False)
    else:
        _write_whole(output, made.content)
    where = f" to {output}" if output else ""
    click.echo(f"wrote {made.exported} published observations of round {corridor.code}:{month} (approved, not "
               f"superseded) in the {layout} layout{where}", err=True)
    if made.left_out:
        click.echo(f"left out (no reference rate of their day to price them or to convert to USD): observations "
                   f"{', '.join(map(str, made.left_out))}", err=True)


@observations_group.command("approve")
@click.argument("ids", nargs=-1, type=click.IntRange(1, 2**31 - 1))
@click.option("--round", "round_", help="Approve every observation of this round not reviewed yet.")
@click.option("--reason", default="", help="Why (optional to approve).")
def observations_approve(ids: tuple[int, ...], round_: str | None, reason: str) -> None:
    """Publish observations: all or none (an observation already reviewed stops the whole command)."""
    _review(ids, round_, "approve", reason)


@observations_group.command("reject")
@click.argument("ids", nargs=-1, type=click.IntRange(1, 2**31 - 1))
@click.option("--reason", required=True, help="Why they are rejected (kept with each and in the audit log).")
def observations_reject(ids: tuple[int, ...], reason: str) -> None:
    """Reject observations with the reason: all or none."""
    _review(ids, None, "reject", reason)
