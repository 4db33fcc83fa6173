"""Which gold items a run can score, and how one answer is scored against its item: the pieces both the
assistant's run (runner.py) and the naive baseline's (baseline.py) use."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from assistant.config import resolve_corpus
from assistant.evaluation import metrics as M
from assistant.evaluation.gold import era_of, needs_full_index
from assistant.index import Index

SKIP_FULL = "needs the full-history index"
SKIP_NOT_INDEXED = "evidence document not in this index"


# --------------------------------------------------------------------------- selection

def index_scope(index: Index) -> str:
    """"all" when every report of the corpus is indexed; else what the index holds."""
    scope = index.store.get_meta("scope") or "latest"
    if scope == "all" and index.coverage().waiting:
        return "all, older reports not indexed yet"
    return scope


def select_items(items: list[dict], types: Iterable[str] | None = None, limit: int | None = None) -> list[dict]:
    types = {t.strip() for t in types or [] if t and t.strip()}
    chosen = [i for i in items if not types or i["type"] in types]
    return chosen[:limit] if limit else chosen


def skip_reason(item: dict, scope: str, indexed_paths: set[str]) -> str | None:
    if needs_full_index(item) and scope != "all":
        return SKIP_FULL
    docs = {e["doc"] for e in item.get("evidence") or []}
    if docs and not docs & indexed_paths:
        return SKIP_NOT_INDEXED
    return None


def corpus_for(index: Index, explicit: str | Path | None = None) -> Path:
    """The corpus folder: given, else the one the index was built from (if still there), else the default."""
    if explicit:
        return Path(explicit)
    remembered = index.store.get_meta("corpus")
    if remembered and Path(remembered).is_dir():
        return Path(remembered)
    return resolve_corpus()


def indexed_paths(index: Index) -> dict[str, str]:
    """Corpus-relative path -> doc_id, including the other paths of duplicate files."""
    out = {}
    for doc in index.documents().values():
        out[doc.path] = doc.doc_id
        for p in doc.other_paths:
            out[p] = doc.doc_id
    return out


# --------------------------------------------------------------------------- relevance

def evidence_matches(evidence: list[dict], doc_paths: set[str], text: str) -> set[int]:
    """Indices of the evidence entries a retrieved passage (from a document known by `doc_paths`) holds."""
    return {i for i, e in enumerate(evidence) if e["doc"] in doc_paths and M.snippet_in_text(e["snippet"], text)}


def retrieval_scores(evidence: list[dict], matches: list[set[int]]) -> dict[str, Any]:
    relevance = [bool(m) for m in matches]
    gains = M.dedup_gains(matches)
    found = set().union(*matches[:10]) if matches else set()
    return {
        "recall@5": M.recall_at_k(relevance, 5),
        "recall@10": M.recall_at_k(relevance, 10),
        "mrr": M.reciprocal_rank(relevance, 10),
        "ndcg@10": M.ndcg_at_k(gains, len(evidence), 10),
        "evidence_coverage@10": len(found) / len(evidence) if evidence else None,
        "first_relevant_rank": M.first_relevant_rank(relevance),
    }


def citation_precise(evidence: list[dict], path: str, page: int | None, quote: str, aliases: set[str] | None = None) -> bool:
    """The citation points at an expected passage: same document, same page (or the next page when the
    quote runs over a page break; any page when the system has no page numbers) and the quote overlaps
    the snippet."""
    paths = aliases or {path}
    for e in evidence:
        if e["doc"] not in paths:
            continue
        if page is not None and e.get("page") not in (page, page + 1):
            continue
        if M.snippet_overlap(e["snippet"], quote):
            return True
    return False


def answer_correct(item: dict, answer: dict, aliases: dict[str, set[str]] | None = None) -> bool | None:
    """`aliases`: path -> every path of the same document (identical files stored under two names)."""
    kind = item["type"]
    if kind == "unanswerable":
        return bool(answer.get("refused"))
    if kind == "fact":
        return M.fact_correct(item.get("answer"), answer.get("fact"))
    if answer.get("refused"):
        return False
    ev = item.get("evidence") or []
    for c in answer.get("citations") or []:
        paths = (aliases or {}).get(c.get("path"), {c.get("path")})
        for e in ev:
            if e["doc"] in paths and M.snippet_overlap(e["snippet"], c.get("quote") or ""):
                return True
    return False


def base_record(item: dict) -> dict:
    return {
        "id": item["id"], "type": item["type"], "era": era_of(item), "index": item.get("index"),
        "question": item["question"], "history": item.get("history") or [], "filters": item.get("filters") or {},
        "expected": item.get("answer"), "local_authority": item.get("local_authority"),
        "evidence": [{k: e.get(k) for k in ("doc", "page", "paragraph", "snippet")} for e in item.get("evidence") or []],
        "should_refuse": item["type"] == "unanswerable", "skipped": None,
    }
