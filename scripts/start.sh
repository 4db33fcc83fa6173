#!/usr/bin/env bash
# Set up, index the default corpus (incremental: seconds when nothing changed) and open the chat page
# on http://127.0.0.1:7860.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ofsted-assistant ingest "$@"
exec .venv/bin/ofsted-assistant serve
