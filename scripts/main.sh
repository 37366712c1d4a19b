#!/usr/bin/env bash
# Set up (idempotent) and run the main job on the bundled fixtures: Hà Nội's July 2024 dispatch.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/congvan generate fixtures/ha-noi/2024-07.xlsx --out "${OUT:-output}" "$@"
