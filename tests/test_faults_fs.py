"""A real full disk and a real read-only filesystem under a SQLite database.

The database lives on a 16 MiB tmpfs mounted in a private mount namespace (`unshare -m`; as root
nothing else makes a file unwritable). tests/faults/filesystem.py runs remit there, fills the disk,
frees it, remounts it read-only, and reports; this test checks what it reports. Machines that do not
allow a mount namespace skip it, saying so; tests/test_faults.py simulates both faults on any machine.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .importers.helpers import csv_bytes, fee_row

ROOT = Path(__file__).resolve().parent.parent
ROWS = [fee_row(provider=f"Provider {i:04d}", product="Wire", fee_fixed=f"{i % 20 + 1}.00", source="x" * 200)
        for i in range(2000)]


def _can_mount(folder: Path) -> str | None:
    if os.name != "posix" or shutil.which("unshare") is None or shutil.which("mount") is None:
        return "needs util-linux's unshare and mount"
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=64k remit-probe '{folder}'"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return f"this machine does not allow a private mount namespace ({probe.stderr.strip()})"
    return None


def test_real_full_disk_then_read_only_filesystem(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    reason = _can_mount(disk)
    if reason:
        pytest.skip(reason)
    fee_file = tmp_path / "fees.csv"
    fee_file.write_bytes(csv_bytes(ROWS))
    changed_file = tmp_path / "changed.csv"
    changed_file.write_bytes(csv_bytes([row | {"fee_fixed": "30.00"} for row in ROWS]))
    script = f"mount -t tmpfs -o size=16m remit-fault '{disk}' && exec '{sys.executable}' -m tests.faults.filesystem " \
             f"'{disk}' '{fee_file}' '{changed_file}'"
    env = os.environ | {"SECRET_KEY": "fault-test", "REMIT_LOG_LEVEL": "CRITICAL"}
    run = subprocess.run(["unshare", "-m", "sh", "-c", script], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    before = seen["before"]
    assert before["integrity"] == "ok" and before["counts"]["fee_tiers"] == 13

    full = seen["full"]
    assert seen["disk_full"] is True
    assert full["api"] == {"status": 503, "message": (
        "The disk that holds the database is full, so nothing was saved. The data stored before is intact; "
        "an administrator needs to free space on the disk.")}
    assert full["cli"]["exit"] == 1
    assert "Error: The disk that holds the database is full, so nothing was saved." in full["cli"]["output"]
    assert full["quotes"] == 200  # reading needs no space
    assert full["after"] == before  # not a row written, the file intact
    # An export that cannot be written leaves the file it would replace as it was.
    assert full["export"]["exit"] == 1
    assert f"Error: cannot write {disk / 'export.csv'}: No space left on device" in full["export"]["output"]
    assert (full["export"]["file"], full["export"]["leftovers"]) == ("an export made before\n", [])

    freed = seen["freed"]
    assert freed["api"]["status"] == 201
    assert freed["after"]["integrity"] == "ok"
    assert freed["after"]["counts"]["fee_tiers"] == before["counts"]["fee_tiers"] + len(ROWS)

    read_only = seen["read_only"]
    assert read_only["api"]["status"] == 503
    assert read_only["api"]["message"].startswith("The database is read-only just now, so nothing was saved.")
    assert read_only["cli"]["exit"] == 1
    assert "Error: The database is read-only just now" in read_only["cli"]["output"]
    assert (read_only["quotes"], read_only["page"]) == (200, 200)
    assert read_only["after"] == freed["after"]
