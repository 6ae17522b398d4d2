"""A throwaway PostgreSQL server for the test suite, started with the machine's initdb and pg_ctl.

pytest-postgresql's executor runs initdb as the current user, and initdb refuses to run as root (as
CI does), so the server is started here, as the `postgres` account when running as root.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass


@dataclass
class Server:
    url: str
    base: str
    pg_ctl: str
    prefix: list[str]
    datadir: str
    options: str = ""

    def pause(self) -> None:
        """Stop the server (fast shutdown), keeping its data, to test the app without its database."""
        subprocess.run([*self.prefix, self.pg_ctl, "-D", self.datadir, "-m", "fast", "-w", "stop"],
                       check=True, capture_output=True)

    def resume(self) -> None:
        subprocess.run([*self.prefix, self.pg_ctl, "-D", self.datadir, "-w", "-t", "60", "-l",
                        os.path.join(self.base, "log"), "-o", self.options, "start"], check=True, capture_output=True)

    def stop(self) -> None:
        subprocess.run([*self.prefix, self.pg_ctl, "-D", self.datadir, "-m", "immediate", "stop"],
                       capture_output=True, check=False)
        shutil.rmtree(self.base, ignore_errors=True)


def find_binaries() -> tuple[str, str] | None:
    for directory in [None, *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]:
        initdb = shutil.which("initdb", path=directory)
        pg_ctl = shutil.which("pg_ctl", path=directory)
        if initdb and pg_ctl:
            return initdb, pg_ctl
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start() -> Server:
    binaries = find_binaries()
    if binaries is None:
        raise RuntimeError("PostgreSQL's initdb and pg_ctl were not found")
    initdb, pg_ctl = binaries
    base = tempfile.mkdtemp(prefix="remit-pg-")
    datadir = os.path.join(base, "data")
    prefix: list[str] = []
    if os.geteuid() == 0:
        account = "postgres"
        try:
            entry = pwd.getpwnam(account)
        except KeyError:
            account, entry = "nobody", pwd.getpwnam("nobody")
        os.chown(base, entry.pw_uid, entry.pw_gid)
        os.chmod(base, 0o700)
        prefix = ["runuser", "-u", account, "--"]
    port = _free_port()
    subprocess.run([*prefix, initdb, "-D", datadir, "-U", "remit", "-A", "trust", "-E", "UTF8",
                    "--no-sync", "--locale=C"], check=True, capture_output=True)
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    subprocess.run([*prefix, pg_ctl, "-D", datadir, "-w", "-t", "60", "-l", os.path.join(base, "log"),
                    "-o", options, "start"], check=True, capture_output=True)
    server = Server(url=f"postgresql+psycopg://remit@127.0.0.1:{port}/postgres", base=base, pg_ctl=pg_ctl,
                    prefix=prefix, datadir=datadir, options=options)
    return server


def create_database(server: Server, name: str) -> str:
    import psycopg

    port = server.url.split(":")[2].split("/")[0]
    with psycopg.connect(f"host=127.0.0.1 port={port} user=remit dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.url.rsplit("/", 1)[0] + "/" + name
