"""`make run`'s server (`flask remit serve`, waitress): slow clients hold no thread, and quiet
connections are closed.

Eight connections that sent half their headers, or a body's first bytes, used to hold gunicorn's
eight threads: every other request then waited 150 s or more (issue 24). Here 64 connections sit
idle, in the middle of their headers or in the middle of their bodies while a normal request is
asked; it must be answered within 2 s (it takes milliseconds: the bound only tells waiting apart
from a hang), and the quiet connections must be closed once the idle timeout has passed.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from remit import server

from .conftest import ROOT
from .redis_server import free_port

FLASK = str(Path(sys.executable).parent / "flask")
IDLE_TIMEOUT = 3


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    env = os.environ | {"DATABASE_URL": f"sqlite:///{folder}/serve.db", "SECRET_KEY": "server-test",
                        "REMIT_LOG_LEVEL": "WARNING"}
    subprocess.run([FLASK, "--app", "wsgi", "remit", "init-db"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    port = free_port()
    process = subprocess.Popen([FLASK, "--app", "wsgi", "remit", "serve", "--port", str(port),
                                "--idle-timeout", str(IDLE_TIMEOUT)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            if _get(port, "/healthz", timeout=5).startswith(b"HTTP/1.1 200"):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the server did not start: {process.stderr.read()}") from None
            time.sleep(0.2)
    yield port
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    process.stderr.close()


def _get(port: int, path: str, timeout: float) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:  # a refusal closes the socket while some of the request is unread
            pass
        return answer


def _slow_clients(port: int, count: int) -> list[socket.socket]:
    """A third send nothing, a third half their headers, a third a body's first 8 of 100,000 bytes."""
    clients = []
    for index in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        if index % 3 == 1:
            sock.sendall(b"GET /api/v1/corridors HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: appl")
        elif index % 3 == 2:
            sock.sendall(b"POST /api/v1/bundles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 100000\r\n\r\n{\"send\":")
        clients.append(sock)
    return clients


def test_64_slow_clients_block_nobody_and_are_closed_when_quiet(live):
    clients = _slow_clients(live, 64)
    try:
        time.sleep(0.5)  # the server has accepted them all and read what they sent
        began = time.monotonic()
        answer = _get(live, "/healthz", timeout=10)
        took = time.monotonic() - began
        assert answer.startswith(b"HTTP/1.1 200 OK"), answer[:200]
        assert took < 2, f"a normal request waited {took:.1f} s behind 64 slow clients"
        # Each quiet connection is closed by the server once the idle timeout has passed: the client
        # reads the end of the stream (b""), or a reset.
        deadline = time.monotonic() + IDLE_TIMEOUT + 10
        for sock in clients:
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                assert sock.recv(1024) == b""
            except ConnectionResetError:
                pass
        assert time.monotonic() < deadline
    finally:
        for sock in clients:
            sock.close()


def test_a_body_larger_than_any_upload_is_refused_before_it_is_read(live):
    with socket.create_connection(("127.0.0.1", live), timeout=10) as sock:
        sock.sendall(b"POST /api/v1/imports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; "
                     b"boundary=x\r\nContent-Length: %d\r\n\r\n" % (server.MAX_BODY_BYTES + 1))
        assert sock.recv(100).startswith(b"HTTP/1.1 413")


def test_a_request_line_and_headers_past_the_limit_get_431(live):
    answer = _get(live, "/healthz?lang=" + "x" * server.MAX_HEADER_BYTES, timeout=10)
    assert answer.split(b" ", 2)[1] == b"431", answer[:100]
