#!/usr/bin/env bash
# Set up (idempotent), then the whole check: the test suite, ruff and mypy (configured in pyproject.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pytest "$@"
.venv/bin/python -m ruff check .
.venv/bin/python -m mypy
