"""Feedback from the chat page, and its export as draft gold-set items (eval/README.md's JSONL format).

Each stored feedback becomes one line, id `feedback-NNN` (the feedback's row id, so re-exports are stable):

* rated "helpful" with citations: the cited quotes become the evidence, and the type is `followup` when the
  question had earlier turns, `framework` when only framework documents were cited, otherwise `finding`;
* rated "helpful" when the assistant declined (nothing cited): `unanswerable` with no evidence;
* rated "not helpful" or "wrong evidence": `unanswerable` with no evidence, because the user rejected what
  was quoted. The notes keep the rating, the comment, the earlier turns and the rejected citations, so a
  reviewer can either confirm the item or find the real evidence and turn it into a `finding`.

Every line is a draft: snippets are the assistant's verbatim quotes cut to the gold set's 25-word limit, so
check them with `python eval/check_gold.py FILE` before adding them to eval/gold/.
"""
from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

from assistant.domain import FRAMEWORKS, latest_per_council
from assistant.evaluation.gold import FILTER_KEYS, SNIPPET_MAX_WORDS, SNIPPET_MIN_WORDS
from assistant.models import Answer, DocumentInfo

RATINGS = ("helpful", "not helpful", "wrong evidence")


def feedback_record(question: str, answer: Answer | None, rating: str, comment: str | None = None,
                    filters: dict | None = None, history: list[str] | None = None) -> dict:
    """What `Store.add_feedback` keeps: the question as asked, the filters the user chose, and the citations."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {', '.join(RATINGS)}")
    citations = []
    for c in (answer.citations if answer else []):
        citations.append({
            "n": c.n, "doc_id": c.doc_id, "path": c.path, "title": c.title, "kind": c.kind,
            "local_authority": c.local_authority, "published": c.published.isoformat() if c.published else None,
            "section": c.section, "paragraph": c.paragraph, "page": c.page, "quote": c.quote,
        })
    return {
        "created": time.time(), "question": question, "answer": answer.answer if answer else None,
        "rating": rating, "comment": (comment or "").strip() or None, "citations": citations,
        "filters": filters or {}, "history": list(history or []),
    }


def snippet(quote: str) -> str | None:
    """A quote cut to the gold set's 6-25 words, from its start so it stays verbatim; None if too short."""
    words = quote.lstrip("\u2022-* ").split()
    if len(words) < SNIPPET_MIN_WORDS:
        return None
    return " ".join(words[:SNIPPET_MAX_WORDS])


def _gold_filters(filters: dict) -> dict:
    return {k: filters[k] for k in FILTER_KEYS if filters.get(k) not in (None, "", [])}


def gold_item(row: dict, docs: dict[str, DocumentInfo]) -> dict | None:
    """One feedback row as a draft gold item; None when a helpful answer has no quote long enough to use."""
    cits = row.get("citations") or []
    history = [h for h in (row.get("history") or []) if isinstance(h, str) and h.strip()]
    rating = row.get("rating") or ""
    by_path = {d.path: d for d in docs.values()}
    reports = [d for d in docs.values() if d.kind == "report"]
    full_history = len({d.local_authority for d in reports}) < len(reports)
    created = dt.datetime.fromtimestamp(row.get("created") or 0).strftime("%Y-%m-%d %H:%M")
    notes = [f"From chat feedback of {created}, rated '{rating}'."]
    if row.get("comment"):
        notes.append(f"Comment: {row['comment']}")
    item = {"id": f"feedback-{int(row['id']):03d}", "type": "unanswerable", "question": row["question"],
            "index": "all" if full_history else "default", "filters": _gold_filters(row.get("filters") or {}),
            "era": None, "local_authority": None, "answer": None, "evidence": []}
    las = sorted({c["local_authority"] for c in cits if c.get("local_authority")})
    chosen_las = item["filters"].get("local_authority") or []
    if rating == "helpful" and cits:
        evidence, seen = [], set()
        for c in cits:
            text = snippet(c.get("quote") or "")
            key = (c["path"], c["page"], text)
            if text and key not in seen:
                seen.add(key)
                evidence.append({"doc": c["path"], "page": int(c["page"]), "paragraph": c.get("paragraph") or None, "snippet": text})
        if not evidence:
            return None
        cited = [by_path.get(e["doc"]) for e in evidence]
        cited_reports = [d for d in cited if d is not None and d.kind == "report"]
        if history:
            item["type"], item["history"] = "followup", history
        else:
            item["type"] = "finding" if cited_reports else "framework"
        latest = {d.path for d in latest_per_council(d for d in docs.values() if d.kind == "report").values()}
        item["index"] = "all" if any(d.path not in latest for d in cited_reports) else "default"
        eras = {d.framework for d in cited_reports}
        era = next(iter(eras)) if len(eras) == 1 else None
        item["era"] = era if era in FRAMEWORKS else None
        item["evidence"] = evidence
        item["local_authority"] = las[0] if len(las) == 1 else None
        notes.append("Evidence is the assistant's own quotes, cut to 25 words: check with eval/check_gold.py.")
    else:
        if history:
            notes.append("Asked after: " + " | ".join(history))
        if cits:
            rejected = "; ".join(f"{c['path']} p.{c['page']}: \u201c{snippet(c.get('quote') or '') or c.get('quote')}\u201d" for c in cits[:5])
            notes.append(f"The user rejected the quoted evidence ({rejected}). Confirm the corpus does not answer "
                         "this, or add the right evidence and make it a finding.")
        elif rating != "helpful":
            notes.append("The assistant declined and the user disagreed: look for evidence, and make this a finding if found.")
        item["local_authority"] = chosen_las[0] if len(chosen_las) == 1 else None
    item["notes"] = " ".join(notes)
    return item


def gold_items(rows: list[dict], docs: dict[str, DocumentInfo]) -> tuple[list[dict], int]:
    items = [gold_item(r, docs) for r in rows]
    kept = [i for i in items if i is not None]
    return kept, len(items) - len(kept)


def export_gold(index, out) -> tuple[int, int]:
    """Write every stored feedback as a JSONL line to `out` (a path, or a text stream); (written, skipped)."""
    items, skipped = gold_items(index.store.feedback(), index.documents())
    text = "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items)
    if hasattr(out, "write"):
        out.write(text)
    else:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")
    return len(items), skipped
