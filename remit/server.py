"""The server `make run` starts (`flask --app wsgi remit serve`): waitress, one process, threads.

Why waitress: its main thread reads every request whole (headers and body, the body spooled to a
temporary file past 512 KiB) before a worker thread takes it, and writes answers out of a buffer
after the thread is done. A client that sends its headers or its body a byte at a time, or nothing
at all, holds a socket and a little memory, never a thread: the threads only ever run the app.
gunicorn's threaded worker reads a request inside the thread that then runs the app, so eight slow
clients held its eight threads and every other request waited. A connection quiet for
`IDLE_TIMEOUT` seconds is closed.

Several processes (`WORKERS=2` and more, with the rate limits in Redis) are served by gunicorn, as
before: put it behind a buffering reverse proxy (the README's nginx example), which does the same
reading-ahead for it.
"""
from __future__ import annotations

import gc

from flask import Flask

from . import inputs

THREADS = 8  # threads that run the app; they never wait on a client's socket
IDLE_TIMEOUT = 30  # seconds a connection may send or take nothing before it is closed
# Connections held at once; more wait in the listen queue. Each may hold a body being read (spooled
# to a temporary file past 512 KiB, at most MAX_BODY_BYTES): 200 bound that to some 3.5 GB of disk.
CONNECTIONS = 200
# A request's line and headers (431 beyond); a body larger than an upload may be is refused (413)
# before it is read. The app refuses smaller bodies by its own limits (remit/inputs.py).
MAX_HEADER_BYTES = 16 * 1024
MAX_BODY_BYTES = inputs.MAX_UPLOAD_BYTES + 1024 * 1024 - 1  # an upload and its multipart framing, under 17 MiB


def settings(host: str, port: int, idle_timeout: int = IDLE_TIMEOUT, threads: int = THREADS) -> dict:
    """waitress's adjustments for remit."""
    return {"host": host, "port": port, "threads": threads, "channel_timeout": idle_timeout,
            # How often quiet connections are looked for: at most a second late on a short timeout.
            "cleanup_interval": max(1, min(30, idle_timeout // 2)),
            "connection_limit": CONNECTIONS, "asyncore_use_poll": True,  # select() stops at 1,024 sockets
            "max_request_header_size": MAX_HEADER_BYTES, "max_request_body_size": MAX_BODY_BYTES,
            "ident": "remit",
            # X-Forwarded-* are the app's to trust or not (REMIT_TRUSTED_PROXIES, werkzeug's ProxyFix).
            "trusted_proxy": None}


def freeze_startup_objects() -> None:
    """Move the objects alive once the app is built (modules, classes, the app, SQLAlchemy's and
    marshmallow's tables: some 150,000) out of the garbage collector's full passes for good. They
    live as long as the process, so nothing collectable is kept; every object made after, by any
    request, is collected as Python always does. Without this, each full pass walks them all again."""
    gc.collect()
    gc.freeze()


def serve(app: Flask, host: str, port: int, idle_timeout: int = IDLE_TIMEOUT, threads: int = THREADS) -> None:
    from waitress import serve as waitress_serve

    freeze_startup_objects()
    waitress_serve(app, **settings(host, port, idle_timeout, threads))
