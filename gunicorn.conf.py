"""gunicorn's settings for several worker processes (`make run WORKERS=2` and more; one process is
served by waitress, see remit/server.py).

Rate limits count every request once. Their default store (memory://) lives in one process, so
several workers need a store they share (REMIT_RATE_LIMIT_STORAGE=redis://…), and gunicorn refuses
to start them without one rather than let each count its own requests.

gunicorn's threads read their requests themselves: run it behind a buffering reverse proxy (the
README's nginx example), so that a slow client never holds one of them.
"""
from remit.config import rate_limits_problem

workers = 1
threads = 8
worker_class = "gthread"


def on_starting(server):
    problem = rate_limits_problem(server.cfg.workers)
    if problem:
        server.log.error("remit: %s", problem)
        raise SystemExit(1)


def post_worker_init(worker):
    # The app is built: its objects leave the collector's full passes, as under waitress.
    from remit.server import freeze_startup_objects

    freeze_startup_objects()
