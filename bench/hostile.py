"""Every hostile request of tests/hostile.py against a live `make run` server: its status, its time,
and the server's peak memory while it was answered.

    python bench/hostile.py [--memory-limit-mib 1024] [--database-url URL]

Starts remit as `make run` does (`flask remit serve`: waitress, one process, 8 threads) on a free
loopback port, under an address-space limit (RLIMIT_AS, 1 GiB by default) like a small server's, with a fresh
SQLite database (or the given empty one) holding the seed data, an administrator and an import key.
Then, for each case: the server's peak resident memory is reset (/proc/PID/clear_refs), the request is
sent, and the status, the wall time and the peak (VmHWM) are printed. A few requests that only a real
server sees (a 100 KB address, a 100 KB header, 200 headers) are added. It ends with the largest
time and peak and whether every status was the documented one; the exit status is 1 if not.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_bench import free_port, wait_for  # noqa: E402
from remit.server import MAX_BODY_BYTES  # noqa: E402
from tests.hostile import CASES, CSRF, Case  # noqa: E402

PASSWORD = "a long bench password"
EXTRA = [  # what only a real server's HTTP parser sees: a request line and headers past 16 KB (remit/server.py)
    Case("an address of 100 KB", "GET", "/?q=" + "x" * 100_000, 431),
    Case("one header of 100 KB", "GET", "/", 431, headers={"X-Big": "x" * 100_000}),
    Case("200 small headers (2 KB in all)", "GET", "/", 200, headers={f"X-H{i}": "x" for i in range(200)}),
]


def prepare(url: str) -> dict[str, str]:
    """Seed data, an administrator, an import key and a ledger key (returned by the `who` of the cases)."""
    os.environ["DATABASE_URL"] = url
    from remit import create_app
    from remit.admin import auth
    from remit.cli import SEED_ORDER, SEEDS_DIR
    from remit.extensions import db
    from remit.importers import run_import
    from remit.services.keys import create_key

    app = create_app()
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        for kind in SEED_ORDER:
            for path in sorted((SEEDS_DIR / kind).glob("*.csv")):
                assert run_import(kind, path.read_bytes(), path.name, actor="bench").ok
        auth.create_user("admin@example.org", PASSWORD, "admin")
        keys = {"import_key": create_key("hostile bench", "import")[1],
                "ledger_key": create_key("hostile bench ledger", "ledger")[1]}
        db.session.commit()
        db.engine.dispose()
    return keys


def memory(pid: int) -> tuple[float, float]:
    """(resident now, peak resident since the last reset) in MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
    return rss / 1024, peak / 1024


def reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")


class Client:
    """One browser-like session: cookies kept, every request on a new connection."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None and len(body) > MAX_BODY_BYTES:
            return self._send_head_first(method, path, body, headers)
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except (ConnectionError, http.client.HTTPException) as exc:
            return 0, f"connection closed: {exc}".encode(), {}
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";")[0]
        return response.status, data, dict(response.headers)

    def _send_head_first(self, method: str, path: str, body: bytes, headers: dict):
        """A body larger than the server reads: its head and first 64 KB, then the answer, as a client
        sees a server that refuses before reading the rest (sending all of it would only meet a closed
        connection). A smaller one is sent whole: the server reads it all before the app answers."""
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "Connection: close\r\n\r\n"
        with socket.create_connection((self.host, self.port), timeout=60) as sock:
            sock.sendall(head.encode() + body[:65536])
            answer = b""
            while b"\r\n\r\n" not in answer:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
        status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
        return status, answer, {}

    def csrf(self, path: str) -> str:
        _status, page, _headers = self.send("GET", path)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.decode()).group(1)

    def log_in(self) -> None:
        token = self.csrf("/login")
        body = urllib.parse.urlencode({"csrf_token": token, "email": "admin@example.org", "password": PASSWORD})
        status, _data, _headers = self.send("POST", "/login", body.encode(),
                                            {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302, status


def request_parts(case: Case, client: Client, keys: dict[str, str]) -> tuple[bytes | None, dict]:
    headers = dict(case.headers)
    if case.who in ("import_key", "ledger_key"):
        headers["Authorization"] = f"Bearer {keys[case.who]}"
    if case.json is not None:
        return json.dumps(case.json).encode(), headers | {"Content-Type": "application/json"}
    if case.data is not None:
        return case.data, headers | {"Content-Type": case.content_type}
    if case.form:
        page = "/admin/password" if case.who == "admin" else ("/login" if case.path == "/login" else "/bundle")
        form = {k: (client.csrf(page) if v == CSRF else v) for k, v in case.form.items()}
        return urllib.parse.urlencode(form).encode(), headers | {"Content-Type": "application/x-www-form-urlencoded"}
    return None, headers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory-limit-mib", type=int, default=1024)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="remit-hostile-")
    url = args.database_url or f"sqlite:///{tmp}/hostile.db"
    keys = prepare(url)
    port = free_port()
    limit = args.memory_limit_mib * 1024 * 1024
    env = os.environ | {"DATABASE_URL": url, "SECRET_KEY": "bench-only", "REMIT_LOG_LEVEL": "ERROR",
                        "REMIT_RATE_LIMITS": "off"}
    flask = shutil.which("flask", path=str(Path(sys.executable).parent)) or "flask"
    server = subprocess.Popen(
        [flask, "--app", "wsgi", "remit", "serve", "--port", str(port)], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))
    failures = []
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        worker = server.pid
        anyone, admin = Client("127.0.0.1", port), Client("127.0.0.1", port)
        admin.log_in()
        start_rss, _ = memory(worker)
        print(f"make run's server (waitress, 1 process, 8 threads) under RLIMIT_AS {args.memory_limit_mib} MiB; "
              f"resident at start: {start_rss:.0f} MiB")
        print(f"{'status':>6} {'wanted':>6} {'time ms':>8} {'peak MiB':>8}  case")
        worst_time = worst_peak = 0.0
        for case in CASES + EXTRA:
            client = admin if case.who == "admin" else anyone
            body, headers = request_parts(case, client, keys)
            reset_peak(worker)
            began = time.perf_counter()
            status, _data, _headers = client.send(case.method, case.path, body, headers)
            took = (time.perf_counter() - began) * 1000
            _rss, peak = memory(worker)
            worst_time, worst_peak = max(worst_time, took), max(worst_peak, peak)
            wanted = case.live_status or case.status
            mark = "" if status == wanted else "  <-- not the documented status"
            if mark:
                failures.append(case.name)
            print(f"{status:>6} {wanted:>6} {took:>8.0f} {peak:>8.0f}  {case.name}{mark}")
        end_rss, _ = memory(worker)
        print(f"slowest answer {worst_time:.0f} ms; highest peak {worst_peak:.0f} MiB; resident at the end "
              f"{end_rss:.0f} MiB (start {start_rss:.0f}); {len(CASES + EXTRA) - len(failures)} of "
              f"{len(CASES + EXTRA)} with the documented status")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
