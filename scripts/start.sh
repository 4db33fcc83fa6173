#!/usr/bin/env bash
# Set up, index the default corpus and open the chat page on http://127.0.0.1:7860.
# The page opens as soon as the keyword index is built (about a minute for the default corpus); meaning
# vectors are added in the background while it runs, and the Library tab shows how far that has got.
# Later starts are incremental: seconds when nothing changed. Extra arguments go to `ingest` (a corpus folder).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ofsted-assistant ingest --no-embed "$@"
index="${OFSTED_INDEX:-index}"
echo "Embedding passages in the background (log: $index/embedding.log); the page answers from keyword search meanwhile."
.venv/bin/ofsted-assistant ingest "$@" >"$index/embedding.log" 2>&1 &
embedder=$!
# Stopping the page stops the embedding too; an interrupted ingest resumes where it stopped next time.
trap 'kill "$embedder" 2>/dev/null || true' EXIT
.venv/bin/ofsted-assistant serve
