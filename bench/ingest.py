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


QUESTION = "What did inspectors say about supervision in Stoke-on-Trent?"


def first_keyword_answer(folder: Path, started: float, proc: subprocess.Popen) -> tuple[float, list[str]] | None:
    """Ask the question every 2 s, as a user with the page open would, until a cited answer comes back.

    This measures what the user sees (index opened from another process mid-ingest), not the ingest's own
    note of when the keyword index was written. The import of the stack happens after the ingest has started,
    as it would for a user who starts `serve` beside it."""
    from assistant.api import Assistant
    from assistant.index import IndexMissing

    assistant = None
    while proc.poll() is None:
        try:
            assistant = assistant or Assistant(folder)
            answer = assistant.ask(QUESTION)
            if not answer.refused and answer.citations:
                return time.perf_counter() - started, list(answer.notices)
        except IndexMissing:
            pass
        except Exception as exc:  # noqa: BLE001 - mid-ingest states are expected; record and keep polling
            print(f"  ask failed at {time.perf_counter() - started:.0f} s: {type(exc).__name__}: {exc}"[:300])
            assistant = None
        time.sleep(2)
    return None


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
    # stderr goes to a file: a pipe nobody reads while we poll would fill and stall the ingest.
    with tempfile.TemporaryFile("w+") as errors:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors, text=True)
        first_answer = first_keyword_answer(folder, started, proc)
        out, _ = proc.communicate()
        wall = time.perf_counter() - started
        errors.seek(0)
        err = errors.read()
    if proc.returncode != 0:
        sys.exit(f"ingest failed:\n{err[-2000:]}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    summary = json.loads(out.strip().splitlines()[-1])
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
        ("keyword answers possible after (ingest's own clock)", f"{t['keyword_ready']:.0f} s"),
        ("first cited answer, asked from another process while ingesting",
         f"{first_answer[0]:.0f} s" if first_answer else "none before the ingest ended"),
        ("first keyword answer (cold CLI ask, after ingest)", f"{cold_ask:.1f} s"),
        ("embedding phase", f"{t['embed']:.0f} s ({summary['embedded'] / max(t['embed'], 1e-9):.1f} chunks/s)"),
        ("embedding share of wall time (model only)", f"{100 * t.get('model', 0) / wall:.0f}%"),
        ("peak RSS", f"{peak_mb:.0f} MB"),
        ("re-ingest, unchanged corpus (CLI, cold process)", f"{rerun:.1f} s"),
    ]
    report("Ingest benchmark", rows, "ingest-all" if args.all else "ingest", {
        "summary": summary, "wall": wall, "peak_rss_mb": peak_mb, "reingest_seconds": rerun, "cold_ask": cold_ask,
        "first_answer_seconds": first_answer[0] if first_answer else None,
        "first_answer_notices": first_answer[1] if first_answer else None,
        "ask_ok": ask.returncode == 0})
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
