"""Every benchmark in one command: `python -m bench [--index index] [--full-index DIR] [--only NAME ...]`.

Each benchmark runs in its own process and prints its own table (machine, date and load in the title) and
writes JSON to bench/results/. The order matters: the ingest benchmark runs first, on an idle machine.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time


def plan(index: str, full_index: str | None, corpus: list[str]) -> dict[str, list[str]]:
    steps = {
        "ingest": ["-m", "bench.ingest", *corpus],
        "query": ["-m", "bench.query", "--index", index],
        "overlap": ["-m", "bench.overlap", "--index", index, "--chunks", "1500", *corpus],
        "embedding-cuts": ["-m", "bench.embedding_cuts", "--index", index],
        "chroma-server": ["-m", "bench.chroma_server", "--seed-embeddings", index, *corpus],
        "serve": ["-m", "bench.load", "--index", index, "--users", "4", "--questions", "5", *corpus],
        "briefing": ["bench/briefing.py", "--index", index],
        "concurrency": ["-m", "bench.concurrency", "--index", index, *corpus],
    }
    if full_index:
        steps["serve-full-history"] = ["-m", "bench.load", "--index", full_index, "--users", "4", "--questions", "5",
                                       *corpus]
        steps["query-full-history"] = ["-m", "bench.query", "--index", full_index]
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default="index", help="a built index of the default corpus")
    parser.add_argument("--full-index", default=None, help="a built full-history index (`ingest --all`)")
    parser.add_argument("--corpus", default=None)
    parser.add_argument("--only", nargs="+", default=None, help="run only these benchmarks")
    args = parser.parse_args()
    steps = plan(args.index, args.full_index, ["--corpus", args.corpus] if args.corpus else [])
    chosen = args.only or list(steps)
    unknown = [name for name in chosen if name not in steps]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {list(steps)}")
    failed = []
    for name in chosen:
        print(f"\n=== {name}: python {' '.join(steps[name])}", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, *steps[name]])
        print(f"=== {name}: {'ok' if code == 0 else f'exit {code}'} after {time.perf_counter() - started:.0f} s", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
