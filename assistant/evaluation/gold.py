"""Reading and writing gold sets (format: eval/README.md), and turning user feedback into draft gold items."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable

from assistant.config import REPO_ROOT

GOLD_DIR = REPO_ROOT / "eval" / "gold"
SHIPPED = ("questions.jsonl", "facts.jsonl")
TYPES = ("finding", "followup", "theme", "framework", "unanswerable", "fact")
ANSWERABLE = ("finding", "followup", "theme", "framework", "fact")
PASSAGE_TYPES = ("finding", "followup", "theme", "framework")
ITEM_KEYS = ("id", "type", "question", "history", "index", "filters", "era", "local_authority", "answer",
             "evidence", "notes")
POSITIVE = {"up", "good", "helpful", "positive", "yes", "true", "1", "+1", "thumbs_up", "like", "liked", "correct"}


def shipped_gold() -> list[Path]:
    return [GOLD_DIR / name for name in SHIPPED]


def load_gold(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    """Items of one or more JSON Lines files, in file order; blank lines are skipped, ids must be unique."""
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path in paths:
        path = Path(path)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path.name}:{n}: not JSON: {exc}") from exc
            for key in ("id", "type", "question"):
                if key not in item:
                    raise ValueError(f"{path.name}:{n}: missing {key!r}")
            if item["type"] not in TYPES:
                raise ValueError(f"{path.name}:{n}: unknown type {item['type']!r}")
            if item["id"] in seen:
                raise ValueError(f"{path.name}:{n}: duplicate id {item['id']!r}")
            seen.add(item["id"])
            item.setdefault("index", "default")
            item.setdefault("filters", {})
            item.setdefault("evidence", [])
            item.setdefault("history", [])
            item["_file"] = path.name
            items.append(item)
    return items


def write_gold(items: Iterable[dict[str, Any]], path: str | Path) -> Path:
    """Write items as JSON Lines in the gold format (fields in the documented order, unknown keys dropped).
    Check the result with `python eval/check_gold.py <path>` before using it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for item in items:
        row = {k: item[k] for k in ITEM_KEYS if k in item and not (k == "history" and not item[k])}
        lines.append(json.dumps(row, ensure_ascii=False))
    path.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
    return path


def _snippet(quote: str, max_words: int = 25) -> str:
    words = " ".join(str(quote).split()).split(" ")
    return " ".join(words[:max_words]).rstrip(",;:")


def _is_positive(rating: Any) -> bool:
    if isinstance(rating, bool):
        return rating
    if isinstance(rating, (int, float)):
        return rating > 0
    return str(rating or "").strip().lower() in POSITIVE


def export_feedback_as_gold(records: Iterable[dict[str, Any]], prefix: str = "fb", index: str = "all") -> list[dict]:
    """Draft gold items from feedback records (`Store.feedback()` rows: question, answer, rating, comment,
    citations, filters, history). Only positively rated answers are used: one with citations becomes a
    `finding` (`followup` when it had earlier turns) whose evidence is its cited quotes (first 25 words);
    a positively rated refusal becomes `unanswerable`. `index` defaults to "all" because a cited report may
    not be its council's latest; a reviewer should tighten it, pick the type and check the snippets with
    eval/check_gold.py. Negative feedback is not gold: read it, then write the right answer by hand."""
    out: list[dict] = []
    for n, rec in enumerate(records, 1):
        if not _is_positive(rec.get("rating")):
            continue
        question = str(rec.get("question") or "").strip()
        if not question:
            continue
        citations = rec.get("citations") or []
        if isinstance(citations, str):
            citations = json.loads(citations or "[]")
        history = rec.get("history") or []
        if isinstance(history, str):
            history = json.loads(history or "[]")
        history = [h if isinstance(h, str) else str((h or {}).get("question", "")) for h in history]
        filters = rec.get("filters") or {}
        if isinstance(filters, str):
            filters = json.loads(filters or "{}")
        filters = {k: v for k, v in filters.items() if k in ("local_authority", "year_from", "year_to", "kind", "area", "grade") and v}
        evidence = []
        for c in citations:
            quote = c.get("quote") or ""
            if not c.get("path") or len(quote.split()) < 6:
                continue
            evidence.append({"doc": c["path"], "page": int(c.get("page") or 1), "paragraph": c.get("paragraph"),
                             "snippet": _snippet(quote)})
        kinds = {c.get("kind") for c in citations}
        if evidence:
            kind = "framework" if kinds == {"framework"} else ("followup" if history else "finding")
        elif not citations:
            kind = "unanswerable"
        else:
            continue
        las = sorted({c.get("local_authority") for c in citations if c.get("local_authority")})
        ident = rec.get("id", n)
        comment = (rec.get("comment") or "").strip()
        out.append({
            "id": f"{prefix}-{kind}-{int(ident):03d}" if str(ident).isdigit() else f"{prefix}-{kind}-{ident}",
            "type": kind, "question": question, **({"history": history} if history and kind == "followup" else {}),
            "index": index, "filters": filters, "era": None,
            "local_authority": las[0] if len(las) == 1 else None, "answer": None, "evidence": evidence,
            "notes": "From user feedback" + (f": {comment}" if comment else "") + ". Review before use.",
        })
    return out


def needs_full_index(item: dict) -> bool:
    return item.get("index") == "all"


def era_of(item: dict) -> str:
    return item.get("era") or ("framework" if item.get("type") == "framework" else "none/mixed")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
