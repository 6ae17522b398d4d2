"""Run by tests/test_faults_fs.py inside a private mount namespace, with its first argument a small
tmpfs of its own, then a fee table and a changed one: remit on a SQLite file there, the disk filled
up, then the filesystem remounted read-only. Prints one JSON line of what it saw; the test makes the assertions."""
from __future__ import annotations

import contextlib
import errno
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path


def main(folder: Path, fee_file: Path, changed_file: Path) -> dict:
    from flask_migrate import upgrade

    from remit import create_app
    from remit.services.keys import create_key
    from remit.extensions import db
    from remit.importers import run_import
    from tests.seeds import suite_files

    database = folder / "remit.db"
    # The API imports these files while the request waits (larger ones go to a background job).
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                      "REMIT_IMPORT_BACKGROUND_BYTES": 64 * 1024 * 1024,
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        for kind, name, data in suite_files():
            assert run_import(kind, data, name, actor="fs-test").ok
        _, key = create_key("importer", "import")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    headers = {"Authorization": f"Bearer {key}"}
    client, runner = app.test_client(), app.test_cli_runner()
    seen: dict = {"before": _state(database)}

    def post_import(file=fee_file):
        response = client.post("/api/v1/imports", headers=headers, content_type="multipart/form-data",
                               data={"kind": "fees", "dry_run": "false",
                                     "file": (io.BytesIO(file.read_bytes()), file.name)})
        return {"status": response.status_code, "message": (response.json or {}).get("message")}

    def cli_import(file=fee_file):
        result = runner.invoke(args=["remit", "import", "fees", str(file)])
        return {"exit": result.exit_code, "output": result.output}

    def quotes():
        return client.get("/api/v1/quotes?send=CA&receive=GT&amount=300&currency=CAD").status_code

    # 1. The disk fills up.
    export = folder / "export.csv"
    export.write_text("an export made before\n")
    filler = folder / "filler"
    with open(filler, "wb") as out:
        with contextlib.suppress(OSError):
            while True:
                out.write(b"\0" * 65536)
                out.flush()
    try:
        with open(folder / "probe", "wb") as out:
            out.write(b"\0" * 65536)
            out.flush()
        seen["disk_full"] = False
    except OSError as exc:
        seen["disk_full"] = exc.errno == errno.ENOSPC
    exported = runner.invoke(args=["remit", "export", "fees", str(export)])
    seen["full"] = {"api": post_import(), "cli": cli_import(), "quotes": quotes(), "after": _state(database),
                    "export": {"exit": exported.exit_code, "output": exported.output, "file": export.read_text(),
                               "leftovers": sorted(p.name for p in folder.glob(".export.csv.*"))}}

    # 2. Space again: the same file goes in.
    filler.unlink()
    (folder / "probe").unlink(missing_ok=True)
    seen["freed"] = {"api": post_import(), "after": _state(database)}

    # 3. The filesystem turns read-only (a volume mounted read-only, a failing disk remounted). The
    # kernel remounts only once no file on it is open for writing: the pool's connections are closed
    # first, and remit opens the file again on the next request.
    with app.app_context():
        db.engine.dispose()
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    page = client.get("/compare?send=CA&receive=GT&mode=send&amount=300&currency=CAD").status_code
    seen["read_only"] = {"api": post_import(changed_file), "cli": cli_import(changed_file), "quotes": quotes(),
                         "page": page, "after": _state(database)}
    return seen


def _state(database: Path) -> dict:
    """Row counts and SQLite's own integrity check, read through a connection of its own."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        counts = {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in sorted(tables)}
        return {"counts": counts, "integrity": connection.execute("PRAGMA integrity_check").fetchone()[0]}
    finally:
        connection.close()


if __name__ == "__main__":
    print(json.dumps(main(*(Path(arg) for arg in sys.argv[1:4]))))
