"""How well answers are composed, beside whether they are right: a lead of complete, cited sentences; the lead
citing the expected evidence; no paragraph cited twice; suggested follow-ups that get answers; and the
strength/weakness labels measured on the hand-labelled sentences in eval/stance/."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from assistant.stance import STANCES, classify

STANCE_LABELS = Path(__file__).resolve().parents[2] / "eval" / "stance" / "labels.jsonl"
# Drawn the same way from 16 other councils and labelled after the rules were tuned on STANCE_LABELS: the
# fair figure for how the rules generalise.
STANCE_HELDOUT = STANCE_LABELS.with_name("heldout.jsonl")
_COMPLETE = re.compile(r"^[\"“‘(]?[A-Z0-9].*[.!?][\"”’)]?$", re.S)


def lead_of(answer) -> object | None:
    return next((b for b in answer.blocks if b.kind == "lead"), None)


def lead_ok(answer) -> bool:
    """Every sentence of the lead is complete, and the lead cites evidence (a count or list cites every row of
    its table instead: one number per council in the lead would bury it)."""
    lead = lead_of(answer)
    if lead is None or not lead.sentences:
        return False
    if not all(_COMPLETE.match(s.text.strip()) for s in lead.sentences):
        return False
    if any(s.cites for s in lead.sentences):
        return True
    tables = [b for b in answer.blocks if b.kind == "table"]
    return bool(tables) and all(r.cites for t in tables for r in t.rows)


def lead_citations(answer) -> set[int]:
    lead = lead_of(answer)
    return {n for s in lead.sentences for n in s.cites} if lead else set()


def duplicate_sources(answer) -> int:
    """Citations of one paragraph (or one quote) under more than one number."""
    keys = Counter()
    for c in answer.citations:
        keys[(c.path, c.paragraph) if c.paragraph else (c.path, c.page, c.quote)] += 1
    return sum(n - 1 for n in keys.values() if n > 1)


def follow_ups(answer) -> list[str]:
    return [q for b in answer.blocks if b.kind == "follow_ups" for q in b.questions]


def stance_accuracy(path: Path = STANCE_LABELS) -> dict | None:
    """Accuracy of `stance.classify` on the labelled sentences (with the heading each sits under)."""
    if not path.exists():
        return None
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    confusion = Counter()
    by_era: dict[str, list[bool]] = {}
    for r in rows:
        got = classify(r["sentence"], r.get("section"))
        confusion[(r["label"], got)] += 1
        by_era.setdefault(r["era"], []).append(got == r["label"])
    right = sum(n for (want, got), n in confusion.items() if want == got)
    per_label = {}
    for label in STANCES:
        total = sum(n for (want, _), n in confusion.items() if want == label)
        per_label[label] = {"n": total, "recall": (confusion[(label, label)] / total) if total else None}
    return {"n": len(rows), "reports": len({r["doc"] for r in rows}), "accuracy": right / len(rows) if rows else None,
            "by_label": per_label, "by_era": {e: sum(v) / len(v) for e, v in sorted(by_era.items())},
            "confusion": {f"{w}->{g}": n for (w, g), n in sorted(confusion.items())}}
