"""Ingest benchmark: `python -m bench.ingest [--corpus DIR] [--all]`.

Builds a fresh index of the corpus in a child process (so peak RSS is the ingest's own), then times a
re-ingest of the unchanged corpus through the real CLI, as a user would run it.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import report


def child(corpus: str, index: str, all_reports: bool) -> None:
    from assistant.ingest import ingest

    summary = ingest(Path(corpus), Path(index), all_reports=all_reports)
    print(json.dumps(summary.model_dump(mode="json")))


def main() -> None:
    from assistant.config import resolve_corpus

    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=None)
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--keep", default=None, help="Build the index here and keep it")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.all)
        return
    corpus = str(resolve_corpus(args.corpus))
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-index-"))
    if args.keep and folder.exists():
        shutil.rmtree(folder)
    cmd = [sys.executable, "-m", "bench.ingest", "--child", corpus, str(folder)] + (["--all"] if args.all else [])
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"ingest failed:\n{proc.stderr[-2000:]}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    t = summary["timings"]

    started = time.perf_counter()
    again = subprocess.run([sys.executable, "-m", "assistant", "ingest", corpus, "--index", str(folder), "--json"],
                           capture_output=True, text=True)
    rerun = time.perf_counter() - started
    if again.returncode != 0:
        sys.exit(f"re-ingest failed:\n{again.stderr[-2000:]}")

    started = time.perf_counter()
    ask = subprocess.run([sys.executable, "-m", "assistant", "ask", "What did inspectors say about supervision?",
                          "--index", str(folder), "--json"], capture_output=True, text=True, env={
                              **__import__("os").environ, "OFSTED_DENSE_WEIGHT": "0"})
    cold_ask = time.perf_counter() - started
    rows = [
        ("corpus", f"{'full history' if args.all else 'default'}: {summary['documents']} documents, {len(summary['skipped'])} skipped"),
        ("pages / chunks", f"{summary['pages']} / {summary['chunks']}"),
        ("ingest wall time", f"{wall:.0f} s"),
        ("pages/s, chunks/s (whole ingest)", f"{summary['pages'] / wall:.1f}, {summary['chunks'] / wall:.1f}"),
        ("parse (load, clean, structure, chunk)", f"{t['parse']:.0f} s ({summary['pages'] / max(t['parse'], 1e-9):.1f} pages/s)"),
        ("keyword index build", f"{t['keyword']:.1f} s"),
        ("keyword answers possible after", f"{t['keyword_ready']:.0f} s"),
        ("first keyword answer (cold CLI ask, after ingest)", f"{cold_ask:.1f} s"),
        ("embedding phase", f"{t['embed']:.0f} s ({summary['embedded'] / max(t['embed'], 1e-9):.1f} chunks/s)"),
        ("embedding share of wall time (model only)", f"{100 * t.get('model', 0) / wall:.0f}%"),
        ("peak RSS", f"{peak_mb:.0f} MB"),
        ("re-ingest, unchanged corpus (CLI, cold process)", f"{rerun:.1f} s"),
    ]
    report("Ingest benchmark", rows, "ingest-all" if args.all else "ingest", {
        "summary": summary, "wall": wall, "peak_rss_mb": peak_mb, "reingest_seconds": rerun, "cold_ask": cold_ask,
        "ask_ok": ask.returncode == 0})
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
