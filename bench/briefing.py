"""Time a theme briefing over an index: `python bench/briefing.py --index index [--theme supervision]`.

Each retrieval mode (keyword, the default; hybrid, `--dense`) runs in its own process so the first ("cold")
briefing pays what a fresh CLI call pays: opening the index, loading BM25 and, for hybrid, loading the embedding
model. Later runs in the same process are what the web page pays. Target: under 15 s on 2 cores.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run as a script: `python bench/briefing.py`

from bench.common import machine  # noqa: E402

TARGET_SECONDS = 15.0


def worker(index_dir: str, theme: str, runs: int, dense: bool) -> dict:
    started = time.perf_counter()
    from assistant.index import Index
    from assistant.trainer import build_briefing

    imported = time.perf_counter() - started
    index = Index(index_dir)
    times, b = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        b = build_briefing(index, theme, dense=dense)
        times.append(time.perf_counter() - t0)
    return {
        "imports": imported, "cold": times[0], "warm": times[1:], "reports": b.scope.reports,
        "speaking": b.reports_speaking, "quotes": len(b.quotes()), "distinctions": len(b.distinctions),
        "strong": b.group("strong").reports if b.group("strong") else 0,
        "weak": b.group("weak").reports if b.group("weak") else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default="index")
    parser.add_argument("--theme", default="supervision")
    parser.add_argument("--runs", type=int, default=3, help="Briefings per process (the first is cold).")
    parser.add_argument("--worker", choices=["dense", "keyword"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.index, args.theme, max(1, args.runs), args.worker == "dense")))
        return

    from rich.console import Console
    from rich.table import Table

    from assistant.index import Index

    index = Index(args.index)
    docs = list(index.documents().values())
    results = {}
    for mode in ("keyword", "dense"):
        out = subprocess.run([sys.executable, __file__, "--worker", mode, "--index", args.index, "--theme", args.theme,
                              "--runs", str(args.runs)], capture_output=True, text=True, cwd=REPO, check=True)
        results[mode] = json.loads(out.stdout.strip().splitlines()[-1])

    m = machine()
    console = Console()
    info = Table(title=f"Briefing benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}", show_header=False)
    info.add_row("Machine", f"{m['cpu']}, {m['cores']} cores, {m['memory']}, Python {m['python']}")
    info.add_row("Load (1 min) after the runs", str(m["load_1min"]))
    info.add_row("Index", f"{args.index}: {sum(d.kind == 'report' for d in docs)} reports, "
                 f"{sum(d.kind == 'framework' for d in docs)} framework documents, {index.chunk_count()} passages "
                 f"({index.embedded_count()} embedded)")
    r = results["dense"]
    info.add_row("Theme", f"\u201c{args.theme}\u201d: {r['speaking']} of {r['reports']} reports speak to it "
                 f"(strong {r['strong']}, weak {r['weak']}); {r['quotes']} quotes, {r['distinctions']} distinctions")
    console.print(info)
    table = Table(title=f"Seconds per briefing (target < {TARGET_SECONDS:.0f} s)")
    for col in ("Retrieval", "Library imports", "Cold briefing", "Cold total", "Warm median", "Target met"):
        table.add_column(col, justify="right" if col != "Retrieval" else "left")
    for mode, label in (("keyword", "keyword (default)"), ("dense", "hybrid (--dense)")):
        r = results[mode]
        cold_total = r["imports"] + r["cold"]
        warm = statistics.median(r["warm"]) if r["warm"] else float("nan")
        table.add_row(label, f"{r['imports']:.2f}", f"{r['cold']:.2f}", f"{cold_total:.2f}",
                      f"{warm:.2f}" if r["warm"] else "-", "yes" if cold_total < TARGET_SECONDS else "NO")
    console.print(table)


if __name__ == "__main__":
    main()
