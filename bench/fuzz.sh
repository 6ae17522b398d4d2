#!/usr/bin/env bash
# The API fuzzing of the test suite, longer: schemathesis against remit's own OpenAPI document with
# REMIT_FUZZ_EXAMPLES examples per operation (2,000 by default). Prints pytest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
REMIT_FUZZ_EXAMPLES="${REMIT_FUZZ_EXAMPLES:-2000}" .venv/bin/python -m pytest -q -p no:randomly \
    tests/api/test_fuzz_api.py "$@"
