"""Ingest and query through a real `chroma run` server: `python -m bench.chroma_server [--corpus DIR]
[--seed-embeddings INDEX] [--n 60]`.

Starts chromadb's own server on 127.0.0.1 and a free port with its data in a temporary folder, builds a fresh
index of the corpus through it with the real CLI (`ingest --chroma-url`), then times questions from a warm
process, as `bench.query` does for the embedded store. `--seed-embeddings` copies the embedding cache of an
existing index first, so the run measures what the server changes (parsing, upserts over HTTP, queries)
without another half hour of the same embedding work, which runs in our process in both modes.
"""
from __future__ import annotations

import argparse
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import report
from bench.load import free_port, rss_mb
from bench.query import latency_rows, measure, questions


def start_server(data: Path) -> tuple[subprocess.Popen, str]:
    """chromadb's own `chroma run` on 127.0.0.1 and a free port, once it accepts connections (also used by
    tests/test_chroma_server.py). Raises RuntimeError when it does not start."""
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    proc = subprocess.Popen([exe, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited at start with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("chroma run did not start within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def seed_embeddings(source_index: Path, index: Path) -> int:
    from assistant.store import Store

    Store(index / "state.sqlite")  # creates the schema
    db = sqlite3.connect(index / "state.sqlite")
    try:
        db.execute("ATTACH DATABASE ? AS seed", (f"file:{source_index / 'state.sqlite'}?mode=ro",))
        db.execute("INSERT OR IGNORE INTO embeddings SELECT * FROM seed.embeddings")
        db.commit()
        return db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
    finally:
        db.close()


def main() -> None:
    from assistant.config import resolve_corpus

    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=None)
    parser.add_argument("--seed-embeddings", default=None, metavar="INDEX",
                        help="copy this index's embedding cache first (the embedding work is the same in both modes)")
    parser.add_argument("--n", type=int, default=0, help="how many questions (default: all)")
    args = parser.parse_args()
    corpus = str(resolve_corpus(args.corpus))
    work = Path(tempfile.mkdtemp(prefix="bench-chroma-"))
    index = work / "index"
    index.mkdir()
    seeded = seed_embeddings(Path(args.seed_embeddings), index) if args.seed_embeddings else 0
    try:
        server, url = start_server(work / "chroma-data")
    except RuntimeError as exc:
        sys.exit(str(exc))
    try:
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "assistant", "ingest", corpus, "--index", str(index),
                               "--chroma-url", url, "--json"], capture_output=True, text=True)
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            sys.exit(f"ingest through the server failed:\n{proc.stderr[-2000:]}")
        summary = json.loads(proc.stdout[proc.stdout.index("{"):])
        started = time.perf_counter()
        again = subprocess.run([sys.executable, "-m", "assistant", "ingest", corpus, "--index", str(index),
                                "--chroma-url", url, "--json"], capture_output=True, text=True)
        rerun = time.perf_counter() - started

        from assistant.api import Assistant

        assistant = Assistant(index=index, chroma_url=url)
        vectors = assistant.index.collection().count()
        retrieval, whole = measure(assistant, questions(args.n))
        _, server_peak = rss_mb(server.pid)
    finally:
        stop_server(server)
    rows = [
        ("corpus", f"{summary['documents']} documents, {summary['pages']} pages, {summary['chunks']} chunks"),
        ("embedding cache seeded", f"{seeded} vectors from {args.seed_embeddings}" if seeded else "no: every chunk embedded"),
        ("ingest wall time (CLI, through the server)", f"{wall:.0f} s"),
        ("chunks embedded / taken from the cache", f"{summary['embedded']} / {summary['reused']}"),
        ("vectors in the server's collection", str(vectors)),
        ("re-ingest, unchanged corpus", f"{rerun:.1f} s" + ("" if again.returncode == 0 else " (failed)")),
        *latency_rows(retrieval, whole),
        ("chroma run peak RSS", f"{server_peak:.0f} MB"),
    ]
    report("Chroma server mode: ingest and query", rows, "chroma-server", {
        "summary": summary, "wall": wall, "reingest_seconds": rerun, "seeded": seeded, "vectors": vectors,
        "retrieval": retrieval, "ask": whole, "server_peak_rss_mb": server_peak})
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
