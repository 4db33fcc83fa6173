"""Ingest benchmark: `python -m bench.ingest [--corpus DIR] [--latest-only] [--keep DIR]`.

Replays `scripts/start.sh` from an empty index and times the milestones a user sees (issue 13's targets):
1. the first wave (`ingest --no-embed --first-wave`: each council's latest report and the frameworks);
2. the page answering from them: a process started when the first wave ends, as `serve` is, asks about
   Stoke-on-Trent until a cited answer comes back;
3. the second `ingest` in the background (older reports newest first, then meaning vectors, latest first),
   while that process keeps asking, as a user with the page open would: when an older report (Stoke-on-Trent
   2019) is answered, when every report is keyword-indexed, when the latest reports' and then every passage
   has its vector (from the index's own coverage, polled every few seconds);
4. a re-ingest of the unchanged corpus through the CLI.
Each ingest runs in a child process, so peak RSS is its own.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import report

LATEST_QUESTION = "What did inspectors say about supervision in Stoke-on-Trent?"
OLDER_QUESTION = "What did inspectors say about supervision in Stoke-on-Trent in 2019?"
POLL_SECONDS = 5.0


def child(corpus: str, index: str, all_reports: bool, first_wave: bool) -> None:
    from assistant.ingest import ingest

    summary = ingest(Path(corpus), Path(index), all_reports=all_reports, embed=not first_wave,
                     first_wave_only=first_wave)
    print(json.dumps(summary.model_dump(mode="json")))


def _run_child(corpus: str, folder: Path, all_reports: bool, first_wave: bool, errors) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "bench.ingest", "--child", corpus, str(folder)]
    cmd += (["--all"] if all_reports else ["--latest-only"]) + (["--first-wave"] if first_wave else [])
    # stderr goes to a file: a pipe nobody reads while we poll would fill and stall the ingest.
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors, text=True)


def _finish(proc: subprocess.Popen, errors) -> dict:
    out, _ = proc.communicate()
    if proc.returncode != 0:
        errors.seek(0)
        sys.exit(f"ingest failed:\n{errors.read()[-2000:]}")
    return json.loads(out.strip().splitlines()[-1])


def _cites_year(answer, year: int) -> bool:
    return not answer.refused and any(c.published and c.published.year == year for c in answer.citations)


def main() -> None:
    from assistant.config import resolve_corpus

    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=None)
    parser.add_argument("--latest-only", action="store_true")
    parser.add_argument("--all", action="store_true", help=argparse.SUPPRESS)  # for the child
    parser.add_argument("--first-wave", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--keep", default=None, help="Build the index here and keep it")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], not args.latest_only, args.first_wave)
        return
    all_reports = not args.latest_only
    corpus = str(resolve_corpus(args.corpus))
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-index-"))
    if folder.exists():
        shutil.rmtree(folder)
    seen: dict[str, float] = {}
    notices: dict[str, list[str]] = {}
    started = time.perf_counter()
    clock = lambda: time.perf_counter() - started  # noqa: E731

    with tempfile.TemporaryFile("w+") as errors:
        first = _finish(_run_child(corpus, folder, all_reports, True, errors), errors)
        seen["first wave keyword-indexed (ingest --first-wave ends)"] = clock()
        background = _run_child(corpus, folder, all_reports, False, errors)
        background_started = clock()
        # What `serve` does when start.sh starts it: import the stack and open the index, beside the ingest.
        from assistant.api import Assistant

        assistant = Assistant(folder)
        while True:
            done = background.poll() is not None
            try:
                if "page" not in seen:
                    answer = assistant.ask(LATEST_QUESTION)
                    if not answer.refused and answer.citations:
                        seen["page"], notices["page"] = clock(), list(answer.notices)
                if all_reports and "older" not in seen:
                    answer = assistant.ask(OLDER_QUESTION)
                    if _cites_year(answer, 2019):
                        seen["older"], notices["older"] = clock(), list(answer.notices)
                    elif "older refusal" not in notices and answer.refused:
                        notices["older refusal"] = [answer.answer]
                cover = assistant.index.coverage()
                if "keyword all" not in seen and not cover.waiting and cover.older_reports:
                    seen["keyword all"] = clock()
                if "latest dense" not in seen and cover.latest_dense >= 1:
                    seen["latest dense"] = clock()
                if "all dense" not in seen and cover.latest_dense >= 1 and cover.older_dense >= 1:
                    seen["all dense"] = clock()
                notices.setdefault("library while indexing", cover.summary())
            except Exception as exc:  # noqa: BLE001 - mid-ingest states are expected; record and keep polling
                print(f"  poll failed at {clock():.0f} s: {type(exc).__name__}: {exc}"[:300])
            if done:
                break
            time.sleep(POLL_SECONDS)
        second = _finish(background, errors)
    wall = clock()
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    t = second["timings"]

    rerun_started = time.perf_counter()
    again = subprocess.run([sys.executable, "-m", "assistant", "ingest", corpus, "--index", str(folder), "--json"],
                           capture_output=True, text=True)
    rerun = time.perf_counter() - rerun_started
    if again.returncode != 0:
        sys.exit(f"re-ingest failed:\n{again.stderr[-2000:]}")

    def at(key: str, target: float | None = None) -> str:
        if key not in seen:
            return "not seen"
        mark = "" if target is None else (" (target < %d s: %s)" % (target, "met" if seen[key] < target else "NOT met"))
        return f"{seen[key]:.0f} s{mark}"

    keyword_all = background_started + t["keyword_ready"]
    rows = [
        ("corpus", f"{'full history' if all_reports else 'latest only'}: {second['documents']} documents, "
                   f"{len(second['skipped'])} skipped"),
        ("pages / passages", f"{second['pages']:,} / {second['chunks']:,}"),
        ("first wave: latest reports + frameworks keyword-indexed",
         f"{seen['first wave keyword-indexed (ingest --first-wave ends)']:.0f} s ({first['documents']} documents)"),
        ("page answers from the latest reports (first cited answer)", at("page", 90)),
    ]
    if all_reports:
        rows += [
            ("an older report answered (Stoke-on-Trent 2019)", at("older")),
            ("every report answerable by keyword (ingest's clock)",
             f"{keyword_all:.0f} s (target < 300 s: {'met' if keyword_all < 300 else 'NOT met'})"),
        ]
    rows += [
        ("latest reports fully embedded", at("latest dense", 600)),
        ("every passage embedded (ingest ends)", f"{wall:.0f} s" + (
            f" (target < 2100 s: {'met' if wall < 2100 else 'NOT met'})" if all_reports else "")),
        ("parse, both waves", f"{first['timings']['parse'] + t['parse']:.0f} s"),
        ("embedding", f"{t['embed']:.0f} s ({second['embedded'] / max(t['embed'], 1e-9):.1f} passages/s)"),
        ("peak RSS of an ingest", f"{peak_mb:.0f} MB"),
        ("re-ingest, unchanged corpus (CLI, cold process)", f"{rerun:.1f} s (target < 2 s: {'met' if rerun < 2 else 'NOT met'})"),
    ]
    report("Ingest benchmark (scripts/start.sh from an empty index)", rows,
           "ingest" if all_reports else "ingest-latest", {
               "first_wave": first, "second": second, "seen": seen, "notices": notices, "wall": wall,
               "keyword_all_ingest_clock": keyword_all, "peak_rss_mb": peak_mb, "reingest_seconds": rerun,
               "cores": os.cpu_count()})
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
