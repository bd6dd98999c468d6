#!/usr/bin/env bash
# The test command of the README: installs the independent iCalendar parsers the feed tests run
# (Mozilla's ical.js, as in Thunderbird; Python's icalendar with recurring-ical-events) when they
# are missing, then runs the whole suite. Arguments go to `cargo test`
# (e.g. `LICHHOP_TEST_DB=postgres bash tests/run.sh --test api`).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi
if [ ! -d tests/ical-clients/node_modules/ical.js ]; then
  (cd tests/ical-clients && npm ci --no-audit --no-fund --silent)
fi
if [ ! -x tests/ical-clients/.venv/bin/python ]; then
  python3 -m venv tests/ical-clients/.venv || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    python3 -m venv tests/ical-clients/.venv
  }
  tests/ical-clients/.venv/bin/pip install -q -r tests/ical-clients/requirements.txt
fi
# LibreOffice (headless) and poppler's pdftotext read the official .docx of the weekly schedule
# as a person would see it (tests/api/schedule_document.rs). If they cannot be installed, that
# test says so and is skipped; otherwise it must pass.
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
  { apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libreoffice-writer-nogui poppler-utils; } ||
  { apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libreoffice-writer poppler-utils; } ||
    echo "tests/run.sh: could not install LibreOffice and poppler-utils: the .docx test is skipped" >&2
fi
if command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then
  export LICHHOP_REQUIRE_OFFICE=1
fi
# A real SMTP server for the notification tests (tests/api/notifications.rs).
if [ ! -x tests/smtp-sink/.venv/bin/python ]; then
  python3 -m venv tests/smtp-sink/.venv
  tests/smtp-sink/.venv/bin/pip install -q -r tests/smtp-sink/requirements.txt
fi
exec cargo test "$@"
