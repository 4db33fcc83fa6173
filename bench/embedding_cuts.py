"""What each "don't embed this" rule costs in retrieval quality: `python -m bench.embedding_cuts --index index`.

Issue 7: cut embedding work where quality allows, measuring the eval suite's Recall@5 before and after each
cut. On a copy of a fully embedded index, each rule of assistant/documents/boilerplate.py in turn removes the
vectors of the chunks it selects (exactly what ingest then never embeds; the chunks stay in the keyword index),
and the shipped gold set is run again. Rules are cumulative, in the order listed.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from bench.common import report


def rule_ids(store) -> list[tuple[str, list[str]]]:
    from assistant.documents.boilerplate import MIN_TOKENS, REPEATED_IN_DOCUMENTS, REPEATED_TEXTS_SQL, is_contents_listing

    rows = store.all_chunk_rows("chunk_id, text, n_tokens")
    repeated = {r[0] for r in store.connect().execute(REPEATED_TEXTS_SQL)}
    return [
        (f"fragments under {MIN_TOKENS} word-pieces", [r["chunk_id"] for r in rows if r["n_tokens"] < MIN_TOKENS]),
        ("tables of contents", [r["chunk_id"] for r in rows if is_contents_listing(r["text"])]),
        (f"the same passage in {REPEATED_IN_DOCUMENTS}+ documents", [r["chunk_id"] for r in rows if r["text"] in repeated]),
    ]


def embed_everything(index) -> int:
    """Give the copy a vector for every chunk, as if no rule existed: the "before" of every cut."""
    from assistant.documents.boilerplate import NOT_EMBEDDED
    from assistant.ingest import upsert_rows, vectors_for

    store = index.store
    rows = store.connect().execute("SELECT chunk_id, doc_id, text, context, embed_key, area, grade FROM chunks "
                                   "WHERE embedded=?", (NOT_EMBEDDED,)).fetchall()
    if rows:
        vectors, _ = vectors_for(store, rows)
        upsert_rows(index.collection(), rows, vectors, {d["doc_id"]: d for d in store.documents()})
    return len(rows)


def evaluate(index) -> dict:
    from assistant.evaluation.gold import load_gold, shipped_gold
    from assistant.evaluation.runner import run_eval

    run = run_eval(index, load_gold(shipped_gold()))
    return run["systems"]["ours"]["summary"]["overall"]


def main() -> None:
    from assistant.index import Index

    parser = argparse.ArgumentParser()
    parser.add_argument("--index", default="index", help="a fully embedded index (it is copied, not changed)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-cuts-"))
    copy = work / "index"
    shutil.copytree(args.index, copy, ignore=shutil.ignore_patterns("ingest.lock", "pages", "stage"))
    try:
        index = Index(copy)
        total = index.chunk_count()
        restored = embed_everything(index)
        results = [("nothing cut", 0, evaluate(index))]
        cut: set[str] = set()
        for name, ids in rule_ids(index.store):
            new = [cid for cid in ids if cid not in cut]
            if new:
                index.collection().delete(ids=new)
            cut.update(new)
            results.append((f"+ {name}", len(new), evaluate(index)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = [("index", f"{args.index}: {total} chunks ({restored} boilerplate chunks given vectors for the 'before')")]
    base = results[0][2]
    for name, n, s in results:
        delta = "" if n == 0 else f" ({s['recall@5'] - base['recall@5']:+.3f})"
        rows.append((f"{name}: {n} chunks", f"R@5 {s['recall@5']:.3f}{delta} · R@10 {s['recall@10']:.3f} · "
                     f"MRR {s['mrr']:.3f} · accuracy {s['answer_accuracy']:.3f}"))
    rows.append(("embedding work saved", f"{len(cut)} of {total} chunks ({100 * len(cut) / total:.1f}%)"))
    report("Embedding cuts: retrieval before and after each", rows, "embedding-cuts",
           {"results": [{"rule": n, "chunks": c, "summary": s} for n, c, s in results], "total": total})


if __name__ == "__main__":
    main()
