"""The command line shows a progress bar while it imports, on a terminal only."""
from __future__ import annotations

import os
import pty
import select
import subprocess
import sys

from ..conftest import ROOT, table_counts
from .helpers import generated_fee_table


def test_a_progress_bar_on_a_terminal(app, database_url, tmp_path):
    path = tmp_path / "fees.csv"
    path.write_bytes(generated_fee_table(12_000))
    controller, terminal = pty.openpty()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test", "REMIT_LOG_LEVEL": "WARNING",
           "COLUMNS": "120"}
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "remit", "import", "fees", str(path),
                                "--dry-run"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=terminal)
    os.close(terminal)
    shown = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    out = process.communicate(timeout=120)[0].decode()
    os.close(controller)
    screen = shown.decode()
    assert process.returncode == 0, screen
    assert "reading" in screen and "12,000 rows" in screen and "rows/s" in screen
    assert "checking" in screen
    assert out == "fees.csv: dry run, 12000 rows valid; would make 12000 added, 0 changed, 0 retired, 0 unchanged. " \
                  "Nothing was written.\n"
    assert table_counts()["fee_tiers"] == 0


def test_no_progress_bar_elsewhere(runner, tmp_path):
    path = tmp_path / "fees.csv"
    path.write_bytes(generated_fee_table(12_000))
    result = runner.invoke(args=["remit", "import", "fees", str(path), "--dry-run"])
    assert result.exit_code == 0
    assert "rows/s" not in result.output and "reading" not in result.output
