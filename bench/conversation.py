"""Conversation benchmark: `python -m bench.conversation [--index DIR | --corpus DIR] [--turns 100]`.

One browser session asks `--turns` questions through the chat page's own handler (`ChatPage.respond`, the
code behind "/ask"), each followed by a 1 MB question, as a careless paste or a hostile client would send.
Measured: the server process's RSS before and after, what the session keeps (its turns and their
history), and the bytes streamed to the browser for one turn, at the first turn and the last.
Without --index, a keyword-only index of two reports and the national framework is built in a temporary
folder from --corpus (the default corpus, as for ingest).
"""
from __future__ import annotations

import argparse
import gc
import pickle
import shutil
import tempfile
import time
from pathlib import Path

from bench.common import report

QUESTIONS = [
    "What did inspectors say about supervision in Stoke-on-Trent?",
    "And what about care leavers there?",
    "What does the national framework say about kinship care?",
    "What grade did Stoke-on-Trent get for children in care in 2019?",
    "How do leaders in Norfolk know about the quality of practice?",
]
FILES = [
    "reports/80564_stoke-on-trent/children's services inspection - 18 march 2019.pdf",
    "reports/80418_norfolk/children's services inspection - 18 may 2026.pdf",
    "framework/childrens-social-care-national-framework-2023.txt",
]


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def small_index(corpus: Path, folder: Path) -> Path:
    from assistant.ingest import ingest

    for rel in FILES:
        target = folder / "corpus" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(corpus / rel, target)
    ingest(folder / "corpus", folder / "index", all_reports=True, embed=False)
    return folder / "index"


def one_turn(page, question: str, turns: list, session: str) -> tuple[list, str, int]:
    streamed = 0
    for out in page.respond(question, turns, session, [], "any", "any", "both", "any", "any"):
        html, turns, session = out[0], out[1], out[2]
        streamed += len(html.encode()) if isinstance(html, str) else 0
    return turns, session, streamed


def main() -> None:
    from assistant.api import Assistant
    from assistant.config import resolve_corpus
    from assistant.web.page import ChatPage

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default=None)
    ap.add_argument("--corpus", default=None)
    ap.add_argument("--turns", type=int, default=100)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-conversation-"))
    try:
        corpus = resolve_corpus(args.corpus)
        index = Path(args.index) if args.index else small_index(corpus, work)
        page = ChatPage(Assistant(index=index), corpus, stage_dir=work / "stage", stream_delay=0)
        turns, session = [], ""
        turns, session, _ = one_turn(page, QUESTIONS[0], turns, session)  # warm: indexes and models loaded
        gc.collect()
        rss_before = rss_mib()
        first_stream = last_stream = 0
        samples = []
        started = time.perf_counter()
        for i in range(args.turns):
            if i and i % 25 == 0:
                gc.collect()
                samples.append((i, rss_mib()))
            question = QUESTIONS[i % len(QUESTIONS)]
            if i % 2:
                question += " " + "x" * 1_000_000
            turns, session, streamed = one_turn(page, question, turns, session)
            first_stream = first_stream or streamed
            last_stream = streamed
        seconds = time.perf_counter() - started
        gc.collect()
        rss_after = rss_mib()
        kept = len(pickle.dumps(turns))
        question_chars = max(len(t.question) for t in turns)
        history = max(len(t.history) for t in turns)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = [
        ("turns asked (every second one with 1 MB appended)", str(args.turns)),
        ("server RSS before / after", f"{rss_before:.0f} / {rss_after:.0f} MiB"),
        ("RSS growth", f"{rss_after - rss_before:+.0f} MiB"),
        ("RSS after turns " + ", ".join(str(i) for i, _ in samples), ", ".join(f"{r:.0f}" for _, r in samples) + " MiB"),
        ("turns kept in the session", str(len(turns))),
        ("longest question kept", f"{question_chars:,} characters"),
        ("longest history kept", f"{history} questions"),
        ("session state (pickled)", f"{kept / 1024:,.0f} KiB"),
        ("streamed for the first / last turn", f"{first_stream / 1024:,.0f} / {last_stream / 1024:,.0f} KiB"),
        ("seconds per turn", f"{seconds / max(args.turns, 1):.2f}"),
    ]
    report("Conversation: memory and bytes over a long session", rows, "conversation", {
        "turns": args.turns, "rss_before_mib": rss_before, "rss_after_mib": rss_after, "rss_samples": samples, "turns_kept": len(turns),
        "max_question_chars": question_chars, "max_history": history, "state_bytes": kept,
        "first_turn_streamed_bytes": first_stream, "last_turn_streamed_bytes": last_stream, "seconds": seconds,
    })


if __name__ == "__main__":
    main()
