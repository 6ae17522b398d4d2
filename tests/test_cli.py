"""The `flask --app wsgi remit …` commands, as an administrator types them."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from remit.extensions import db
from remit.models import FeeTier, ImportRun, PublishedAverage, SurveyObservation

from .conftest import SEEDS, table_counts
from .importers.helpers import csv_bytes, fee_row


def test_seed_order_covers_every_import_kind():
    from remit.cli import SEED_ORDER
    from remit.importers import KINDS

    assert sorted(SEED_ORDER) == sorted(KINDS)


def test_seed_loads_every_seed_file_once(runner):
    result = runner.invoke(args=["remit", "seed"])
    assert result.exit_code == 0, result.output
    assert "reference_rates_2025-12.csv: rates import #" in result.output
    assert "CA-GT_illustrative_fee_table.csv: fees import #" in result.output
    assert "rpw_raw_excerpt_EastAfrica_2011Q1.csv: rpw import #" in result.output
    assert "rpw_2025Q3_quotes_all_corridors.csv: rpw import #" in result.output
    assert "rpw_2024Q3-2025Q3_trend_all_corridors.csv: rpw import #" in result.output
    assert "wb_databank_rpw_corridors_ATCR_CORR_2011Q1_2020Q3.csv: rpw import #" in result.output
    assert "note: not imported: the figures of NLD→ANT" in result.output
    # 348 corridors' 2025 Q3 quotes (12,940), Tanzania's three of 2011 (36); RPW's published figures of
    # 2024 Q3 to 2025 Q3 (1,392 corridor-quarters) and DataBank's of 2011 Q1 to 2020 Q3 (10,417 but the
    # Netherlands Antilles' 15).
    assert db.session.scalar(select(func.count()).select_from(SurveyObservation)) == 12_940 + 36
    assert db.session.scalar(select(func.count()).select_from(PublishedAverage)) == 1_392 + 10_402
    seeds = len(list(SEEDS.glob("*/*.csv")))
    again = runner.invoke(args=["remit", "seed"])
    assert again.exit_code == 0
    assert again.output.count("no changes") == seeds
    skipped = runner.invoke(args=["remit", "seed", "--if-empty"])
    assert "seeds not loaded" in skipped.output
    assert db.session.scalar(select(func.count()).select_from(ImportRun)) == seeds


def test_import_prints_counts_and_dry_run_writes_nothing(runner, tmp_path):
    path = tmp_path / "fees.csv"
    path.write_bytes(csv_bytes([fee_row()]))
    dry = runner.invoke(args=["remit", "import", "fees", str(path), "--dry-run"])
    assert dry.exit_code == 0
    assert "fees.csv: dry run, 1 rows valid; would make 1 added, 0 changed, 0 retired, 0 unchanged" in dry.output
    assert table_counts()["fee_tiers"] == 0
    real = runner.invoke(args=["remit", "import", "fees", str(path)])
    assert real.exit_code == 0
    assert "fees.csv: fees import #" in real.output and "1 added, 0 changed, 0 retired, 0 unchanged." in real.output
    assert db.session.scalar(select(func.count()).select_from(FeeTier)) == 1


def test_bad_import_exits_non_zero_with_each_problem(runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([fee_row(fee_fixed="-1"), fee_row(min_amount="3000", max_amount="2000")]))
    result = runner.invoke(args=["remit", "import", "fees", str(path)])
    assert result.exit_code == 1
    assert "row 2, column fee_fixed: must not be negative" in result.output
    assert "row 3, column min_amount: 3000 is above max_amount 2000" in result.output
    assert "bad.csv: rejected, 2 problem(s); nothing was written." in result.output
    assert table_counts()["import_runs"] == 0


def test_export_fees_writes_the_import_format(runner, tmp_path):
    runner.invoke(args=["remit", "import", "fees", str(SEEDS / "fees" / "CA-GT_illustrative_fee_table.csv")])
    out = tmp_path / "export.csv"
    result = runner.invoke(args=["remit", "export", "fees", str(out)])
    assert result.exit_code == 0
    assert out.read_bytes() == (SEEDS / "fees" / "CA-GT_illustrative_fee_table.csv").read_bytes()
    to_stdout = runner.invoke(args=["remit", "export", "fees"])
    assert to_stdout.output.startswith("provider,provider_type,product,send_country,")


def test_export_to_a_file_that_cannot_be_written_says_so(runner, tmp_path):
    missing = tmp_path / "no-such-folder" / "export.csv"
    result = runner.invoke(args=["remit", "export", "fees", str(missing)])
    assert result.exit_code == 1
    assert f"Error: cannot write {missing}: No such file or directory" in result.output
    if Path("/dev/full").exists():  # a device that answers every write with "no space left"
        full = runner.invoke(args=["remit", "export", "fees", "/dev/full"])
        assert full.exit_code == 1 and "Error: cannot write /dev/full: No space left on device" in full.output


def test_init_db_is_idempotent(runner):
    result = runner.invoke(args=["remit", "init-db"])
    assert result.exit_code == 0
    assert "database schema is up to date" in result.output


def test_every_bad_file_exits_non_zero_and_leaves_the_database_unchanged(runner, tmp_path):
    from .importers.test_fees import BAD_FILES

    runner.invoke(args=["remit", "import", "fees", str(SEEDS / "fees" / "CA-GT_illustrative_fee_table.csv")])
    before = table_counts()
    for case, (data, expected) in sorted(BAD_FILES.items()):
        path = tmp_path / f"{case.replace(' ', '_')}.csv"
        path.write_bytes(data)
        result = runner.invoke(args=["remit", "import", "fees", str(path)])
        assert result.exit_code == 1, case
        assert expected in result.output, case
        assert table_counts() == before, case
