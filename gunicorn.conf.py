"""gunicorn's settings for `make run` (gunicorn reads this file when it starts in this folder).

Rate limits count every request once. Their default store (memory://) lives in one process, so one
worker process serves every request, with threads; more workers need a store they share
(REMIT_RATE_LIMIT_STORAGE=redis://…), and gunicorn refuses to start them without one rather than let
each count its own requests.
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
