"""Reading and writing gold sets (format: eval/README.md). Chat feedback becomes draft gold items in
assistant/feedback.py."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from assistant.config import REPO_ROOT

GOLD_DIR = REPO_ROOT / "eval" / "gold"
SHIPPED = ("questions.jsonl", "facts.jsonl", "understanding.jsonl", "understanding-facts.jsonl")
TYPES = ("finding", "followup", "theme", "framework", "unanswerable", "fact")
ANSWERABLE = ("finding", "followup", "theme", "framework", "fact")
PASSAGE_TYPES = ("finding", "followup", "theme", "framework")
ITEM_KEYS = ("id", "type", "question", "history", "index", "filters", "era", "local_authority", "answer",
             "evidence", "notes")
FILTER_KEYS = ("local_authority", "year_from", "year_to", "kind", "area", "grade")
# An evidence snippet is a verbatim run of 6 to 25 words of its page.
SNIPPET_MIN_WORDS, SNIPPET_MAX_WORDS = 6, 25


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


def needs_full_index(item: dict) -> bool:
    return item.get("index") == "all"


def era_of(item: dict) -> str:
    return item.get("era") or ("framework" if item.get("type") == "framework" else "none/mixed")
