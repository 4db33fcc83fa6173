"""Query latency, warm process: `python -m bench.query [--index index] [--n 60]`.

Questions come from the shipped gold set (not tuned for speed); each is asked once after one warm-up.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench.common import percentile, report

GOLD = Path(__file__).resolve().parent.parent / "eval" / "gold"


def questions(n: int) -> list[dict]:
    items = []
    for name in ("questions.jsonl", "facts.jsonl"):
        path = GOLD / name
        if path.exists():
            items += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return items[:n] if n else items


def measure(assistant, items: list[dict]) -> tuple[list[float], list[float]]:
    """Seconds per question: retrieval alone, then the whole `ask`, after one untimed warm-up."""
    from assistant.query import understand
    from assistant.retrieval import Retriever

    retriever = Retriever(assistant.index, assistant.settings)
    assistant.ask(items[0]["question"])  # warm-up: model, keyword index and Chroma loaded once
    retrieval, whole = [], []
    for item in items:
        u = understand(item["question"], assistant.councils, None, item.get("history"))
        t = time.perf_counter()
        retriever.search(u.search_text, u.dense_text, u.filters, k=assistant.settings.answer_chunks,
                         boost_areas=u.areas, expansion_text=u.expansion_text)
        retrieval.append(time.perf_counter() - t)
        t = time.perf_counter()
        assistant.ask(item["question"], filters=item.get("filters") or None, history=item.get("history"))
        whole.append(time.perf_counter() - t)
    return retrieval, whole


def latency_rows(retrieval: list[float], whole: list[float]) -> list[tuple[str, str]]:
    ms = lambda v: f"{1000 * v:.0f} ms"
    return [
        ("questions", str(len(whole))),
        ("retrieval p50 / p95", f"{ms(percentile(retrieval, .5))} / {ms(percentile(retrieval, .95))}"),
        ("whole ask p50 / p95", f"{ms(percentile(whole, .5))} / {ms(percentile(whole, .95))}"),
        ("whole ask max", ms(max(whole))),
    ]


def main() -> None:
    from assistant.api import Assistant

    parser = argparse.ArgumentParser()
    parser.add_argument("--index", default="index")
    parser.add_argument("--n", type=int, default=0, help="how many questions (default: all)")
    args = parser.parse_args()
    assistant = Assistant(index=args.index)
    retrieval, whole = measure(assistant, questions(args.n))
    rows = [("index", f"{args.index}: {len(assistant.index.documents())} documents, {assistant.index.chunk_count()} chunks")]
    report("Query latency (warm process)", rows + latency_rows(retrieval, whole), "query",
           {"retrieval": retrieval, "ask": whole})


if __name__ == "__main__":
    main()
