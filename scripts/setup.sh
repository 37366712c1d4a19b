#!/usr/bin/env bash
# Idempotent set-up on a fresh Debian machine with Python 3.11: system packages, venv, pinned deps.
# Safe and fast to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(fonts-liberation2 libharfbuzz-subset0 poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fontconfig chromium
                 libreoffice-writer-nogui   # LibreOffice: the tests lay out each DOCX to compare it with the PDF
                 postgresql)                # PostgreSQL server: the register's tests run on a throw-away cluster
missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    # Debian's own python3 ships venv/ensurepip separately.
    rm -rf .venv
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    "$PYTHON" -m venv .venv
  fi
fi

# Reinstall only when the pinned requirements or the project metadata changed.
stamp=.venv/.congvan-installed
want=$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing Python dependencies (pinned in requirements.lock)" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.lock
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
  echo "$want" > "$stamp"
fi
