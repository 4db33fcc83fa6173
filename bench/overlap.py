"""Does parsing in one process while another embeds finish sooner on this machine?
`python -m bench.overlap [--corpus DIR] [--index index] [--chunks 600]`.

Issue 7 asks for parsing and embedding to overlap in separate processes, kept only if it helps. This runs the
two real workloads, first one after the other, then at the same time, and compares the wall times:
- parse: `ingest --no-embed` of the corpus into a fresh index (the process pool over every core, then BM25);
- embed: a separate process embedding `--chunks` passages of an existing index with the real model, as the
  ingest's embedding phase does (same inputs, same batch size).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import report


def embed_child(index: str, n: int) -> None:
    from assistant.config import Settings
    from assistant.embedding import embed_texts, embedding_input, get_model
    from assistant.store import Store

    get_model()
    rows = Store(Path(index) / "state.sqlite", readonly=True).connect().execute(
        "SELECT context, text FROM chunks ORDER BY chunk_id LIMIT ?", (n,)).fetchall()
    embed_texts([embedding_input(r["context"], r["text"]) for r in rows], Settings().embed_batch)


def start(kind: str, corpus: str, index: str, n: int, work: Path) -> subprocess.Popen:
    if kind == "parse":
        target = work / f"parse-{time.monotonic_ns()}"
        cmd = [sys.executable, "-m", "assistant", "ingest", corpus, "--index", str(target), "--no-embed"]
    else:
        cmd = [sys.executable, "-m", "bench.overlap", "--embed-child", index, "--chunks", str(n)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def run(kinds: list[str], corpus: str, index: str, n: int, work: Path) -> dict[str, float]:
    """Start the given workloads together; seconds until each ended, and until all had."""
    started = time.perf_counter()
    procs = {k: start(k, corpus, index, n, work) for k in kinds}
    ended: dict[str, float] = {}
    while len(ended) < len(procs):
        for k, p in procs.items():
            if k not in ended and p.poll() is not None:
                if p.returncode != 0:
                    sys.exit(f"{k} failed:\n{p.stderr.read()[-2000:]}")
                ended[k] = time.perf_counter() - started
        time.sleep(0.2)
    ended["all"] = max(ended.values())
    return ended


def main() -> None:
    from assistant.config import resolve_corpus

    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=None)
    parser.add_argument("--index", default="index", help="an existing index whose passages are embedded")
    parser.add_argument("--chunks", type=int, default=600)
    parser.add_argument("--embed-child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.embed_child:
        embed_child(args.embed_child, args.chunks)
        return
    corpus = str(resolve_corpus(args.corpus))
    work = Path(tempfile.mkdtemp(prefix="bench-overlap-"))
    try:
        parse = run(["parse"], corpus, args.index, args.chunks, work)
        embed = run(["embed"], corpus, args.index, args.chunks, work)
        both = run(["parse", "embed"], corpus, args.index, args.chunks, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    one_after_other = parse["all"] + embed["all"]
    rows = [
        ("workloads", f"parse + keyword index of the corpus; embedding {args.chunks} passages (model load included)"),
        ("parse alone / embed alone", f"{parse['all']:.0f} s / {embed['all']:.0f} s"),
        ("one after the other", f"{one_after_other:.0f} s"),
        ("overlapped: parse done / embed done / both done",
         f"{both['parse']:.0f} s / {both['embed']:.0f} s / {both['all']:.0f} s"),
        ("overlap saves", f"{one_after_other - both['all']:.0f} s ({100 * (one_after_other - both['all']) / one_after_other:.0f}%)"),
        ("keyword answers delayed by overlapping", f"{both['parse'] - parse['all']:.0f} s"),
        ("cores", str(os.cpu_count())),
    ]
    report("Parse and embed: one after the other, or overlapped", rows, "overlap",
           {"parse": parse, "embed": embed, "both": both, "chunks": args.chunks})


if __name__ == "__main__":
    main()
