#!/usr/bin/env bash
# Set up, index the default corpus and open the chat page on http://127.0.0.1:7860.
# The page opens as soon as each council's latest report and the frameworks are keyword-indexed (about a
# minute); the older reports (newest first) and then the meaning vectors (latest reports first) are added in
# the background while it runs, and the Library tab and each answer say how far that has got.
# Later starts are incremental: seconds when nothing changed. Extra arguments go to `ingest` (a corpus folder,
# --latest-only).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ofsted-assistant ingest --no-embed --first-wave "$@"
index="${OFSTED_INDEX:-index}"
echo "Adding older reports, then meaning vectors, in the background (log: $index/embedding.log); the page answers meanwhile."
.venv/bin/ofsted-assistant ingest "$@" >"$index/embedding.log" 2>&1 &
embedder=$!
# Stopping the page stops the embedding too; an interrupted ingest resumes where it stopped next time.
trap 'kill "$embedder" 2>/dev/null || true' EXIT
.venv/bin/ofsted-assistant serve
