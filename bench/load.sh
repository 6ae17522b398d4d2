#!/usr/bin/env bash
# 60 seconds of mixed load on remit under gunicorn, on loopback; see bench/load.py.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python bench/load.py "$@"
